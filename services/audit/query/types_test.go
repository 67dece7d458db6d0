package query_test

import (
	"slices"
	"testing"

	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
)

// A type filter takes the registered name or a short form of it, and
// each selects exactly the events the full name selects; a short form
// that names nothing is refused rather than matching nothing.
func TestShortEventTypeFormsSelectWhatTheFullNameSelects(t *testing.T) {
	h := newHarness(t)
	seed(t, h)
	want := h.want(func(a appended) bool { return a.Team == "acme" && a.Type == "test.counter.incremented" })
	if len(want) != 2 {
		t.Fatalf("seed has %d increments in acme, want 2", len(want))
	}
	for _, form := range []string{"test.counter.incremented", "counter.incremented", "CounterIncremented", "counterincremented", "Counter-Incremented"} {
		q := query.HistoryQuery{Team: "acme", Types: []string{form}, Order: query.OldestFirst}
		if got := pages(t, h, alice, q, 100); !slices.Equal(got, want) {
			t.Errorf("--type %s: %v, want %v", form, got, want)
		}
	}
	// A full name of a type this build does not know is kept (a newer
	// writer's type), and matches nothing here.
	if got := pages(t, h, alice, query.HistoryQuery{Team: "acme", Types: []string{"test.counter.reset"}}, 100); len(got) != 0 {
		t.Errorf("an unknown full type matched %v", got)
	}
	for _, bad := range []string{"AppCreated", "incremented", "counter.reset"} {
		_, err := h.svc.History(ctxFor(t), alice, query.HistoryQuery{Team: "acme", Types: []string{bad}})
		wantCode(t, err, fault.Invalid, "types")
	}
}
