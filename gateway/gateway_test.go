package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestQueryAcrossThreeSubgraphsFetchesEachSubgraphOncePerLevel(t *testing.T) {
	h := start(t)
	h.sg.reset()
	// accounts: Team (root); infra: Team.clusters (level 1);
	// console: Cluster.apps (level 2); infra again: App.cluster.name (level 3).
	r := h.query(alice, `{
	  team(slug: "acme") {
	    displayName
	    clusters { name apps { name cluster { name } } }
	  }
	}`, nil)
	var got struct {
		Team struct {
			DisplayName string
			Clusters    []struct {
				Name string
				Apps []struct {
					Name    string
					Cluster struct{ Name string }
				}
			}
		}
	}
	r.decode(t, &got)
	if got.Team.DisplayName != "Acme Corp" || len(got.Team.Clusters) != 2 {
		t.Fatalf("team = %+v", got.Team)
	}
	want := map[string][]string{"eu-1": {"web", "api"}, "us-1": {"db"}}
	for _, c := range got.Team.Clusters {
		var names []string
		for _, a := range c.Apps {
			names = append(names, a.Name)
			if a.Cluster.Name != c.Name {
				t.Errorf("app %s: cluster %q, want %q", a.Name, a.Cluster.Name, c.Name)
			}
		}
		if strings.Join(names, ",") != strings.Join(want[c.Name], ",") {
			t.Errorf("cluster %s apps = %v, want %v", c.Name, names, want[c.Name])
		}
	}

	if n := len(h.sg.accounts.seen()); n != 1 {
		t.Errorf("accounts got %d requests, want 1", n)
	}
	console := h.sg.console.seen()
	if len(console) != 1 || console[0].reps != 2 {
		t.Errorf("console got %+v, want one _entities request with both clusters", console)
	}
	infra := h.sg.infra.seen()
	if len(infra) != 2 {
		t.Fatalf("infra got %d requests, want 2 (one per level)", len(infra))
	}
	// Level 3 asks for the clusters of three apps in one batch (the
	// engine may de-duplicate the two apps on eu-1).
	if infra[0].reps != 1 || infra[1].reps < 2 {
		t.Errorf("infra representations per request = %d, %d; want 1 team, then all app clusters at once", infra[0].reps, infra[1].reps)
	}
}

func TestSubgraphErrorCodesPassThrough(t *testing.T) {
	h := start(t)
	tests := []struct {
		name, query string
		code, field string
	}{
		{"not found from console", `{ app(id: "nope") { name } }`, "NOT_FOUND", ""},
		{"not found from accounts", `{ team(slug: "nope") { displayName } }`, "NOT_FOUND", ""},
		{"bad input with field", `mutation { createApp(cluster: "c1", name: "") { id } }`, "BAD_USER_INPUT", "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.query(alice, tt.query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", r.Errors)
			}
			if r.code() != tt.code {
				t.Errorf("code = %q, want %q (%+v)", r.code(), tt.code, r.Errors[0])
			}
			if tt.field != "" && r.Errors[0].Extensions["field"] != tt.field {
				t.Errorf("field = %v, want %q", r.Errors[0].Extensions["field"], tt.field)
			}
			if _, leaked := r.Errors[0].Extensions["statusCode"]; leaked {
				t.Errorf("subgraph status leaked: %+v", r.Errors[0])
			}
		})
	}
	t.Run("forbidden for a team-less principal", func(t *testing.T) {
		r := h.query(as{"Authorization": "Bearer tok-alice"}, `mutation { createApp(cluster: "c1", name: "x") { id } }`, nil)
		if r.code() != "FORBIDDEN" {
			t.Errorf("errors = %+v, want FORBIDDEN", r.Errors)
		}
	})
}

func TestMutationResultResolvesAcrossSubgraphs(t *testing.T) {
	h := start(t)
	r := h.query(alice, `mutation($c: ID!) { createApp(cluster: $c, name: "worker") { name cluster { apps { name } } } }`, map[string]any{"c": "c2"})
	var got struct {
		CreateApp struct {
			Name    string
			Cluster struct{ Apps []struct{ Name string } }
		}
	}
	r.decode(t, &got)
	raw, _ := json.Marshal(got)
	if got.CreateApp.Name != "worker" || len(got.CreateApp.Cluster.Apps) != 2 {
		t.Fatalf("createApp = %s", raw)
	}
}
