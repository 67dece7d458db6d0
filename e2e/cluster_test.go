package e2e

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// natsNode is one member of an in-process three-node JetStream cluster.
type natsNode struct {
	opts *natsserver.Options
	srv  *natsserver.Server
}

func (n *natsNode) start(t *testing.T) {
	t.Helper()
	s, err := natsserver.NewServer(n.opts)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(20 * time.Second) {
		t.Fatalf("NATS node %s did not start", n.opts.ServerName)
	}
	n.srv = s
}

func (n *natsNode) stop() {
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
		n.srv = nil
	}
}

// weft-server against a three-node NATS JetStream cluster with R3 streams:
// stopping the node that leads EVENTS in the middle of a stream of
// mutations loses no acknowledged one, weft keeps serving on the other
// two, and the node rejoins and catches up.
func TestOnAThreeNodeNATSClusterNoAcknowledgedChangeIsLostWhenANodeStops(t *testing.T) {
	dir := t.TempDir()
	var nodes []*natsNode
	var routes, urls []string
	clientPorts, routePorts := make([]int, 3), make([]int, 3)
	for i := range 3 {
		clientPorts[i], routePorts[i] = freeTCPPort(t), freeTCPPort(t)
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", routePorts[i]))
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]))
	}
	for i := range 3 {
		n := &natsNode{opts: &natsserver.Options{
			ServerName: fmt.Sprintf("n%d", i), Host: "127.0.0.1", Port: clientPorts[i],
			JetStream: true, StoreDir: filepath.Join(dir, fmt.Sprint(i)),
			Cluster: natsserver.ClusterOpts{Name: "weft", Host: "127.0.0.1", Port: routePorts[i]},
			Routes:  natsserver.RoutesFromStr(strings.Join(routes, ",")), NoSigs: true, NoLog: true,
		}}
		nodes = append(nodes, n)
	}
	for _, n := range nodes {
		n.start(t)
		t.Cleanup(n.stop)
	}
	nc, err := nats.Connect(strings.Join(urls, ","), nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the JetStream cluster elects a meta leader", func() (bool, string) {
		_, err := js.AccountInfo(context.Background())
		return err == nil, fmt.Sprint(err)
	})

	s := startServer(t, "--nats-url", strings.Join(urls, ","), "--replicas", "3")
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
	var stopped *natsNode
	for _, n := range nodes {
		if n.opts.ServerName == leader {
			stopped = n
		}
	}

	var acked []string
	afterStop := 0
	for i := 0; i < 40 || afterStop < 10; i++ {
		if i > 400 {
			t.Fatalf("weft stopped serving after node %s went: %d acknowledged since", leader, afterStop)
		}
		if i == 15 {
			stopped.stop()
		}
		name := fmt.Sprintf("d%03d", i)
		if _, _, code := c.run("device", "create", name, "--public-key", newKey(t)); code == 0 {
			acked = append(acked, name)
			if stopped.srv == nil {
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
	stopped.start(t)
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
	// cluster streams, and no change reaches a stream twice.
	cl := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(cl, "id").(string)
	s2 := startReplica(t, s.Token, "--nats-url", strings.Join(urls, ","), "--replicas", "3")
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
	// The office makes the cluster's stream when it reads the cluster's
	// creation: after the acknowledgement, not before.
	var stream jetstream.Stream
	eventually(t, "the cluster's stream exists", func() (bool, string) {
		var err error
		stream, err = js.Stream(context.Background(), "CL_"+clusterID)
		return err == nil, fmt.Sprint(err)
	})
	if csi, err := stream.Info(context.Background()); err != nil || csi.Config.Replicas != 3 {
		t.Fatalf("CL_%s is not an R3 stream: %v %+v", clusterID, err, csi)
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
	eventually(t, "the second replica's message office writes the cluster's stream", func() (bool, string) {
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
