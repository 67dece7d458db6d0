package command_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
)

func TestBootstrapRecordsOneAdminWhoseTokenSignsIn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	env := eventstest.Start(t)
	h := command.New(events.NewStore(env.Conn, registry()))

	// Two servers starting on one empty log record one admin.
	var wg sync.WaitGroup
	results := make([]command.BootstrapResult, 2)
	for i := range results {
		wg.Go(func() {
			var err error
			if results[i], err = h.Bootstrap(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var b command.BootstrapResult
	created := 0
	for _, r := range results {
		if r.Created {
			b, created = r, created+1
		}
	}
	if created != 1 {
		t.Fatalf("%d bootstraps recorded an admin", created)
	}
	if b.Admin.Username != "admin" || !b.Admin.Superuser || !b.Token.Bootstrap {
		t.Fatalf("bootstrap %+v", b)
	}
	p, err := h.Authenticate(ctx, b.Token.Secret, "")
	if err != nil || p.UserID != b.Admin.ID {
		t.Fatalf("bootstrap token signs in as %+v, %v", p, err)
	}

	// Later starts record nothing.
	again, err := h.Bootstrap(ctx)
	if err != nil || again.Created {
		t.Fatalf("second bootstrap: %+v, %v", again, err)
	}

	// The admin creates users and teams; users do not create users.
	ada, err := h.CreateUser(ctx, p, command.CreateUserInput{Username: "ada", DisplayName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.CreateTeam(ctx, p, command.CreateTeamInput{Slug: "ops", DisplayName: "Ops"}); err != nil {
		t.Fatal(err)
	}
	_, err = h.CreateUser(ctx, auth.Principal{UserID: ada.Object.ID}, command.CreateUserInput{Username: "bob", DisplayName: "Bob"})
	wantFault(t, err, fault.Forbidden, "")

	// A new bootstrap token works alongside the first.
	nb, err := h.NewBootstrapToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p2, err := h.Authenticate(ctx, nb.Object.Secret, "ops"); err != nil || p2.UserID != b.Admin.ID || p2.Role != auth.Owner {
		t.Fatalf("new bootstrap token signs in as %+v, %v", p2, err)
	}
}

func TestNewBootstrapTokenNeedsABootstrappedLog(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	env := eventstest.Start(t)
	h := command.New(events.NewStore(env.Conn, registry()))
	_, err := h.NewBootstrapToken(ctx)
	wantFault(t, err, fault.NotFound, "")
}
