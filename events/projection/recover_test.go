package projection_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/events/stream"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/wait"
)

// appendRetrying appends n events, retrying each while the server is away
// (restarting, electing), and returns the last sequence.
func appendRetrying(t *testing.T, store *events.Store, n int) uint64 {
	t.Helper()
	var last uint64
	for i := range n {
		wait.For(t, 30*time.Second, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			app, err := store.Append(ctx, events.AnyVersion, events.Event{
				Team: "acme", Aggregate: events.AggregateRef{Type: "thing", ID: fmt.Sprint("a", i%7)}, Data: added{N: i},
			})
			if err == nil {
				last = app.LastSeq
			}
			return err
		})
	}
	return last
}

// eachConsumer does fn to every consumer of EVENTS, and fails t when
// there is none (the runner's is the one there).
func eachConsumer(t *testing.T, ctx context.Context, store *events.Store, fn func(js jetstream.JetStream, name string) error) {
	t.Helper()
	js, err := jetstream.New(store.Conn())
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name := range s.ConsumerNames(ctx).Name() {
		if err := fn(js, name); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("the runner has no consumer")
	}
}

// One server on loopback (not in-process), so it can stop and come back
// on the same store while clients reconnect to it.
func startNode(t *testing.T) (*eventstest.Node, *events.Store) {
	t.Helper()
	node, nc := eventstest.StartNode(t)
	reg := events.NewRegistry()
	events.Register[added](reg, "test.added", 1)
	return node, events.NewStore(nc, reg)
}

// A runner whose consumer is deleted under it, or stops delivering, or
// whose server stops and comes back on the same store, carries on after the last event it applied:
// every event is applied exactly once, and the runner is not stopped.
func TestARunnerResumesAfterItsConsumerIsDeletedAndAfterTheServerRestarts(t *testing.T) {
	node, store := startNode(t)
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	m := &seqs{}
	r := projection.New(store, m, projection.Config{Name: "recovering", StallCheck: 100 * time.Millisecond})
	r.Supervise(sup)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Stop(context.Background()) }()
	last := appendRetrying(t, store, 20)
	if err := r.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}

	faults := []struct {
		name   string
		inject func(t *testing.T)
	}{
		{"consumer deleted", func(t *testing.T) {
			eachConsumer(t, ctx, store, func(js jetstream.JetStream, name string) error {
				return js.DeleteConsumer(ctx, events.StreamName, name)
			})
		}},
		// A consumer that heartbeats and delivers nothing (as one on a
		// replica stuck behind its leader does) is replaced.
		{"consumer paused", func(t *testing.T) {
			eachConsumer(t, ctx, store, func(js jetstream.JetStream, name string) error {
				_, err := js.PauseConsumer(ctx, events.StreamName, name, time.Now().Add(time.Hour))
				return err
			})
		}},
		{"server restarted", func(*testing.T) {
			node.Stop()
			node.Start(t)
		}},
	}
	for _, f := range faults {
		f.inject(t)
		last = appendRetrying(t, store, 20)
		if err := r.WaitFor(ctx, last); err != nil {
			t.Fatalf("after %s: %v", f.name, err)
		}
		m.check(t, "after "+f.name, 0, last)
		if err := r.Err(); err != nil {
			t.Fatalf("after %s the runner stopped: %v", f.name, err)
		}
	}
	t.Logf("supervisor: %v", sup.Statuses())
	if failed := sup.Failed(); len(failed) != 0 {
		t.Fatalf("components failed: %v", failed)
	}
}

// On a three-node cluster, a stream with no leader (two of its three
// nodes down) refuses writes and serves no consumer; once they are back the
// runner carries on after the last event it applied, each event once.
func TestARunnerResumesAfterItsStreamHadNoLeader(t *testing.T) {
	c := eventstest.StartCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	reg := events.NewRegistry()
	events.Register[added](reg, "test.added", 1)
	nc := c.Connect(t)
	if err := stream.Ensure(nc, stream.Config(3)); err != nil {
		t.Fatal(err)
	}
	store := events.NewStore(nc, reg)
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	m := &seqs{}
	r := projection.New(events.NewStore(c.Connect(t), reg), m, projection.Config{Name: "leaderless"})
	r.Supervise(sup)
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Stop(context.Background()) }()
	last := appendRetrying(t, store, 20)
	if err := r.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	c.Nodes[1].Stop()
	c.Nodes[2].Stop()
	// The write is refused while the stream has no leader.
	short, stop := context.WithTimeout(ctx, 2*time.Second)
	_, err := store.Append(short, events.AnyVersion, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "thing", ID: "x"}, Data: added{N: 1}})
	stop()
	if err == nil {
		t.Fatal("a write was accepted by a stream with one of three nodes up")
	}
	c.Nodes[1].Start(t)
	c.Nodes[2].Start(t)
	last = appendRetrying(t, store, 20)
	if err := r.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	m.check(t, "after the election", 0, last)
	t.Logf("supervisor: %v", sup.Statuses())
	if err := r.Err(); err != nil {
		t.Fatalf("the runner stopped: %v", err)
	}
}

// ignoring applies no event type: it is not concerned by the poison.
type ignoring struct{ seqs }

func (*ignoring) Handles(string) bool { return false }

// An event that cannot be decoded stops the runner that must apply it,
// naming its sequence, and only that runner: another model of the same
// process carries on past it.
func TestAnUndecodableEventStopsOnlyTheRunnerThatAppliesIt(t *testing.T) {
	store, env := setup(t)
	sup := supervise.New(supervise.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	poisoned, other := &seqs{}, &ignoring{}
	rp := projection.New(store, poisoned, projection.Config{Name: "poisoned"})
	ro := projection.New(store, other, projection.Config{Name: "other"})
	for _, r := range []*projection.Runner{rp, ro} {
		r.Supervise(sup)
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = r.Stop(context.Background()) }()
	}
	before := appendN(t, store, 5)
	m := nats.NewMsg("ev.acme.thing.a1")
	m.Header.Set(events.HeaderEventType, "test.added")
	m.Data = []byte(`{"id":"x","type":"test.added","version":1,"data":{"n":`)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	ack, err := js.PublishMsg(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	after := appendN(t, store, 5)

	if err := ro.WaitFor(ctx, after); err != nil {
		t.Fatalf("the other runner: %v", err)
	}
	err = rp.WaitFor(ctx, after)
	f, ok := supervise.FaultOf(err)
	if !ok || f.Seq != ack.Sequence {
		t.Fatalf("poisoned runner: WaitFor = %v, want the fault at %d", err, ack.Sequence)
	}
	if rp.Applied() != before {
		t.Fatalf("poisoned runner applied through %d, want %d (the event before the poison)", rp.Applied(), before)
	}
	failed := sup.Failed()
	if len(failed) != 1 || failed[0].Name != "projection/poisoned" || failed[0].Seq != ack.Sequence {
		t.Fatalf("failed components %+v, want projection/poisoned at %d", failed, ack.Sequence)
	}
	if !strings.Contains(failed[0].String(), fmt.Sprintf("at event %d", ack.Sequence)) {
		t.Fatalf("status line %q does not name the event", failed[0].String())
	}
	if err := rp.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rp.Err(); !errors.Is(err, f) {
		t.Fatalf("Err = %v after Stop, want the fault", err)
	}
}
