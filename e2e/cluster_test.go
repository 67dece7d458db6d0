package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/eventstest"
)

// weft-server against a three-node NATS JetStream cluster with R3 streams:
// stopping the node that leads EVENTS in the middle of a stream of
// mutations loses no acknowledged one, weft keeps serving on the other
// two, and the node rejoins and catches up.
func TestOnAThreeNodeNATSClusterNoAcknowledgedChangeIsLostWhenANodeStops(t *testing.T) {
	cluster := eventstest.StartCluster(t, 3)
	urls := cluster.URLs()
	js, err := jetstream.New(cluster.Connect(t))
	if err != nil {
		t.Fatal(err)
	}

	s := startServer(t, "--nats-url", urls, "--replicas", "3")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")

	info, err := js.Stream(context.Background(), "EVENTS")
	if err != nil {
		t.Fatal(err)
	}
	si, err := info.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if si.Config.Replicas != 3 || si.Cluster == nil || si.Cluster.Leader == "" {
		t.Fatalf("EVENTS is not an R3 stream with a leader: %+v", si.Cluster)
	}
	leader := si.Cluster.Leader
	stopped := cluster.Node(leader)

	var acked []string
	afterStop := 0
	for i := 0; i < 40 || afterStop < 10; i++ {
		if i > 400 {
			t.Fatalf("weft stopped serving after node %s went: %d acknowledged since", leader, afterStop)
		}
		if i == 15 {
			stopped.Stop()
		}
		name := fmt.Sprintf("d%03d", i)
		if _, _, code := c.run("device", "create", name, "--public-key", newKey(t)); code == 0 {
			acked = append(acked, name)
			if !stopped.Running() {
				afterStop++
			}
		}
	}
	// Reads may answer UNAVAILABLE for a few seconds after the leader
	// changed, while the read models' consumers move to the new leader.
	var list string
	eventually(t, "the read models catch up after the leader change", func() (bool, string) {
		out, errs, code := c.run("device", "list", "-o", "json")
		list = out
		return code == 0, errs
	})
	for _, n := range acked {
		if !strings.Contains(list, `"`+n+`"`) {
			t.Errorf("acknowledged device %s is gone", n)
		}
	}
	t.Logf("%d devices acknowledged, %d with node %s (the EVENTS leader) down", len(acked), afterStop, leader)

	// The node comes back and catches up: every replica current.
	stopped.Start(t)
	eventually(t, "the returning node catches up", func() (bool, string) {
		si, err := info.Info(context.Background())
		if err != nil || si.Cluster == nil {
			return false, fmt.Sprint(err)
		}
		if len(si.Cluster.Replicas) != 2 {
			return false, fmt.Sprintf("%d peers besides the leader", len(si.Cluster.Replicas))
		}
		for _, r := range si.Cluster.Replicas {
			if !r.Current || r.Lag != 0 || r.Offline {
				return false, fmt.Sprintf("%s current=%v lag=%d offline=%v", r.Name, r.Current, r.Lag, r.Offline)
			}
		}
		return true, ""
	})
	// And weft still serves, reading what it wrote.
	c.ok("device", "create", "after", "--public-key", newKey(t))
	if got := c.ok("device", "get", "after", "-o", "json"); !strings.Contains(got, `"after"`) {
		t.Fatalf("device after the node returned: %s", got)
	}

	// A second weft-server replica on the same cluster: its read models
	// answer the same, its message office waits. The first dies (SIGKILL,
	// no goodbye) in the middle of changes; the second takes over the
	// desired-state streams, and no change reaches a stream twice.
	cl := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(cl, "id").(string)
	s2 := startReplica(t, s.Token, "--nats-url", urls, "--replicas", "3")
	c2 := newCLI(t)
	c2.ok("login", "--server", s2.URL, "--token", s.Token, "--team", "acme")
	eventually(t, "the replicas answer the same", func() (bool, string) {
		a := c.ok("device", "list", "-o", "json")
		b, errs, code := c2.run("device", "list", "-o", "json")
		return code == 0 && a == b, errs
	})
	c2.ok("device", "create", "before-kill", "--public-key", newKey(t))
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
	s.cmd = nil
	for i := range 5 {
		c2.ok("device", "create", fmt.Sprintf("after-kill-%d", i), "--public-key", newKey(t))
	}
	// The office makes the cluster's and the team's streams when it reads
	// the cluster's creation: after the acknowledgement, not before. The
	// devices' peers are in the team's.
	var stream jetstream.Stream
	for _, name := range []string{"CL_" + clusterID, "TM_acme"} {
		eventually(t, name+" exists", func() (bool, string) {
			var err error
			stream, err = js.Stream(context.Background(), name)
			return err == nil, fmt.Sprint(err)
		})
		if csi, err := stream.Info(context.Background()); err != nil || csi.Config.Replicas != 3 {
			t.Fatalf("%s is not an R3 stream: %v %+v", name, err, csi)
		}
	}
	peersIn := func() (map[string]int, error) {
		cons, err := stream.OrderedConsumer(context.Background(), jetstream.OrderedConsumerConfig{})
		if err != nil {
			return nil, err
		}
		batch, err := cons.FetchNoWait(100000)
		if err != nil {
			return nil, err
		}
		seen := map[string]int{}
		for m := range batch.Messages() {
			seen[m.Subject()+"@"+m.Headers().Get("Weft-Events-Seq")]++
			if strings.Contains(m.Subject(), ".peer.") {
				seen["peers"]++
			}
			if strings.Contains(string(m.Data()), "after-kill-4") {
				seen["after-kill-4"]++
			}
		}
		return seen, batch.Error()
	}
	eventually(t, "the second replica's message office writes the team's stream", func() (bool, string) {
		seen, err := peersIn()
		return err == nil && seen["after-kill-4"] > 0, fmt.Sprint(err)
	})
	seen, _ := peersIn()
	for k, n := range seen {
		if n > 1 && strings.Contains(k, "@") {
			t.Errorf("%s written %d times", k, n)
		}
	}
}
