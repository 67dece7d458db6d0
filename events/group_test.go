package events_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
)

// Many commands appending atomic batches at once (their batches are
// committed together while one is being committed) each get exactly the
// answer they would have got alone: a batch whose version check fails is
// refused with a conflict and stores nothing, even when it was combined
// with others; every other batch is stored whole, and the sequences each
// caller is told are those its events were stored at.
func TestConcurrentAtomicBatchesEachGetTheirOwnAnswer(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	// "hot" is at version 1; writers that expect 0 must conflict.
	hot, err := store.Append(ctx, 0, ev("acme", "hot", counted{N: -1}))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		app        events.Appended
		err        error
		stale      bool
		partnerIDs []string
	}
	const writers, each = 40, 8
	results := make(chan result, writers*each)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			version := uint64(0)
			for i := range each {
				stale := (w+i)%5 == 0
				own := events.Write{Expected: version, Events: []events.Event{ev("acme", fmt.Sprint("w", w), counted{N: i}), ev("acme", fmt.Sprint("w", w), counted{N: i})}}
				partner := events.Write{Expected: events.AnyVersion, Events: []events.Event{ev("acme", fmt.Sprint("p", w, "-", i), counted{N: i})}}
				writes := []events.Write{own, partner}
				if stale {
					writes = append(writes, events.Write{Expected: 0, Events: []events.Event{ev("acme", "hot", counted{N: i})}})
				}
				app, err := store.AppendAll(ctx, writes...)
				if err == nil {
					version = app.Events[1].Seq
				}
				results <- result{app: app, err: err, stale: stale, partnerIDs: []string{fmt.Sprint("p", w, "-", i)}}
			}
		}()
	}
	wg.Wait()
	close(results)
	stored := map[uint64]events.Recorded{}
	if err := store.Read(ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error { stored[r.Seq] = r; return nil }); err != nil {
		t.Fatal(err)
	}
	ok, conflicts := 0, 0
	for r := range results {
		if r.stale {
			if !errors.Is(r.err, events.ErrConflict) {
				t.Errorf("a batch with a stale version: %v, want a conflict", r.err)
			}
			conflicts++
			for _, rec := range stored {
				if rec.Aggregate.ID == r.partnerIDs[0] {
					t.Errorf("a refused batch's partner write %s was stored at %d", r.partnerIDs[0], rec.Seq)
				}
			}
			continue
		}
		if r.err != nil {
			t.Errorf("a batch with current versions: %v", r.err)
			continue
		}
		ok++
		if len(r.app.Events) != 3 || r.app.LastSeq != r.app.Events[2].Seq {
			t.Fatalf("appended %+v", r.app)
		}
		for _, rec := range r.app.Events {
			got, found := stored[rec.Seq]
			if !found || got.ID != rec.ID {
				t.Errorf("told event %s is at %d; the stream holds %s there", rec.ID, rec.Seq, got.ID)
			}
		}
	}
	if ok+conflicts != writers*each || conflicts == 0 {
		t.Fatalf("%d stored, %d conflicts", ok, conflicts)
	}
	if want := 1 + 3*ok; len(stored) != want {
		t.Errorf("the stream holds %d events of acme, want %d (hot's first and three per stored batch)", len(stored), want)
	}
	if v, _ := store.LoadFunc(ctx, "acme", events.AggregateRef{Type: "thing", ID: "hot"}, func(events.Recorded) error { return nil }); v != hot.LastSeq {
		t.Errorf("hot moved to %d from %d: a stale write landed", v, hot.LastSeq)
	}
}

// Commands that each append to one shared aggregate without a version
// check (a cluster's service range) beside their own creation, from two
// processes at once, all land; the shared aggregate's chain is one line
// through every one of its events; a batch refused for its own stale
// write stores nothing on the shared aggregate; and callers of one process
// were chained onto each other in one commit (an event stored without a
// version check of its own follows another caller's in its batch) rather
// than taking turns on the aggregate, which had queued them a commit each.
func TestAppendsToOneSharedAggregateCommitTogetherAndKeepItsChainWhole(t *testing.T) {
	store, env := newStore(t)
	other := events.NewStore(env.Conn, registry()) // another process: its own heads
	ctx := context.Background()
	hot, err := store.Append(ctx, 0, ev("acme", "hot", counted{N: -1}))
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 30, 6
	var wg sync.WaitGroup
	var mu sync.Mutex
	storedIDs, refusedIDs := map[string]bool{}, map[string]bool{}
	for w := range writers {
		s := store
		if w%5 == 4 {
			s = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				shared := ev("acme", "shared", counted{N: w*100 + i})
				shared.ID = fmt.Sprintf("s%d-%d", w, i)
				writes := []events.Write{
					{Expected: events.AnyVersion, Events: []events.Event{shared}},
					{Expected: 0, Events: []events.Event{ev("acme", fmt.Sprint("own", w, "-", i), counted{N: i})}},
				}
				stale := w%7 == 3 && i%2 == 0
				if stale {
					writes = append(writes, events.Write{Expected: 0, Events: []events.Event{ev("acme", "hot", counted{N: i})}})
				}
				// Two processes on one subject may each find the other's
				// event there a few times in a row: like a command, a
				// caller whose own writes are current tries again.
				_, err := s.AppendAll(ctx, writes...)
				for try := 0; err != nil && !stale && errors.Is(err, events.ErrConflict) && try < 20; try++ {
					_, err = s.AppendAll(ctx, writes...)
				}
				mu.Lock()
				switch {
				case stale && errors.Is(err, events.ErrConflict):
					refusedIDs[shared.ID] = true
				case err != nil:
					t.Errorf("writer %d append %d (stale %v): %v", w, i, stale, err)
				default:
					storedIDs[shared.ID] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var chainPrev string
	onShared, continuations := 0, 0
	_, err = store.LoadFunc(ctx, "acme", events.AggregateRef{Type: "thing", ID: "shared"}, func(r events.Recorded) error {
		onShared++
		if refusedIDs[r.ID] {
			t.Errorf("event %s of a refused batch was stored at %d", r.ID, r.Seq)
		}
		if !storedIDs[r.ID] {
			t.Errorf("event %s at %d was stored but its caller was not told so", r.ID, r.Seq)
		}
		if onShared > 1 && r.Link.Prev != chainPrev {
			t.Errorf("event %d links to %s, the one before it is %s: the chain forked", r.Seq, r.Link.Prev, chainPrev)
		}
		chainPrev = r.Link.Hash
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if onShared != len(storedIDs) || len(refusedIDs) == 0 {
		t.Fatalf("shared holds %d events; %d appends stored, %d refused", onShared, len(storedIDs), len(refusedIDs))
	}
	if rep := verifyLog(t, store, "acme"); !rep.OK {
		t.Fatalf("verify: %+v", rep.Breaks)
	}
	// Stored messages keep the headers they were sent with: one without a
	// version check was chained onto an earlier write in its batch.
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	sharedSubject := events.Subject("acme", events.AggregateRef{Type: "thing", ID: "shared"})
	for seq := hot.LastSeq + 1; ; seq++ {
		m, err := stream.GetMsg(ctx, seq)
		if err != nil {
			break
		}
		if m.Subject == sharedSubject && m.Header.Get("Nats-Expected-Last-Subject-Sequence") == "" {
			continuations++
		}
	}
	if continuations == 0 {
		t.Errorf("every one of %d appends to the shared aggregate was committed on its own", onShared)
	}
}
