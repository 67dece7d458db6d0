package eventstest

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"weft.dev/events/stream"
)

// Cluster is an in-process JetStream cluster: real nats-servers on loopback
// joined by routes, each with its own store directory, so R3 streams,
// leader elections and a node's stop and return behave as in production.
type Cluster struct {
	Nodes []*Node
	// connect are the options of Connect's connections.
	connect []nats.Option
}

// Node is one member of a Cluster; Stop and Start it to test failover.
type Node struct {
	Name string
	URL  string
	opts *natsserver.Options
	srv  *natsserver.Server
}

// StartCluster runs n nodes in fresh temporary directories and waits until
// they have formed a cluster; all are shut down when the test ends.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	return StartClusterWith(tb, n, nil)
}

// StartClusterWith is StartCluster with configure applied to every node's
// options before it starts (users, an auth callout, the address clients
// reach it at: its Host); connect holds what the test's own connections
// then need (nats.UserInfo).
func StartClusterWith(tb testing.TB, n int, configure func(*natsserver.Options), connect ...nats.Option) *Cluster {
	tb.Helper()
	dir := tb.TempDir()
	// Routes must be known before the nodes start, so the ports are chosen
	// up front (a freed ephemeral port is not reused at once in practice).
	client, route := make([]int, n), make([]int, n)
	var routes []string
	for i := range n {
		client[i], route[i] = freePort(tb), freePort(tb)
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", route[i]))
	}
	c := &Cluster{connect: connect}
	for i := range n {
		name := fmt.Sprintf("n%d", i)
		c.Nodes = append(c.Nodes, &Node{
			Name: name, URL: fmt.Sprintf("nats://127.0.0.1:%d", client[i]),
			opts: &natsserver.Options{
				ServerName: name, Host: "127.0.0.1", Port: client[i],
				JetStream: true, StoreDir: filepath.Join(dir, name),
				Cluster: natsserver.ClusterOpts{Name: "weft-test", Host: "127.0.0.1", Port: route[i]},
				Routes:  natsserver.RoutesFromStr(strings.Join(routes, ",")), NoSigs: true, NoLog: true,
			},
		})
		if configure != nil {
			// A node may listen elsewhere than loopback (an address other
			// hosts reach): its URL is where it listens.
			configure(c.Nodes[i].opts)
			c.Nodes[i].URL = fmt.Sprintf("nats://%s:%d", c.Nodes[i].opts.Host, c.Nodes[i].opts.Port)
		}
	}
	for _, node := range c.Nodes {
		node.Start(tb)
		tb.Cleanup(node.Stop)
	}
	nc := c.Connect(tb)
	deadline := time.Now().Add(30 * time.Second)
	for {
		js, err := nc.JetStream()
		if err == nil {
			if _, err = js.AccountInfo(); err == nil {
				return c
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the JetStream cluster elected no meta leader: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// URLs is every node's client URL, comma separated, for nats.Connect.
func (c *Cluster) URLs() string {
	var u []string
	for _, n := range c.Nodes {
		u = append(u, n.URL)
	}
	return strings.Join(u, ",")
}

// Node returns the member called name, or nil.
func (c *Cluster) Node(name string) *Node {
	for _, n := range c.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Connect opens a connection that knows every node and reconnects forever;
// it is closed when the test ends.
func (c *Cluster) Connect(tb testing.TB) *nats.Conn {
	tb.Helper()
	nc, err := nats.Connect(c.URLs(), append([]nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond)}, c.connect...)...)
	if err != nil {
		tb.Fatalf("connect to the cluster: %v", err)
	}
	tb.Cleanup(nc.Close)
	return nc
}

// NewNode is a server of the test's own making (a leaf node, a hub with
// a JetStream domain); Start it, and Stop it in a Cleanup.
func NewNode(opts *natsserver.Options) *Node {
	return &Node{Name: opts.ServerName, URL: fmt.Sprintf("nats://%s:%d", opts.Host, opts.Port), opts: opts}
}

// Running reports whether the node is up.
func (n *Node) Running() bool { return n.srv != nil }

// Server is the running server (nil when stopped).
func (n *Node) Server() *natsserver.Server { return n.srv }

// FreePort is a TCP port on loopback free now, for a node's options.
func FreePort(tb testing.TB) int { return freePort(tb) }

// Start (re)starts the node on its store directory.
func (n *Node) Start(tb testing.TB) {
	tb.Helper()
	s, err := natsserver.NewServer(n.opts)
	if err != nil {
		tb.Fatalf("NATS node %s: %v", n.Name, err)
	}
	go s.Start()
	if !s.ReadyForConnections(20 * time.Second) {
		tb.Fatalf("NATS node %s did not start", n.Name)
	}
	n.srv = s
}

// Stop shuts the node down; safe to call when it is stopped.
func (n *Node) Stop() {
	if n.srv != nil {
		n.srv.Shutdown()
		n.srv.WaitForShutdown()
		n.srv = nil
	}
}

func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartNode runs one server on loopback (not in-process) with the EVENTS
// stream, and a connection that reconnects to it for ever: the server can
// Stop and Start again on the same store while clients ride it out.
func StartNode(tb testing.TB) (*Node, *nats.Conn) {
	tb.Helper()
	node := NewNode(&natsserver.Options{ServerName: "solo", Host: "127.0.0.1", Port: freePort(tb),
		JetStream: true, StoreDir: filepath.Join(tb.TempDir(), "js"), NoSigs: true, NoLog: true})
	node.Start(tb)
	tb.Cleanup(node.Stop)
	nc, err := nats.Connect(node.URL, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(nc.Close)
	if err := stream.Ensure(nc, stream.Config(1)); err != nil {
		tb.Fatal(err)
	}
	return node, nc
}
