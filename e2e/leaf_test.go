package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/eventstest"

	"weft.dev/agent/converge"
	"weft.dev/events/clusterstate"
)

// cuttable forwards TCP to target until cut; restore lets it through again.
type cuttable struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	open   bool
	conns  []net.Conn
}

func newCuttable(t *testing.T, target string) *cuttable {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cuttable{l: l, target: target, open: true}
	t.Cleanup(func() { _ = l.Close(); c.cut() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			if !c.open {
				c.mu.Unlock()
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				c.mu.Unlock()
				in.Close()
				continue
			}
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
	return c
}

func (c *cuttable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open = false
	for _, x := range c.conns {
		x.Close()
	}
	c.conns = nil
}

func (c *cuttable) restore() {
	c.mu.Lock()
	c.open = true
	c.mu.Unlock()
}

// An edge cluster runs its own NATS leaf node (own JetStream domain) that
// mirrors the cluster's stream from the hub: its agent converges from the
// leaf, keeps working and even restarts while the link to the hub is down,
// and catches up with what changed meanwhile when the link returns. Its
// status reports reach the hub over the same leaf connection.
func TestAnEdgeAgentConvergesFromItsLeafNodeWhileCutOffAndCatchesUpAfter(t *testing.T) {
	dir := t.TempDir()
	leafPort := eventstest.FreePort(t)
	// NoAdvertise: the hub must not tell the leaf its own address, or the
	// leaf would reconnect around the link this test cuts.
	hub := eventstest.NewNode(&natsserver.Options{ServerName: "hub", Host: "127.0.0.1", Port: eventstest.FreePort(t),
		JetStream: true, JetStreamDomain: "hub", StoreDir: filepath.Join(dir, "hub"), NoSigs: true, NoLog: true,
		LeafNode: natsserver.LeafNodeOpts{Host: "127.0.0.1", Port: leafPort, NoAdvertise: true}})
	hub.Start(t)
	t.Cleanup(hub.Stop)
	link := newCuttable(t, fmt.Sprintf("127.0.0.1:%d", leafPort))
	linkURL, err := url.Parse("nats-leaf://" + link.l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	leaf := eventstest.NewNode(&natsserver.Options{ServerName: "edge", Host: "127.0.0.1", Port: eventstest.FreePort(t),
		JetStream: true, JetStreamDomain: "edge", StoreDir: filepath.Join(dir, "edge"), NoSigs: true, NoLog: true,
		// The edge's agent uses the leaf's own JetStream API, where nothing
		// checks a request's reply subject: the link may carry nothing into
		// the hub's streams or API (deploy/README.md, "Edge clusters").
		LeafNode: natsserver.LeafNodeOpts{Remotes: []*natsserver.RemoteLeafOpts{{URLs: []*url.URL{linkURL},
			DenyExports: clusterstate.EdgeDenyExports}}, ReconnectInterval: 200 * time.Millisecond}})
	leaf.Start(t)
	t.Cleanup(leaf.Stop)

	s := startServer(t, "--nats-url", hub.URL)
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	cl := c.json("cluster", "create", "edge-1")
	cluster, _ := find(cl, "id").(string)
	c.ok("device", "create", "laptop", "--public-key", newKey(t))

	// The edge's stream: a mirror of the hub's, through the leaf link.
	lnc, err := nats.Connect(leaf.URL, nats.MaxReconnects(-1))
	if err != nil {
		t.Fatal(err)
	}
	defer lnc.Close()
	ljs, err := jetstream.New(lnc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{clusterstate.StreamName(cluster), clusterstate.TeamStreamName("acme")} {
		eventually(t, "the mirror of "+name+" is made", func() (bool, string) {
			_, err := ljs.CreateOrUpdateStream(context.Background(), jetstream.StreamConfig{Name: name, Storage: jetstream.FileStorage,
				Mirror: &jetstream.StreamSource{Name: name, External: &jetstream.ExternalStream{APIPrefix: "$JS.hub.API"}}})
			return err == nil, fmt.Sprint(err)
		})
	}

	runAgent := func() (*converge.Recorder, context.CancelFunc) {
		rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: newKey(t), Endpoint: "198.51.100.7:51820"})
		a, err := converge.New(converge.Config{Cluster: cluster, Team: "acme", Peers: rec, Routes: rec, DNS: rec, Heartbeat: 200 * time.Millisecond,
			JetStreamAPI: "$JS.API"})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { _ = a.Run(ctx, lnc) }()
		return rec, cancel
	}
	peers := func(rec *converge.Recorder) map[string]string {
		out := map[string]string{}
		for id, p := range rec.PeersNow() {
			out[p.Name] = id
		}
		return out
	}
	rec, stop := runAgent()
	eventually(t, "the agent converges from the leaf", func() (bool, string) {
		p := peers(rec)
		return p["laptop"] != "", fmt.Sprint(p)
	})
	// Its reports cross the leaf link to the hub.
	eventually(t, "the hub hears the edge agent", func() (bool, string) {
		out, _, _ := c.run("cluster", "get", "edge-1", "-o", "json")
		return find(jsonOf(out), "online") == true, out
	})

	// Cut off: a restarted agent converges from the leaf alone.
	link.cut()
	eventually(t, "the leaf loses the hub", func() (bool, string) {
		n := leaf.Server().NumLeafNodes()
		return n == 0, fmt.Sprintf("%d leaf connections", n)
	})
	c.ok("device", "create", "phone", "--public-key", newKey(t))
	stop()
	rec, stop = runAgent()
	defer func() { stop() }()
	eventually(t, "the agent converges from the leaf while cut off", func() (bool, string) {
		p := peers(rec)
		return p["laptop"] != "", fmt.Sprint(p)
	})
	time.Sleep(time.Second)
	if p := peers(rec); p["phone"] != "" {
		t.Fatalf("a change made at the hub crossed a cut link: %v", p)
	}
	// The link returns: the mirror catches up and so does the agent.
	link.restore()
	eventually(t, "the agent catches up after the link returns", func() (bool, string) {
		p := peers(rec)
		return p["phone"] != "" && p["laptop"] != "", fmt.Sprint(p)
	})
}
