package command

import (
	"context"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/validate"
	"weft.dev/kernel/watermark"
	"weft.dev/services/accounts/domain"
)

// Credentials is what a read model knows of tokens and memberships: the
// accounts read model, kept current by its projection in this process.
type Credentials interface {
	// Token returns token id as the model knows it, hash included.
	Token(id string) (domain.Token, bool)
	// Role returns userID's role in team; false when the model knows no
	// such membership.
	Role(team, userID string) (auth.Role, bool)
}

// Authenticator resolves API tokens on every gateway request. Reading the
// token and the team from the log (Handlers.Authenticate) costs two
// JetStream reads per request and limited the gateway to a few hundred
// requests a second, so it answers from the read model, in memory, and
// reads the log only for what the model does not know yet: a token or a
// membership created a moment ago. What the model knows to be refused
// (revoked, expired, wrong secret) is refused at once.
//
// The price is the model's lag: a revocation, removal or role change
// counts once the model applied it (milliseconds). The accounts subgraph
// answers those mutations only after this process's model applied them, so
// a client that saw the mutation succeed is never let in again here; a
// replica in another process follows within its own lag.
//
// What it reads from the log, it lets in only once the model has applied
// it too (at most watermark.MaxWait): otherwise a token's first request
// would be let in by the log and then answered by a model that does not
// know its user yet (`me` answering NOT_FOUND right after bootstrap).
type Authenticator struct {
	h       *Handlers
	creds   Credentials
	applied watermark.Waiter
}

// NewAuthenticator answers from creds, falling back to h's log reads;
// applied is what feeds creds (nil: do not wait for it).
func NewAuthenticator(h *Handlers, creds Credentials, applied watermark.Waiter) *Authenticator {
	return &Authenticator{h: h, creds: creds, applied: applied}
}

// awaitModel waits for the model to apply what the log showed at seq. A
// model that does not catch up in time leaves the principal valid: the
// reads that follow answer their own UNAVAILABLE.
func (a *Authenticator) awaitModel(ctx context.Context, seq uint64) {
	if a.applied != nil {
		_ = watermark.Bounded(ctx, a.applied, seq, "the accounts read model")
	}
}

// Authenticate has Handlers.Authenticate's contract (same principals, same
// faults) with the model's lag for revocations.
func (a *Authenticator) Authenticate(ctx context.Context, token, team string) (auth.Principal, error) {
	id, secret, ok := parseToken(token)
	if !ok {
		return auth.Principal{}, domain.Unauthenticated()
	}
	tk, known := a.creds.Token(id)
	if !known {
		p, seq, err := a.h.authenticate(ctx, token, team)
		if err != nil {
			return auth.Principal{}, err
		}
		a.awaitModel(ctx, seq)
		return p, nil
	}
	if err := domain.CheckToken(tk, secret, a.h.now()); err != nil {
		return auth.Principal{}, err
	}
	if team == "" {
		return auth.Principal{UserID: tk.UserID, Expires: expiry(tk)}, nil
	}
	if err := validate.Name("team", team); err != nil {
		return auth.Principal{}, err
	}
	if role, ok := a.creds.Role(team, tk.UserID); ok {
		return auth.Principal{UserID: tk.UserID, Team: team, Role: role, Expires: expiry(tk)}, nil
	}
	// Not a member as far as the model knows: maybe just added. The log
	// decides; the token itself was checked already.
	p, seq, err := a.h.memberOf(ctx, team, tk.UserID)
	if err != nil {
		return auth.Principal{}, err
	}
	p.Expires = expiry(tk)
	a.awaitModel(ctx, seq)
	return p, nil
}
