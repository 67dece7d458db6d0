package messageoffice_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/auth"
	accounts "weft.dev/services/accounts/domain"
	icmd "weft.dev/services/infra/command"
	"weft.dev/services/messageoffice"
)

// names is a public DNS table: the records it holds, by id.
type names struct {
	mu sync.Mutex
	m  map[string]clusterstate.Record
}

func (n *names) UpsertRecord(r clusterstate.Record) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.m[r.ID] = r
	return nil
}

func (n *names) DeleteRecord(id string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.m, id)
	return nil
}

func (n *names) owners() map[string]int {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := map[string]int{}
	for _, r := range n.m {
		out[r.Owner]++
	}
	return out
}

// deleteTeam appends the accounts service's TeamDeleted for team.
func (w *world) deleteTeam(t *testing.T, team string) {
	t.Helper()
	if _, err := events.Handle(w.ctx, w.store, events.Command[struct{}]{
		Team: team, Aggregate: events.AggregateRef{Type: accounts.TeamAggregate, ID: team}, Actor: "user:u-owner",
		Evolve: func(s struct{}, _ events.Recorded) struct{} { return s },
		Decide: func(struct{}) ([]any, error) { return []any{accounts.TeamDeleted{Slug: team, Members: 1}}, nil },
	}); err != nil {
		t.Fatal(err)
	}
}

func (w *world) streamExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := w.js.Stream(w.ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// When a team is deleted the office removes everything it made for it:
// its clusters' streams and their agents' NATS users (so an agent's
// credentials stop working), the team's stream and snapshot, and its
// names in the public DNS; another team keeps all of its. A new office
// over the same log makes none of it again, and at start it removes the
// user of any agent whose cluster is gone.
func TestDeletingATeamRemovesItsStreamsAgentsAndNamesAndNothingOfAnotherTeam(t *testing.T) {
	w := newWorld(t)
	srv := w.env.Server
	dns := &names{m: map[string]clusterstate.Record{}}
	// As weft-server wires it: a deleted cluster's agent loses its user.
	cfg := messageoffice.Config{ClusterDeleted: func(c string) {
		if err := srv.RemoveAgent(messageoffice.AgentUser(c)); err != nil {
			t.Errorf("remove the agent user of %s: %v", c, err)
		}
	}}
	o, err := messageoffice.New(w.store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	o.SetNames(dns)
	if err := o.Start(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Stop(context.Background()) })
	s := w.build(t)
	globexOwner := auth.Principal{UserID: "u-globex", Team: "globex", Role: auth.Owner}
	g := must(w.inf.CreateCluster(w.ctx, globexOwner, icmd.CreateClusterInput{Team: "globex", Name: "eu-1"})).Object.ID
	w.converge(t, o)
	pw, _ := broker.NewPassword()
	hash, err := broker.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{s.a, s.b, g} {
		pub, sub := clusterstate.AgentPermissions(c)
		if err := srv.SetAgent(broker.Agent{Name: messageoffice.AgentUser(c), PasswordHash: hash, Publish: pub, Subscribe: sub}); err != nil {
			t.Fatal(err)
		}
	}
	acmeStreams := []string{clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme")}
	for _, n := range append(acmeStreams, clusterstate.StreamName(g), clusterstate.TeamStreamName("globex")) {
		if !w.streamExists(t, n) {
			t.Fatalf("stream %s does not exist before the deletion; the test proves nothing", n)
		}
	}
	if dns.owners()["acme"] == 0 || dns.owners()["globex"] == 0 {
		t.Fatalf("the public DNS before the deletion: %v", dns.owners())
	}

	w.deleteTeam(t, "acme")
	w.converge(t, o)
	for _, n := range append(acmeStreams, clusterstate.SnapshotStreamName("acme")) {
		if w.streamExists(t, n) {
			t.Errorf("stream %s of the deleted team is still there", n)
		}
	}
	users := srv.AgentNames()
	for _, c := range []string{s.a, s.b} {
		if slices.Contains(users, messageoffice.AgentUser(c)) {
			t.Errorf("the deleted team's agent %s keeps its NATS user", c)
		}
		if _, ok := o.TeamOf(c); ok {
			t.Errorf("the office still maps cluster %s to a team: it could enrol again", c)
		}
	}
	if got := dns.owners(); got["acme"] != 0 || got["globex"] == 0 {
		t.Errorf("the public DNS after acme's deletion holds records of %v", got)
	}
	if !slices.Contains(users, messageoffice.AgentUser(g)) || !w.streamExists(t, clusterstate.StreamName(g)) || !w.streamExists(t, clusterstate.TeamStreamName("globex")) {
		t.Errorf("another team lost its agent's user or its streams")
	}

	// A new office, from the log: nothing of acme again.
	if err := o.Stop(w.ctx); err != nil {
		t.Fatal(err)
	}
	o2 := w.startWith(t, cfg)
	w.converge(t, o2)
	for _, n := range acmeStreams {
		if w.streamExists(t, n) {
			t.Errorf("a new office made the deleted team's stream %s again", n)
		}
	}
	// A user the deletion missed goes with the prune at the office's start.
	pub, sub := clusterstate.AgentPermissions(s.a)
	if err := srv.SetAgent(broker.Agent{Name: messageoffice.AgentUser(s.a), PasswordHash: hash, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	if n, err := messageoffice.PruneAgentUsers(srv, o2.TeamOf); err != nil || n != 1 {
		t.Errorf("stale agents removed: %d %v, want 1", n, err)
	}
	if slices.Contains(srv.AgentNames(), messageoffice.AgentUser(s.a)) || !slices.Contains(srv.AgentNames(), messageoffice.AgentUser(g)) {
		t.Errorf("after the sweep: %v", srv.AgentNames())
	}

}
