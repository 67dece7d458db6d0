package query_test

import (
	"encoding/json"
	"slices"
	"sync/atomic"
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/services/audit/query"
)

// decodes counts how often a Tally is unmarshalled: json.Unmarshal gives
// the value no way to reach a test's own counter.
var decodes atomic.Int64

// Tally is an event whose decoding the test counts.
type Tally struct{ N int }

func (t *Tally) UnmarshalJSON(b []byte) error {
	decodes.Add(1)
	type plain Tally
	return json.Unmarshal(b, (*plain)(t))
}

// A team's newest page is read from a window holding many more of the
// team's events than the page shows; only the page is decoded, and it is
// the same page, in the same order, as reading the log oldest first.
func TestTheNewestPageDecodesOnlyWhatItShows(t *testing.T) {
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	register(reg)
	events.Register[Tally](reg, "test.counter.tallied", 1)
	store := events.NewStore(env.Conn, reg)
	svc, err := query.New(store, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{env: env, store: store, svc: svc}
	for i := range 200 {
		h.append(t, "acme", "c1", "user:alice", Tally{N: i})
	}
	ctx := ctxFor(t)
	decodes.Store(0)
	newest, err := svc.History(ctx, alice, query.HistoryQuery{Team: "acme", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	// The page, the one after it that says another page follows, and the
	// counter's first event, which names it.
	if n := decodes.Load(); n > 22 {
		t.Errorf("a page of 20 of the team's newest decoded %d events; want at most 22", n)
	}
	all, err := svc.History(ctx, alice, query.HistoryQuery{Team: "acme", Limit: 1000, Order: query.OldestFirst})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(all.Entries[len(all.Entries)-20:])
	slices.Reverse(want)
	got, _ := json.Marshal(newest.Entries)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("newest page differs from the oldest-first read's last 20, reversed:\n got %s\nwant %s", got, exp)
	}
}
