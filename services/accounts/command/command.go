// Package command holds the accounts service's use cases, one handler
// method each: teams (create, rename), memberships (add, change role,
// remove, leave), users (create), API tokens (create, revoke), signing in
// with a token (Authenticate), and the first start's bootstrap.
//
// Every handler checks the caller first (auth.Principal.Require for team
// commands; a signed-in user for team-less ones; the superuser for
// creating users), then validates input at the edge (a *fault.Error naming
// the field; nothing is appended), then runs events.Handle. Team commands
// decide with the actor's role as the team aggregate records it, so a role
// taken away a moment ago no longer counts.
//
// Team slugs and usernames are unique across weft: each is claimed with
// uniq under team token "_", atomically with the creating event, so of two
// concurrent creators of one name exactly one succeeds and the other gets
// CONFLICT.
//
// API tokens look like weft_<id>_<secret>: the id finds the token aggregate
// directly, the secret (256 random bits, hex) is returned once and stored
// only as its SHA-256. Authenticate reads the token and the team from the
// log, not a read model, so a revocation or a removal from a team takes
// effect at once.
//
// Each handler returns the resulting object and Seq, the stream sequence of
// the last event appended (or the aggregate's version when nothing changed),
// for read-your-writes queries.
package command

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/domain"
)

// Handlers runs the accounts commands.
type Handlers struct {
	store    *events.Store
	now      func() time.Time
	log      *slog.Logger
	teardown []Teardown
}

// Teardown is one step of a team's deletion done outside the log, after
// TeamDeleted is appended: destroying its keys, for one. A step must be
// idempotent: a deletion that stopped half-way runs every step again.
type Teardown struct {
	What string // what it does, for errors: "destroy the team's keys"
	Run  func(ctx context.Context, team string) error
}

// WithTeardown adds steps that DeleteTeam (and FinishDeletions) run for a
// deleted team, in order.
func WithTeardown(steps ...Teardown) Option {
	return func(h *Handlers) { h.teardown = append(h.teardown, steps...) }
}

// Option configures Handlers.
type Option func(*Handlers)

// WithClock sets the clock that decides whether a token has expired (tests).
func WithClock(now func() time.Time) Option { return func(h *Handlers) { h.now = now } }

// WithLogger sets the handlers' logger.
func WithLogger(l *slog.Logger) Option { return func(h *Handlers) { h.log = l } }

// New returns the handlers. The store's registry must hold accounts' and
// uniq's event types.
func New(store *events.Store, opts ...Option) *Handlers {
	h := &Handlers{store: store, now: time.Now, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Result is a command's resulting object and the sequence to wait for.
type Result[T any] = events.Outcome[T]

// Member is one membership of a team.
type Member struct {
	UserID string    `json:"userId"`
	Role   auth.Role `json:"role"`
}

// Team is a team as commands return it, members sorted by user id.
type Team struct {
	Slug        string   `json:"slug"`
	DisplayName string   `json:"displayName"`
	Members     []Member `json:"members"`
}

// User is a user as commands return it.
type User struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Superuser   bool   `json:"superuser,omitempty"`
}

// Token is an API token as commands return it: never its hash.
type Token struct {
	ID        string     `json:"id"`
	UserID    string     `json:"userId"`
	Name      string     `json:"name,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Bootstrap bool       `json:"bootstrap,omitempty"`
	Revoked   bool       `json:"revoked"`
}

// TokenWithSecret is a new token and the plain token string, returned once
// by CreateToken, Bootstrap and NewBootstrapToken; weft keeps only a hash.
type TokenWithSecret struct {
	Token
	Secret string `json:"token"`
}

func teamView(t domain.Team) Team {
	v := Team{Slug: t.Slug, DisplayName: t.DisplayName, Members: make([]Member, 0, len(t.Members))}
	for id, r := range t.Members {
		v.Members = append(v.Members, Member{UserID: id, Role: r})
	}
	sortMembers(v.Members)
	return v
}

func sortMembers(ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int { return strings.Compare(a.UserID, b.UserID) })
}

func userView(u domain.User) User {
	return User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Superuser: u.Superuser}
}

func tokenView(tk domain.Token) Token {
	return Token{ID: tk.ID, UserID: tk.UserID, Name: tk.Name, ExpiresAt: tk.ExpiresAt, Bootstrap: tk.Bootstrap, Revoked: tk.Revoked}
}

func teamRef(slug string) events.AggregateRef {
	return events.AggregateRef{Type: domain.TeamAggregate, ID: slug}
}

func userRef(id string) events.AggregateRef {
	return events.AggregateRef{Type: domain.UserAggregate, ID: id}
}

func tokenRef(id string) events.AggregateRef {
	return events.AggregateRef{Type: domain.TokenAggregate, ID: id}
}

// checkID accepts only canonical UUIDs: ids become subject tokens, and a
// wildcard there would read other aggregates.
func checkID(field, id string) error {
	if id == "" {
		return fault.Invalidf(field, "is required")
	}
	u, err := uuid.Parse(id)
	if err != nil || u.String() != id {
		return fault.Invalidf(field, "%q is not an id", id)
	}
	return nil
}

func signedIn(p auth.Principal) error {
	if p.UserID == "" {
		return &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	return nil
}

func actorOf(p auth.Principal) domain.Actor {
	return domain.Actor{UserID: p.UserID, System: p.System}
}

// loadState is an aggregate's state (accounts' commands never need its
// version).
func loadState[S any](ctx context.Context, s *events.Store, team string, ref events.AggregateRef, evolve func(S, events.Recorded) S) (S, error) {
	st, _, err := events.LoadState(ctx, s, team, ref, evolve)
	return st, err
}

func (h *Handlers) loadUser(ctx context.Context, id string) (domain.User, error) {
	return loadState(ctx, h.store, domain.NoTeam, userRef(id), domain.EvolveUser)
}

// superuser reports whether p may act on users other than themselves: the
// system, or the bootstrap admin.
func (h *Handlers) superuser(ctx context.Context, p auth.Principal) (bool, error) {
	if p.System {
		return true, nil
	}
	if checkID("userId", p.UserID) != nil {
		return false, nil
	}
	u, err := h.loadUser(ctx, p.UserID)
	if err != nil {
		return false, err
	}
	return u.Created && u.Superuser, nil
}
