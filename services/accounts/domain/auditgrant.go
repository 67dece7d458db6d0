package domain

import (
	"strings"
	"time"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// An audit grant is what stands behind an auditor's NATS replay
// credentials (weft audit credentials): a token of the auditor's own,
// named for the team, that expires. The credentials work while the grant
// stands (ReplayAllowed), so revoking the token, its expiry, or the user
// losing the role ends them at the next read.

// Audit grants last DefaultAuditGrant unless asked otherwise, and never
// more than MaxAuditGrant: credentials that leave weft's API should not
// outlive the reason they were made for.
const (
	DefaultAuditGrant = time.Hour
	MaxAuditGrant     = 24 * time.Hour
)

// AuditGrantName is the name of team's audit grant tokens.
func AuditGrantName(team string) string { return auditGrantPrefix + team }

const auditGrantPrefix = "audit credentials for "

// AuditGrantTeam is the team tk is an audit grant of; false for a token
// that is no audit grant.
func AuditGrantTeam(tk Token) (string, bool) {
	team, ok := strings.CutPrefix(tk.Name, auditGrantPrefix)
	return team, ok && team != ""
}

// MayReplay reports whether a member with role may read the team's raw
// log with their own tools: auditors (whose role is to) and owners (who
// grant it).
func MayReplay(role auth.Role) bool { return role == auth.Auditor || role == auth.Owner }

// DecideAuditGrant checks a request for an audit grant of ttl (0: the
// default) by a member of team with role, and returns when it expires.
func DecideAuditGrant(team string, role auth.Role, ttl time.Duration, now time.Time) (time.Time, error) {
	if !MayReplay(role) {
		return time.Time{}, forbidden("only auditors and owners of team %s get replay credentials (they read the team's whole log)", team)
	}
	if ttl == 0 {
		ttl = DefaultAuditGrant
	}
	if ttl < time.Minute || ttl > MaxAuditGrant {
		return time.Time{}, fault.WithKind(ErrInvalid, fault.Invalidf("expiresIn", "%s: audit credentials last from a minute to %s", ttl, MaxAuditGrant))
	}
	return now.Add(ttl).UTC(), nil
}

// AuditGrantStands reports whether tk is a standing audit grant of team
// for a member with role (ok false: no longer a member) at now.
func AuditGrantStands(tk Token, team string, role auth.Role, member bool, now time.Time) bool {
	return tk.Created && !tk.Revoked && tk.Name == AuditGrantName(team) &&
		tk.ExpiresAt != nil && now.Before(*tk.ExpiresAt) && member && MayReplay(role)
}
