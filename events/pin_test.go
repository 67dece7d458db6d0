package events_test

import (
	"context"
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
)

// A command's loads (its own aggregate's, its guard's and its other
// writes') share one request for the log's end: from the tail, an attempt
// receives that one answer from the server and nothing for the loads.
func TestACommandsLoadsShareOneRequestForTheLogsEnd(t *testing.T) {
	env := eventstest.Start(t)
	tail, plain, rc := tailed(t, env, 64<<20)
	appendMix(t, plain, 50)
	ctx := context.Background()
	last, err := plain.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, tail, events.Filter{ToSeq: last}) // the tail holds it all
	before := rc.Stats().InMsgs
	_, err = events.Handle(ctx, tail, events.Command[int]{
		Team: "acme", Aggregate: events.AggregateRef{Type: "thing", ID: "a0"}, Actor: "tester",
		Evolve: func(n int, _ events.Recorded) int { return n + 1 },
		Decide: func(int) ([]any, error) { return []any{counted{N: 1}}, nil },
		Also: func(ctx context.Context, _ int, _ []any) ([]events.Write, error) {
			for _, id := range []string{"a1", "a2", "a3"} {
				if _, _, err := tail.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: id}); err != nil {
					return nil, err
				}
			}
			return nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := rc.Stats().InMsgs - before; n != 1 {
		t.Errorf("a command loading four aggregates from the tail received %d messages on the reader connection; want 1, the log's end", n)
	}
}

// A load pinned to the log's end misses what was appended after it; the
// command's append then conflicts on the version it read, and the next
// attempt asks for the end again and decides on the state with the other
// writer's event: nothing is lost by deciding on a pinned read.
func TestACommandPinnedBeforeAnotherWriterDecidesAgainOnTheNewerState(t *testing.T) {
	env := eventstest.Start(t)
	tail, plain, _ := tailed(t, env, 64<<20)
	ctx := context.Background()
	ref := events.AggregateRef{Type: "thing", ID: "sum"}
	if _, err := plain.Append(ctx, 0, events.Event{Team: "acme", Aggregate: ref, Actor: "tester", Data: counted{N: 1}}); err != nil {
		t.Fatal(err)
	}
	pinned, err := tail.PinEnd(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other, err := plain.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: ref, Actor: "other", Data: counted{N: 10}})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	res, err := events.Handle(pinned, tail, events.Command[int]{
		Team: "acme", Aggregate: ref, Actor: "tester",
		Evolve: func(sum int, r events.Recorded) int { return sum + r.Data.(counted).N },
		Decide: func(sum int) ([]any, error) {
			seen = append(seen, sum)
			return []any{counted{N: 100}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != 1 || seen[1] != 11 {
		t.Fatalf("decided on %v; want [1 11]: the pinned state, then after the conflict the state with the other writer's event", seen)
	}
	if res.State != 111 || res.Version <= other.LastSeq {
		t.Fatalf("state %d at version %d; want 111 after %d", res.State, res.Version, other.LastSeq)
	}
}

// Unpinned loads read to the log's end as of their beginning again, and a
// pin of one store does not hold another's loads.
func TestUnpinnedAndOtherStoresLoadsSeeWhatWasAppendedAfterThePin(t *testing.T) {
	env := eventstest.Start(t)
	tail, plain, _ := tailed(t, env, 64<<20)
	other, _, _ := tailed(t, env, 64<<20)
	ctx := context.Background()
	ref := events.AggregateRef{Type: "thing", ID: "x"}
	first, err := plain.Append(ctx, 0, events.Event{Team: "acme", Aggregate: ref, Actor: "tester", Data: counted{N: 1}})
	if err != nil {
		t.Fatal(err)
	}
	pinned, err := tail.PinEnd(ctx)
	if err != nil {
		t.Fatal(err)
	}
	later, err := plain.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: ref, Actor: "tester", Data: counted{N: 2}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		s       *events.Store
		ctx     context.Context
		events  int
		version uint64
	}{
		{"pinned", tail, pinned, 1, first.LastSeq},
		{"pinned again (PinEnd keeps a pin)", tail, must(tail.PinEnd(pinned)), 1, first.LastSeq},
		{"re-pinned", tail, must(tail.RePin(pinned)), 2, later.LastSeq},
		{"unpinned", tail, events.Unpinned(pinned), 2, later.LastSeq},
		{"another store", other, pinned, 2, later.LastSeq},
	} {
		recs, v, err := c.s.Load(c.ctx, "acme", ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != c.events || v != c.version {
			t.Errorf("%s: %d events at version %d; want %d at %d", c.name, len(recs), v, c.events, c.version)
		}
	}
}

func must(ctx context.Context, err error) context.Context {
	if err != nil {
		panic(err)
	}
	return ctx
}
