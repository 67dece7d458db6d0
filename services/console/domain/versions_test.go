package domain_test

import (
	"slices"
	"testing"

	cd "weft.dev/services/console/domain"
)

// What Upgrades offers (the CLI completes --version with it, through the
// runnableKinds query) is exactly what DecideChangeInstance accepts: for
// every kind a cluster runs and every pair of its versions.
func TestUpgradesListExactlyTheVersionChangesAServiceAccepts(t *testing.T) {
	kinds := cd.RunnableKinds()
	if len(kinds) != 4 {
		t.Fatalf("runnable kinds %v, want postgres, mysql, redis and mongodb", kinds)
	}
	for _, k := range kinds {
		for _, from := range cd.Versions(k) {
			up := cd.Upgrades(k, from)
			for _, to := range cd.Versions(k) {
				if to == from {
					continue
				}
				s := cd.Service{ID: "s1", Name: "db", Kind: k, Instance: &cd.Instance{Version: from, Storage: "1Gi"}}
				_, err := cd.DecideChangeInstance(s, to, "")
				if accepted, offered := err == nil, slices.Contains(up, to); accepted != offered {
					t.Errorf("%s %s -> %s: accepted %v (%v), offered %v", k, from, to, accepted, err, offered)
				}
			}
		}
	}
	for _, tt := range []struct {
		kind cd.ServiceKind
		from string
		want []string
	}{
		{cd.Redis, "7.2", []string{"7.4", "8"}},
		{cd.Redis, "8", nil},
		{cd.MySQL, "8.0", []string{"8.4"}},
		{cd.MySQL, "8.4", []string{"9"}},
		{cd.Postgres, "16", nil},
		{cd.MongoDB, "7.0", nil},
	} {
		if got := cd.Upgrades(tt.kind, tt.from); !slices.Equal(got, tt.want) {
			t.Errorf("Upgrades(%s, %s) = %v, want %v", tt.kind, tt.from, got, tt.want)
		}
	}
}
