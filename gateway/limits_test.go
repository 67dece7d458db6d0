package gateway_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"weft.dev/gateway"
)

func TestLimitsRefuseWithClearErrorsBeforeAnySubgraphCall(t *testing.T) {
	h := start(t, func(c *gateway.Config, _ *subgraphs) {
		c.Limits = gateway.Limits{MaxBodyBytes: 4096, MaxDepth: 4, MaxComplexity: 20}
	})
	many := make([]string, 25)
	for i := range many {
		many[i] = fmt.Sprintf("n%d: displayName", i)
	}
	// Each fragment doubles the one before: 2^12 fields once expanded,
	// from a tiny request.
	var bomb strings.Builder
	bomb.WriteString(`{ team(slug: "acme") { ...F0 } } fragment F12 on Team { displayName slug }`)
	for i := 11; i >= 0; i-- {
		fmt.Fprintf(&bomb, " fragment F%d on Team { ...F%d a%d: displayName ...F%d }", i, i+1, i, i+1)
	}
	body := func(q string) []byte {
		b, _ := json.Marshal(map[string]string{"query": q})
		return b
	}
	tests := []struct {
		name   string
		body   []byte
		status int
		msg    string
	}{
		{"too deep", body(`{ team(slug: "acme") { clusters { apps { cluster { apps { name } } } } } }`), http.StatusBadRequest, "nested 6 levels deep; the limit is 4"},
		{"too deep through a fragment", body(`{ team(slug: "acme") { ...C } } fragment C on Team { clusters { apps { cluster { name } } } }`), http.StatusBadRequest, "nested 5 levels deep; the limit is 4"},
		{"too many fields", body(`{ team(slug: "acme") { ` + strings.Join(many, " ") + ` } }`), http.StatusBadRequest, "selects 26 fields; the limit is 20"},
		{"fragment bomb", body(bomb.String()), http.StatusBadRequest, "fields; the limit is 20"},
		{"body too large", body(`{ team(slug: "acme") { displayName } }` + strings.Repeat(" ", 5000)), http.StatusRequestEntityTooLarge, "request body exceeds the limit of 4096 bytes"},
		{"not JSON", []byte(`query { whoami { userId } }`), http.StatusBadRequest, "not a GraphQL request"},
		{"syntax error", body(`{ team(slug: "acme") { displayName }`), http.StatusBadRequest, "unexpected"},
		{"unknown field", body(`{ team(slug: "acme") { owner } }`), http.StatusBadRequest, `Cannot query field "owner" on type "Team"`},
		{"subscription over POST", body(`subscription { appCreated { id } }`), http.StatusBadRequest, "websocket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.sg.reset()
			r := h.do(alice, tt.body)
			if r.status != tt.status {
				t.Errorf("status = %d, want %d", r.status, tt.status)
			}
			if len(r.Errors) != 1 || r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, tt.msg) {
				t.Errorf("errors = %+v, want one BAD_USER_INPUT containing %q", r.Errors, tt.msg)
			}
			if n := h.sg.total(); n != 0 {
				t.Errorf("%d subgraph requests for a refused request", n)
			}
		})
	}
	t.Run("within limits", func(t *testing.T) {
		r := h.query(alice, `{ team(slug: "acme") { clusters { apps { name } } } }`, nil)
		var got any
		r.decode(t, &got)
	})
}

// The query GraphiQL and code generators send to learn the schema.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

func TestStandardIntrospectionQueryFitsTheDefaultLimits(t *testing.T) {
	h := start(t)
	var got struct {
		Schema struct {
			Types []struct{ Name string }
		} `json:"__schema"`
	}
	h.query(alice, introspectionQuery, nil).decode(t, &got)
	names := map[string]bool{}
	for _, ty := range got.Schema.Types {
		names[ty.Name] = true
	}
	for _, want := range []string{"Team", "Cluster", "App", "Whoami"} {
		if !names[want] {
			t.Errorf("composed schema lacks %s", want)
		}
	}
	if names["_Service"] || names["_Entity"] {
		t.Errorf("federation internals leak into the supergraph: %v", names)
	}
}

func TestSDLIsReadThroughServiceQueryWhenThereIsNoSDLEndpoint(t *testing.T) {
	h := start(t, func(c *gateway.Config, _ *subgraphs) {
		for i := range c.Subgraphs {
			c.Subgraphs[i].SDLURL = c.Subgraphs[i].URL + "/missing-sdl"
		}
	})
	var got struct{ Team struct{ DisplayName string } }
	h.query(alice, `{ team(slug: "acme") { displayName } }`, nil).decode(t, &got)
	if got.Team.DisplayName != "Acme Corp" {
		t.Errorf("team = %+v", got)
	}
}
