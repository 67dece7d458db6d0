package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// @inaccessible hides a type, field, argument or enum value from the
// gateway's clients while the subgraphs keep using it (the federation
// spec's client schema): a client can neither select, pass nor introspect
// it.

const shopSDL = fedV2 + `
type Query {
  products: [Product!]!
  audit: AuditLog @inaccessible
}

type Mutation {
  rename(id: ID!, name: String!, reason: String @inaccessible): Product!
}

type Product @key(fields: "id") {
  id: ID!
  name: String!
  cost: Int @inaccessible
  price(currency: Currency = EUR, discountCode: String @inaccessible): Int!
}

enum Currency {
  EUR
  USD
  INTERNAL_CREDITS @inaccessible
}

type AuditLog @inaccessible {
  entries: [String!]!
}
`

func shopFixture() fixture {
	return fixture{name: "shop", sdl: shopSDL,
		root: obj{
			"products": []any{obj{"__typename": "Product", "id": "p1", "name": "Lamp", "cost": 7,
				"price": func(a obj) any {
					if a["currency"] == "USD" {
						return 12
					}
					return 10
				}}},
			"audit": obj{"__typename": "AuditLog", "entries": []any{"secret"}},
			"rename": func(a obj) any {
				return obj{"__typename": "Product", "id": a["id"], "name": a["name"]}
			},
		},
		entity: func(rep obj) obj { return obj{"__typename": "Product", "id": rep["id"], "name": "Lamp"} },
	}
}

func TestInaccessibleFieldsArgumentsEnumValuesAndTypesCannotBeUsed(t *testing.T) {
	c := composeFixtures(t, shopFixture())
	c.query(`{ products { name price(currency: USD) } }`, nil).wantData(t, `{"products":[{"name":"Lamp","price":12}]}`)

	for _, q := range []string{
		`{ products { cost } }`,
		`{ audit { entries } }`,
		`{ products { price(discountCode: "x") } }`,
		`{ products { price(currency: INTERNAL_CREDITS) } }`,
		`query($c: Currency!) { products { price(currency: $c) } }`,
		`{ products { ... on AuditLog { entries } } }`,
		`mutation { rename(id: "p1", name: "Lamp", reason: "x") { name } }`,
	} {
		r := c.query(q, map[string]any{"c": "INTERNAL_CREDITS"})
		if r.status != 400 || r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s: status %d, errors %+v, data %s; want 400 BAD_USER_INPUT", q, r.status, r.Errors, r.Data)
		}
	}
	if n := c.fx[0].count(); n != 1 {
		t.Errorf("shop was called %d times, want once (only for the valid query)", n)
	}
	c.query(`mutation { rename(id: "p1", name: "Desk") { name } }`, nil).wantData(t, `{"rename":{"name":"Desk"}}`)
}

func TestInaccessibleElementsAreAbsentFromIntrospection(t *testing.T) {
	c := composeFixtures(t, shopFixture())
	r := c.query(`{
  __schema { types { name fields { name args { name } } enumValues { name } } }
  audit: __type(name: "AuditLog") { name }
}`, nil)
	var got struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct {
					Name string
					Args []struct{ Name string }
				}
				EnumValues []struct{ Name string }
			}
		} `json:"__schema"`
		Audit *struct{ Name string }
	}
	r.decode(t, &got)
	if got.Audit != nil {
		t.Errorf("__type(name: AuditLog) = %+v, want null", got.Audit)
	}
	raw, _ := json.Marshal(got.Schema)
	for _, hidden := range []string{"AuditLog", `"audit"`, `"cost"`, "discountCode", "INTERNAL_CREDITS"} {
		if strings.Contains(string(raw), hidden) {
			t.Errorf("introspection shows %s: %s", hidden, raw)
		}
	}
	for _, shown := range []string{`"Product"`, `"price"`, `"currency"`, `"USD"`} {
		if !strings.Contains(string(raw), shown) {
			t.Errorf("introspection lacks %s: %s", shown, raw)
		}
	}
}

// With @inaccessible elements the engine's own introspection would show
// them, so introspection is answered apart and cannot share an operation
// with other root fields.
func TestIntrospectionBesideOtherRootFieldsIsRefusedWhenTheSchemaHasInaccessibleElements(t *testing.T) {
	c := composeFixtures(t, shopFixture())
	r := c.query(`{ __type(name: "Product") { name } products { name } }`, nil)
	if r.status != 400 || r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "introspect") {
		t.Fatalf("status %d, errors %+v; want 400 BAD_USER_INPUT saying why", r.status, r.Errors)
	}
	c.query(`{ __typename __type(name: "Currency") { enumValues { name } } }`, nil).
		wantData(t, `{"__typename":"Query","__type":{"enumValues":[{"name":"EUR"},{"name":"USD"}]}}`)
	c.query(`{ __typename products { name } }`, nil).wantData(t, `{"__typename":"Query","products":[{"name":"Lamp"}]}`)
}
