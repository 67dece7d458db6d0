package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The kinds of managed service a cluster runs and their versions come from
// the server (the CLI completes --version with them), for any signed-in
// caller, team or not: the default version first, and for each version
// what it upgrades to in place.
func TestRunnableKindsAnswerEachKindsVersionsAndUpgrades(t *testing.T) {
	base, admin := startServer(t)
	d := mustData(t)(gql(t, base, admin, "", `{ runnableKinds { kind port versions upgrades { from to } } }`, nil))
	raw, _ := json.Marshal(d)
	var got struct {
		RunnableKinds []struct {
			Kind     string
			Port     int
			Versions []string
			Upgrades []struct {
				From string
				To   []string
			}
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	byKind := map[string]string{}
	for _, k := range got.RunnableKinds {
		s := k.Versions[0] + " of " + strings.Join(k.Versions, ",")
		for _, u := range k.Upgrades {
			if len(u.To) > 0 {
				s += "; " + u.From + "->" + strings.Join(u.To, ",")
			}
		}
		byKind[k.Kind] = s
	}
	want := map[string]string{
		"POSTGRES": "17 of 17,16,15,14,13,18",
		"MYSQL":    "8.4 of 8.4,8.0,9; 8.4->9; 8.0->8.4",
		"REDIS":    "7.4 of 7.4,7.2,8,6.2; 7.4->8; 7.2->7.4,8; 6.2->7.2,7.4,8",
		"MONGODB":  "8.0 of 8.0,7.0,6.0",
	}
	for k, w := range want {
		if byKind[k] != w {
			t.Errorf("%s: %q, want %q", k, byKind[k], w)
		}
	}
	if len(byKind) != len(want) {
		t.Errorf("runnable kinds %v", byKind)
	}
}
