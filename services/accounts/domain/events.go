package domain

import (
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
)

// Aggregate types of the accounts service (subject tokens).
const (
	TeamAggregate  = "team"  // id: the team's slug, in team <slug>
	UserAggregate  = "user"  // id: UUIDv7, in team NoTeam
	TokenAggregate = "token" // id: UUIDv7, in team NoTeam
)

// NoTeam is the team token of team-less aggregates (users, tokens) and of
// the names that must be unique across teams (team slugs, usernames).
const NoTeam = "_"

// Uniq kinds, claimed under NoTeam.
const (
	TeamSlugKind = "team"
	UsernameKind = "user"
)

// TeamCreated records a new team. MemberAdded for its creator, as owner,
// is appended with it.
type TeamCreated struct {
	Slug        string `json:"slug"`
	DisplayName string `json:"displayName"`
}

// TeamRenamed records a new display name; the slug never changes.
type TeamRenamed struct {
	Slug        string `json:"slug"`
	DisplayName string `json:"displayName"`
}

// TeamDeleted records that an owner deleted the team. From then on no
// token acts in it, its keys are destroyed (so the secret values its
// history holds no longer open), its agents' credentials are revoked and
// its clusters' streams removed; the events before it stay in the log,
// readable by the platform's administrator. Members is how many members
// it had.
type TeamDeleted struct {
	Slug    string `json:"slug"`    // the team's name, never used again
	Members int    `json:"members"` // how many members it had when deleted
}

// MemberAdded records that a user joined the team with a role.
type MemberAdded struct {
	UserID string    `json:"userId"`
	Role   auth.Role `json:"role"`
}

// MemberRoleChanged records a member's new role.
type MemberRoleChanged struct {
	UserID string    `json:"userId"`
	From   auth.Role `json:"from"`
	To     auth.Role `json:"to"`
}

// MemberRemoved records that an admin or owner removed a member.
type MemberRemoved struct {
	UserID string    `json:"userId"`
	Role   auth.Role `json:"role"` // the role the member had
}

// MemberLeft records that a member left the team on their own.
type MemberLeft struct {
	UserID string    `json:"userId"`
	Role   auth.Role `json:"role"`
}

// MemberInvited records an invitation to join the team with a role, by
// username. It is recorded whether or not a user holds the name, so the
// inviter learns nothing about which usernames exist; whoever holds the
// name when it is accepted joins.
type MemberInvited struct {
	Username string    `json:"username"`
	Role     auth.Role `json:"role"`
}

// InvitationAccepted records that the invitee accepted; MemberAdded for
// them is appended with it, so every reader of memberships sees one event.
type InvitationAccepted struct {
	Username string `json:"username"`
	UserID   string `json:"userId"`
}

// InvitationDeclined records that the invitee declined.
type InvitationDeclined struct {
	Username string `json:"username"`
}

// AuditGranted records, on the team's own trail, that a member (UserID,
// an auditor or owner) was granted replay credentials for the team's
// events until ExpiresAt. GrantID is the grant's token (weft token revoke
// GrantID ends the credentials); the token itself is recorded on the
// user's side (accounts.token.created), which the team's trail does not
// show.
type AuditGranted struct {
	GrantID   string    `json:"grantId"`
	UserID    string    `json:"userId"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// UserCreated records a new user. Superuser marks the system-level admin
// recorded at bootstrap, who may create users.
type UserCreated struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"displayName"`
	Superuser   bool   `json:"superuser,omitempty"`
}

// TokenCreated records a new API token. Hash is the SHA-256 (hex) of the
// token's secret; the secret itself is shown once and never stored.
type TokenCreated struct {
	ID        string     `json:"id"`
	UserID    string     `json:"userId"`
	Name      string     `json:"name,omitempty"`
	Hash      string     `json:"hash"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Bootstrap bool       `json:"bootstrap,omitempty"`
}

// TokenRevoked records that a token stopped working.
type TokenRevoked struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
}

// NarrowedUser is the user whose rights e may narrow (a role changed, a
// membership removed or left, a token revoked), or "" for any other event:
// open connections of that user must check their rights again.
func NarrowedUser(e any) string {
	switch e := e.(type) {
	case MemberRoleChanged:
		return e.UserID
	case MemberRemoved:
		return e.UserID
	case MemberLeft:
		return e.UserID
	case TokenRevoked:
		return e.UserID
	}
	return ""
}

// Register registers the accounts event types.
func Register(r *event.Registry) {
	event.Register[TeamCreated](r, "accounts.team.created", 1)
	event.Register[TeamRenamed](r, "accounts.team.renamed", 1)
	event.Register[TeamDeleted](r, "accounts.team.deleted", 1)
	event.Register[MemberAdded](r, "accounts.team.member-added", 1)
	event.Register[MemberRoleChanged](r, "accounts.team.member-role-changed", 1)
	event.Register[MemberRemoved](r, "accounts.team.member-removed", 1)
	event.Register[MemberLeft](r, "accounts.team.member-left", 1)
	event.Register[MemberInvited](r, "accounts.team.member-invited", 1)
	event.Register[InvitationAccepted](r, "accounts.team.invitation-accepted", 1)
	event.Register[InvitationDeclined](r, "accounts.team.invitation-declined", 1)
	event.Register[AuditGranted](r, "accounts.team.audit-granted", 1)
	event.Register[UserCreated](r, "accounts.user.created", 1)
	event.Register[TokenCreated](r, "accounts.token.created", 1)
	event.Register[TokenRevoked](r, "accounts.token.revoked", 1)
}
