package query_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
)

// next waits, bounded, for the next entry.
func next(t *testing.T, ch <-chan query.Entry) query.Entry {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event delivered")
		return query.Entry{}
	}
}

func waitDone(t *testing.T, f *query.Follower) {
	t.Helper()
	select {
	case <-f.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("follower still running")
	}
}

func TestFollowDeliversTheTeamsNewEventsAndStopsWithItsContext(t *testing.T) {
	h := newHarness(t)
	before := h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})

	ctx, cancel := context.WithCancel(ctxFor(t))
	defer cancel()
	got := make(chan query.Entry, 16)
	f, err := h.svc.Follow(ctx, alice, query.Live{Team: "acme"}, func(e query.Entry) error {
		got <- e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.append(t, "globex", "g1", "user:bob", CounterCreated{Name: "gee"})
	h.append(t, "_", "u1", "system:signup", UserCreated{Email: "a@acme.test"})
	inc := h.append(t, "acme", "c1", "user:carol", CounterIncremented{By: 4})

	e := next(t, got)
	if e.Seq != inc.Seq || e.Team != "acme" || e.Type != "test.counter.incremented" || e.Actor != "user:carol" || string(e.Data) != `{"by":4}` {
		t.Fatalf("delivered %+v (data %s); want event %d", e, e.Data, inc.Seq)
	}
	if e.Seq == before.Seq {
		t.Fatal("delivered an event appended before Follow")
	}

	cancel()
	waitDone(t, f)
	if err := f.Err(); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	select {
	case e := <-got:
		t.Fatalf("also delivered %+v, of another team or after stopping", e)
	default:
	}
}

func TestFollowFiltersAndCatchesUpFromASequence(t *testing.T) {
	h := newHarness(t)
	first := h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})
	h.append(t, "acme", "c2", "user:carol", CounterCreated{Name: "two"})

	got := make(chan query.Entry, 16)
	f, err := h.svc.Follow(ctxFor(t), alice, query.Live{
		Team: "acme", AggregateType: counterAgg, AggregateID: "c1", Types: []string{"test.counter.created", "CounterIncremented"}, Actor: "user:alice", FromSeq: first.Seq, // a short form too
	}, func(e query.Entry) error { got <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	h.append(t, "acme", "c1", "user:carol", CounterIncremented{By: 1}) // other actor
	h.append(t, "acme", "c1", "user:alice", CounterRenamed{Name: "x"}) // other type
	h.append(t, "acme", "c2", "user:alice", CounterIncremented{By: 1}) // other counter
	last := h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 9})

	if e := next(t, got); e.Seq != first.Seq {
		t.Fatalf("first delivered %d; want the catch-up event %d", e.Seq, first.Seq)
	}
	if e := next(t, got); e.Seq != last.Seq {
		t.Fatalf("then delivered %d (%s by %s on %s); want %d", e.Seq, e.Type, e.Actor, e.Aggregate, last.Seq)
	}
}

func TestFollowEndsWhenItsCallbackFails(t *testing.T) {
	h := newHarness(t)
	boom := errors.New("client went away")
	f, err := h.svc.Follow(ctxFor(t), alice, query.Live{Team: "acme"}, func(query.Entry) error { return boom })
	if err != nil {
		t.Fatal(err)
	}
	h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})
	waitDone(t, f)
	if !errors.Is(f.Err(), boom) {
		t.Fatalf("follower ended with %v; want the callback's error", f.Err())
	}
}

func TestFollowIsScopedToTheCallersTeam(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	deliver := func(query.Entry) error { t.Error("delivered"); return nil }
	for _, team := range []string{"globex", query.TeamLess} {
		if _, err := h.svc.Follow(ctx, alice, query.Live{Team: team}, deliver); !isNotFound(err) {
			t.Errorf("alice follows %q: %v; want NOT_FOUND", team, err)
		}
	}
	_, err := h.svc.Follow(ctx, alice, query.Live{}, deliver)
	wantCode(t, err, fault.Invalid, "team")
	_, err = h.svc.Follow(ctx, alice, query.Live{Team: "acme", AggregateID: "c1"}, deliver)
	wantCode(t, err, fault.Invalid, "aggregateType")
}

// TestFollowersShareOneConsumerAndASlowOneMissesNothing runs fifty
// followers of one team and one whose callback stalls for longer than its
// buffer lasts: the server holds one consumer for all of them, the quick
// ones get every event while the slow one stalls, and the slow one, once
// it moves again, gets every event too, in order (what it fell behind by
// it reads from the log).
func TestFollowersShareOneConsumerAndASlowOneMissesNothing(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	js, err := jetstream.New(h.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	consumers := func() int {
		s, err := js.Stream(ctx, events.StreamName)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Consumers
	}
	before := consumers()

	const quick, n = 50, 200
	got := make([]chan uint64, quick)
	for i := range got {
		got[i] = make(chan uint64, n)
		ch := got[i]
		f, err := h.svc.Follow(ctx, alice, query.Live{Team: "acme"}, func(e query.Entry) error { ch <- e.Seq; return nil })
		if err != nil {
			t.Fatal(err)
		}
		defer f.Stop()
	}
	stall := make(chan struct{})
	slow := make(chan uint64, n)
	f, err := h.svc.Follow(ctx, alice, query.Live{Team: "acme"}, func(e query.Entry) error {
		<-stall
		slow <- e.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	if c := consumers() - before; c != 1 {
		t.Fatalf("%d followers hold %d consumers, want 1", quick+1, c)
	}

	var want []uint64
	for i := range n {
		want = append(want, h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: i}).Seq)
	}
	for i, ch := range got {
		for _, w := range want {
			if s := nextSeq(t, ch); s != w {
				t.Fatalf("quick follower %d got %d, want %d", i, s, w)
			}
		}
	}
	close(stall)
	for _, w := range want {
		if s := nextSeq(t, slow); s != w {
			t.Fatalf("the slow follower got %d, want %d", s, w)
		}
	}
}

// nextSeq waits, bounded, for the next sequence.
func nextSeq(t *testing.T, ch <-chan uint64) uint64 {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no event delivered")
		return 0
	}
}
