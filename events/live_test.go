package events_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/wait"
)

// consumers is how many consumers the EVENTS stream has, as JetStream's
// API counts them.
func consumers(t *testing.T, js jetstream.JetStream) int {
	t.Helper()
	s, err := js.Stream(context.Background(), events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Consumers
}

// TestTwoThousandWatchesShareOneConsumerAndEachGetsItsEvents watches one
// aggregate 2,000 times, its team once and another aggregate once: the
// server holds one consumer for all of them, each watch gets exactly the
// events its filter names, and the consumer goes once the last watch has.
func TestTwoThousandWatchesShareOneConsumerAndEachGetsItsEvents(t *testing.T) {
	store, env := newStore(t)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	before := consumers(t, js)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	const n = 2000
	same := make([]*events.Watch, n)
	for i := range same {
		if same[i], err = store.Watch(ctx, "acme", "thing", "a", 4); err != nil {
			t.Fatal(err)
		}
	}
	team, err := store.Watch(ctx, "acme", "", "", 4)
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Watch(ctx, "acme", "thing", "b", 4)
	if err != nil {
		t.Fatal(err)
	}
	if got := consumers(t, js) - before; got != 1 {
		t.Fatalf("%d watches hold %d consumers, want 1", n+2, got)
	}

	a, err := store.Append(ctx, 0, ev("acme", "a", counted{N: 1}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, 0, ev("other-team", "a", counted{N: 2})); err != nil {
		t.Fatal(err)
	}
	b, err := store.Append(ctx, 0, ev("acme", "b", counted{N: 3}))
	if err != nil {
		t.Fatal(err)
	}
	next := func(w *events.Watch) uint64 {
		t.Helper()
		select {
		case m, ok := <-w.C:
			if !ok {
				t.Fatalf("watch ended: %v", w.Err())
			}
			return m.Seq
		case <-time.After(10 * time.Second):
			t.Fatal("no event within 10s")
		}
		return 0
	}
	for i, w := range same {
		if got := next(w); got != a.LastSeq {
			t.Fatalf("watch %d of acme/thing/a got seq %d, want %d", i, got, a.LastSeq)
		}
	}
	if got := next(other); got != b.LastSeq {
		t.Fatalf("the watch of acme/thing/b got seq %d, want %d", got, b.LastSeq)
	}
	for _, want := range []uint64{a.LastSeq, b.LastSeq} {
		if got := next(team); got != want {
			t.Fatalf("the team's watch got seq %d, want %d", got, want)
		}
	}
	for _, w := range append(same[:1], other) {
		select {
		case m := <-w.C:
			t.Fatalf("a watch got an event its filter does not name: %s", m.Subject)
		default:
		}
	}

	cancel()
	for _, w := range append(same, team, other) {
		for range w.C {
		}
		if w.Err() != nil {
			t.Fatalf("a watch whose context ended: %v, want nil", w.Err())
		}
	}
	wait.For(t, 10*time.Second, func() error {
		if got := consumers(t, js) - before; got != 0 {
			return fmt.Errorf("%d consumers left after every watch ended", got)
		}
		return nil
	})
}

// TestASlowWatchIsDroppedAndTheOthersMissNothing leaves one watch unread:
// once its buffer is full it ends with ErrSlowSubscriber, while a watch
// read as events come gets every one, in order.
func TestASlowWatchIsDroppedAndTheOthersMissNothing(t *testing.T) {
	store, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends the fast watch, and with it the consumer
	slow, err := store.Watch(ctx, "acme", "thing", "a", 2)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := store.Watch(ctx, "acme", "thing", "a", 2)
	if err != nil {
		t.Fatal(err)
	}
	var want []uint64
	for i := range 10 {
		r, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: i}))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, r.LastSeq)
		select {
		case m := <-fast.C:
			if m.Seq != r.LastSeq {
				t.Fatalf("the read watch got seq %d, want %d", m.Seq, r.LastSeq)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("the read watch got nothing for seq %d", r.LastSeq)
		}
	}
	var got []uint64
	for m := range slow.C {
		got = append(got, m.Seq)
	}
	if !errors.Is(slow.Err(), events.ErrSlowSubscriber) {
		t.Fatalf("the unread watch ended with %v, want ErrSlowSubscriber", slow.Err())
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("the unread watch kept %v, want its buffer's first two %v", got, want[:2])
	}
}

// TestALatestOnlyWatchKeepsTheNewestEvent appends more than a buffer of
// one holds without reading: a buffer-0 watch is not dropped, and what it
// holds is the newest event.
func TestALatestOnlyWatchKeepsTheNewestEvent(t *testing.T) {
	store, _ := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := store.Watch(ctx, "acme", "thing", "a", 0)
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i := range 5 {
		r, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: i}))
		if err != nil {
			t.Fatal(err)
		}
		last = r.LastSeq
	}
	wait.For(t, 10*time.Second, func() error {
		select {
		case m, ok := <-w.C:
			if !ok {
				t.Fatalf("the watch ended: %v", w.Err())
			}
			if m.Seq == last {
				return nil
			}
			return fmt.Errorf("holds seq %d, want the newest %d", m.Seq, last)
		default:
			return errors.New("holds nothing")
		}
	})
}

// TestAWatchRefusesAFilterThatIsNotASubjectToken refuses what would widen
// or break the subject filter.
func TestAWatchRefusesAFilterThatIsNotASubjectToken(t *testing.T) {
	store, _ := newStore(t)
	for _, id := range []string{"a.b", "*", ">", "a b"} {
		if _, err := store.Watch(context.Background(), "acme", "thing", id, 1); err == nil {
			t.Errorf("id %q: watched, want refused", id)
		}
	}
}

// The watches' consumer stops delivering while it heartbeats: the store
// replaces it after the last event it dispatched, so a running watch gets
// the event appended meanwhile, once, and the server keeps one consumer.
func TestWatchesGetTheirEventsAfterTheirConsumerStopsDelivering(t *testing.T) {
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry(), events.WithStallCheck(100*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := store.Watch(ctx, "acme", "thing", "a", 16)
	if err != nil {
		t.Fatal(err)
	}
	next := func(want uint64) {
		t.Helper()
		select {
		case m, ok := <-w.C:
			if !ok {
				t.Fatalf("the watch ended: %v", w.Err())
			}
			if m.Seq != want {
				t.Fatalf("got event %d, want %d", m.Seq, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d never came", want)
		}
	}
	first, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: 1}))
	if err != nil {
		t.Fatal(err)
	}
	next(first.LastSeq)
	if n := pauseAll(t, env.Conn); n != 1 {
		t.Fatalf("paused %d consumers, want the watches' one", n)
	}
	second, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: 2}))
	if err != nil {
		t.Fatal(err)
	}
	next(second.LastSeq)
	select {
	case m := <-w.C:
		t.Fatalf("event %d came twice or out of nowhere", m.Seq)
	case <-time.After(300 * time.Millisecond):
	}
	js, _ := jetstream.New(env.Conn)
	if n := consumers(t, js); n != 1 {
		t.Fatalf("%d consumers on the server after the replacement, want 1", n)
	}
}
