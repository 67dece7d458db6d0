package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/chain"
	"weft.dev/events/eventstest"
	"weft.dev/events/jsguard"
	"weft.dev/events/stream"
)

type noted struct {
	Text string `json:"text"`
}

// startNATS runs a JetStream server on a loopback port, as an auditor's
// verifier would reach the platform's.
func startNATS(t *testing.T) (*nats.Conn, string, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10e9) {
		t.Fatal("NATS did not start")
	}
	t.Cleanup(s.Shutdown)
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := stream.Ensure(nc, stream.Config(1)); err != nil {
		t.Fatal(err)
	}
	return nc, s.ClientURL(), dir
}

func TestTheStandaloneVerifierChecksATeamOverNATSWithThePublishedKey(t *testing.T) {
	nc, url, dir := startNATS(t)
	ctx := context.Background()
	r := events.NewRegistry()
	events.Register[noted](r, "test.note.noted", 1)
	events.Register[chain.Checkpoint](r, chain.CheckpointType, 1)
	store := events.NewStore(nc, r)
	add := func(team, id string, expected uint64) uint64 {
		app, err := store.Append(ctx, expected, events.Event{Team: team, Aggregate: events.AggregateRef{Type: "note", ID: id}, Actor: "user:t", Data: noted{Text: id}})
		if err != nil {
			t.Fatal(err)
		}
		return app.LastSeq
	}
	a := add("acme", "a", 0)
	add("beta", "x", 0)
	add("acme", "b", 0)
	add("acme", "a", a)
	// Seal acme as the server's sealer does.
	pub, priv, _ := ed25519.GenerateKey(nil)
	v := chain.NewVerifier(nil)
	if err := store.Stored(ctx, "acme", 1, func(m chain.Message) error { v.Add(m); return nil }); err != nil {
		t.Fatal(err)
	}
	st := v.Teams()[0]
	c := chain.Sign(priv, chain.Checkpoint{Team: "acme", Start: st.Start, UpTo: st.LastSeq, Events: st.Digest.Events, Digest: st.Digest.Sum.String()})
	if _, err := store.Append(ctx, 0, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: chain.CheckpointAggregateType, ID: chain.CheckpointAggregateID}, Actor: "system:audit", Data: c}); err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/weft/checkpoint-key" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"algorithm": "ed25519", "keyId": chain.KeyID(pub), "publicKey": chain.EncodeKey(pub)})
	}))
	defer web.Close()

	var out, errs bytes.Buffer
	if code := run(ctx, []string{"--nats", url, "--team", "acme", "--key-url", web.URL}, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errs.String())
	}
	if !strings.HasPrefix(out.String(), "OK: 4 events") || !strings.Contains(out.String(), "1 checkpoints verified, sealed up to sequence 4") {
		t.Fatalf("report:\n%s", out.String())
	}
	// Another key: the checkpoint does not verify.
	other, _, _ := ed25519.GenerateKey(nil)
	out.Reset()
	if code := run(ctx, []string{"--nats", url, "--team", "acme", "--key", chain.EncodeKey(other)}, nil, &out, &errs); code != 1 || !strings.Contains(out.String(), "BROKEN at sequence 5") {
		t.Fatalf("another key: exit %d:\n%s", code, out.String())
	}
	// Event 3, b's only one, removed by rewriting the stream: only the
	// checkpoint can tell.
	eventstest.RewriteStream(t, &eventstest.Env{Conn: nc, DataDir: dir}, func(m []*nats.Msg) []*nats.Msg { return append(m[:2:2], m[3:]...) })
	out.Reset()
	if code := run(ctx, []string{"--nats", url, "--team", "acme", "--key", chain.EncodeKey(pub), "--json"}, nil, &out, &errs); code != 1 {
		t.Fatalf("after a deletion: exit %d:\n%s", code, out.String())
	}
	var rep chain.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.First == nil || rep.First.Kind != chain.BreakCheckpoint {
		t.Fatalf("after a deletion: %v %s", err, out.String())
	}
	if code := run(ctx, nil, nil, &out, &errs); code != 2 {
		t.Fatalf("no source: exit %d", code)
	}
}

func TestTheStandaloneVerifierReadsATeamWithTheAuditorsReplayCredentials(t *testing.T) {
	ctx := context.Background()
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect("weft")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := stream.Ensure(nc, stream.Config(1)); err != nil {
		t.Fatal(err)
	}
	r := events.NewRegistry()
	events.Register[noted](r, "test.note.noted", 1)
	store := events.NewStore(nc, r)
	for _, team := range []string{"acme", "other", "acme"} {
		if _, err := store.Append(ctx, events.AnyVersion, events.Event{Team: team, Aggregate: events.AggregateRef{Type: "note", ID: "n"}, Actor: "user:t", Data: noted{Text: team}}); err != nil {
			t.Fatal(err)
		}
	}
	// The replay user weft audit credentials issues, behind weft's guard.
	g := &jsguard.Auditors{Valid: func(team, id string) bool { return team == "acme" && id == "g1" }, Log: slog.New(slog.DiscardHandler)}
	sub, err := g.Serve(nc)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, subs := jsguard.AuditorPermissions("acme", "g1")
	if err := srv.SetAgent(broker.Agent{Name: jsguard.AuditorUser("g1"), PasswordHash: h, Publish: pub, Subscribe: subs}); err != nil {
		t.Fatal(err)
	}
	creds, _ := json.Marshal(map[string]string{"natsUrl": srv.ClientURL(), "user": jsguard.AuditorUser("g1"), "password": pw,
		"apiPrefix": jsguard.AuditorAPIPrefix("acme", "g1"), "inboxPrefix": jsguard.AuditorInbox("g1"), "subjects": "ev.acme.>", "stream": "EVENTS"})
	file := filepath.Join(t.TempDir(), "replay.json")
	if err := os.WriteFile(file, creds, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := run(ctx, []string{"--replay", file}, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errs.String())
	}
	if !strings.HasPrefix(out.String(), "OK: 2 events (sequences 1 to 3)") || strings.Contains(out.String(), "team other") {
		t.Fatalf("report:\n%s", out.String())
	}
}
