package events_test

import (
	"context"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/events/eventstest"
)

func verifyLog(t *testing.T, store *events.Store, team string) chain.Report {
	t.Helper()
	v := chain.NewVerifier(nil)
	err := store.Stored(context.Background(), team, 1, func(m chain.Message) error {
		v.Add(m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.Report()
}

// history appends a small log: two teams, aggregates with several events,
// a batch over two aggregates and an AnyVersion append.
func history(t *testing.T, store *events.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(_ events.Appended, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a1, err := store.Append(ctx, 0, ev("acme", "a", renamed{Name: "alpha"}))
	must(a1, err)
	must(store.Append(ctx, 0, ev("beta", "a", renamed{Name: "other team"})))
	b1, err := store.Append(ctx, 0, ev("acme", "b", counted{N: 1}))
	must(b1, err)
	a2, err := store.Append(ctx, a1.LastSeq, ev("acme", "a", counted{N: 2}), ev("acme", "a", counted{N: 3}))
	must(a2, err)
	must(store.AppendAll(ctx,
		events.Write{Expected: a2.LastSeq, Events: []events.Event{ev("acme", "a", renamed{Name: "alpha-2"})}},
		events.Write{Expected: b1.LastSeq, Events: []events.Event{ev("acme", "b", counted{N: 4})}}))
	must(store.Append(ctx, events.AnyVersion, ev("acme", "b", counted{N: 5})))
	must(store.Append(ctx, events.AnyVersion, ev("acme", "c", counted{N: 6})))
}

func TestEveryAppendedEventIsChainedToThePreviousEventOfItsAggregate(t *testing.T) {
	store, _ := newStore(t)
	history(t, store)
	rep := verifyLog(t, store, "")
	if !rep.OK || rep.Events != 9 {
		t.Fatalf("verify: ok %v, %d events, breaks %v", rep.OK, rep.Events, rep.Breaks)
	}
	// A team's auditor verifies from the team's events alone.
	rep = verifyLog(t, store, "acme")
	if !rep.OK || rep.Events != 8 || len(rep.Teams) != 1 || rep.Teams[0].Start != 1 {
		t.Fatalf("verify acme: %+v", rep)
	}
	// Loaded events carry their link, and each links to the one before.
	recs, _, err := store.Load(context.Background(), "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0].Link.Prev != chain.Genesis.String() {
		t.Fatalf("loaded %d events, first link %+v", len(recs), recs[0].Link)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Link.Prev != recs[i-1].Link.Hash || recs[i].Link.Hash == "" {
			t.Fatalf("event %d links to %s, the one before is %s", recs[i].Seq, recs[i].Link.Prev, recs[i-1].Link.Hash)
		}
	}
}

func TestConcurrentAppendsWithoutAVersionCheckDoNotForkTheChain(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	// Writers on their own stores, as separate processes would be: none
	// knows the others' heads.
	const writers, each = 6, 15
	var wg sync.WaitGroup
	for w := range writers {
		s := events.NewStore(env.Conn, registry())
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Append(ctx, events.AnyVersion, ev("acme", "heartbeat", counted{N: w*100 + i})); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	_ = store
	rep := verifyLog(t, store, "")
	if !rep.OK || rep.Events != writers*each {
		t.Fatalf("verify: ok %v, %d events (want %d), breaks %v", rep.OK, rep.Events, writers*each, rep.Breaks)
	}
}

func TestEventsStoredBeforeTheChainStillReadAndVerifyNamesWhereItStarts(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	// Two events as weft wrote them before the chain: no chain headers.
	for _, e := range []events.Event{ev("acme", "a", counted{N: 1}), ev("acme", "old", counted{N: 2})} {
		m, err := events.BuildMessage(store, e)
		if err != nil {
			t.Fatal(err)
		}
		m.Header.Del(chain.Header)
		if _, err := env.Conn.RequestMsg(m, 5e9); err != nil {
			t.Fatal(err)
		}
	}
	// The next event of a's chains onto nothing: a's chain starts there.
	app, err := store.Append(ctx, 1, ev("acme", "a", counted{N: 3}))
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil || len(recs) != 2 || recs[0].Link.Hash != "" || recs[1].Data.(counted).N != 3 {
		t.Fatalf("load across the chain's start: %v %+v", err, recs)
	}
	rep := verifyLog(t, store, "acme")
	if !rep.OK || rep.Teams[0].Start != app.LastSeq || rep.Teams[0].BeforeChain != 2 {
		t.Fatalf("verify: %+v", rep)
	}
	// After the start, an event without a hash is a break.
	m, _ := events.BuildMessage(store, ev("acme", "d", counted{N: 4}))
	m.Header.Del(chain.Header)
	if _, err := env.Conn.RequestMsg(m, 5e9); err != nil {
		t.Fatal(err)
	}
	rep = verifyLog(t, store, "acme")
	if rep.OK || rep.First.Kind != chain.BreakUnchained || rep.First.Seq != 4 {
		t.Fatalf("an unchained event after the start: %+v", rep.First)
	}
}

func TestVerifyFindsAByteChangedInTheStreamsFileOnDisk(t *testing.T) {
	for _, tt := range []struct {
		name        string
		fixChecksum bool
		kind        string
		seq         uint64
	}{
		// The server serves the changed event: its content no longer
		// hashes to its hash.
		{"with the record's checksum written anew", true, chain.BreakContent, 4},
		// The server drops the record it finds corrupt: the next event of
		// the aggregate follows one that is missing.
		{"checksum left as it was", false, chain.BreakLink, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := eventstest.StartIn(t, dir)
			store := events.NewStore(env.Conn, registry())
			history(t, store)
			env.Stop()
			// Event 4 is the first of a batch of two to a: {"n":2}.
			eventstest.ChangeStoredByte(t, dir, `"data":{"n":2}`, tt.fixChecksum)
			env = eventstest.StartIn(t, dir)
			rep := verifyLog(t, events.NewStore(env.Conn, registry()), "acme")
			if rep.OK || rep.First.Kind != tt.kind || rep.First.Seq != tt.seq {
				t.Fatalf("verify after a byte of event 4 changed: %+v", rep)
			}
			t.Logf("first break: %s", rep.First)
		})
	}
}

func TestVerifyFindsAnEventDeletedByAPrivilegedClient(t *testing.T) {
	store, env := newStore(t)
	history(t, store)
	// Delete event 4, the second of a's four.
	eventstest.RewriteStream(t, env, func(m []*nats.Msg) []*nats.Msg { return append(m[:3:3], m[4:]...) })
	rep := verifyLog(t, store, "acme")
	// Event 5 (now stored at 4) follows an event that is gone.
	if rep.OK || rep.First.Kind != chain.BreakLink || rep.First.Seq != 4 || rep.First.Subject != "ev.acme.thing.a" {
		t.Fatalf("verify after deleting event 4: %+v", rep.First)
	}
	t.Logf("first break: %s", rep.First)
}

func TestVerifyFindsTwoEventsReordered(t *testing.T) {
	store, env := newStore(t)
	history(t, store)
	// Swap events 4 and 5, both of a's.
	eventstest.RewriteStream(t, env, func(m []*nats.Msg) []*nats.Msg {
		m[3], m[4] = m[4], m[3]
		return m
	})
	rep := verifyLog(t, store, "acme")
	if rep.OK || rep.First.Kind != chain.BreakLink || rep.First.Seq != 4 {
		t.Fatalf("verify after swapping events 4 and 5: %+v", rep.First)
	}
	t.Logf("first break: %s", rep.First)

}
