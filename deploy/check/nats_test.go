package check

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"weft.dev/events/clusterstate"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/wait"
)

// The NATS configuration base ships is real: three nats-servers started
// in process from its nats.conf (only ports, paths and the route hosts
// moved to loopback) and a resolver.conf made as deploy/README.md says form
// a JetStream cluster in operator mode, answer the probes' /healthz, take
// weft's R3 streams as weft's user, and let an agent's user (the
// permissions of clusterstate.AgentPermissions, as messageoffice's README
// has nsc grant them) read its own cluster's stream and not another's.
func TestBaseNATSConfigRunsAThreeNodeOperatorModeClusterWithR3AndAgentIsolation(t *testing.T) {
	docs, err := Render(filepath.Join("..", "kubernetes", "base"))
	if err != nil {
		t.Fatal(err)
	}
	var conf string
	for _, d := range docs {
		var cm corev1.ConfigMap
		if err := yaml.Unmarshal(d, &cm); err == nil && cm.Kind == "ConfigMap" && strings.HasPrefix(cm.Name, "nats-config") {
			conf = cm.Data["nats.conf"]
		}
	}
	if conf == "" {
		t.Fatal("base has no ConfigMap nats-config with nats.conf")
	}

	weft, resolver := operatorResolver(t)

	const nodes = 3
	// Ports are picked free and then bound by the servers; another test
	// may take one in between, and a node then never starts. Such a start
	// is retried on other ports.
	var client, cluster, monitor, leaf []int
	for attempt := 1; ; attempt++ {
		ports := freePorts(t, 4*nodes) // one call: all distinct
		client, cluster, monitor, leaf = ports[:nodes], ports[nodes:2*nodes], ports[2*nodes:3*nodes], ports[3*nodes:]
		servers := startNATSNodes(t, conf, resolver, nodes, client, cluster, monitor, leaf)
		ready := true
		for i, s := range servers {
			if !s.ReadyForConnections(20 * time.Second) {
				t.Logf("attempt %d: node %d did not start", attempt, i)
				ready = false
			}
		}
		if ready {
			break
		}
		for _, s := range servers {
			s.Shutdown()
		}
		if attempt == 3 {
			t.Fatal("the NATS cluster did not start in three attempts")
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	urls := make([]string, nodes)
	for i := range nodes {
		urls[i] = fmt.Sprintf("nats://127.0.0.1:%d", client[i])
	}
	weftUser, weftSeed := user(t, weft, nil, nil)
	nc, err := nats.Connect(strings.Join(urls, ","), nats.UserJWTAndSeed(weftUser, weftSeed))
	if err != nil {
		t.Fatalf("weft's user: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"c1", "c2"} {
		cfg := jetstream.StreamConfig{Name: clusterstate.StreamName(c), Subjects: []string{"cl." + c + ".>"}, Replicas: 3, Storage: jetstream.FileStorage}
		// The meta leader is elected a moment after the nodes meet.
		var last error
		for {
			actx, acancel := context.WithTimeout(ctx, 2*time.Second)
			_, err = js.CreateStream(actx, cfg)
			acancel()
			if err == nil || ctx.Err() != nil {
				break
			}
			last = err
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("create R3 stream %s: %v", cfg.Name, last)
		}
		if _, err := js.Publish(ctx, "cl."+c+".state", []byte("desired state of "+c)); err != nil {
			t.Fatalf("publish to %s: %v", cfg.Name, err)
		}
	}
	// Edge clusters' leaf nodes mirror from the domain "hub".
	if ai, err := js.AccountInfo(ctx); err != nil || ai.Domain != "hub" {
		t.Errorf("JetStream domain: %v, %v; want hub", ai, err)
	}
	info, err := js.Stream(ctx, "CL_c1")
	if err != nil {
		t.Fatal(err)
	}
	if ci := info.CachedInfo().Cluster; ci == nil || len(ci.Replicas) != 2 {
		t.Errorf("CL_c1 is not on three nodes: %+v", ci)
	}

	for i := range nodes {
		for _, q := range []string{"js-enabled-only=true", "js-server-only=true"} {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz?%s", monitor[i], q))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("node %d: /healthz?%s: %s", i, q, resp.Status)
			}
		}
	}

	// weft-server's guard, on the services' connection, is the agents'
	// JetStream API.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "t1", c == "c1" || c == "c2" }, Log: slog.New(slog.DiscardHandler)}
	gsub, err := guard.Serve(nc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = gsub.Unsubscribe() }()
	pubAllow, subAllow := clusterstate.AgentPermissions("c1")
	agentUser, agentSeed := user(t, weft, pubAllow, subAllow)
	ac, err := nats.Connect(urls[1], nats.UserJWTAndSeed(agentUser, agentSeed), nats.CustomInboxPrefix(clusterstate.InboxPrefix("c1")))
	if err != nil {
		t.Fatalf("the agent's user: %v", err)
	}
	defer ac.Close()
	ajs, err := jetstream.NewWithAPIPrefix(ac, clusterstate.AgentAPIPrefix("c1"))
	if err != nil {
		t.Fatal(err)
	}
	// A freshly formed cluster may not route the first consumer request
	// yet (no responders): the agent's own loop retries, and so does this.
	var got string
	wait.ForEvery(t, 30*time.Second, 200*time.Millisecond, func() error {
		own, err := ajs.OrderedConsumer(ctx, "CL_c1", jetstream.OrderedConsumerConfig{})
		if err != nil {
			return fmt.Errorf("the agent reads its own stream: %w", err)
		}
		m, err := own.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			return fmt.Errorf("the agent reads its own stream: %w", err)
		}
		got = string(m.Data())
		return nil
	})
	if got != "desired state of c1" {
		t.Fatalf("the agent read %q from its own stream", got)
	}
	octx, ocancel := context.WithTimeout(ctx, 3*time.Second)
	defer ocancel()
	other, err := ajs.OrderedConsumer(octx, "CL_c2", jetstream.OrderedConsumerConfig{})
	if err == nil {
		if m, err2 := other.Next(jetstream.FetchMaxWait(2 * time.Second)); err2 == nil {
			t.Fatalf("the agent of c1 read c2's stream: %q", m.Data())
		}
	} else if errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

// operatorResolver makes the operator, system account and weft's account
// with JetStream, as nsc makes them, and the resolver.conf that nsc generate
// config --mem-resolver writes; it returns weft's account key too.
func operatorResolver(t *testing.T) (nkeys.KeyPair, string) {
	t.Helper()
	op, sys, weft := newKey(t, nkeys.CreateOperator), newKey(t, nkeys.CreateAccount), newKey(t, nkeys.CreateAccount)
	sysClaims := jwt.NewAccountClaims(pub(t, sys))
	sysClaims.Name = "SYS"
	weftClaims := jwt.NewAccountClaims(pub(t, weft))
	weftClaims.Name = "WEFT"
	weftClaims.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
	opClaims := jwt.NewOperatorClaims(pub(t, op))
	opClaims.Name = "weft"
	opClaims.SystemAccount = pub(t, sys)
	resolver := fmt.Sprintf("operator: %s\nsystem_account: %s\nresolver: MEMORY\nresolver_preload: {\n  %s: %s\n  %s: %s\n}\n",
		encode(t, opClaims, op), pub(t, sys), pub(t, sys), encode(t, sysClaims, op), pub(t, weft), encode(t, weftClaims, op))
	return weft, resolver
}

func newKey(t *testing.T, create func() (nkeys.KeyPair, error)) nkeys.KeyPair {
	t.Helper()
	kp, err := create()
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

func pub(t *testing.T, kp nkeys.KeyPair) string {
	t.Helper()
	p, err := kp.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func encode(t *testing.T, c interface {
	Encode(nkeys.KeyPair) (string, error)
}, signer nkeys.KeyPair) string {
	t.Helper()
	s, err := c.Encode(signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// user makes a user of account signed by it: unrestricted when allow lists
// are nil, as nsc add user does.
func user(t *testing.T, account nkeys.KeyPair, pubAllow, subAllow []string) (string, string) {
	t.Helper()
	kp := newKey(t, nkeys.CreateUser)
	uc := jwt.NewUserClaims(pub(t, kp))
	uc.Pub.Allow.Add(pubAllow...)
	uc.Sub.Allow.Add(subAllow...)
	seed, err := kp.Seed()
	if err != nil {
		t.Fatal(err)
	}
	return encode(t, uc, account), string(seed)
}

// freePorts reserves n loopback ports by listening on them briefly.
// startNATSNodes starts nodes nats-servers from base's nats.conf, moved to
// loopback on the given ports, in temporary directories.
func startNATSNodes(t *testing.T, conf, resolver string, nodes int, client, cluster, monitor, leaf []int) []*server.Server {
	t.Helper()
	var servers []*server.Server
	for i := range nodes {
		dir := t.TempDir()
		c := conf
		move := func(from, to string) {
			if !strings.Contains(c, from) {
				t.Fatalf("nats.conf no longer has %q: update this test", from)
			}
			c = strings.ReplaceAll(c, from, to)
		}
		move("server_name: $POD_NAME", fmt.Sprintf("server_name: nats-%d", i))
		move("\nport: 4222\n", fmt.Sprintf("\nlisten: 127.0.0.1:%d\n", client[i]))
		move("http_port: 8222", fmt.Sprintf("http: 127.0.0.1:%d", monitor[i]))
		move("/var/run/nats/nats.pid", filepath.Join(dir, "nats.pid"))
		move("store_dir: /data", "store_dir: "+filepath.Join(dir, "data"))
		move("\n  port: 7422\n", fmt.Sprintf("\n  listen: 127.0.0.1:%d\n", leaf[i]))
		move("\n  port: 6222\n", fmt.Sprintf("\n  listen: 127.0.0.1:%d\n", cluster[i]))
		for j := range nodes {
			move(fmt.Sprintf("nats://nats-%d.nats-cluster:6222", j), fmt.Sprintf("nats://127.0.0.1:%d", cluster[j]))
		}
		for name, text := range map[string]string{"nats.conf": c, "resolver.conf": resolver} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		opts, err := server.ProcessConfigFile(filepath.Join(dir, "nats.conf"))
		if err != nil {
			t.Fatalf("nats.conf of node %d: %v", i, err)
		}
		// NATS only warns about settings it does not know: check they took.
		if opts.LameDuckDuration != 30*time.Second || opts.LameDuckGracePeriod != 10*time.Second ||
			opts.JetStreamMaxStore != 8<<30 || opts.JetStreamDomain != "hub" || opts.Cluster.Name != "weft" || len(opts.Routes) != nodes {
			t.Fatalf("nats.conf of node %d: lame duck %v/%v, max store %d, domain %q, cluster %q, %d routes",
				i, opts.LameDuckDuration, opts.LameDuckGracePeriod, opts.JetStreamMaxStore, opts.JetStreamDomain, opts.Cluster.Name, len(opts.Routes))
		}
		s, err := server.NewServer(opts)
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		go s.Start()
		t.Cleanup(s.Shutdown)
		servers = append(servers, s)
	}
	return servers
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
