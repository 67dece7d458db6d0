package jsguard_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/eventstest"
	"weft.dev/events/jsguard"
)

// An auditor's replay credentials, with the real server: they read the
// team's events (ordered consumer, direct get by subject) and nothing
// else — not another team's, not by bare sequence, not through another
// consumer — cannot write, delete or purge, cannot have anything answer
// into the log, and stop working the moment the grant no longer stands.
func TestAuditorsReadOnlyTheirTeamsEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env := eventstest.Start(t)
	js, _ := jetstream.New(env.Conn)
	for _, subj := range []string{"ev.acme.app.a1", "ev.other.app.o1", "ev.acme.device.d1", "ev.other.app.o2"} {
		if _, err := js.Publish(ctx, subj, []byte(`{"at":"`+subj+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	// A services' durable consumer an auditor must not read through.
	if _, err := js.CreateOrUpdateConsumer(ctx, events.StreamName, jetstream.ConsumerConfig{Durable: "projection", AckPolicy: jetstream.AckNonePolicy}); err != nil {
		t.Fatal(err)
	}

	var valid atomic.Bool
	valid.Store(true)
	refused := make(chan string, 32)
	g := &jsguard.Auditors{Valid: func(team, id string) bool { return team == "acme" && id == "g1" && valid.Load() },
		Log: slog.New(slog.DiscardHandler), Refused: func(_, reason string) { refused <- reason }}
	sub, err := g.Serve(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, subs := jsguard.AuditorPermissions("acme", "g1")
	if err := env.Server.SetAgent(broker.Agent{Name: jsguard.AuditorUser("g1"), PasswordHash: h, Publish: pub, Subscribe: subs}); err != nil {
		t.Fatal(err)
	}
	denied := make(chan error, 16)
	nc, err := env.Server.Connect("auditor", nats.UserInfo(jsguard.AuditorUser("g1"), pw), nats.CustomInboxPrefix(jsguard.AuditorInbox("g1")),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { denied <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	prefix := jsguard.AuditorAPIPrefix("acme", "g1")
	ajs, _ := jetstream.NewWithAPIPrefix(nc, prefix)
	expect := func(what, reason string) {
		t.Helper()
		select {
		case got := <-refused:
			if got != reason {
				t.Errorf("%s: refused for %q, want %q", what, got, reason)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: not refused", what)
		}
	}

	// Its team's events, in order, through an ordered consumer.
	oc, err := ajs.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"ev.acme.>"}, NamePrefix: jsguard.AuditorConsumerPrefix("g1")})
	if err != nil {
		t.Fatalf("the auditor's ordered consumer: %v", err)
	}
	var got []string
	for range 2 {
		m, err := oc.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatalf("read the team's events: %v", err)
		}
		got = append(got, m.Subject())
	}
	if strings.Join(got, " ") != "ev.acme.app.a1 ev.acme.device.d1" {
		t.Errorf("the auditor read %v", got)
	}
	// And by direct get, from a sequence on.
	req := func(api string, body any) *nats.Msg {
		t.Helper()
		b, _ := json.Marshal(body)
		m, err := nc.Request(prefix+"."+api, b, 5*time.Second)
		if err != nil {
			t.Fatalf("%s: %v", api, err)
		}
		return m
	}
	if m := req("DIRECT.GET.EVENTS", map[string]any{"seq": 2, "next_by_subj": "ev.acme.>"}); m.Header.Get("Nats-Subject") != "ev.acme.device.d1" {
		t.Errorf("direct get from seq 2: %v %s", m.Header, m.Data)
	}

	// Refused: the other team's events, the whole log, a bare sequence.
	for _, body := range []map[string]any{{"seq": 2}, {"next_by_subj": "ev.other.>"}, {"next_by_subj": "ev.>"},
		{"next_by_subj": "ev.*.app.>"}, {"last_by_subj": "ev.other.app.o1"}, {"multi_last": []string{"ev.acme.>", "ev.other.>"}}} {
		if m := req("DIRECT.GET.EVENTS", body); m.Header.Get("Status") != "403" {
			t.Errorf("direct get %v: answered %v %s", body, m.Header, m.Data)
		}
		expect("direct get", jsguard.ReasonSubject)
	}
	if m := req("DIRECT.GET.EVENTS.ev.other.app.o1", nil); m.Header.Get("Status") != "403" {
		t.Errorf("last of another team's subject: %v %s", m.Header, m.Data)
	}
	expect("direct get of another team's subject", jsguard.ReasonSubject)
	for _, cfg := range []jetstream.OrderedConsumerConfig{
		{NamePrefix: "g1"}, // no filter: every team
		{NamePrefix: "g1", FilterSubjects: []string{"ev.>"}}, // every team
		{NamePrefix: "g1", FilterSubjects: []string{"ev.acme.>", "ev.other.>"}},
		{NamePrefix: "someone", FilterSubjects: []string{"ev.acme.>"}}, // not its name
	} {
		if _, err := ajs.OrderedConsumer(ctx, events.StreamName, cfg); err == nil {
			t.Errorf("consumer %+v was made", cfg)
		}
		// At least one refusal; the client may retry a refused create.
		<-refused
		for drained := false; !drained; {
			select {
			case <-refused:
			case <-time.After(200 * time.Millisecond):
				drained = true
			}
		}
	}
	// Through the services' consumer, whatever it would deliver.
	if m := req("CONSUMER.MSG.NEXT.EVENTS.projection", map[string]any{"batch": 1}); m.Header.Get("Status") != "403" {
		t.Errorf("a pull on the services' consumer: %v %s", m.Header, m.Data)
	}
	expect("pull on another's consumer", jsguard.ReasonConsumer)
	for _, api := range []string{"STREAM.PURGE.EVENTS", "STREAM.DELETE.EVENTS", "STREAM.MSG.DELETE.EVENTS", "STREAM.INFO.EVENTS", "STREAM.LIST"} {
		req(api, map[string]any{})
		<-refused
	}
	// Straight to the log or the API: the server denies it.
	for _, subj := range []string{"ev.acme.app.a1", "$JS.API.STREAM.PURGE.EVENTS"} {
		if err := nc.Publish(subj, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-denied:
			if !strings.Contains(err.Error(), "Permissions Violation") {
				t.Errorf("publish to %s: %v", subj, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("publish to %s: not denied", subj)
		}
	}
	// A read answered into the log: dropped unanswered.
	if err := nc.PublishRequest(prefix+".DIRECT.GET.EVENTS", "ev.acme.app.injected", []byte(`{"next_by_subj":"ev.acme.>"}`)); err != nil {
		t.Fatal(err)
	}
	expect("reply into the log", jsguard.ReasonReply)

	// The grant no longer stands (revoked, expired, role lost): the next
	// request is refused.
	valid.Store(false)
	if m := req("DIRECT.GET.EVENTS", map[string]any{"next_by_subj": "ev.acme.>"}); m.Header.Get("Status") != "403" {
		t.Errorf("a read after the grant ended: %v %s", m.Header, m.Data)
	}
	expect("a read after the grant ended", jsguard.ReasonGrant)

	s, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.CachedInfo().State.Msgs; n != 4 {
		t.Errorf("EVENTS holds %d messages, want the 4 it had", n)
	}
}

// The checks on their own: what an auditor's request may name.
func TestCheckAuditorAllowsOnlyItsTeamsSubjectsAndConsumers(t *testing.T) {
	for _, c := range []struct {
		api, body string
		ok        bool
	}{
		{"DIRECT.GET.EVENTS", `{"next_by_subj":"ev.acme.>","seq":10,"batch":100}`, true},
		{"DIRECT.GET.EVENTS.ev.acme.app.x", ``, true},
		{"DIRECT.GET.EVENTS", `{"seq":10}`, false},
		{"DIRECT.GET.EVENTS", `{"next_by_subj":"ev.acmex.>"}`, false},
		{"DIRECT.GET.EVENTS", `{"next_by_subj":"ev.acme"}`, false},
		{"DIRECT.GET.CL_a", `{"next_by_subj":"cl.a.>"}`, false},
		{"CONSUMER.CREATE.EVENTS.g1_1", `{"config":{"name":"g1_1","filter_subject":"ev.acme.>"}}`, true},
		{"CONSUMER.CREATE.EVENTS.g1_1.ev.acme.>", `{"config":{"name":"g1_1","filter_subject":"ev.acme.>"}}`, true},
		{"CONSUMER.CREATE.EVENTS.g1_1.ev.>", `{"config":{"name":"g1_1","filter_subject":"ev.>"}}`, false},
		{"CONSUMER.CREATE.EVENTS.g1_1", `{"config":{"name":"g1_1","filter_subject":"ev.acme.>","deliver_subject":"ev.acme.x"}}`, false},
		{"CONSUMER.CREATE.EVENTS.g1_1", `{"config":{"name":"other","filter_subject":"ev.acme.>"}}`, false},
		{"CONSUMER.CREATE.EVENTS", `{"config":{"filter_subject":"ev.acme.>"}}`, false},
		{"CONSUMER.MSG.NEXT.EVENTS.g1_1", `{"batch":10}`, true},
		{"CONSUMER.MSG.NEXT.EVENTS.proj", `{"batch":10}`, false},
		{"CONSUMER.DELETE.EVENTS.g1_1", ``, true},
		{"CONSUMER.INFO.EVENTS.proj", ``, false},
		{"STREAM.INFO.EVENTS", ``, false},
	} {
		r := jsguard.CheckAuditor("acme", "g1", c.api, []byte(c.body))
		if (r == nil) != c.ok {
			t.Errorf("%s %s: refusal %v, want allowed=%v", c.api, c.body, r, c.ok)
		}
	}
}
