package apischema

import (
	"strings"
	"testing"
)

const fedLink = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
`

func TestComposeMergesSharedTypesAndDropsFederation(t *testing.T) {
	t.Parallel()
	out, err := Compose([]Subgraph{
		{"a", fedLink + `type PageInfo @shareable { hasNextPage: Boolean! }
type Team @key(fields: "slug") { slug: String! name: String! }
type Query { team: Team _service: String! }
enum Role { MEMBER }`},
		{"b", fedLink + `type PageInfo @shareable { hasNextPage: Boolean! }
type Team @key(fields: "slug") { slug: String! clusters: [String!]! }
type Query { clusters: [String!]! }
scalar _Any
union _Entity = Team
enum Role { ADMIN }`},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, gone := range []string{"@key", "@shareable", "@link", "_service", "_Any", "_Entity", "extend schema"} {
		if strings.Contains(s, gone) {
			t.Errorf("composed schema still has %s:\n%s", gone, s)
		}
	}
	for _, want := range []string{"slug: String!", "name: String!", "clusters: [String!]!", "team: Team", "MEMBER", "ADMIN"} {
		if !strings.Contains(s, want) {
			t.Errorf("composed schema lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, "type PageInfo") != 1 || strings.Count(s, "type Team") != 1 {
		t.Errorf("shared types appear more than once:\n%s", s)
	}
}

func TestComposeRefusesAFieldTwoSubgraphsTypeDifferently(t *testing.T) {
	t.Parallel()
	_, err := Compose([]Subgraph{
		{"a", `type Query { x: Int }`},
		{"b", `type Query { x: String }`},
	})
	if err == nil || !strings.Contains(err.Error(), "Query.x") {
		t.Fatalf("err = %v, want one naming Query.x", err)
	}
}

func TestTheRealSubgraphsCompose(t *testing.T) {
	t.Parallel()
	out, err := FromSubgraphs()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"type Query", "type Mutation", "type Subscription", "createCluster(", "teamEvents("} {
		if !strings.Contains(string(out), want) {
			t.Errorf("composed schema lacks %q", want)
		}
	}
}

// What a subgraph marks @inaccessible is not in the client-facing schema,
// as the gateway neither accepts nor shows it.
func TestComposeLeavesOutInaccessibleElements(t *testing.T) {
	t.Parallel()
	link := `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])
`
	out, err := Compose([]Subgraph{
		{"a", link + `type Query { products: [Product!]! audit: AuditLog @inaccessible }
type Product @key(fields: "id") { id: ID! cost: Int @inaccessible price(currency: Currency, code: String @inaccessible): Int! }
enum Currency { EUR USD CREDITS @inaccessible }
type AuditLog @inaccessible { entries: [String!]! }`},
		{"b", link + `type Product @key(fields: "id") { id: ID! cost: Int name: String! }`},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, gone := range []string{"AuditLog", "audit", "cost", "code", "CREDITS", "inaccessible"} {
		if strings.Contains(s, gone) {
			t.Errorf("composed schema still has %s:\n%s", gone, s)
		}
	}
	for _, want := range []string{"price(currency: Currency): Int!", "name: String!", "USD"} {
		if !strings.Contains(s, want) {
			t.Errorf("composed schema lacks %q:\n%s", want, s)
		}
	}
}
