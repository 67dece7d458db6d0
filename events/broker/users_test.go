package broker_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/bcrypt"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/jsguard"
	"weft.dev/events/stream"
	"weft.dev/kernel/wait"
)

func agentUser(t *testing.T, cluster, team string) (broker.Agent, string) {
	t.Helper()
	pw, err := broker.NewPassword()
	if err != nil {
		t.Fatal(err)
	}
	h, err := broker.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	pub, sub := clusterstate.AgentPermissions(cluster)
	return broker.Agent{Name: "agent-" + cluster, PasswordHash: h, Publish: pub, Subscribe: sub}, pw
}

// permErrs collects the server's asynchronous permission errors.
type permErrs struct {
	mu   sync.Mutex
	errs []string
}

func (p *permErrs) handler(_ *nats.Conn, _ *nats.Subscription, err error) {
	p.mu.Lock()
	p.errs = append(p.errs, err.Error())
	p.mu.Unlock()
}

func (p *permErrs) saw(sub string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.errs {
		if strings.Contains(e, sub) {
			return true
		}
	}
	return false
}

// usersBackend is where agents' users live: the embedded server, or an
// external nats-server whose auth callout weft answers.
type usersBackend struct {
	url   string
	svc   *nats.Conn // the services' connection
	users broker.AgentUsers
	stop  func()
}

type startBackend func(t *testing.T, dir string) *usersBackend

func startEmbedded(t *testing.T, dir string) *usersBackend {
	t.Helper()
	srv, err := broker.Start(broker.Config{DataDir: dir, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := srv.Connect("services")
	if err != nil {
		srv.Shutdown()
		t.Fatal(err)
	}
	return &usersBackend{url: srv.ClientURL(), svc: svc, users: srv, stop: func() { svc.Close(); srv.Shutdown() }}
}

func TestAgentCredentialsReachOnlyTheirOwnClusterAndTeamStreamsAndStatus(t *testing.T) {
	for name, start := range map[string]startBackend{"embedded": startEmbedded, "external NATS with auth callout": startCallout} {
		t.Run(name, func(t *testing.T) { agentCredentialsReachOnlyTheirOwn(t, start) })
	}
}

func agentCredentialsReachOnlyTheirOwn(t *testing.T, start startBackend) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()
	b := start(t, dir)
	defer func() { b.stop() }()
	svc := b.svc
	if err := stream.Ensure(svc, stream.Config(1)); err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(svc)
	// Cluster a is in team acme, b in team other.
	for c, team := range map[string]string{"a": "acme", "b": "other"} {
		if _, err := js.CreateStream(ctx, streams.Cluster(c, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.CreateStream(ctx, streams.Team(team, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.CreateStream(ctx, streams.Snapshot(team, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, clusterstate.SnapshotSubject(team, 0), []byte("chunk of "+team)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, clusterstate.Subject(team, c, clusterstate.KindSelf, ""), []byte(`{"clusterId":"`+c+`"}`)); err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, clusterstate.Subject(team, c, clusterstate.KindPeer, "d-"+team), []byte(`{"id":"d-`+team+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := js.Publish(ctx, "ev.acme.device.d1", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	agent, pw := agentUser(t, "a", "acme")
	if err := b.users.SetAgent(agent); err != nil {
		t.Fatal(err)
	}
	// Its JetStream API is weft's guard, as in weft-server.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) {
		return map[string]string{"a": "acme", "b": "other"}[c], c == "a" || c == "b"
	},
		Log: slog.New(slog.DiscardHandler)}
	gsub, err := guard.Serve(svc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = gsub.Unsubscribe() }()

	perms := &permErrs{}
	nc, err := nats.Connect(b.url, nats.UserInfo(agent.Name, pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("a")),
		nats.ErrorHandler(perms.handler))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ajs, _ := jetstream.NewWithAPIPrefix(nc, clusterstate.AgentAPIPrefix("a"))

	// Allowed: its own stream, from the start, and its status subjects.
	s, err := ajs.Stream(ctx, clusterstate.StreamName("a"))
	if err != nil {
		t.Fatalf("own stream info: %v", err)
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		t.Fatalf("consumer on own stream: %v", err)
	}
	m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil || !strings.Contains(string(m.Data()), `"a"`) {
		t.Fatalf("read own stream: %v", err)
	}
	if _, err := s.GetLastMsgForSubject(ctx, clusterstate.Subject("acme", "a", clusterstate.KindSelf, "")); err != nil {
		t.Fatalf("direct get on own stream: %v", err)
	}
	// Allowed: its team's stream.
	ts, err := ajs.Stream(ctx, clusterstate.TeamStreamName("acme"))
	if err != nil {
		t.Fatalf("team stream info: %v", err)
	}
	tcons, err := ts.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		t.Fatalf("consumer on the team's stream: %v", err)
	}
	if m, err := tcons.Next(jetstream.FetchMaxWait(5 * time.Second)); err != nil || !strings.Contains(string(m.Data()), "d-acme") {
		t.Fatalf("read the team's stream: %v", err)
	}
	// Allowed: its team's snapshot, by direct get.
	snap, err := ajs.Stream(ctx, clusterstate.SnapshotStreamName("acme"))
	if err != nil {
		t.Fatalf("team snapshot info: %v", err)
	}
	if m, err := snap.GetLastMsgForSubject(ctx, clusterstate.SnapshotSubject("acme", 0)); err != nil || string(m.Data) != "chunk of acme" {
		t.Fatalf("direct get of the team's snapshot: %v", err)
	}
	if err := nc.Publish(clusterstate.StatusSubject("a", clusterstate.StatusHeartbeat), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	// Refused: another cluster's stream, EVENTS, publishing events or
	// another cluster's status.
	short := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 2*time.Second) }
	c1, cancel1 := short()
	defer cancel1()
	if _, err := ajs.Stream(c1, clusterstate.StreamName("b")); err == nil {
		t.Error("agent of a read CL_b's info")
	}
	c2, cancel2 := short()
	defer cancel2()
	if _, err := ajs.OrderedConsumer(c2, clusterstate.StreamName("b"), jetstream.OrderedConsumerConfig{}); err == nil {
		t.Error("agent of a created a consumer on CL_b")
	}
	c4, cancel4 := short()
	defer cancel4()
	if _, err := ajs.Stream(c4, clusterstate.TeamStreamName("other")); err == nil {
		t.Error("agent of a read TM_other's info")
	}
	c5, cancel5 := short()
	defer cancel5()
	if _, err := ajs.OrderedConsumer(c5, clusterstate.TeamStreamName("other"), jetstream.OrderedConsumerConfig{}); err == nil {
		t.Error("agent of a created a consumer on TM_other")
	}
	if _, err := nc.Request("$JS.API.DIRECT.GET.TM_other.tm.other.peer.d-other", nil, 2*time.Second); err == nil {
		t.Error("agent of a direct-got from TM_other")
	}
	if _, err := nc.Request("$JS.API.DIRECT.GET.TS_other.ts.other.0", nil, 2*time.Second); err == nil {
		t.Error("agent of a direct-got TS_other's snapshot")
	}
	c6, cancel6 := short()
	defer cancel6()
	if _, err := ajs.Stream(c6, clusterstate.SnapshotStreamName("other")); err == nil {
		t.Error("agent of a read TS_other's info")
	}
	c3, cancel3 := short()
	defer cancel3()
	if _, err := ajs.OrderedConsumer(c3, events.StreamName, jetstream.OrderedConsumerConfig{}); err == nil {
		t.Error("agent of a created a consumer on EVENTS")
	}
	if _, err := nc.Request("$JS.API.DIRECT.GET.CL_b.cl.b.self", nil, 2*time.Second); err == nil {
		t.Error("agent of a direct-got from CL_b")
	}
	if err := nc.Publish("ev.acme.device.d2", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := nc.Publish(clusterstate.StatusSubject("b", clusterstate.StatusHeartbeat), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	_ = nc.Flush()
	_ = wait.Until(5*time.Second, func() error { // the loop below says what is missing
		if !perms.saw(`Publish to "ev.acme.device.d2"`) || !perms.saw(`Publish to "status.b.heartbeat"`) {
			return errors.New("not yet")
		}
		return nil
	})
	for _, want := range []string{`Publish to "ev.acme.device.d2"`, `Publish to "status.b.heartbeat"`, `CL_b`, `TM_other`, `TS_other`} {
		if !perms.saw(want) {
			t.Errorf("no permissions violation for %s; saw %v", want, perms.errs)
		}
	}
	if info, err := js.Stream(ctx, events.StreamName); err != nil || info.CachedInfo().State.Msgs != 1 {
		t.Errorf("EVENTS changed by the agent: %v", err)
	}

	// The user survives a restart of the server; removing it locks it out.
	nc.Close()
	b.stop()
	b = start(t, dir)
	again, err := nats.Connect(b.url, nats.UserInfo(agent.Name, pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("a")))
	if err != nil {
		t.Fatalf("agent after a restart: %v", err)
	}
	again.Close()
	if _, err := nats.Connect(b.url, nats.UserInfo(agent.Name, wrongPassword(pw))); err == nil {
		t.Error("an agent with a wrong password connected")
	}
	if err := b.users.RemoveAgent(agent.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := nats.Connect(b.url, nats.UserInfo(agent.Name, pw)); !errors.Is(err, nats.ErrAuthorization) && (err == nil || !strings.Contains(err.Error(), "Authorization")) {
		t.Errorf("removed agent connected: %v", err)
	}
	if _, err := nats.Connect(b.url); err == nil {
		t.Error("a client without credentials connected")
	}
}

// Agent passwords are 256 random bits, so they are hashed at bcrypt's
// cheapest cost (a connection's check is cheap); a password that is not
// one of those is refused rather than hashed as cheaply.
func TestHashPasswordIsCheapOnlyForRandomPasswords(t *testing.T) {
	a, pw := agentUser(t, "c1", "acme")
	h := a.PasswordHash
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != bcrypt.MinCost {
		t.Errorf("cost %d, %v; want %d", cost, err, bcrypt.MinCost)
	}
	if bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) != nil {
		t.Error("the hash does not verify its password")
	}
	if _, err := broker.HashPassword("hunter2"); err == nil {
		t.Error("a short password was hashed")
	}
}

// An update refused for one agent (it may not rename a user or drop its
// password) changes no agent: none is half-moved to new permissions.
func TestUpdateAgentsRefusedForOneChangesNone(t *testing.T) {
	for name, start := range map[string]startBackend{"embedded": startEmbedded, "external NATS with auth callout": startCallout} {
		t.Run(name, func(t *testing.T) { updateRefusedForOneChangesNone(t, start) })
	}
}

func updateRefusedForOneChangesNone(t *testing.T, start startBackend) {
	b := start(t, t.TempDir())
	defer b.stop()
	srv := b.users
	clusters := []string{"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"}
	for _, c := range clusters {
		a, _ := agentUser(t, c, "acme")
		if err := srv.SetAgent(a); err != nil {
			t.Fatal(err)
		}
	}
	_, err := srv.UpdateAgents(func(a broker.Agent) (broker.Agent, bool) {
		a.Publish = append(a.Publish, "new.subject")
		if a.Name == "agent-c5" {
			a.PasswordHash = ""
		}
		return a, true
	})
	if err == nil {
		t.Fatal("an update that drops a password hash was accepted")
	}
	if _, err := srv.UpdateAgents(func(a broker.Agent) (broker.Agent, bool) {
		if slices.Contains(a.Publish, "new.subject") {
			t.Errorf("%s was updated though the update was refused", a.Name)
		}
		return a, false
	}); err != nil {
		t.Fatal(err)
	}
}
