package query_test

import (
	"slices"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
	"weft.dev/services/uniq"
)

// An actor filter takes a username as well as the actor as recorded; a
// username nobody has is refused rather than matching nothing.
func TestActorFilterTakesAUsername(t *testing.T) {
	h := newHarness(t)
	uniq.Register(h.store.Registry())
	// Usernames are claimed as accounts claims them: a team-less name
	// aggregate of kind "user" owned by the user's id.
	if _, err := h.store.Append(ctxFor(t), 0, events.Event{Team: query.TeamLess, Aggregate: uniq.Ref("user", "carol"), Actor: "system:signup",
		Data: uniq.NameClaimed{Kind: "user", Name: "carol", Owner: "u-carol"}}); err != nil {
		t.Fatal(err)
	}
	h.append(t, "acme", "c1", "user:u-carol", CounterCreated{Name: "one"})
	h.append(t, "acme", "c1", "user:u-alice", CounterIncremented{By: 1})
	want := h.want(func(a appended) bool { return a.Actor == "user:u-carol" })
	for _, actor := range []string{"carol", "user:u-carol"} {
		if got := pages(t, h, alice, query.HistoryQuery{Team: "acme", Actor: actor, Order: query.OldestFirst}, 10); !slices.Equal(got, want) {
			t.Errorf("actor %s: %v, want %v", actor, got, want)
		}
	}
	_, err := h.svc.History(ctxFor(t), alice, query.HistoryQuery{Team: "acme", Actor: "nobody"})
	wantCode(t, err, fault.Invalid, "actor")
}
