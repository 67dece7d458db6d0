package command_test

import (
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/keyring"
)

func (h *harness) withKeyring() *command.Handlers {
	h.t.Helper()
	js, err := jetstream.New(h.env.Conn)
	if err != nil {
		h.t.Fatal(err)
	}
	ring, err := keyring.Open(h.ctx, js, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	return command.New(h.store, h.q, command.WithSealer(ring))
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
