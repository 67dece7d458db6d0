package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Creating a team answers with the new team's fields from every subgraph
// (its clusters, apps and events are empty, not refused); the borrowed
// ownership covers that one createTeam only: beside another root field, or
// for a name another team already has, nothing of the existing team is read
// or changed.
func TestCreateTeamReturnsTheNewTeamsFieldsFromEverySubgraphAndGrantsNothingElse(t *testing.T) {
	base, admin := startServer(t)
	must := mustData(t)
	tokens := map[string]string{}
	for _, u := range []string{"alice", "mallory"} {
		d := must(gql(t, base, admin, "", `mutation($u: String!) { createUser(input: {username: $u, displayName: $u}) { user { id } } }`, map[string]any{"u": u}))
		id := path(d, "createUser", "user", "id").(string)
		d = must(gql(t, base, admin, "", `mutation($u: ID!) { createToken(input: {userId: $u}) { secret } }`, map[string]any{"u": id}))
		tokens[u] = path(d, "createToken", "secret").(string)
	}
	const nested = `team { slug clusters { edges { node { name } } } apps { edges { node { name } } } environments { edges { node { name } } } }`
	for _, c := range []struct{ name, query string }{
		{"literal", `mutation { createTeam(input: {slug: "acme", displayName: "Acme"}) { seq ` + nested + ` } }`},
		{"variables", `mutation($in: CreateTeamInput!) { createTeam(input: $in) { seq ` + nested + ` } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			slug := "acme-" + c.name
			q := strings.Replace(c.query, `"acme"`, `"`+slug+`"`, 1)
			d := must(gql(t, base, tokens["alice"], "", q, map[string]any{"in": map[string]any{"slug": slug, "displayName": "Acme"}}))
			team, _ := path(d, "createTeam", "team").(map[string]any)
			if team["slug"] != slug || path(team, "clusters", "edges") == nil || path(team, "apps", "edges") == nil {
				t.Fatalf("createTeam answered %v", d)
			}
		})
	}
	must(gql(t, base, tokens["alice"], "acme-literal", `mutation { createCluster(input: {name: "alice-cluster"}) { seq } }`, nil))

	// Mallory names alice's team: the creation fails and reads nothing.
	status, out := gql(t, base, tokens["mallory"], "", `mutation { createTeam(input: {slug: "acme-literal", displayName: "X"}) { seq `+nested+` } }`, nil)
	if body := asJSON(out); out["errors"] == nil || strings.Contains(body, "alice-cluster") {
		t.Fatalf("status %d: %s", status, body)
	}
	// Beside another root field the principal is left as it was: the
	// cluster mutation has no team to act in.
	status, out = gql(t, base, tokens["mallory"], "", `mutation { createTeam(input: {slug: "acme-literal", displayName: "X"}) { seq } createCluster(input: {name: "evil"}) { seq } }`, nil)
	if out["errors"] == nil {
		t.Fatalf("status %d: %v", status, out)
	}
	d := must(gql(t, base, tokens["alice"], "acme-literal", `{ clusters { edges { node { name } } } }`, nil))
	if body := asJSON(d); strings.Contains(body, "evil") || !strings.Contains(body, "alice-cluster") {
		t.Fatalf("alice's clusters: %s", body)
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
