package seal_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/events/eventstest"
	"weft.dev/services/audit/seal"
)

type noted struct {
	Text string `json:"text"`
}

func setup(t *testing.T) (*events.Store, *eventstest.Env, ed25519.PrivateKey) {
	t.Helper()
	env := eventstest.Start(t)
	r := events.NewRegistry()
	seal.Register(r)
	events.Register[noted](r, "test.note.noted", 1)
	key, err := seal.LoadKey(filepath.Join(t.TempDir(), "checkpoint.key"))
	if err != nil {
		t.Fatal(err)
	}
	return events.NewStore(env.Conn, r), env, key
}

func note(t *testing.T, store *events.Store, team, id string, expected uint64) uint64 {
	t.Helper()
	app, err := store.Append(context.Background(), expected, events.Event{
		Team: team, Aggregate: events.AggregateRef{Type: "note", ID: id}, Actor: "user:test", Data: noted{Text: id},
	})
	if err != nil {
		t.Fatal(err)
	}
	return app.LastSeq
}

func verify(t *testing.T, store *events.Store, team string, key ed25519.PublicKey) chain.Report {
	t.Helper()
	v := chain.NewVerifier(key)
	if err := store.Stored(context.Background(), team, 1, func(m chain.Message) error { v.Add(m); return nil }); err != nil {
		t.Fatal(err)
	}
	return v.Report()
}

func TestCheckpointsSealEachTeamsNewEventsAndVerifyWithTheServersKeyOnly(t *testing.T) {
	store, _, key := setup(t)
	ctx := context.Background()
	s := seal.New(store, key, time.Hour, slog.New(slog.DiscardHandler))
	a := note(t, store, "acme", "a", 0)
	note(t, store, "beta", "a", 0)
	note(t, store, "acme", "b", 0)
	cps, err := s.Round(ctx)
	if err != nil || len(cps) != 2 {
		t.Fatalf("first round sealed %d teams (%v), want acme and beta", len(cps), err)
	}
	if cps, err := s.Round(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("a round with nothing new sealed %v (%v)", cps, err)
	}
	last := note(t, store, "acme", "a", a)
	cps, err = s.Round(ctx)
	if err != nil || len(cps) != 1 || cps[0].Team != "acme" || cps[0].UpTo != last {
		t.Fatalf("after one more acme event: %+v (%v)", cps, err)
	}
	// acme's auditor reads acme's events only.
	rep := verify(t, store, "acme", s.PublicKey())
	if !rep.OK || len(rep.Teams) != 1 || rep.Teams[0].Checkpoints != 2 || rep.Teams[0].SealedUpTo != last {
		t.Fatalf("verify acme: %+v", rep)
	}
	// Another key does not verify them.
	other, _, _ := ed25519.GenerateKey(nil)
	rep = verify(t, store, "acme", other)
	if rep.OK || rep.First.Kind != chain.BreakCheckpoint {
		t.Fatalf("verify with another key: %+v", rep.First)
	}
}

func TestACheckpointFindsAnAggregatesLastEventDeletedAndTheSealerSealsNoMore(t *testing.T) {
	store, env, key := setup(t)
	ctx := context.Background()
	s := seal.New(store, key, time.Hour, slog.New(slog.DiscardHandler))
	note(t, store, "acme", "a", 0) // 1: a's only event: no later event of a links to it
	b := note(t, store, "acme", "b", 0)
	note(t, store, "acme", "b", b)
	if _, err := s.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if rep := verify(t, store, "acme", s.PublicKey()); !rep.OK {
		t.Fatalf("before: %+v", rep.First)
	}
	eventstest.RewriteStream(t, env, func(m []*nats.Msg) []*nats.Msg { return m[1:] })
	rep := verify(t, store, "acme", s.PublicKey())
	if rep.OK || rep.First.Kind != chain.BreakCheckpoint {
		t.Fatalf("verify after deleting event 1: %+v", rep)
	}
	t.Logf("first break: %s", rep.First)
	// A sealer reading the changed log (a restarted server) signs nothing
	// for the team.
	var logged bytes.Buffer
	s2 := seal.New(store, key, time.Hour, slog.New(slog.NewTextHandler(&logged, nil)))
	note(t, store, "acme", "c", 0)
	cps, err := s2.Round(ctx)
	if err != nil || len(cps) != 0 {
		t.Fatalf("a sealer on the changed log sealed %+v (%v)", cps, err)
	}
	if !bytes.Contains(logged.Bytes(), []byte("hash chain is broken")) {
		t.Fatalf("the sealer did not say why: %s", logged.String())
	}
}

// Two processes sealing one log with keys of their own (replicas started
// without a shared --checkpoint-key-file) do not verify each other's
// checkpoints, and each stops sealing: it says so as what it is, another
// key, not as a broken chain, which would send an operator looking for
// tampering.
func TestASealerMeetingAnotherKeysCheckpointSaysSoRatherThanABrokenChain(t *testing.T) {
	store, _, key := setup(t)
	ctx := context.Background()
	s1 := seal.New(store, key, time.Hour, slog.New(slog.DiscardHandler))
	note(t, store, "acme", "a", 0)
	if cps, err := s1.Round(ctx); err != nil || len(cps) != 1 {
		t.Fatalf("first sealer: %+v (%v)", cps, err)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	var logged bytes.Buffer
	s2 := seal.New(store, other, time.Hour, slog.New(slog.NewTextHandler(&logged, nil)))
	note(t, store, "acme", "b", 0)
	if cps, err := s2.Round(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("a sealer with another key sealed %+v (%v)", cps, err)
	}
	if !bytes.Contains(logged.Bytes(), []byte("signed with another key")) || bytes.Contains(logged.Bytes(), []byte("hash chain is broken")) {
		t.Errorf("the second sealer logged:\n%s", logged.String())
	}
	rep := verify(t, store, "acme", other.Public().(ed25519.PublicKey))
	if rep.OK || rep.First.Kind != chain.BreakCheckpoint || rep.First.OtherKey != chain.KeyID(s1.PublicKey()) {
		t.Errorf("verify with the other key: %+v", rep.First)
	}
}

func TestTheKeyFileIsMadeOnceAndReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "checkpoint.key")
	k1, err := seal.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := seal.LoadKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("read back another key (%v)", err)
	}
	if _, err := seal.LoadKey(filepath.Dir(path)); err == nil {
		t.Fatalf("a directory as the key file: %v", err)
	}
}
