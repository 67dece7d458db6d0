package query_test

import (
	"testing"

	"weft.dev/services/audit/query"
)

// The trail names actors and resources as a person knows them: a user by
// username, a resource by the name it was created with, also after it
// was deleted; an actor or resource without a name stays as recorded.
func TestHistoryAndFollowNameActorsAndResources(t *testing.T) {
	h := newHarness(t)
	h.append(t, "_", "u-alice", "system:signup", UserCreated{Email: "alice@acme.test", Username: "alice"})
	created := h.append(t, "acme", "c1", "user:u-alice", CounterCreated{Name: "one"})
	h.append(t, "acme", "c1", "user:u-ghost", CounterIncremented{By: 1}) // no such user
	h.append(t, "acme", "c1", "system:cron", CounterDeleted{})
	h.append(t, "acme", "c2", "user:u-alice", CounterIncremented{By: 1}) // never created

	page, err := h.svc.History(ctxFor(t), alice, query.HistoryQuery{Team: "acme", Order: query.OldestFirst})
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"alice", "one"}, {"user:u-ghost", "one"}, {"system:cron", "one"}, {"alice", ""}}
	if len(page.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(page.Entries), len(want))
	}
	for i, e := range page.Entries {
		if e.ActorName != want[i][0] || e.ResourceName != want[i][1] {
			t.Errorf("entry %d (%s by %s): named %q by %q, want %q by %q", i, e.Type, e.Actor, e.ResourceName, e.ActorName, want[i][1], want[i][0])
		}
		if e.Actor == "" || e.Aggregate.ID == "" {
			t.Errorf("entry %d lost its ids: %+v", i, e)
		}
	}

	got := make(chan query.Entry, 4)
	f, err := h.svc.Follow(ctxFor(t), alice, query.Live{Team: "acme", FromSeq: created.Seq}, func(e query.Entry) error { got <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	if e := next(t, got); e.ActorName != "alice" || e.ResourceName != "one" {
		t.Errorf("follow named %q by %q, want one by alice", e.ResourceName, e.ActorName)
	}
}
