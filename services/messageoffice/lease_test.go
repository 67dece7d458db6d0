package messageoffice_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
	icmd "weft.dev/services/infra/command"
	"weft.dev/services/messageoffice"
)

// Two replicas of the message office: one writes, the other waits; every
// change reaches each cluster stream once; when the writer dies (its
// connection gone, no goodbye) the other takes over after the lease
// expires, from the log and the streams as they are, and the streams end
// as the log says.
func TestOfTwoOfficeReplicasOneWritesAndTheOtherTakesOverWhenItDies(t *testing.T) {
	w := newWorld(t)
	const ttl = 1500 * time.Millisecond
	type replica struct {
		o     *messageoffice.Office
		lease *messageoffice.Lease
		conn  interface{ Close() }
	}
	var rs []*replica
	for i := range 2 {
		// Each replica renews its lease over a connection of its own, so
		// closing it is the replica dying.
		nc, err := w.env.Server.Connect(fmt.Sprintf("replica-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		kv, err := messageoffice.OpenLeases(w.ctx, js, ttl, 1)
		if err != nil {
			t.Fatal(err)
		}
		o, err := messageoffice.New(w.store, messageoffice.Config{})
		if err != nil {
			t.Fatal(err)
		}
		r := &replica{o: o, conn: nc, lease: &messageoffice.Lease{KV: kv, Key: "messageoffice", Holder: fmt.Sprint("replica-", i), TTL: ttl, Log: slog.New(slog.DiscardHandler)}}
		ctx, cancel := context.WithCancel(context.Background())
		done, err := r.lease.Go(ctx, o.Start, o.Stop)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); <-done })
		rs = append(rs, r)
	}
	if rs[0].lease.Holding() == rs[1].lease.Holding() {
		t.Fatalf("holding: %v and %v, want exactly one", rs[0].lease.Holding(), rs[1].lease.Holding())
	}
	writer, standby := rs[0], rs[1]
	if !writer.lease.Holding() {
		writer, standby = standby, writer
	}
	s := w.build(t)
	w.converge(t, writer.o)
	if standby.o.Applied() != 0 {
		t.Fatalf("the standby applied up to %d", standby.o.Applied())
	}

	// The writer dies: its lease connection goes, it cannot renew.
	writer.conn.Close()
	wait.For(t, 10*ttl, func() error {
		if !standby.lease.Holding() {
			return errors.New("the standby did not take over")
		}
		return nil
	})
	// Changes after the takeover reach the streams through the new writer.
	must(w.inf.DeleteDevice(w.ctx, w.owner, icmd.DeviceInput{Team: "acme", ID: s.laptop}))
	w.converge(t, standby.o)
	for _, c := range []string{s.a, s.b} {
		st := w.state(t, c)
		if _, ok := st[clusterstate.Key(clusterstate.KindPeer, s.laptop)]; ok {
			t.Errorf("cluster %s still has the deleted laptop as a peer", c)
		}
	}
	// Exactly once: no subject got the same change twice.
	w.writtenOnce(t, clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme"))
}
