package command

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	"weft.dev/services/accounts/domain"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise
// (secret scanners, logs).
const TokenPrefix = "weft_"

// secretLen is the hex length of a token secret: 32 random bytes.
const secretLen = 64

// CreateTokenInput asks for an API token.
type CreateTokenInput struct {
	UserID    string     // whose token; the caller when empty
	Name      string     // optional label, e.g. "laptop"
	ExpiresAt *time.Time // optional; must be in the future
}

// CreateToken makes an API token for a user and returns it once; weft keeps
// only the secret's hash. Users make their own tokens; the superuser and
// the system make tokens for anyone.
func (h *Handlers) CreateToken(ctx context.Context, p auth.Principal, in CreateTokenInput) (Result[TokenWithSecret], error) {
	if err := signedIn(p); err != nil {
		return Result[TokenWithSecret]{}, err
	}
	user := in.UserID
	if user == "" {
		user = p.UserID
	}
	if err := checkID("userId", user); err != nil {
		return Result[TokenWithSecret]{}, err
	}
	if user != p.UserID || p.System {
		if ok, err := h.superuser(ctx, p); err != nil {
			return Result[TokenWithSecret]{}, fmt.Errorf("create token: %w", err)
		} else if !ok {
			// Do not reveal whether the user exists.
			return Result[TokenWithSecret]{}, domain.NotFound("userId", "user %s", user)
		}
	}
	if in.Name != "" {
		name, err := validate.DisplayName("name", in.Name)
		if err != nil {
			return Result[TokenWithSecret]{}, err
		}
		in.Name = name
	}
	if in.ExpiresAt != nil {
		if !in.ExpiresAt.After(h.now()) {
			return Result[TokenWithSecret]{}, fault.Invalidf("expiresAt", "%s is not in the future", in.ExpiresAt.Format(time.RFC3339))
		}
		at := in.ExpiresAt.UTC()
		in.ExpiresAt = &at
	}
	u, err := h.loadUser(ctx, user)
	if err != nil {
		return Result[TokenWithSecret]{}, fmt.Errorf("create token: %w", err)
	}
	if !u.Created {
		return Result[TokenWithSecret]{}, domain.NotFound("userId", "user %s", user)
	}
	created, plain, err := newToken(user, in.Name, in.ExpiresAt, false)
	if err != nil {
		return Result[TokenWithSecret]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Token]{
		Team: domain.NoTeam, Aggregate: tokenRef(created.ID), Actor: p.Actor(),
		Evolve: domain.EvolveToken,
		Decide: func(tk domain.Token) ([]any, error) { return domain.DecideCreateToken(tk, created) },
	})
	if err != nil {
		return Result[TokenWithSecret]{}, fmt.Errorf("create token for user %s: %w", user, err)
	}
	return Result[TokenWithSecret]{Object: TokenWithSecret{Token: tokenView(res.State), Secret: plain}, Seq: res.LastSeq}, nil
}

// newToken returns the event recording a new token and the plain token.
func newToken(user, name string, expires *time.Time, bootstrap bool) (domain.TokenCreated, string, error) {
	id, err := events.NewID()
	if err != nil {
		return domain.TokenCreated{}, "", err
	}
	b := make([]byte, secretLen/2)
	if _, err := rand.Read(b); err != nil {
		return domain.TokenCreated{}, "", fmt.Errorf("new token secret: %w", err)
	}
	secret := hex.EncodeToString(b)
	c := domain.TokenCreated{ID: id, UserID: user, Name: name, Hash: domain.HashSecret(secret), ExpiresAt: expires, Bootstrap: bootstrap}
	return c, TokenPrefix + id + "_" + secret, nil
}

// parseToken splits a presented token into id and secret.
func parseToken(token string) (id, secret string, ok bool) {
	rest, found := strings.CutPrefix(token, TokenPrefix)
	if !found {
		return "", "", false
	}
	id, secret, found = strings.Cut(rest, "_")
	if !found || checkID("token", id) != nil || len(secret) != secretLen {
		return "", "", false
	}
	return id, secret, true
}

// TokenInput points at one token.
type TokenInput struct {
	ID string
}

// RevokeToken stops a token from working, at once. A user revokes their
// own tokens; the superuser and the system revoke anyone's. Revoking a
// revoked token changes nothing.
func (h *Handlers) RevokeToken(ctx context.Context, p auth.Principal, in TokenInput) (Result[Token], error) {
	if err := signedIn(p); err != nil {
		return Result[Token]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[Token]{}, err
	}
	anyone, err := h.superuser(ctx, p)
	if err != nil {
		return Result[Token]{}, fmt.Errorf("revoke token %s: %w", in.ID, err)
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Token]{
		Team: domain.NoTeam, Aggregate: tokenRef(in.ID), Actor: p.Actor(),
		Evolve: domain.EvolveToken,
		Decide: func(tk domain.Token) ([]any, error) {
			if tk.UserID != p.UserID && !anyone {
				// Another user's token looks like a missing one.
				return nil, domain.NotFound("id", "token %s", in.ID)
			}
			return domain.DecideRevokeToken(tk, in.ID)
		},
	})
	if err != nil {
		return Result[Token]{}, fmt.Errorf("revoke token %s: %w", in.ID, err)
	}
	return Result[Token]{Object: tokenView(res.State), Seq: res.Seq()}, nil
}

// Authenticate resolves an API token to the principal it signs in, acting
// in team (team empty: a principal with no team, for team-less calls such
// as creating a team). A malformed, unknown, revoked or expired token, or a
// wrong secret, is UNAUTHENTICATED, the same fault for each; a valid token
// of a user who is not a member of team is NOT_FOUND for the team. Both are
// read from the log, so revocations and removals count at once.
func (h *Handlers) Authenticate(ctx context.Context, token, team string) (auth.Principal, error) {
	p, _, err := h.authenticate(ctx, token, team)
	return p, err
}

// authenticate is Authenticate that also returns the log's sequence as of
// which it decided: the last event of the token and of the team it read.
func (h *Handlers) authenticate(ctx context.Context, token, team string) (auth.Principal, uint64, error) {
	id, secret, ok := parseToken(token)
	if !ok {
		return auth.Principal{}, 0, domain.Unauthenticated()
	}
	tk, seq, err := events.LoadState(ctx, h.store, domain.NoTeam, tokenRef(id), domain.EvolveToken)
	if err != nil {
		return auth.Principal{}, 0, fmt.Errorf("authenticate: %w", err)
	}
	if err := domain.CheckToken(tk, secret, h.now()); err != nil {
		return auth.Principal{}, 0, err
	}
	if team == "" {
		return auth.Principal{UserID: tk.UserID, Expires: expiry(tk)}, seq, nil
	}
	if err := validate.Name("team", team); err != nil {
		return auth.Principal{}, 0, err
	}
	p, teamSeq, err := h.memberOf(ctx, team, tk.UserID)
	if err != nil {
		return auth.Principal{}, 0, err
	}
	p.Expires = expiry(tk)
	return p, max(seq, teamSeq), nil
}

// expiry is when a principal resolved from tk stops being valid.
func expiry(tk domain.Token) time.Time {
	if tk.ExpiresAt == nil {
		return time.Time{}
	}
	return tk.ExpiresAt.UTC()
}

// memberOf is userID's principal in team as the log has it; NOT_FOUND when
// the team does not exist or userID is not a member. The sequence is the
// team's version: what a read model must have applied to agree.
func (h *Handlers) memberOf(ctx context.Context, team, userID string) (auth.Principal, uint64, error) {
	t, seq, err := events.LoadState(ctx, h.store, team, teamRef(team), domain.EvolveTeam)
	if err != nil {
		return auth.Principal{}, 0, fmt.Errorf("authenticate: %w", err)
	}
	role, member := t.Members[userID]
	if !t.Created || !member {
		return auth.Principal{}, 0, fault.NotFoundf("team %q", team)
	}
	if t.Deleted {
		// Its members were told; anyone else learns nothing.
		return auth.Principal{}, 0, domain.TeamWasDeleted(team)
	}
	return auth.Principal{UserID: userID, Team: team, Role: role}, seq, nil
}
