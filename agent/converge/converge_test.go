package converge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/converge"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/wait"
)

type cluster struct {
	t   *testing.T
	ctx context.Context
	js  jetstream.JetStream
	url string
	pw  string
}

// newCluster runs an embedded NATS with CL_a, TM_acme and an agent user
// for a, limited to those streams as in production.
func newCluster(t *testing.T) *cluster {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect("office")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, _ := jetstream.New(nc)
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster("a", 1), streams.Team("acme", 1), streams.Snapshot("acme", 1)} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	// The agent reaches JetStream only through weft's guard, as in weft-server.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "acme", c == "a" }, Log: slog.New(slog.DiscardHandler)}
	gsub, err := guard.Serve(nc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gsub.Unsubscribe() })
	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, sub := clusterstate.AgentPermissions("a")
	if err := srv.SetAgent(broker.Agent{Name: "agent-a", PasswordHash: h, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	return &cluster{t: t, ctx: ctx, js: js, url: srv.ClientURL(), pw: pw}
}

// put writes one desired-state entry (nil v: a tombstone) caused by seq,
// to the stream that holds its kind.
func (c *cluster) put(kind, id string, v any, seq uint64) {
	c.t.Helper()
	m := nats.NewMsg(clusterstate.Subject("acme", "a", kind, id))
	m.Header.Set(clusterstate.HeaderEventsSeq, strconv.FormatUint(seq, 10))
	if v == nil {
		m.Header.Set(clusterstate.HeaderDeleted, "true")
	} else {
		m.Data, _ = json.Marshal(v)
	}
	if _, err := c.js.PublishMsg(c.ctx, m); err != nil {
		c.t.Fatal(err)
	}
}

// run starts an agent of team acme with rec; the returned func stops it.
func (c *cluster) run(rec *converge.Recorder) (*converge.Agent, func()) {
	c.t.Helper()
	return c.runInTeam("acme", rec)
}

// runInTeam is run with the team its credentials name ("": none).
func (c *cluster) runInTeam(team string, rec *converge.Recorder) (*converge.Agent, func()) {
	c.t.Helper()
	return c.runConfig(converge.Config{Team: team, Peers: rec, Routes: rec, DNS: rec})
}

// runConfig starts the agent of cluster a with cfg (its cluster and
// heartbeat set here); the returned func stops it.
func (c *cluster) runConfig(cfg converge.Config) (*converge.Agent, func()) {
	c.t.Helper()
	nc, err := nats.Connect(c.url, nats.UserInfo("agent-a", c.pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("a")))
	if err != nil {
		c.t.Fatal(err)
	}
	cfg.Cluster, cfg.Heartbeat = "a", 50*time.Millisecond
	a, err := converge.New(cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() { _ = a.Run(ctx, nc); close(done) }()
	return a, func() { cancel(); <-done; nc.Close() }
}

func peer(id, key string) clusterstate.Peer {
	return clusterstate.Peer{ID: id, Kind: "device", Name: id, PublicKey: key, AllowedIPs: []string{"100.64.0.9/32"}}
}

func TestAgentConvergesAppliesOnlyChangesAndRemovesStaleEntriesAfterARestart(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32", MeshRoutes: []string{"100.64.0.0/10"}}, 1)
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	c.put(clusterstate.KindPeer, "p2", peer("p2", "k2"), 3)
	c.put(clusterstate.KindRoute, "r1", clusterstate.Route{ID: "r1", Name: "api", ServiceIP: "100.80.0.1", Backends: []string{"10.0.0.7:8080"}}, 4)
	c.put(clusterstate.KindDNS, "r1", clusterstate.Record{ID: "r1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}}, 4)
	c.put(clusterstate.KindDNS, "p1", clusterstate.Record{ID: "p1", Name: "p1.acme.weft.internal", IPs: []string{"100.64.0.9"}}, 5)

	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw", Endpoint: "192.0.2.1:51820"})
	agent, stop := c.run(rec)
	if err := agent.WaitFor(c.ctx, 5); err != nil {
		t.Fatal(err)
	}
	if rec.Self.Address != "100.64.0.1/32" || !slices.Equal(rec.PeerIDs(), []string{"p1", "p2"}) || !slices.Equal(rec.RouteIDs(), []string{"r1"}) || !slices.Equal(rec.RecordIDs(), []string{"p1", "r1"}) {
		t.Fatalf("after the full read: self %+v peers %v routes %v records %v", rec.Self, rec.PeerIDs(), rec.RouteIDs(), rec.RecordIDs())
	}
	if st := agent.Status(); st.Applied != 5 || st.Peers != 2 || st.Routes != 1 || st.Records != 2 {
		t.Fatalf("status after the full read: %+v", st)
	}

	// Changes are applied one by one: a changed peer and a deleted record
	// are two calls, not a rewrite of everything.
	before := rec.CallCount()
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1-rotated"), 6)
	c.put(clusterstate.KindDNS, "p1", nil, 7)
	if err := agent.WaitFor(c.ctx, 7); err != nil {
		t.Fatal(err)
	}
	if got := rec.CallCount() - before; got != 2 {
		t.Fatalf("%d applier calls for two changes", got)
	}
	if rec.Peers["p1"].PublicKey != "k1-rotated" || slices.Contains(rec.RecordIDs(), "p1") {
		t.Fatalf("incremental changes not applied: %+v %v", rec.Peers["p1"], rec.RecordIDs())
	}
	if st := agent.Status(); st.Applied != 7 || st.Peers != 2 || st.Records != 1 {
		t.Fatalf("status after the changes: %+v", st)
	}
	stop()

	// While the agent is down: p2 goes, a route comes. The interface also
	// holds a peer no one asked for (left by a crash).
	c.put(clusterstate.KindPeer, "p2", nil, 8)
	c.put(clusterstate.KindRoute, "r2", clusterstate.Route{ID: "r2", Name: "web", ServiceIP: "100.80.0.2", Backends: []string{"10.0.0.8:80"}}, 9)
	_ = rec.UpsertPeer(peer("ghost", "kg"))
	agent, stop = c.run(rec)
	defer stop()
	if err := agent.WaitFor(c.ctx, 9); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.PeerIDs(), []string{"p1"}) || !slices.Equal(rec.RouteIDs(), []string{"r1", "r2"}) || !slices.Equal(rec.RecordIDs(), []string{"r1"}) {
		t.Fatalf("after restart: peers %v routes %v records %v", rec.PeerIDs(), rec.RouteIDs(), rec.RecordIDs())
	}
	if rec.Peers["p1"].PublicKey != "k1-rotated" {
		t.Fatalf("p1 = %+v", rec.Peers["p1"])
	}
	if st := agent.Status(); st.Applied != 9 || st.Peers != 1 || st.Routes != 2 || st.Records != 1 {
		t.Fatalf("status after the restart: %+v", st)
	}
}

func TestAgentReportsItsGatewayAndHeartbeatsTheAppliedSequence(t *testing.T) {
	c := newCluster(t)
	nc := c.js.Conn()
	gw := make(chan *nats.Msg, 4)
	hb := make(chan *nats.Msg, 64)
	if _, err := nc.ChanSubscribe(clusterstate.StatusSubject("a", clusterstate.StatusGateway), gw); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.ChanSubscribe(clusterstate.StatusSubject("a", clusterstate.StatusHeartbeat), hb); err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 41)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw-key", Endpoint: "192.0.2.1:51820"})
	_, stop := c.run(rec)
	defer stop()
	select {
	case m := <-gw:
		var g clusterstate.Gateway
		if err := json.Unmarshal(m.Data, &g); err != nil || g.PublicKey != "gw-key" {
			t.Fatalf("gateway report %s", m.Data)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no gateway report")
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-hb:
			var s clusterstate.Status
			if err := json.Unmarshal(m.Data, &s); err != nil {
				t.Fatal(err)
			}
			if s.Applied == 41 {
				return
			}
		case <-deadline:
			t.Fatal("no heartbeat with the applied sequence")
		}
	}
}

func TestAgentMergesItsClusterAndTeamStreamsAndSkipsItsOwnGateway(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	// Every gateway of the team is in the team's stream, this one too.
	c.put(clusterstate.KindPeer, "a", clusterstate.Peer{ID: "a", Kind: "gateway", PublicKey: "ka", AllowedIPs: []string{"100.64.0.1/32"}}, 2)
	c.put(clusterstate.KindPeer, "b", clusterstate.Peer{ID: "b", Kind: "gateway", PublicKey: "kb", AllowedIPs: []string{"100.64.0.2/32"}}, 3)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "ka"})
	agent, stop := c.run(rec)
	defer stop()
	if err := agent.WaitFor(c.ctx, 3); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.PeerIDs(), []string{"b"}) {
		t.Fatalf("peers after the full read: %v, want only the other gateway", rec.PeerIDs())
	}
	if own, team := agent.AppliedPerStream(); own != 1 || team != 3 {
		t.Fatalf("applied per stream after the full read: cluster %d, team %d", own, team)
	}

	// Changes in both streams, interleaved: a route (cluster) and a name
	// (team); and this gateway's own entry changing is still not applied.
	c.put(clusterstate.KindRoute, "r1", clusterstate.Route{ID: "r1", Name: "api", ServiceIP: "100.80.0.1"}, 4)
	c.put(clusterstate.KindDNS, "r1", clusterstate.Record{ID: "r1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}}, 4)
	c.put(clusterstate.KindPeer, "a", clusterstate.Peer{ID: "a", Kind: "gateway", PublicKey: "ka2", AllowedIPs: []string{"100.64.0.1/32"}}, 5)
	wait.For(t, 10*time.Second, func() error {
		if own, team := agent.AppliedPerStream(); own != 4 || team != 5 {
			return fmt.Errorf("applied per stream: cluster %d, team %d; want 4 and 5", own, team)
		}
		return nil
	})
	if !slices.Equal(rec.RouteIDs(), []string{"r1"}) || !slices.Equal(rec.RecordIDs(), []string{"r1"}) || !slices.Equal(rec.PeerIDs(), []string{"b"}) {
		t.Fatalf("routes %v records %v peers %v", rec.RouteIDs(), rec.RecordIDs(), rec.PeerIDs())
	}
	if st := agent.Status(); st.ClusterApplied != 4 || st.TeamApplied != 5 || st.Applied != 5 {
		t.Fatalf("status: %+v", st)
	}
}

// snapshot writes the team's snapshot as the office does: entries in
// chunks of two, each chunk naming seq and the count; chunk 0 says seq0.
func (c *cluster) snapshot(seq0, seq uint64, entries ...clusterstate.SnapshotEntry) {
	c.t.Helper()
	var chunks [][]byte
	for i := 0; i < len(entries); i += 2 {
		chunks = append(chunks, clusterstate.EncodeSnapshot(entries[i:min(i+2, len(entries))], 1<<20)...)
	}
	for i := len(chunks) - 1; i >= 0; i-- {
		m := nats.NewMsg(clusterstate.SnapshotSubject("acme", i))
		m.Data = chunks[i]
		at := seq
		if i == 0 {
			at = seq0
		}
		m.Header.Set(clusterstate.HeaderSnapshotSeq, strconv.FormatUint(at, 10))
		m.Header.Set(clusterstate.HeaderSnapshotChunks, strconv.Itoa(len(chunks)))
		if _, err := c.js.PublishMsg(c.ctx, m); err != nil {
			c.t.Fatal(err)
		}
	}
}

func snapEntry(kind, id string, v any, seq uint64) clusterstate.SnapshotEntry {
	b, _ := json.Marshal(v)
	return clusterstate.SnapshotEntry{Subject: clusterstate.Subject("acme", "a", kind, id), EventsSeq: seq, Value: b}
}

func TestAgentColdStartsFromTheTeamSnapshotAndWhatTheStreamGotAfterIt(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	c.put(clusterstate.KindPeer, "p2", peer("p2", "k2"), 3)
	// The snapshot holds the team stream up to its sequence 2, and one
	// entry the stream does not have: only a snapshot read can give it.
	c.snapshot(2, 2,
		snapEntry(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2),
		snapEntry(clusterstate.KindPeer, "p2", peer("p2", "k2"), 3),
		snapEntry(clusterstate.KindPeer, "snap-only", peer("snap-only", "ks"), 3),
		snapEntry(clusterstate.KindPeer, "a", clusterstate.Peer{ID: "a", Kind: "gateway", PublicKey: "ka"}, 3))
	// After it: p2 deleted, p3 added.
	c.put(clusterstate.KindPeer, "p2", nil, 4)
	c.put(clusterstate.KindPeer, "p3", peer("p3", "k3"), 5)

	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "ka"})
	agent, stop := c.run(rec)
	if err := agent.WaitFor(c.ctx, 5); err != nil {
		t.Fatal(err)
	}
	if got := rec.PeerIDs(); !slices.Equal(got, []string{"p1", "p3", "snap-only"}) {
		t.Fatalf("peers from the snapshot and after it: %v, want p1 p3 snap-only", got)
	}
	// And it follows the stream from there.
	c.put(clusterstate.KindPeer, "p4", peer("p4", "k4"), 6)
	if err := agent.WaitFor(c.ctx, 6); err != nil {
		t.Fatal(err)
	}
	if got := rec.PeerIDs(); !slices.Equal(got, []string{"p1", "p3", "p4", "snap-only"}) {
		t.Fatalf("peers after a change: %v", got)
	}
	stop()

	// A snapshot whose chunks are not all of one snapshot (overwritten
	// while read) is not used: the agent reads the stream instead.
	c.snapshot(6, 99,
		snapEntry(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2),
		snapEntry(clusterstate.KindPeer, "p3", peer("p3", "k3"), 5),
		snapEntry(clusterstate.KindPeer, "torn", peer("torn", "kt"), 6))
	rec2 := converge.NewRecorder(clusterstate.Gateway{PublicKey: "ka"})
	agent, stop = c.run(rec2)
	defer stop()
	if err := agent.WaitFor(c.ctx, 6); err != nil {
		t.Fatal(err)
	}
	if got := rec2.PeerIDs(); !slices.Equal(got, []string{"p1", "p3", "p4"}) {
		t.Fatalf("peers with a torn snapshot: %v, want the stream's p1 p3 p4", got)
	}
}

// Credentials made before team streams do not name the team: the agent
// reads it from its cluster's settings and then its team's stream.
func TestAnAgentThatIsNotToldItsTeamLearnsItFromItsClustersSettings(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Team: "acme", Address: "100.64.0.1/32"}, 1)
	c.put(clusterstate.KindPeer, "p1", peer("p1", "k1"), 2)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "ka"})
	agent, stop := c.runInTeam("", rec)
	defer stop()
	if err := agent.WaitFor(c.ctx, 2); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rec.PeerIDs(), []string{"p1"}) || rec.Self.Team != "acme" {
		t.Fatalf("peers %v, self %+v", rec.PeerIDs(), rec.Self)
	}
}

// A consumer that heartbeats but delivers nothing (here paused on the
// server; in the chaos test, one on a replica stuck behind its leader)
// looks idle and healthy to the NATS client, which never replaces it. The
// agent sees that its stream's leader holds what it was not given, and
// reads on from where it was with a new consumer: the change written
// while its consumers were stuck is applied, and nothing is read twice.
func TestAnAgentWhoseConsumerStopsDeliveringReadsOnWithANewOne(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32", MeshRoutes: []string{"100.64.0.0/10"}}, 1)
	c.put(clusterstate.KindRoute, "r1", clusterstate.Route{ID: "r1", Name: "api", ServiceIP: "100.80.0.1", Backends: []string{"10.0.0.7:8080"}}, 2)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw", Endpoint: "192.0.2.1:51820"})
	agent, stop := c.runConfig(converge.Config{Team: "acme", Peers: rec, Routes: rec, DNS: rec, StallCheck: 100 * time.Millisecond})
	defer stop()
	if err := agent.WaitFor(c.ctx, 2); err != nil {
		t.Fatal(err)
	}

	// Every consumer of the cluster's stream (the agent's) stops
	// delivering, and keeps heartbeating, for an hour.
	st, err := c.js.Stream(c.ctx, clusterstate.StreamName("a"))
	if err != nil {
		t.Fatal(err)
	}
	var paused []string
	for name := range st.ConsumerNames(c.ctx).Name() {
		if _, err := c.js.PauseConsumer(c.ctx, clusterstate.StreamName("a"), name, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		paused = append(paused, name)
	}
	if len(paused) == 0 {
		t.Fatal("the agent reads its cluster's stream through no consumer")
	}
	before := rec.CallCount()
	c.put(clusterstate.KindRoute, "r2", clusterstate.Route{ID: "r2", Name: "web", ServiceIP: "100.80.0.2", Backends: []string{"10.0.0.8:80"}}, 3)
	ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	if err := agent.WaitFor(ctx, 3); err != nil {
		t.Fatalf("the route written while the agent's consumer delivered nothing: %v (routes %v)", err, rec.RouteIDs())
	}
	if !slices.Equal(rec.RouteIDs(), []string{"r1", "r2"}) {
		t.Fatalf("routes %v, want r1 r2", rec.RouteIDs())
	}
	if got := rec.CallCount() - before; got != 1 {
		t.Fatalf("%d applier calls for one new route: something was applied again", got)
	}
	if agent.FullReads() != 1 {
		t.Fatalf("%d full reads: the agent should have read on from where it was", agent.FullReads())
	}
}

// A change read from the cluster's stream after a later event's change
// from the team's leaves Applied where it was, but counts as a change:
// what keeps a copy of the agent's state (its state.json) current waits
// on Changes and so sees it.
func TestAChangeBehindTheOtherStreamsSequenceStillCountsAsAChange(t *testing.T) {
	c := newCluster(t)
	c.put(clusterstate.KindSelf, "", clusterstate.Self{ClusterID: "a", Address: "100.64.0.1/32"}, 1)
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "ka"})
	agent, stop := c.run(rec)
	defer stop()
	c.put(clusterstate.KindPeer, "b", clusterstate.Peer{ID: "b", Kind: "gateway", PublicKey: "kb", AllowedIPs: []string{"100.64.0.2/32"}}, 10)
	if err := agent.WaitFor(c.ctx, 10); err != nil {
		t.Fatal(err)
	}
	before := agent.Changes()

	// An event older than the team stream's last, reaching the cluster's
	// stream only now (its office wrote it late, or its reader lagged).
	c.put(clusterstate.KindRoute, "r1", clusterstate.Route{ID: "r1", Name: "api", ServiceIP: "100.80.0.1"}, 5)
	ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	if err := agent.WaitForChanges(ctx, before+1); err != nil {
		t.Fatalf("the route's change was not counted (changes %d, before %d): %v", agent.Changes(), before, err)
	}
	if _, ok := agent.State()[clusterstate.Key(clusterstate.KindRoute, "r1")]; !ok || !slices.Equal(rec.RouteIDs(), []string{"r1"}) {
		t.Fatalf("the route is not applied: state %v, routes %v", agent.State(), rec.RouteIDs())
	}
	if got := agent.Applied(); got != 10 {
		t.Fatalf("applied %d, want 10: the test proves nothing if the sequence moved", got)
	}
}
