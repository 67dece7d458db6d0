package query_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/services/audit/query"
)

// Fifty clients reading history (both orders) and as-of state at once all
// get their answers, and no read asks the server for a consumer: each
// used to make one, and the server refused consumers past its limit under
// load ("maximum consumers limit reached").
func TestFiftyConcurrentReadersGetAnswersAndMakeNoConsumer(t *testing.T) {
	h := newHarness(t)
	seed(t, h)
	consumerRequests := make(chan string, 1000)
	sub, err := h.env.Conn.Subscribe("$JS.API.CONSUMER.>", func(m *nats.Msg) { consumerRequests <- m.Subject })
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	_ = h.env.Conn.Flush()

	ctx := ctxFor(t)
	asOf := h.log[6].Seq
	var wg sync.WaitGroup
	errs := make(chan error, 50*3*5)
	for c := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				page, err := h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme"})
				if err == nil && len(page.Entries) != 6 {
					err = fmt.Errorf("client %d: newest first: %d entries, want 6", c, len(page.Entries))
				}
				errs <- err
				page, err = h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "c1", Order: query.OldestFirst})
				if err == nil && len(page.Entries) != 4 {
					err = fmt.Errorf("client %d: oldest first: %d entries, want 4", c, len(page.Entries))
				}
				errs <- err
				st, err := h.svc.AsOf(ctx, alice, "acme", events.AggregateRef{Type: counterAgg, ID: "c1"}, query.Point{Seq: asOf})
				if err == nil && st.Resource.(Counter).Value != 7 {
					err = fmt.Errorf("client %d: as of %d: %+v, want value 7", c, asOf, st.Resource)
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	_ = h.env.Conn.Flush()
	select {
	case s := <-consumerRequests:
		t.Fatalf("an audit read asked for a consumer: %s (and %d more)", s, len(consumerRequests))
	case <-time.After(100 * time.Millisecond): // requests in flight would have arrived
	}
}
