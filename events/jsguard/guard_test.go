package jsguard_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/eventstest"
	"weft.dev/events/jsguard"
)

// world: the real embedded server with EVENTS, two clusters' streams of
// team acme, the guard on the services' connection, and cluster a's agent
// connected with exactly the credentials enrolment gives it.
type world struct {
	t       *testing.T
	ctx     context.Context
	js      jetstream.JetStream // the services'
	agent   *nats.Conn
	denied  chan error // the server's permission errors on the agent's connection
	refused chan string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	env := eventstest.Start(t)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster("a", 1), streams.Cluster("b", 1),
		streams.Team("acme", 1), streams.Snapshot("acme", 1)} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"a", "b"} {
		if _, err := js.Publish(ctx, clusterstate.Subject("acme", c, clusterstate.KindSelf, ""), []byte(`{"team":"acme"}`)); err != nil {
			t.Fatal(err)
		}
	}
	w := &world{t: t, ctx: ctx, js: js, denied: make(chan error, 16), refused: make(chan string, 16)}
	g := &jsguard.Agents{
		TeamOf:  func(c string) (string, bool) { return "acme", c == "a" || c == "b" },
		Log:     slog.New(slog.DiscardHandler),
		Refused: func(_, reason string) { w.refused <- reason },
	}
	sub, err := g.Serve(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })

	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, subs := clusterstate.AgentPermissions("a")
	if err := env.Server.SetAgent(broker.Agent{Name: "agent-a", PasswordHash: h, Publish: pub, Subscribe: subs}); err != nil {
		t.Fatal(err)
	}
	w.agent, err = env.Server.Connect("agent-a", nats.UserInfo("agent-a", pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("a")),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { w.denied <- err }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.agent.Close)
	return w
}

// lastSeqs are the last sequences of EVENTS and of cluster b's stream:
// what an injection would move.
func (w *world) lastSeqs() [2]uint64 {
	w.t.Helper()
	var out [2]uint64
	for i, name := range []string{events.StreamName, clusterstate.StreamName("b")} {
		s, err := w.js.Stream(w.ctx, name)
		if err != nil {
			w.t.Fatal(err)
		}
		out[i] = s.CachedInfo().State.LastSeq
	}
	return out
}

// unchanged fails if EVENTS or cluster b's stream moved from before, once
// anything in flight has had the time to land.
func (w *world) unchanged(what string, before [2]uint64) {
	w.t.Helper()
	// Nothing to wait on: the absence of a write is what is checked. A
	// round trip through the server orders everything the agent sent.
	if err := w.agent.Flush(); err != nil {
		w.t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if after := w.lastSeqs(); after != before {
		w.t.Errorf("%s: EVENTS and CL_b went from %v to %v", what, before, after)
	}
}

func (w *world) expectRefusal(what, reason string) {
	w.t.Helper()
	select {
	case got := <-w.refused:
		if got != reason {
			w.t.Errorf("%s: refused for %q, want %q", what, got, reason)
		}
	case <-time.After(5 * time.Second):
		w.t.Errorf("%s: the guard did not refuse it", what)
	}
}

// drainRefusals takes the refusals already made, checking each.
func (w *world) drainRefusals(what, reason string) {
	w.t.Helper()
	if err := w.agent.Flush(); err != nil {
		w.t.Fatal(err)
	}
	for {
		select {
		case got := <-w.refused:
			if got != reason {
				w.t.Errorf("%s: refused for %q, want %q", what, got, reason)
			}
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}

func (w *world) expectDenied(what string) {
	w.t.Helper()
	select {
	case err := <-w.denied:
		if !strings.Contains(err.Error(), "Permissions Violation") {
			w.t.Errorf("%s: %v, want a permissions violation", what, err)
		}
	case <-time.After(5 * time.Second):
		w.t.Errorf("%s: the server did not deny it", what)
	}
}

// The hole this guard closes: inside one NATS account, JetStream answers
// to whatever reply subject a request names, as the server. An agent that
// could direct-get its own stream with reply ev.acme.… would have the
// answer stored in EVENTS, for good; with cl.b.… in another cluster's
// stream. Neither the raw API nor the guard lets that happen, and the
// agent's legitimate reads still work.
func TestAnAgentCannotAppendToTheLogThroughAReplySubject(t *testing.T) {
	w := newWorld(t)
	before := w.lastSeqs()
	direct := []byte(`{"last_by_subj":"` + clusterstate.Subject("acme", "a", clusterstate.KindSelf, "") + `"}`)
	for _, reply := range []string{"ev.acme.app.x.injected", clusterstate.Subject("acme", "b", clusterstate.KindRoute, "x")} {
		// Straight to JetStream: the agent may not publish there at all.
		if err := w.agent.PublishRequest("$JS.API.DIRECT.GET."+clusterstate.StreamName("a"), reply, direct); err != nil {
			t.Fatal(err)
		}
		w.expectDenied("a direct get sent to $JS.API")
		// Through the guard: not answered, not forwarded.
		if err := w.agent.PublishRequest(clusterstate.AgentAPIPrefix("a")+".DIRECT.GET."+clusterstate.StreamName("a"), reply, direct); err != nil {
			t.Fatal(err)
		}
		w.expectRefusal("a direct get with reply "+reply, jsguard.ReasonReply)
		// A pull request on a consumer of its own, delivering to the log.
		if err := w.agent.PublishRequest(clusterstate.AgentAPIPrefix("a")+".CONSUMER.MSG.NEXT."+clusterstate.StreamName("a")+".c1", reply, []byte(`{"batch":10}`)); err != nil {
			t.Fatal(err)
		}
		w.expectRefusal("a pull with reply "+reply, jsguard.ReasonReply)
	}
	w.unchanged("requests answering into the log", before)

	// The same direct get, answered to its own inbox, works through the
	// guard: the refusals above are about the reply, not the read.
	js, err := jetstream.NewWithAPIPrefix(w.agent, clusterstate.AgentAPIPrefix("a"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(w.ctx, clusterstate.StreamName("a"))
	if err != nil {
		t.Fatalf("the agent's own stream through the guard: %v", err)
	}
	m, err := s.GetLastMsgForSubject(w.ctx, clusterstate.Subject("acme", "a", clusterstate.KindSelf, ""))
	if err != nil || string(m.Data) != `{"team":"acme"}` {
		t.Fatalf("the agent's own direct get through the guard: %v %+v", err, m)
	}
}

// A push consumer delivers to the subject its creator names, as the
// server: one delivering to ev.acme.… would copy the agent's stream into
// EVENTS. The guard lets agents create ephemeral pull consumers only, and
// an ordered consumer (what the agent uses) still reads its stream.
func TestAnAgentCannotCreateAConsumerThatDeliversIntoTheLog(t *testing.T) {
	w := newWorld(t)
	before := w.lastSeqs()
	js, err := jetstream.NewWithAPIPrefix(w.agent, clusterstate.AgentAPIPrefix("a"))
	if err != nil {
		t.Fatal(err)
	}
	stream := clusterstate.StreamName("a")
	for _, cfg := range []map[string]any{
		{"deliver_subject": "ev.acme.app.x.injected", "deliver_policy": "all", "ack_policy": "none"},
		{"deliver_subject": "ev.acme.app.x.injected", "deliver_group": "g", "deliver_policy": "all", "ack_policy": "none"},
		{"durable_name": "kept", "deliver_policy": "all", "ack_policy": "none"},
	} {
		body, _ := json.Marshal(map[string]any{"stream_name": stream, "config": cfg})
		reply, err := w.agent.Request(clusterstate.AgentAPIPrefix("a")+".CONSUMER.CREATE."+stream, body, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var ans struct {
			Error *struct {
				Code        int    `json:"code"`
				Description string `json:"description"`
			} `json:"error"`
		}
		if err := json.Unmarshal(reply.Data, &ans); err != nil || ans.Error == nil || ans.Error.Code != 403 {
			t.Errorf("consumer %v: answered %s, want a 403 API error", cfg, reply.Data)
		}
		w.expectRefusal("consumer create", jsguard.ReasonConsumer)
	}
	w.unchanged("push consumers delivering into the log", before)

	oc, err := js.OrderedConsumer(w.ctx, stream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatalf("an ordered consumer through the guard: %v", err)
	}
	m, err := oc.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil || string(m.Data()) != `{"team":"acme"}` {
		t.Fatalf("the ordered consumer's first message: %v", err)
	}
}

// The guard allows an agent its own cluster's stream, its team's stream
// and snapshot, and nothing else, even through its own prefix; another
// agent's prefix the server denies outright.
func TestAnAgentReadsOnlyItsOwnStreamsThroughTheGuard(t *testing.T) {
	w := newWorld(t)
	js, err := jetstream.NewWithAPIPrefix(w.agent, clusterstate.AgentAPIPrefix("a"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{clusterstate.StreamName("b"), events.StreamName, clusterstate.TeamStreamName("other")} {
		if _, err := js.Stream(w.ctx, name); err == nil {
			t.Errorf("agent a read the info of %s", name)
		}
		w.expectRefusal("stream info "+name, jsguard.ReasonStream)
		if _, err := js.OrderedConsumer(w.ctx, name, jetstream.OrderedConsumerConfig{}); err == nil {
			t.Errorf("agent a made a consumer on %s", name)
		}
		// The client may ask more than once (it retries a refused
		// create): every refusal is for the stream.
		w.expectRefusal("consumer on "+name, jsguard.ReasonStream)
		w.drainRefusals("consumer on "+name, jsguard.ReasonStream)
	}
	for _, api := range []string{"STREAM.PURGE." + clusterstate.StreamName("a"), "STREAM.DELETE." + clusterstate.StreamName("a"),
		"STREAM.LIST", "CONSUMER.LIST." + clusterstate.StreamName("a"), "INFO"} {
		if _, err := w.agent.Request(clusterstate.AgentAPIPrefix("a")+"."+api, nil, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		w.expectRefusal(api, jsguard.ReasonAPI)
	}
	if err := w.agent.PublishRequest(clusterstate.AgentAPIPrefix("b")+".DIRECT.GET."+clusterstate.StreamName("b"), nats.NewInbox(), nil); err != nil {
		t.Fatal(err)
	}
	w.expectDenied("another agent's prefix")
	// The streams are all there: what was refused was the agent.
	for _, name := range []string{clusterstate.StreamName("a"), clusterstate.StreamName("b"), clusterstate.TeamStreamName("acme")} {
		if _, err := w.js.Stream(w.ctx, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := js.Stream(w.ctx, clusterstate.TeamStreamName("acme")); err != nil {
		t.Errorf("agent a's team stream: %v", err)
	}
	if _, err := js.Stream(w.ctx, clusterstate.SnapshotStreamName("acme")); err != nil {
		t.Errorf("agent a's team snapshot: %v", err)
	}
}
