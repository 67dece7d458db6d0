package command_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/uniq"
)

// clock is a settable clock for expiry tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t      *testing.T
	ctx    context.Context
	env    *eventstest.Env
	store  *events.Store
	clock  *clock
	model  *readmodel.Model
	runner *projection.Runner
	q      *readmodel.Queries
	h      *command.Handlers
	admin  auth.Principal // the bootstrap superuser, team-less
}

func registry() *events.Registry {
	r := events.NewRegistry()
	domain.Register(r)
	uniq.Register(r) // weft-server registers it once; tests do it themselves
	return r
}

func setup(t *testing.T) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	h := &harness{t: t, ctx: ctx, env: env, store: store, clock: &clock{now: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}}
	h.model = readmodel.New()
	h.runner = projection.New(store, h.model, projection.Config{Name: "accounts"})
	if err := h.runner.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.runner.Stop(context.Background()) })
	h.q = readmodel.NewQueries(h.model, h.runner)
	h.h = command.New(store, command.WithClock(h.clock.Now))
	b, err := h.h.Bootstrap(ctx)
	if err != nil || !b.Created {
		t.Fatalf("bootstrap: %+v, %v", b, err)
	}
	h.admin = auth.Principal{UserID: b.Admin.ID}
	return h
}

func (h *harness) lastSeq() uint64 {
	h.t.Helper()
	s, err := h.store.LastSeq(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// user creates a user as the admin and returns its id.
func (h *harness) user(name string) string {
	h.t.Helper()
	res, err := h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: name, DisplayName: name})
	if err != nil {
		h.t.Fatalf("create user %s: %v", name, err)
	}
	return res.Object.ID
}

// team creates slug with owner as its owner and returns the owner acting
// in it.
func (h *harness) team(owner, slug string) auth.Principal {
	h.t.Helper()
	if _, err := h.h.CreateTeam(h.ctx, auth.Principal{UserID: owner}, command.CreateTeamInput{Slug: slug, DisplayName: slug}); err != nil {
		h.t.Fatalf("create team %s: %v", slug, err)
	}
	return auth.Principal{UserID: owner, Team: slug, Role: auth.Owner}
}

// token makes an API token for user (as the admin) and returns it.
func (h *harness) token(user string) command.TokenWithSecret {
	h.t.Helper()
	res, err := h.h.CreateToken(h.ctx, h.admin, command.CreateTokenInput{UserID: user})
	if err != nil {
		h.t.Fatalf("create token for %s: %v", user, err)
	}
	return res.Object
}

// signIn authenticates token in team, failing the test on error.
func (h *harness) signIn(token, team string) auth.Principal {
	h.t.Helper()
	p, err := h.h.Authenticate(h.ctx, token, team)
	if err != nil {
		h.t.Fatalf("authenticate in %q: %v", team, err)
	}
	return p
}

// wantFault fails unless err is a *fault.Error with code (and field, when
// given).
func wantFault(t *testing.T, err error, code fault.Code, field string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Code != code || (field != "" && f.Field != field) {
		t.Fatalf("err = %v (%T); want %s on field %q", err, err, code, field)
	}
}
