package messageoffice_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
	"weft.dev/events/stream"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/wait"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/messageoffice"
	"weft.dev/services/uniq"
)

// quickSupervisor retries within a test's patience.
func quickSupervisor() *supervise.Supervisor {
	return supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
}

// worldOn is a world whose store speaks to nc (a server the test may stop).
func worldOn(t *testing.T, nc *nats.Conn) *world {
	t.Helper()
	reg := events.NewRegistry()
	uniq.Register(reg)
	infra.Register(reg)
	cd.Register(reg)
	store := events.NewStore(nc, reg)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	w := newWorld(t)
	w.env, w.ctx, w.store, w.js, w.inf, w.con = nil, ctx, store, js, icmd.New(store), ccmd.New(store, nil)
	return w
}

// writtenOnce fails t when a stream holds one change of a subject twice.
// Right after an election a fresh consumer may see nothing yet: it reads
// again until it sees the stream's messages.
func (w *world) writtenOnce(t *testing.T, streams ...string) {
	t.Helper()
	for _, stream := range streams {
		seen := map[string]int{}
		wait.For(t, 20*time.Second, func() error {
			clear(seen)
			cons, err := w.js.OrderedConsumer(w.ctx, stream, jetstream.OrderedConsumerConfig{})
			if err != nil {
				return err
			}
			batch, err := cons.FetchNoWait(10000)
			if err != nil {
				return err
			}
			for m := range batch.Messages() {
				seen[m.Subject()+"@"+m.Headers().Get(clusterstate.HeaderEventsSeq)]++
			}
			if len(seen) == 0 {
				return fmt.Errorf("stream %s reads empty", stream)
			}
			return nil
		})
		for k, n := range seen {
			if n > 1 {
				t.Errorf("%s written %d times", k, n)
			}
		}
	}
}

// retrying runs a command until the server takes it (it may be away).
func retrying[T any](t *testing.T, f func(ctx context.Context) (T, error)) T {
	t.Helper()
	var v T
	wait.For(t, 30*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		var err error
		v, err = f(ctx)
		return err
	})
	return v
}

// peerOnEveryCluster fails t unless both clusters' desired state has the
// device as a peer. Right after an election a read may time out: it reads
// again.
func (w *world) peerOnEveryCluster(t *testing.T, s scenario, device string) {
	t.Helper()
	for _, c := range []string{s.a, s.b} {
		wait.For(t, 30*time.Second, func() error {
			st, err := messageoffice.ReadState(w.ctx, w.js, "acme", c)
			if err != nil {
				return err
			}
			if _, ok := st[clusterstate.Key(clusterstate.KindPeer, device)]; !ok {
				return fmt.Errorf("cluster %s lacks the device %s as a peer", c, device)
			}
			return nil
		})
	}
}

// The message office meets each kind of transient error while it works:
// its consumer on EVENTS deleted, then delivering nothing, the team stream refusing its writes (as
// it does while it has no leader), and (in the next test) the server
// stopping and coming back. Each time it resumes after a backoff from the
// last event it folded, without rebuilding the topology, and every change
// reaches the streams exactly once.
func TestTheOfficeResumesAfterItsConsumerIsDeletedAndAfterItsWritesAreRefused(t *testing.T) {
	w := newWorld(t)
	sup := quickSupervisor()
	o := w.startWith(t, messageoffice.Config{Supervisor: sup, WriteTimeout: time.Second})
	s := w.build(t)
	w.converge(t, o)

	// Its consumer is deleted under it.
	stream, err := w.js.Stream(w.ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	for name := range stream.ConsumerNames(w.ctx).Name() {
		if err := stream.DeleteConsumer(w.ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	phone := must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: keyPhone})).Object.ID
	w.converge(t, o)
	w.peerOnEveryCluster(t, s, phone)

	// Its consumer heartbeats and delivers nothing (as one on a replica
	// stuck behind its leader does).
	paused := 0
	for name := range stream.ConsumerNames(w.ctx).Name() {
		if _, err := w.js.PauseConsumer(w.ctx, events.StreamName, name, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		paused++
	}
	if paused == 0 {
		t.Fatal("the office reads the log through no consumer")
	}
	notebook := must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "notebook", PublicKey: "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCUE="})).Object.ID
	w.peerOnEveryCluster(t, s, notebook)

	// The team stream refuses new subjects: a write the office must retry.
	team, err := w.js.Stream(w.ctx, clusterstate.TeamStreamName("acme"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := team.Info(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	full := info.Config
	full.MaxMsgs, full.Discard = int64(info.State.Msgs), jetstream.DiscardNew
	if _, err := w.js.UpdateStream(w.ctx, full); err != nil {
		t.Fatal(err)
	}
	tablet := must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "tablet", PublicKey: "BQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQ="}))
	wait.For(t, 20*time.Second, func() error {
		st := sup.Statuses()
		if len(st) != 1 || st[0].State != supervise.StateRetrying || st[0].Restarts < 2 {
			return fmt.Errorf("office: %v", st)
		}
		return nil
	})
	if o.Applied() >= tablet.Seq {
		t.Fatalf("the office says it applied %d while its write of %d is refused", o.Applied(), tablet.Seq)
	}
	full.MaxMsgs = -1
	if _, err := w.js.UpdateStream(w.ctx, full); err != nil {
		t.Fatal(err)
	}
	w.converge(t, o)
	w.peerOnEveryCluster(t, s, tablet.Object.ID)
	w.writtenOnce(t, clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme"))
	if err := o.WaitFor(w.ctx, tablet.Seq); err != nil {
		t.Fatal(err)
	}
	if st := sup.Statuses(); st[0].State != supervise.StateRunning {
		t.Fatalf("office after the refusal: %v", st)
	}
	t.Logf("office: %v", sup.Statuses())
}

func TestTheOfficeResumesAfterTheServerRestarts(t *testing.T) {
	node, nc := eventstest.StartNode(t)
	w := worldOn(t, nc)
	sup := quickSupervisor()
	o := w.startWith(t, messageoffice.Config{Supervisor: sup, WriteTimeout: time.Second})
	s := w.build(t)
	w.converge(t, o)

	node.Stop()
	node.Start(t)
	phone := retrying(t, func(ctx context.Context) (string, error) {
		r, err := w.inf.CreateDevice(ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: keyPhone})
		return r.Object.ID, err
	})
	w.converge(t, o)
	w.peerOnEveryCluster(t, s, phone)
	w.writtenOnce(t, clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme"))
	if f := sup.Failed(); len(f) > 0 {
		t.Fatalf("failed: %v", f)
	}
}

// An event the office cannot decode stops it, names the event's sequence,
// and gives up the lease at once and for good: another replica can take
// it without waiting for it to expire, and this one does not take it back.
func TestAnUndecodableEventStopsTheOfficeWhichGivesUpItsLease(t *testing.T) {
	w := newWorld(t)
	sup := quickSupervisor()
	kv, err := messageoffice.OpenLeases(w.ctx, w.js, time.Minute, 1)
	if err != nil {
		t.Fatal(err)
	}
	lease := &messageoffice.Lease{KV: kv, Key: "messageoffice", Holder: "replica-0", TTL: 300 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}
	o, err := messageoffice.New(w.store, messageoffice.Config{Supervisor: sup, Failed: func(error) { lease.Abandon() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, err := lease.Go(ctx, o.Start, o.Stop)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	if !lease.Holding() {
		t.Fatal("the only replica did not take the lease")
	}
	s := w.build(t)
	w.converge(t, o)

	m := nats.NewMsg("ev.acme.cluster." + s.a)
	m.Header.Set(events.HeaderEventType, "infra.cluster.created")
	m.Data = []byte(`{"id":"x","type":"infra.cluster.created","version":1,"team":"acme","data":`)
	ack, err := w.js.PublishMsg(w.ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	phone := must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: keyPhone}))

	err = o.WaitFor(w.ctx, phone.Seq)
	if f, ok := supervise.FaultOf(err); !ok || f.Seq != ack.Sequence {
		t.Fatalf("WaitFor = %v, want the fault at event %d", err, ack.Sequence)
	}
	if o.Applied() != ack.Sequence-1 {
		t.Fatalf("the office applied through %d, want %d (before the poison)", o.Applied(), ack.Sequence-1)
	}
	failed := sup.Failed()
	if len(failed) != 1 || failed[0].Name != "messageoffice" || failed[0].Seq != ack.Sequence {
		t.Fatalf("failed components %v, want messageoffice at %d", failed, ack.Sequence)
	}
	// The key is gone long before its minute: another replica takes it.
	wait.For(t, 5*time.Second, func() error {
		if lease.Holding() {
			return errors.New("still holding the lease")
		}
		if _, err := kv.Create(w.ctx, "messageoffice", []byte("replica-1")); err != nil {
			return fmt.Errorf("another replica cannot take the lease: %w", err)
		}
		return nil
	})
	// And this replica does not take it back once it is free again.
	if err := kv.Delete(w.ctx, "messageoffice"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lease.TTL) // several renewal periods: a retake would happen in one
	if lease.Holding() {
		t.Fatal("the replica that failed took the lease back")
	}
	if failed := sup.Failed(); len(failed) != 1 || failed[0].Name != "messageoffice" {
		t.Fatalf("after the lease went, failed components %v, want messageoffice still named", failed)
	}
}

// On a three-node cluster with R3 streams, two of the three nodes stop:
// EVENTS and the cluster and team streams have no leader and refuse
// writes. Once the nodes are back (and while the streams elect, which
// refuses the office's first writes again) the office carries on from the
// last event it folded, and every change reaches the streams once.
func TestTheOfficeResumesAfterItsStreamsHadNoLeader(t *testing.T) {
	c := eventstest.StartCluster(t, 3)
	nc := c.Connect(t)
	if err := stream.Ensure(nc, stream.Config(3)); err != nil {
		t.Fatal(err)
	}
	w := worldOn(t, nc)
	sup := quickSupervisor()
	o := w.startWith(t, messageoffice.Config{Supervisor: sup, Replicas: 3, WriteTimeout: 2 * time.Second})
	s := w.build(t)
	w.converge(t, o)

	c.Nodes[1].Stop()
	c.Nodes[2].Stop()
	c.Nodes[1].Start(t)
	c.Nodes[2].Start(t)
	phone := retrying(t, func(ctx context.Context) (string, error) {
		r, err := w.inf.CreateDevice(ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: keyPhone})
		return r.Object.ID, err
	})
	w.converge(t, o)
	w.peerOnEveryCluster(t, s, phone)
	w.writtenOnce(t, clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme"))
	if f := sup.Failed(); len(f) > 0 {
		t.Fatalf("failed: %v", f)
	}
	t.Logf("office: %v", sup.Statuses())
}

// A replica that takes the lease over a log that already holds an event
// the office cannot decode fails as a running office does: Start returns
// the fault, the supervisor names the event, and the lease is free for
// another replica at once, not retaken by this one every few seconds.
func TestAnOfficeStartingOverAnUndecodableEventReportsItAndLeavesTheLease(t *testing.T) {
	w := newWorld(t)
	s := w.build(t)
	m := nats.NewMsg("ev.acme.cluster." + s.a)
	m.Header.Set(events.HeaderEventType, "infra.cluster.created")
	m.Data = []byte(`{"id":"x","type":"infra.cluster.created","version":1,"team":"acme","data":`)
	ack, err := w.js.PublishMsg(w.ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	sup := quickSupervisor()
	kv, err := messageoffice.OpenLeases(w.ctx, w.js, time.Minute, 1)
	if err != nil {
		t.Fatal(err)
	}
	lease := &messageoffice.Lease{KV: kv, Key: "messageoffice", Holder: "replica-0", TTL: 300 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}
	o, err := messageoffice.New(w.store, messageoffice.Config{Supervisor: sup, Failed: func(error) { lease.Abandon() }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = lease.Go(ctx, o.Start, o.Stop)
	if f, ok := supervise.FaultOf(err); !ok || f.Seq != ack.Sequence {
		t.Fatalf("lease.Go = %v, want the fault at event %d", err, ack.Sequence)
	}
	if failed := sup.Failed(); len(failed) != 1 || failed[0].Name != "messageoffice" || failed[0].Seq != ack.Sequence {
		t.Fatalf("failed components %v, want messageoffice at %d", failed, ack.Sequence)
	}
	if lease.Holding() {
		t.Fatal("the replica holds the lease of an office that did not start")
	}
	if _, err := kv.Create(w.ctx, "messageoffice", []byte("replica-1")); err != nil {
		t.Fatalf("another replica cannot take the lease at once: %v", err)
	}
}

// The status relay records what agents report as events. While the log
// refuses writes (as EVENTS does while it has no leader), a report that
// cannot be recorded is not lost: an agent sends its gateway once per
// start, and its clusters would never learn its key. The office records
// it once the log takes writes again.
func TestAGatewayReportTheLogRefusedForAMomentIsRecordedOnceItCan(t *testing.T) {
	w := newWorld(t)
	sup := quickSupervisor()
	o := w.startWith(t, messageoffice.Config{Supervisor: sup})
	s := w.build(t)
	w.converge(t, o)
	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	stream, err := w.js.Stream(w.ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	full := info.Config
	full.MaxMsgs, full.Discard = int64(info.State.Msgs), jetstream.DiscardNew
	if _, err := w.js.UpdateStream(w.ctx, full); err != nil {
		t.Fatal(err)
	}
	gw, _ := json.Marshal(clusterstate.Gateway{PublicKey: keyPhone, Endpoint: "198.51.100.1:51820"})
	agent := w.agentConn(t, s.a)
	if err := agent.Publish(clusterstate.StatusSubject(s.a, clusterstate.StatusGateway), gw); err != nil {
		t.Fatal(err)
	}
	if err := agent.Flush(); err != nil {
		t.Fatal(err)
	}
	// The relay meets the refusal and says it has a report to record.
	relay := func() supervise.Status {
		for _, st := range sup.Report(w.ctx) {
			if st.Name == "messageoffice/relay" {
				return st
			}
		}
		return supervise.Status{}
	}
	wait.For(t, 10*time.Second, func() error {
		if st := relay(); !st.Measured || st.Behind != 1 {
			return fmt.Errorf("relay: %v, want behind 1", st)
		}
		return nil
	})
	if st, err := stream.Info(w.ctx); err != nil || st.State.Msgs != info.State.Msgs {
		t.Fatalf("the log took writes while refusing them: %v %v", st, err)
	}
	full.MaxMsgs = -1
	if _, err := w.js.UpdateStream(w.ctx, full); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, func() error {
		recs, _, err := w.store.Load(w.ctx, "acme", events.AggregateRef{Type: infra.ClusterAggregate, ID: s.a})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if g, ok := r.Data.(infra.ClusterGatewayReported); ok && g.PublicKey == keyPhone {
				return nil
			}
		}
		return fmt.Errorf("cluster %s's gateway key is not recorded", s.a)
	})
	wait.For(t, 10*time.Second, func() error {
		if st := relay(); st.Behind != 0 || st.State != supervise.StateRunning {
			return fmt.Errorf("relay: %v, want running and behind 0", st)
		}
		return nil
	})
}
