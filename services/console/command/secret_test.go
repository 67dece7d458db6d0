package command_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/keyring"
)

func (h *harness) withKeyring() *command.Handlers {
	c, _ := h.withRing()
	return c
}

func (h *harness) withRing() (*command.Handlers, *keyring.Ring) {
	h.t.Helper()
	js, err := jetstream.New(h.env.Conn)
	if err != nil {
		h.t.Fatal(err)
	}
	ring, err := keyring.Open(h.ctx, js, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	return command.New(h.store, h.q, command.WithSealer(ring)), ring
}

func TestSecretsAreSealedRevealedOnlyToAdminsWithARecordAndStayWhileUsed(t *testing.T) {
	h := setup(t)
	h.world()
	c := h.withKeyring()
	const known = "cmd-known-value-2b7"
	res, err := c.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "dev", Name: "db", Set: map[string]string{"PASSWORD": known}})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing appended holds the value.
	if err := h.store.Read(h.ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		if strings.Contains(string(r.Raw), known) {
			t.Errorf("event %s holds the value in clear", r.Type)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RevealSecret(h.ctx, member, "acme", res.Object.ID); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a member's reveal: %v", err)
	}
	rev, err := c.RevealSecret(h.ctx, admin, "acme", res.Object.ID)
	if err != nil || rev.Object.Values["PASSWORD"] != known {
		t.Fatalf("an admin's reveal: %v, %v", rev.Object.Values, err)
	}
	var revealed []string
	if _, err := h.store.LoadFunc(h.ctx, "acme", eventsRef(cd.SecretAggregate, res.Object.ID), func(r events.Recorded) error {
		if e, ok := r.Data.(cd.SecretRevealed); ok {
			revealed = append(revealed, r.Actor+":"+strings.Join(e.Keys, ","))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(revealed) != 1 || revealed[0] != "user:ada:PASSWORD" {
		t.Fatalf("reveals recorded: %v", revealed)
	}
	// Without a keyring, secrets are unavailable rather than stored.
	if _, err := h.h.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "dev", Name: "x", Set: map[string]string{"A": "1"}}); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a secret without a keyring: %v", err)
	}
	// Used by an app: neither the key its variable takes nor the secret goes.
	app, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1", Replicas: 1,
			Env: []cd.EnvVar{{Name: "DB_PASSWORD", From: &cd.KeyRef{Source: cd.Source{Kind: cd.SourceSecret, Name: "db"}, Key: "PASSWORD"}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "dev", Name: "db", Unset: []string{"PASSWORD"}}); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("removing a key an app's variable takes: %v", err)
	}
	if _, err := c.DeleteSecret(h.ctx, member, "acme", res.Object.ID); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting a secret an app uses: %v", err)
	}
	if _, err := c.DeleteApp(h.ctx, member, "acme", app.Object.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteSecret(h.ctx, member, "acme", res.Object.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RevealSecret(h.ctx, admin, "acme", res.Object.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("revealing a deleted secret: %v", err)
	}
	// Deleting it again retries the erase (nothing left to erase) and
	// says it is gone.
	if _, err := c.DeleteSecret(h.ctx, member, "acme", res.Object.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("deleting a deleted secret: %v", err)
	}
}

// TestRotationReencryptsEveryLiveSecretSoWhatTheLogHeldBeforeNoLongerOpens:
// weft secret rotate-key seals every live secret's values again under a
// new data key (one console.secret.rekeyed each, by the admin, the
// secret's version unchanged so its cluster sees no change) and destroys
// the old data keys: the ciphertexts the log held before no longer open,
// the values reveal as they were, and a rotation again moves on to the
// next generation. Sets racing a rotation are sealed under the key that
// stays: every value the log ends with opens.
func TestRotationReencryptsEveryLiveSecretSoWhatTheLogHeldBeforeNoLongerOpens(t *testing.T) {
	h := setup(t)
	h.world()
	c, ring := h.withRing()
	set := func(name string, kv map[string]string) cd.Secret {
		t.Helper()
		res, err := c.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "dev", Name: name, Set: kv})
		if err != nil {
			t.Fatal(err)
		}
		return res.Object
	}
	db := set("db", map[string]string{"PASSWORD": "pw-1", "USER": "app"})
	db = set("db", map[string]string{"PASSWORD": "pw-2"})
	api := set("api", map[string]string{"TOKEN": "tok-1"})
	gone := set("gone", map[string]string{"X": "x"})
	if _, err := c.DeleteSecret(h.ctx, member, "acme", gone.ID); err != nil {
		t.Fatal(err)
	}
	before := map[string]map[string]string{"db": db.Values, "api": api.Values}

	if _, err := c.RotateSecretsKey(h.ctx, member, "acme"); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a member's rotation: %v", err)
	}
	rot, err := c.RotateSecretsKey(h.ctx, admin, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if rot.Object.Resealed != 2 || rot.Object.To == "" {
		t.Fatalf("rotation %+v, want 2 secrets re-encrypted", rot.Object)
	}
	for name, id := range map[string]string{"db": db.ID, "api": api.ID} {
		s, _, err := events.LoadState(h.ctx, h.store, "acme", eventsRef(cd.SecretAggregate, id), cd.EvolveSecret)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{"db": {"PASSWORD": "pw-2", "USER": "app"}, "api": {"TOKEN": "tok-1"}}[name]
		if s.KeyGen != 1 || s.Version != map[string]uint64{"db": db.Version, "api": api.Version}[name] {
			t.Errorf("%s after the rotation: generation %d, version %d (before %d)", name, s.KeyGen, s.Version, db.Version)
		}
		rev, err := c.RevealSecret(h.ctx, admin, "acme", id)
		if err != nil || fmt.Sprint(rev.Object.Values) != fmt.Sprint(want) {
			t.Errorf("%s revealed after the rotation: %v, %v", name, rev.Object.Values, err)
		}
		// What the log held before: every earlier event's values.
		if _, err := ring.Open(h.ctx, "acme", id, before[name]); !errors.Is(err, keyring.ErrShredded) {
			t.Errorf("%s's ciphertexts from before the rotation: %v, want them no longer opening", name, err)
		}
		n := 0
		if _, err := h.store.LoadFunc(h.ctx, "acme", eventsRef(cd.SecretAggregate, id), func(r events.Recorded) error {
			if e, ok := r.Data.(cd.SecretRekeyed); ok {
				n++
				if r.Actor != "user:ada" || e.KeyGen != 1 {
					t.Errorf("%s re-encrypted by %s to generation %d", name, r.Actor, e.KeyGen)
				}
			}
			if e, ok := r.Data.(cd.SecretCreated); ok {
				if _, err := ring.Open(h.ctx, "acme", id, e.Values); !errors.Is(err, keyring.ErrShredded) {
					t.Errorf("%s's creation's values still open: %v", name, err)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%s: %d re-encryptions recorded", name, n)
		}
	}

	// Sets racing a second rotation: whatever the order, the log ends
	// with values that open, the last set's.
	var wg sync.WaitGroup
	errs := make(chan error, 11)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.SetSecret(h.ctx, member, command.SetSecretInput{Team: "acme", Env: "dev", Name: "db",
				Set: map[string]string{fmt.Sprintf("K%d", i): fmt.Sprintf("v%d", i)}})
			errs <- err
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := c.RotateSecretsKey(h.ctx, admin, "acme")
		errs <- err
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, _, err := events.LoadState(h.ctx, h.store, "acme", eventsRef(cd.SecretAggregate, db.ID), cd.EvolveSecret)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ring.Open(h.ctx, "acme", db.ID, s.Values)
	if err != nil || len(got) != 12 || got["K7"] != "v7" || got["PASSWORD"] != "pw-2" {
		t.Fatalf("db after sets racing a rotation (generation %d): %v, %v", s.KeyGen, got, err)
	}
	if s.KeyGen != 2 {
		t.Errorf("db after the second rotation: generation %d, want 2", s.KeyGen)
	}
}
