// Package auth holds who is calling: the Principal every command and query
// receives, resolved from an API token by the accounts service and
// forwarded by the gateway. Services never trust a principal they did not
// get through this package's context helpers.
package auth

import (
	"context"
	"time"

	"weft.dev/kernel/fault"
)

// Role is a member's role in a team, from least to most powerful.
type Role string

// Roles. An auditor reads the team's whole history and any past state
// through the audit service and changes nothing; it is below member, so
// every check for member or above refuses it.
const (
	Auditor Role = "auditor"
	Member  Role = "member"
	Admin   Role = "admin"
	Owner   Role = "owner"
)

var rank = map[Role]int{Auditor: 1, Member: 2, Admin: 3, Owner: 4}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return rank[r] > 0 }

// AtLeast reports whether r is at least min.
func (r Role) AtLeast(min Role) bool { return rank[r] >= rank[min] }

// Principal is the caller: a user acting in one team with a role there.
// System principals (the server itself, a cluster's agent) have System set.
type Principal struct {
	UserID string // the user's id (actor on events)
	Team   string // the team the request acts in; empty for team-less calls
	Role   Role   // the user's role in Team
	System bool   // weft itself, not a user; bypasses role checks
	// Expires is when the credential the principal was resolved from
	// stops being valid (zero: never). The gateway ends a websocket's
	// operations then; it is not forwarded to subgraphs, which get a
	// short-lived assertion instead.
	Expires time.Time
}

// Actor is the string recorded as an event's actor.
func (p Principal) Actor() string {
	if p.System {
		return "system:" + p.UserID
	}
	return "user:" + p.UserID
}

// Require returns a Forbidden fault unless p may act in team with at least min.
func (p Principal) Require(team string, min Role) error {
	if p.System {
		return nil
	}
	if p.UserID == "" {
		return &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	if p.Team != team {
		// Do not reveal whether the team exists.
		return fault.NotFoundf("team %q", team)
	}
	if !p.Role.AtLeast(min) {
		return fault.Forbiddenf("requires role %s in team %s; you are %s", min, team, p.Role)
	}
	return nil
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal in ctx, or a zero (unauthenticated) one.
func From(ctx context.Context) Principal {
	p, _ := ctx.Value(ctxKey{}).(Principal)
	return p
}

// SystemPrincipal is weft acting on its own behalf, e.g. "bootstrap".
func SystemPrincipal(name string) Principal { return Principal{UserID: name, System: true} }
