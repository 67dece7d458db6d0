package command

import (
	"context"
	"errors"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/uniq"
)

// AdminUsername is the username of the superuser recorded at bootstrap.
const AdminUsername = "admin"

// BootstrapResult is what the first start recorded.
type BootstrapResult struct {
	Created bool // false: the log had users already, nothing was recorded
	Admin   User
	Token   TokenWithSecret // the one-time token, when Created
	Seq     uint64
}

// Bootstrap records, when the log has no users, the superuser "admin" and
// a bootstrap API token for it, in one atomic append, and returns the
// plain token (shown once; only its hash is stored). With users in the log
// it records nothing. Two servers bootstrapping at once record one admin:
// the username claim lets only one append through.
func (h *Handlers) Bootstrap(ctx context.Context) (BootstrapResult, error) {
	exists, err := h.hasUsers(ctx)
	if err != nil || exists {
		return BootstrapResult{}, err
	}
	p := auth.SystemPrincipal("bootstrap")
	id, err := events.NewID()
	if err != nil {
		return BootstrapResult{}, err
	}
	created, plain, err := newToken(id, "bootstrap", nil, true)
	if err != nil {
		return BootstrapResult{}, err
	}
	tokenWrite := events.Write{Expected: 0, Events: []events.Event{{
		Team: domain.NoTeam, Aggregate: tokenRef(created.ID), Actor: p.Actor(), Data: created,
	}}}
	res, err := h.createUser(ctx, p, domain.UserCreated{ID: id, Username: AdminUsername, DisplayName: "Administrator", Superuser: true}, []events.Write{tokenWrite})
	if errors.Is(err, &fault.Error{Code: fault.Conflict}) {
		return BootstrapResult{}, nil // another server bootstrapped first
	}
	if err != nil {
		return BootstrapResult{}, fmt.Errorf("bootstrap: %w", err)
	}
	h.log.Info("recorded the bootstrap administrator", "user", id, "token", created.ID)
	tk := domain.EvolveToken(domain.Token{}, events.Recorded{Data: created})
	return BootstrapResult{
		Created: true, Admin: userView(res.State),
		Token: TokenWithSecret{Token: tokenView(tk), Secret: plain}, Seq: res.LastSeq,
	}, nil
}

// hasUsers reports whether any user was ever recorded.
func (h *Handlers) hasUsers(ctx context.Context) (bool, error) {
	found := false
	err := h.store.Replay(ctx, events.Filter{Team: domain.NoTeam, AggType: domain.UserAggregate}, func(events.Recorded) error {
		found = true
		return events.ErrStop
	})
	if err != nil {
		return false, fmt.Errorf("bootstrap: look for users: %w", err)
	}
	return found, nil
}

// NewBootstrapToken makes a new API token for the bootstrap admin (for
// `weft-server bootstrap-token`, run on the host) and returns it once.
// Earlier tokens keep working until revoked.
func (h *Handlers) NewBootstrapToken(ctx context.Context) (Result[TokenWithSecret], error) {
	id, _, err := uniq.Owner(ctx, h.store, domain.NoTeam, domain.UsernameKind, AdminUsername)
	if err != nil {
		return Result[TokenWithSecret]{}, fmt.Errorf("new bootstrap token: %w", err)
	}
	if id == "" {
		return Result[TokenWithSecret]{}, fault.NotFoundf("user %q (start weft-server once to bootstrap)", AdminUsername)
	}
	u, err := h.loadUser(ctx, id)
	if err != nil {
		return Result[TokenWithSecret]{}, fmt.Errorf("new bootstrap token: %w", err)
	}
	if !u.Superuser {
		return Result[TokenWithSecret]{}, fmt.Errorf("new bootstrap token: user %q (%s) is not the bootstrap administrator", AdminUsername, id)
	}
	created, plain, err := newToken(id, "bootstrap", nil, true)
	if err != nil {
		return Result[TokenWithSecret]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Token]{
		Team: domain.NoTeam, Aggregate: tokenRef(created.ID), Actor: auth.SystemPrincipal("bootstrap-token").Actor(),
		Evolve: domain.EvolveToken,
		Decide: func(tk domain.Token) ([]any, error) { return domain.DecideCreateToken(tk, created) },
	})
	if err != nil {
		return Result[TokenWithSecret]{}, fmt.Errorf("new bootstrap token: %w", err)
	}
	return Result[TokenWithSecret]{Object: TokenWithSecret{Token: tokenView(res.State), Secret: plain}, Seq: res.LastSeq}, nil
}
