package projection_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/events/stream"
)

// On a three-node cluster with an R3 EVENTS stream, two replicas of a
// projection (each on its own connection, as two processes would be) keep
// applying every event exactly once to their own copy while the node that
// leads EVENTS stops in the middle of the appends: the ordered consumer
// moves to the new leader and resumes after the last sequence it delivered,
// with neither a gap nor a repeat.
func TestOnAClusterTwoReplicasApplyEveryEventOnceWhileTheStreamLeaderStops(t *testing.T) {
	c := eventstest.StartCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	reg := events.NewRegistry()
	events.Register[added](reg, "test.added", 1)
	nc := c.Connect(t)
	if err := stream.Ensure(nc, stream.Config(3)); err != nil {
		t.Fatal(err)
	}
	store := events.NewStore(nc, reg)

	var models []*seqs
	var runners []*projection.Runner
	for range 2 {
		m := &seqs{}
		r := projection.New(events.NewStore(c.Connect(t), reg), m, projection.Config{Name: "clustered"})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Stop(context.Background()) })
		models, runners = append(models, m), append(runners, r)
	}

	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	si, err := stream.Info(ctx)
	if err != nil || si.Cluster == nil || si.Config.Replicas != 3 {
		t.Fatalf("EVENTS is not R3 with a leader: %v %+v", err, si)
	}
	leader := c.Node(si.Cluster.Leader)

	acked := 0
	for i := 0; acked < 150; i++ {
		if i == 50 {
			leader.Stop()
		}
		_, err := store.Append(ctx, events.AnyVersion, events.Event{
			Team: "acme", Aggregate: events.AggregateRef{Type: "thing", ID: fmt.Sprint("a", i%7)}, Data: added{N: i},
		})
		if err == nil {
			acked++
		} else if ctx.Err() != nil {
			t.Fatalf("appends stopped with %d acknowledged: %v", acked, err)
		} else {
			time.Sleep(50 * time.Millisecond) // during the election
		}
	}
	si, err = stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last := si.State.LastSeq
	for i, r := range runners {
		if err := r.WaitFor(ctx, last); err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		models[i].check(t, fmt.Sprint("replica ", i), 0, last)
	}
	if models[0].String() != models[1].String() {
		t.Fatalf("replicas disagree: %s vs %s", models[0], models[1])
	}
	t.Logf("%d appends acknowledged, leader %s stopped after 50", acked, leader.Name)
}
