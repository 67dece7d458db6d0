package gateway_test

import (
	"fmt"
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// Identical queries in flight at once share one execution, and so one
// subgraph request, per principal: alice's five copies cost accounts one
// request; bob's identical query gets its own (his answer may differ).
func TestIdenticalQueriesInFlightShareOneSubgraphRequestPerPrincipal(t *testing.T) {
	h := start(t)
	const q = `{ team(slug: "acme") { displayName } }`
	// Prepared once: sharing starts from the second sending of a query.
	for _, who := range []as{alice, bob} {
		var d struct{ Team struct{ DisplayName string } }
		h.query(who, q, nil).decode(t, &d)
	}
	h.sg.reset()
	w := h.sg.world
	gate, entered := make(chan struct{}), make(chan struct{}, 10)
	w.mu.Lock()
	w.gate, w.entered = gate, entered
	w.mu.Unlock()

	answers := make(chan response, 6)
	go func() { answers <- h.query(alice, q, nil) }()
	<-entered // alice's first copy is inside accounts
	for range 4 {
		go func() { answers <- h.query(alice, q, nil) }()
	}
	wait.For(t, 10*time.Second, func() error {
		if n := h.counter("weft_gateway_deduplicated_queries_total"); n != 4 {
			return fmt.Errorf("%v of alice's copies wait for the first", n)
		}
		return nil
	})
	go func() { answers <- h.query(bob, q, nil) }()
	select {
	case <-entered: // bob's copy reached accounts on its own
	case <-time.After(10 * time.Second):
		t.Fatal("bob's query waited for alice's instead of running")
	}
	close(gate)
	for range 6 {
		var d struct{ Team struct{ DisplayName string } }
		(<-answers).decode(t, &d)
		if d.Team.DisplayName != "Acme Corp" {
			t.Errorf("answer %+v", d)
		}
	}
	users := map[string]int{}
	for _, s := range h.sg.accounts.seen() {
		users[s.principal.UserID]++
	}
	if users["alice"] != 1 || users["bob"] != 1 || len(users) != 2 {
		t.Errorf("accounts saw %v, want one request from alice and one from bob", users)
	}
}
