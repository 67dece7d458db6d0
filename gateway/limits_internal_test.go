package gateway

import (
	"testing"

	"github.com/wundergraph/graphql-go-tools/execution/graphql"
)

// A connection (a field taking `first`) multiplies what is selected inside
// it by its page: the rows a query may fan out to. Lists nested in lists
// are the wide-list bomb that field counting alone misses.
func TestCostWeighsSelectionsByThePagesAroundThem(t *testing.T) {
	schema, err := graphql.NewSchemaFromString(`
schema { query: Query }
type Query { apps(first: Int, after: String): AppConnection! team: Team }
type Team { apps(first: Int): AppConnection! slug: String! }
type AppConnection { edges: [AppEdge!]! pageInfo: PageInfo! }
type AppEdge { node: App! cursor: String! }
type PageInfo { hasNextPage: Boolean! }
type App { name: String! ports: [Int!]! team: Team! }
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		query     string
		variables string
		fields    int
		weight    int
	}{
		{"no list", `{ team { slug } }`, ``, 2, 2},
		// apps + 500 x (edges, node, name)
		{"one page", `{ apps(first: 500) { edges { node { name } } } }`, ``, 4, 1 + 500*3},
		{"default page", `{ apps { edges { node { name } } } }`, ``, 4, 1 + 50*3},
		{"page from a variable", `query($n: Int) { apps(first: $n) { edges { node { name } } } }`, `{"n": 200}`, 4, 1 + 200*3},
		{"null variable: default page", `query($n: Int) { apps(first: $n) { edges { node { name } } } }`, `{"n": null}`, 4, 1 + 50*3},
		// apps(500) > edges > node > team > apps(500) > edges > node > name
		{"pages in pages", `{ apps(first: 500) { edges { node { team { apps(first: 500) { edges { node { name } } } } } } } }`, ``, 8,
			1 + 500*(3+1+500*3)},
		{"through a fragment", `{ apps(first: 500) { ...E } } fragment E on AppConnection { edges { node { team { apps(first: 500) { ...E2 } } } } } fragment E2 on AppConnection { edges { node { name } } }`, ``, 8,
			1 + 500*(3+1+500*3)},
		{"through an inline fragment", `{ team { ... on Team { apps(first: 10) { edges { node { __typename n: name } } } } } }`, ``, 6, 2 + 10*4},
		{"a plain list is one", `{ apps(first: 2) { edges { node { ports } } } }`, ``, 4, 1 + 2*3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := graphql.Request{Query: tt.query}
			if _, err := req.OperationType(); err != nil {
				t.Fatal(err)
			}
			c, cycle := measure(req.Document(), schema.Document(), "", []byte(tt.variables))
			if cycle != "" {
				t.Fatalf("cycle %s", cycle)
			}
			if c.fields != tt.fields || c.weight != tt.weight {
				t.Errorf("fields %d weight %d, want %d and %d", c.fields, c.weight, tt.fields, tt.weight)
			}
		})
	}
}

// Pages nested deeper than any number fits saturate instead of wrapping
// around to something small.
func TestCostSaturates(t *testing.T) {
	schema, err := graphql.NewSchemaFromString(`
schema { query: Query }
type Query { l(first: Int): L! }
type L { l(first: Int): L! x: Int }
`)
	if err != nil {
		t.Fatal(err)
	}
	q := `{ l(first: 2147483647) { l(first: 2147483647) { l(first: 2147483647) { l(first: 2147483647) { x } } } } }`
	req := graphql.Request{Query: q}
	if _, err := req.OperationType(); err != nil {
		t.Fatal(err)
	}
	c, _ := measure(req.Document(), schema.Document(), "", nil)
	if c.weight != costCap {
		t.Errorf("weight %d, want the cap %d", c.weight, costCap)
	}
}
