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
	} {
		r := c.query(q, map[string]any{"c": "INTERNAL_CREDITS"})
		if r.status != 400 || r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s: status %d, errors %+v, data %s; want 400 BAD_USER_INPUT", q, r.status, r.Errors, r.Data)
		}
	}
	if n := c.fx[0].count(); n != 1 {
		t.Errorf("shop was called %d times, want once (only for the valid query)", n)
	}
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
