package converge_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/converge"
	"weft.dev/agent/telemetry"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/eventstest"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/wait"
)

// restartable is a cluster whose server can stop and come back on the same
// store and port, with the agent's user (kept in the store) intact.
type restartable struct {
	*cluster
	dir, listen string
	srv         *broker.Server
}

func newRestartable(t *testing.T) *restartable {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	r := &restartable{cluster: &cluster{t: t, ctx: ctx}, dir: t.TempDir(), listen: listen}
	r.start()
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster("a", 1), streams.Team("acme", 1), streams.Snapshot("acme", 1)} {
		if _, err := r.js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, sub := clusterstate.AgentPermissions("a")
	if err := r.srv.SetAgent(broker.Agent{Name: "agent-a", PasswordHash: h, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	r.pw = pw
	t.Cleanup(func() { r.srv.Shutdown() })
	return r
}

func (r *restartable) start() {
	r.t.Helper()
	srv, err := broker.Start(broker.Config{DataDir: r.dir, Listen: r.listen})
	if err != nil {
		r.t.Fatal(err)
	}
	nc, err := srv.Connect("office")
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(nc.Close)
	// The agent reaches JetStream only through weft's guard, as in weft-server.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "acme", c == "a" }, Log: slog.New(slog.DiscardHandler)}
	if _, err := guard.Serve(nc); err != nil {
		r.t.Fatal(err)
	}
	r.js, _ = jetstream.New(nc)
	r.srv, r.url = srv, srv.ClientURL()
}

func (r *restartable) restart() {
	r.t.Helper()
	r.srv.Shutdown()
	r.start()
}

// runSupervised starts an agent reporting to sup, on a connection that
// reconnects at once and forever.
func (c *cluster) runSupervised(rec applier, sup *supervise.Supervisor) (*converge.Agent, func()) {
	c.t.Helper()
	nc, err := nats.Connect(c.url, nats.UserInfo("agent-a", c.pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("a")),
		nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		c.t.Fatal(err)
	}
	a, err := converge.New(converge.Config{Cluster: "a", Team: "acme", Peers: rec, Routes: rec, DNS: rec, Heartbeat: 50 * time.Millisecond, Supervisor: sup})
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() { _ = a.Run(ctx, nc); close(done) }()
	return a, func() { cancel(); <-done; nc.Close() }
}

type applier interface {
	converge.PeerApplier
	converge.RouteApplier
	converge.DNSApplier
}

// countingRecorder counts how often each entry was applied, and refuses
// the next peer once when told to (as WireGuard's configuration socket
// does while the device is being recreated).
type countingRecorder struct {
	*converge.Recorder
	upserts map[string]int
	refuse  atomic.Bool
}

func (r *countingRecorder) UpsertPeer(p clusterstate.Peer) error {
	if r.refuse.CompareAndSwap(true, false) {
		return errors.New("configure device: resource temporarily unavailable")
	}
	r.upserts["peer/"+p.ID]++
	return r.Recorder.UpsertPeer(p)
}

func (r *countingRecorder) UpsertRoute(rt clusterstate.Route) error {
	r.upserts["route/"+rt.ID]++
	return r.Recorder.UpsertRoute(rt)
}

// The agent's stream readers meet each kind of transient error: their
// consumers deleted, the server stopping and coming back (the connection
// lost meanwhile), an applier refusing a change once. Each time the agent
// resumes after the last message it applied: it reads nothing in full
// again and applies every change once.
func TestTheAgentResumesAfterItsConsumersGoAndTheServerRestartsApplyingEachChangeOnce(t *testing.T) {
	c := newRestartable(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	c.put(clusterstate.KindRoute, "r1", clusterstate.Route{ID: "r1", Name: "api", ServiceIP: "100.80.0.1"}, 3)
	rec := &countingRecorder{Recorder: converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw"}), upserts: map[string]int{}}
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	agent, stop := c.runSupervised(rec, sup)
	defer stop()
	if err := agent.WaitFor(c.ctx, 3); err != nil {
		t.Fatal(err)
	}

	seq := uint64(3)
	faults := []struct {
		name   string
		inject func()
	}{
		{"consumers deleted", func() {
			for _, name := range []string{clusterstate.StreamName("a"), clusterstate.TeamStreamName("acme")} {
				s, err := c.js.Stream(c.ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				for cons := range s.ConsumerNames(c.ctx).Name() {
					if err := s.DeleteConsumer(c.ctx, cons); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
		{"server restarted", c.restart},
		{"applier refused once", func() { rec.refuse.Store(true) }},
	}
	for i, f := range faults {
		f.inject()
		// A change to each stream after the fault.
		seq++
		c.put(clusterstate.KindPeer, fmt.Sprint("q", i), peer(fmt.Sprint("q", i), "kq"), seq)
		seq++
		c.put(clusterstate.KindRoute, fmt.Sprint("s", i), clusterstate.Route{ID: fmt.Sprint("s", i), Name: "web", ServiceIP: "100.80.0.2"}, seq)
		if err := agent.WaitFor(c.ctx, seq); err != nil {
			t.Fatalf("after %s: %v", f.name, err)
		}
		wait.For(t, 10*time.Second, func() error {
			if own, team := agent.AppliedPerStream(); own != seq || team != seq-1 {
				return fmt.Errorf("after %s: applied cluster %d, team %d; want %d and %d", f.name, own, team, seq, seq-1)
			}
			return nil
		})
	}
	for k, n := range rec.upserts {
		if n != 1 {
			t.Errorf("%s applied %d times", k, n)
		}
	}
	if want := []string{"p1", "q0", "q1", "q2"}; !slices.Equal(rec.PeerIDs(), want) {
		t.Errorf("peers %v, want %v", rec.PeerIDs(), want)
	}
	if n := agent.FullReads(); n != 1 {
		t.Errorf("%d full reads, want only the first", n)
	}
	if f := sup.Failed(); len(f) > 0 {
		t.Fatalf("failed: %v", f)
	}
	if st := sup.Statuses(); len(st) != 1 || st[0].Restarts < 1 {
		t.Fatalf("agent: %v, want the refused apply retried by the supervisor", st)
	}
}

// A value the agent cannot decode stops its converge loop, naming the
// event that wrote it; the appliers keep what they hold and nothing after
// it is applied, and the heartbeat carries the error.
func TestAnUndecodableValueStopsTheAgentsLoopAndNamesItsEvent(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw"})
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	agent, stop := c.runSupervised(rec, sup)
	defer stop()
	if err := agent.WaitFor(c.ctx, 2); err != nil {
		t.Fatal(err)
	}
	m := nats.NewMsg(clusterstate.Subject("acme", "a", clusterstate.KindPeer, "bad"))
	m.Header.Set(clusterstate.HeaderEventsSeq, "3")
	m.Data = []byte(`{"id":"bad","publicKey":`)
	if _, err := c.js.PublishMsg(c.ctx, m); err != nil {
		t.Fatal(err)
	}
	c.put(clusterstate.KindPeer, "p4", peer("p4", "k4"), 4)
	wait.For(t, 10*time.Second, func() error {
		f := sup.Failed()
		if len(f) != 1 || f[0].Name != "converge" || f[0].Seq != 3 {
			return fmt.Errorf("failed components %v, want converge at event 3", f)
		}
		return nil
	})
	if got := rec.PeerIDs(); !slices.Equal(got, []string{"p1"}) {
		t.Fatalf("peers %v, want p1 kept and nothing after the poison", got)
	}
	if st := agent.Status(); !strings.Contains(st.LastError, "event 3") {
		t.Fatalf("heartbeat error %q does not name the event", st.LastError)
	}
	srv := httptest.NewServer(telemetry.Handler(telemetry.Source{Status: agent.Status, Connected: func() bool { return true }, Components: sup.Statuses}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "converge: failed at event 3") {
		t.Fatalf("/healthz = %d %q, want 503 naming converge and event 3", resp.StatusCode, body)
	}
	resp, err = http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `weft_agent_component_failed_event_sequence{component="converge"} 3`) {
		t.Fatalf("/metrics lacks the failed component:\n%s", body)
	}
	ctx, cancel := context.WithTimeout(c.ctx, 300*time.Millisecond)
	defer cancel()
	if err := agent.WaitFor(ctx, 4); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor(4) = %v: the agent went on past the poison", err)
	}
}

// On a three-node cluster with R3 streams, two of the three nodes stop (the
// agent's streams have no leader, the office's writes are refused) and
// come back; the agent carries on after the last message it applied,
// applying each change once and reading nothing in full again.
func TestTheAgentResumesAfterItsStreamsHadNoLeader(t *testing.T) {
	nodes := eventstest.StartCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	office := nodes.Connect(t)
	js, err := jetstream.New(office)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster("a", 3), streams.Team("acme", 3), streams.Snapshot("acme", 3)} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "acme", c == "a" }, Log: slog.New(slog.DiscardHandler)}
	if _, err := guard.Serve(office); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, ctx: ctx, js: js, url: nodes.URLs()}
	put := func(kind, id string, v any, seq uint64) {
		wait.For(t, 30*time.Second, func() error {
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			m := nats.NewMsg(clusterstate.Subject("acme", "a", kind, id))
			m.Header.Set(clusterstate.HeaderEventsSeq, fmt.Sprint(seq))
			m.Data, _ = json.Marshal(v)
			_, err := js.PublishMsg(pctx, m)
			return err
		})
	}
	put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	rec := &countingRecorder{Recorder: converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw"}), upserts: map[string]int{}}
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	agent, stop := c.runSupervised(rec, sup)
	defer stop()
	if err := agent.WaitFor(ctx, 2); err != nil {
		t.Fatal(err)
	}
	nodes.Nodes[1].Stop()
	nodes.Nodes[2].Stop()
	nodes.Nodes[1].Start(t)
	nodes.Nodes[2].Start(t)
	put(clusterstate.KindPeer, "q", peer("q", "kq"), 3)
	put(clusterstate.KindRoute, "r", clusterstate.Route{ID: "r", Name: "api", ServiceIP: "100.80.0.1"}, 4)
	wait.For(t, 60*time.Second, func() error {
		if own, team := agent.AppliedPerStream(); own != 4 || team != 3 {
			return fmt.Errorf("applied cluster %d, team %d; want 4 and 3 (%v)", own, team, sup.Statuses())
		}
		return nil
	})
	for k, n := range rec.upserts {
		if n != 1 {
			t.Errorf("%s applied %d times", k, n)
		}
	}
	if n := agent.FullReads(); n != 1 {
		t.Errorf("%d full reads, want only the first", n)
	}
	t.Logf("agent: %v", sup.Statuses())
}
