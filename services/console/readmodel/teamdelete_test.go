package readmodel

import (
	"bytes"
	"context"
	"testing"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
	accounts "weft.dev/services/accounts/domain"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// A deleted team leaves the model: no query answers its resources, and
// the model is byte for byte the one that never saw the team, while
// another team's resources stay.
func TestADeletedTeamIsForgottenAndAnotherTeamKept(t *testing.T) {
	m := bigTeam(t, 60)
	other := func(m *Model, seq uint64, aggType, id string, data any) {
		t.Helper()
		if err := m.Apply(event.Recorded{Seq: seq, Data: data, Meta: event.Meta{Team: "globex", Actor: "user:eve",
			Time: time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC), Aggregate: event.AggregateRef{Type: aggType, ID: id}}}); err != nil {
			t.Fatal(err)
		}
	}
	alone := New()
	for _, x := range []*Model{m, alone} {
		other(x, 10_000, "cluster", "g1", infra.ClusterCreated{ID: "g1", Name: "eu", ServiceRange: "10.98.0.0/16"})
		other(x, 10_001, cd.EnvAggregate, "ge1", cd.EnvCreated{ID: "ge1", Name: "prod", ClusterID: "g1"})
	}
	q := NewQueries(m, caughtUp{})
	owner := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Owner}
	if envs, _, err := q.Envs(context.Background(), owner, "acme", "", All, 0); err != nil || len(envs) == 0 {
		t.Fatalf("the team's environments before: %v %v", envs, err)
	}
	if !m.Handles("accounts.team.deleted") {
		t.Fatal("the model does not ask for accounts.team.deleted")
	}
	if err := m.Apply(event.Recorded{Seq: 20_000, Data: accounts.TeamDeleted{Slug: "acme", Members: 1},
		Meta: event.Meta{Team: "acme", Actor: "user:ada", Aggregate: event.AggregateRef{Type: accounts.TeamAggregate, ID: "acme"}}}); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]func() (int, error){
		"environments": func() (int, error) {
			x, _, err := q.Envs(context.Background(), owner, "acme", "", All, 0)
			return len(x), err
		},
		"apps": func() (int, error) {
			x, _, err := q.Apps(context.Background(), owner, "acme", "", "", All, 0)
			return len(x), err
		},
	} {
		if got, err := n(); err != nil || got != 0 {
			t.Errorf("the deleted team's %s: %d %v", name, got, err)
		}
	}
	a, _ := m.Snapshot()
	b, _ := alone.Snapshot()
	if !bytes.Equal(a, b) {
		t.Errorf("after the deletion the model is not the one that never saw the team:\n%s\n%s", a, b)
	}
}
