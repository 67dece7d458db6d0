package events_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/wait"
)

// tailed is a store holding the log's tail of at most maxBytes, reading
// over a connection of its own (whose traffic the tests count), beside a
// plain store on the same stream that reads everything from it.
func tailed(t *testing.T, env *eventstest.Env, maxBytes int, opts ...events.Option) (tail, plain *events.Store, reader *nats.Conn) {
	t.Helper()
	rc, err := env.Server.Connect("tail-reader")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rc.Close)
	tail = events.NewStore(env.Conn, registry(), append([]events.Option{events.WithReaders(rc), events.WithTail(maxBytes)}, opts...)...)
	stop, err := tail.StartTail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return tail, events.NewStore(env.Conn, registry()), rc
}

// appendMix appends n events over three teams and a handful of
// aggregates of two types, in an interleaving like a busy server's.
func appendMix(t *testing.T, s *events.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		team := []string{"acme", "globex", "initech"}[i%3]
		typ := []string{"thing", "other"}[i%2]
		e := events.Event{Team: team, Aggregate: events.AggregateRef{Type: typ, ID: fmt.Sprintf("a%d", i%7)}, Actor: "tester", Data: counted{N: i}}
		if i%5 == 0 {
			e.Data = renamed{Name: fmt.Sprintf("n%d", i)}
		}
		if _, err := s.Append(ctx, events.AnyVersion, e); err != nil {
			t.Fatal(err)
		}
	}
}

type readResult struct {
	Seq    uint64
	Type   string
	Team   string
	Agg    events.AggregateRef
	Raw    string
	Stored string
	Link   events.Link
	Data   any
}

func readAll(t *testing.T, s *events.Store, f events.Filter) []readResult {
	t.Helper()
	var out []readResult
	err := s.Read(context.Background(), f, func(r events.Recorded) error {
		out = append(out, readResult{r.Seq, r.Type, r.Team, r.Aggregate, string(r.Raw), string(r.Stored), r.Link, r.Data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The tail is a copy of the log's end: whatever it answers must be
// exactly what the stream answers, for every shape of filter and range,
// including ranges that start below what it still holds.
func TestReadsFromTheTailAnswerExactlyAsTheStreamDoes(t *testing.T) {
	for _, bound := range []int{64 << 20, 16 << 10} { // all of it; a few dozen events
		t.Run(fmt.Sprintf("bound %d", bound), func(t *testing.T) {
			env := eventstest.Start(t)
			tail, plain, _ := tailed(t, env, bound)
			appendMix(t, plain, 300)
			last, err := plain.LastSeq(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			filters := []events.Filter{
				{},
				{Team: "acme"},
				{Team: "globex", AggType: "other"},
				{Team: "initech", AggType: "thing", AggID: "a3"},
				{AggType: "thing"},
				{Team: "acme", Types: []string{"test.renamed"}},
				{Team: "nobody"},
			}
			// {from, 0}: to the end of the log, as names and follows read.
			ranges := [][2]uint64{{1, last}, {last - 40, last}, {last / 2, last/2 + 10}, {1, 5}, {last, last}, {1, 0}, {last - 40, 0}, {last + 1, 0}}
			for _, f := range filters {
				for _, r := range ranges {
					f.FromSeq, f.ToSeq = r[0], r[1]
					want := readAll(t, plain, f)
					if got := readAll(t, tail, f); !reflect.DeepEqual(got, want) {
						t.Errorf("read %+v: the tail answered %d events, the stream %d (or they differ)", f, len(got), len(want))
					}
				}
			}
			// A read that stops at its first event (an aggregate's name).
			for _, f := range filters {
				first := func(s *events.Store) (seq uint64) {
					f := f
					f.FromSeq = 1
					err := s.Read(context.Background(), f, func(r events.Recorded) error {
						seq = r.Seq
						return events.ErrStop
					})
					if err != nil {
						t.Fatal(err)
					}
					return seq
				}
				if got, want := first(tail), first(plain); got != want {
					t.Errorf("first event of %+v: the tail read %d, the stream %d", f, got, want)
				}
			}
			// Loads too, from the start and after a version.
			for _, id := range []string{"a0", "a3", "a6"} {
				ref := events.AggregateRef{Type: "thing", ID: id}
				for _, after := range []uint64{0, last / 2} {
					var got, want []uint64
					vg, err := tail.LoadAfter(context.Background(), "acme", ref, after, func(r events.Recorded) error { got = append(got, r.Seq); return nil })
					if err != nil {
						t.Fatal(err)
					}
					vw, err := plain.LoadAfter(context.Background(), "acme", ref, after, func(r events.Recorded) error { want = append(want, r.Seq); return nil })
					if err != nil {
						t.Fatal(err)
					}
					if vg != vw || !reflect.DeepEqual(got, want) {
						t.Errorf("load of %s after %d: the tail gave %v (version %d), the stream %v (version %d)", id, after, got, vg, want, vw)
					}
				}
			}
			if bytes, _, floor := tail.TailBytes(); bytes > bound+1024 || (bound < 1<<20 && floor <= 1) {
				t.Errorf("the tail holds %d bytes from sequence %d; bound %d", bytes, floor, bound)
			}
		})
	}
}

// What the tail holds costs NATS nothing to read: a bounded read of it
// receives no message, and a load only the log's end.
func TestABoundedReadOfTheTailAsksTheServerNothing(t *testing.T) {
	env := eventstest.Start(t)
	tail, plain, rc := tailed(t, env, 64<<20)
	appendMix(t, plain, 200)
	ctx := context.Background()
	last, err := plain.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Let the tail take in the appends first.
	readAll(t, tail, events.Filter{ToSeq: last})
	before := rc.Stats().InMsgs
	got := readAll(t, tail, events.Filter{Team: "acme", FromSeq: 1, ToSeq: last})
	if len(got) == 0 {
		t.Fatal("read nothing")
	}
	if n := rc.Stats().InMsgs - before; n != 0 {
		t.Errorf("a read of %d events the tail holds received %d messages from the server; want none", len(got), n)
	}
	before = rc.Stats().InMsgs
	if _, _, err := tail.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "a0"}); err != nil {
		t.Fatal(err)
	}
	if n := rc.Stats().InMsgs - before; n != 1 {
		t.Errorf("a load from the tail received %d messages; want 1, the log's end", n)
	}
}

// A load through the tail sees every event appended before it began,
// however soon after the append it runs: a command deciding on a state
// without its own last write would be refused (or worse, when it only
// reads that aggregate).
func TestALoadThroughTheTailSeesTheAppendJustMade(t *testing.T) {
	env := eventstest.Start(t)
	tail, _, _ := tailed(t, env, 64<<20)
	ctx := context.Background()
	ref := events.AggregateRef{Type: "thing", ID: "x"}
	var version uint64
	for i := range 200 {
		res, err := tail.Append(ctx, version, events.Event{Team: "acme", Aggregate: ref, Actor: "tester", Data: counted{N: i}})
		if err != nil {
			t.Fatal(err)
		}
		recs, v, err := tail.Load(ctx, "acme", ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != i+1 || v != res.LastSeq {
			t.Fatalf("load right after append %d: %d events at version %d; want %d at %d", i, len(recs), v, i+1, res.LastSeq)
		}
		version = v
	}
}

// A stopped tail answers nothing, and reads go on from the stream.
func TestReadsGoToTheStreamOnceTheTailIsStopped(t *testing.T) {
	env := eventstest.Start(t)
	rc, err := env.Server.Connect("tail-reader")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tail := events.NewStore(env.Conn, registry(), events.WithReaders(rc), events.WithTail(64<<20))
	stop, err := tail.StartTail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	appendMix(t, tail, 30)
	stop()
	appendMix(t, tail, 30)
	start := time.Now()
	got := readAll(t, tail, events.Filter{FromSeq: 1, ToSeq: 60})
	if len(got) != 60 {
		t.Errorf("read %d events after the tail stopped; want 60", len(got))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the read took %s", d)
	}
	if b, n, _ := tail.TailBytes(); b != 0 || n != 0 {
		t.Errorf("a stopped tail holds %d events, %d bytes", n, b)
	}
}

// pauseAll makes every consumer of EVENTS heartbeat and deliver nothing
// for an hour, as one on a replica stuck behind its leader does; it
// returns how many it paused.
func pauseAll(t *testing.T, nc *nats.Conn) int {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name := range st.ConsumerNames(ctx).Name() {
		if _, err := js.PauseConsumer(ctx, events.StreamName, name, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// The tail's consumer stops delivering while it heartbeats: the tail
// replaces it after the last event it holds, and takes in what was
// appended meanwhile, so reads of the log's end are served from memory
// again (without the replacement they went to the stream for good).
func TestTheTailReplacesAConsumerThatStopsDelivering(t *testing.T) {
	env := eventstest.Start(t)
	tail, plain, rc := tailed(t, env, 64<<20, events.WithStallCheck(100*time.Millisecond))
	appendMix(t, plain, 50)
	if n := pauseAll(t, env.Conn); n != 1 {
		t.Fatalf("paused %d consumers, want the tail's one", n)
	}
	appendMix(t, plain, 50)
	last, err := plain.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, func() error {
		before := rc.Stats().InMsgs
		got := readAll(t, tail, events.Filter{Team: "acme", FromSeq: 1, ToSeq: last})
		if n := rc.Stats().InMsgs - before; n != 0 {
			return fmt.Errorf("a read to %d received %d messages from the server: the tail lacks the end", last, n)
		}
		if len(got) == 0 || got[len(got)-1].Seq > last {
			return fmt.Errorf("read %d events", len(got))
		}
		return nil
	})
}
