package command

import (
	"context"
	"fmt"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/domain"
)

// GrantAudit records an audit grant for the caller in the team they act
// in: a token of theirs, named for the team, expiring after expiresIn (0:
// domain.DefaultAuditGrant), whose secret no one sees. The caller issues
// the NATS user that stands for it (subgraph); the guard lets that user
// read while the grant stands. Only the team's auditors and owners.
func (h *Handlers) GrantAudit(ctx context.Context, p auth.Principal, expiresIn time.Duration) (Result[Token], error) {
	if err := signedIn(p); err != nil {
		return Result[Token]{}, err
	}
	if p.Team == "" {
		return Result[Token]{}, fault.Invalidf("team", "audit credentials are for one team: act in it (Weft-Team, or --team)")
	}
	m, _, err := h.memberOf(ctx, p.Team, p.UserID)
	if err != nil {
		return Result[Token]{}, err
	}
	exp, err := domain.DecideAuditGrant(p.Team, m.Role, expiresIn, h.now())
	if err != nil {
		return Result[Token]{}, err
	}
	created, _, err := newToken(p.UserID, domain.AuditGrantName(p.Team), &exp, false)
	if err != nil {
		return Result[Token]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Token]{
		Team: domain.NoTeam, Aggregate: tokenRef(created.ID), Actor: p.Actor(),
		Evolve: domain.EvolveToken,
		Decide: func(tk domain.Token) ([]any, error) { return domain.DecideCreateToken(tk, created) },
		// The token is the user's (team-less); the team's own trail
		// records the grant in the same batch, so an auditor of the team
		// sees who got replay credentials, and until when.
		Also: func(context.Context, domain.Token, []any) ([]events.Write, error) {
			return []events.Write{{Expected: events.AnyVersion, Events: []events.Event{{Team: p.Team, Aggregate: teamRef(p.Team), Actor: p.Actor(),
				Data: domain.AuditGranted{GrantID: created.ID, UserID: p.UserID, ExpiresAt: exp}}}}}, nil
		},
	})
	if err != nil {
		return Result[Token]{}, fmt.Errorf("grant audit of %s to %s: %w", p.Team, p.UserID, err)
	}
	return Result[Token]{Object: tokenView(res.State), Seq: res.LastSeq}, nil
}
