package domain

import (
	"maps"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// Team is a team aggregate's state.
type Team struct {
	Slug        string
	DisplayName string
	Members     map[string]auth.Role // user id → role; never mutated in place
	Invited     map[string]auth.Role // username → offered role; never mutated in place
	Created     bool
	// Deleted is set by TeamDeleted. Members and Invited stay as they
	// were at the deletion, so an owner's retry of the deletion is still
	// recognised; nothing else accepts a deleted team.
	Deleted bool
}

// Live reports whether the team exists and was not deleted.
func (t Team) Live() bool { return t.Created && !t.Deleted }

// Actor is who runs a team command. A user's authority is the role the
// team aggregate gives them, not what their principal claims, so a member
// demoted a moment ago cannot use their old role. The system acts as owner.
type Actor struct {
	UserID string
	System bool
}

// RoleOf is the role the actor has in t ("" when not a member).
func (t Team) RoleOf(a Actor) auth.Role {
	if a.System {
		return auth.Owner
	}
	return t.Members[a.UserID]
}

// Owners counts the team's owners.
func (t Team) Owners() int {
	n := 0
	for _, r := range t.Members {
		if r == auth.Owner {
			n++
		}
	}
	return n
}

// EvolveTeam folds one event into t. It copies the member map before a
// change, so states handed out earlier never change underneath their holder.
func EvolveTeam(t Team, r event.Recorded) Team {
	switch e := r.Data.(type) {
	case TeamCreated:
		t = Team{Slug: e.Slug, DisplayName: e.DisplayName, Members: map[string]auth.Role{}, Created: true}
	case TeamRenamed:
		t.DisplayName = e.DisplayName
	case TeamDeleted:
		t.Deleted = true
	case MemberAdded:
		t.Members = withRole(t.Members, e.UserID, e.Role)
	case MemberRoleChanged:
		t.Members = withRole(t.Members, e.UserID, e.To)
	case MemberRemoved:
		t.Members = withRole(t.Members, e.UserID, "")
	case MemberLeft:
		t.Members = withRole(t.Members, e.UserID, "")
	case MemberInvited:
		t.Invited = withRole(t.Invited, e.Username, e.Role)
	case InvitationAccepted:
		t.Invited = withRole(t.Invited, e.Username, "")
	case InvitationDeclined:
		t.Invited = withRole(t.Invited, e.Username, "")
	}
	return t
}

func withRole(m map[string]auth.Role, user string, role auth.Role) map[string]auth.Role {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]auth.Role{}
	}
	if role == "" {
		delete(out, user)
	} else {
		out[user] = role
	}
	return out
}

func teamNotFound(slug string) error { return NotFound("team", "team %q", slug) }

// TeamWasDeleted is the fault a former member of a deleted team gets for
// anything they ask of it: NOT_FOUND, matching ErrTeamDeleted, saying why.
func TeamWasDeleted(slug string) error {
	f := fault.NotFoundf("team %q was deleted", slug)
	f.Field = "team"
	return fault.WithKind(ErrTeamDeleted, f)
}

// CheckRole returns a BAD_USER_INPUT fault for an unknown role.
func CheckRole(field string, r auth.Role) error {
	if !r.Valid() {
		return fault.WithKind(ErrInvalid, fault.Invalidf(field, "%q is not a role (%s, %s, %s or %s)", r, auth.Auditor, auth.Member, auth.Admin, auth.Owner))
	}
	return nil
}

func notMember(slug, user string) error {
	f := fault.NotFoundf("member %s of team %s", user, slug)
	f.Field = "userId"
	return fault.WithKind(ErrNotMember, f)
}

// Forbidden is a FORBIDDEN fault matching ErrForbidden.
func Forbidden(format string, args ...any) error { return forbidden(format, args...) }

func forbidden(format string, args ...any) error {
	return fault.WithKind(ErrForbidden, fault.Forbiddenf(format, args...))
}

func lastOwner(slug string) error {
	return fault.WithKind(ErrLastOwner, fault.Conflictf("team %q would have no owner left; make another member owner first", slug))
}

// DecideCreateTeam creates the team with its creator as owner.
func DecideCreateTeam(t Team, slug, displayName, creator string) ([]any, error) {
	if t.Deleted {
		// The slug is the team's token in every subject of its history
		// (ev.<slug>.>), its keys' names and its streams': a new team of
		// the name would share the deleted team's trail, so a name is
		// never used twice.
		return nil, fault.WithKind(ErrExists, fault.Conflictf("team %q was deleted; a team's name is not used again (its history stays in the log under that name)", slug))
	}
	if t.Created {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("team %q already exists", slug))
	}
	return []any{
		TeamCreated{Slug: slug, DisplayName: displayName},
		MemberAdded{UserID: creator, Role: auth.Owner},
	}, nil
}

// DecideRenameTeam changes the display name; admins and owners only.
func DecideRenameTeam(t Team, a Actor, slug, displayName string) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	if !t.RoleOf(a).AtLeast(auth.Admin) {
		return nil, forbidden("renaming team %s requires role admin", slug)
	}
	if t.DisplayName == displayName {
		return nil, nil
	}
	return []any{TeamRenamed{Slug: t.Slug, DisplayName: displayName}}, nil
}

// DecideDeleteTeam deletes the team: owners only. A team deleted already
// gives nothing to append, so an owner's retry (of a deletion whose
// teardown did not finish) goes on to the teardown; anyone who was not a
// member learns nothing about the team.
func DecideDeleteTeam(t Team, a Actor, slug string) ([]any, error) {
	role := t.RoleOf(a)
	if !t.Created || role == "" {
		return nil, teamNotFound(slug)
	}
	if role != auth.Owner {
		if t.Deleted {
			return nil, TeamWasDeleted(slug)
		}
		return nil, forbidden("deleting team %s requires role owner", slug)
	}
	if t.Deleted {
		return nil, nil
	}
	return []any{TeamDeleted{Slug: slug, Members: len(t.Members)}}, nil
}

// DecideAddMember adds a user with role. Admins and owners add members;
// only owners add owners and auditors.
func DecideAddMember(t Team, a Actor, slug, user string, role auth.Role) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	if err := CheckRole("role", role); err != nil {
		return nil, err
	}
	actor := t.RoleOf(a)
	if !actor.AtLeast(auth.Admin) {
		return nil, forbidden("adding members to team %s requires role admin", slug)
	}
	if role == auth.Owner && actor != auth.Owner {
		return nil, forbidden("only owners of team %s make owners", slug)
	}
	if role == auth.Auditor && actor != auth.Owner {
		return nil, forbidden("only owners of team %s grant the auditor role (it reads the team's whole history)", slug)
	}
	if _, ok := t.Members[user]; ok {
		return nil, fault.WithKind(ErrAlreadyMember, fault.Conflictf("user %s is already a member of team %s", user, slug))
	}
	return []any{MemberAdded{UserID: user, Role: role}}, nil
}

// DecideChangeRole gives a member a new role. Admins and owners change
// roles; only owners make owners or auditors, or change an owner's role; the last owner
// stays owner. Nothing happens when the role is the current one.
func DecideChangeRole(t Team, a Actor, slug, user string, role auth.Role) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	if err := CheckRole("role", role); err != nil {
		return nil, err
	}
	actor := t.RoleOf(a)
	if !actor.AtLeast(auth.Admin) {
		return nil, forbidden("changing roles in team %s requires role admin", slug)
	}
	cur, ok := t.Members[user]
	if !ok {
		return nil, notMember(slug, user)
	}
	if (role == auth.Owner || cur == auth.Owner) && actor != auth.Owner {
		return nil, forbidden("only owners of team %s make or demote owners", slug)
	}
	if role == auth.Auditor && actor != auth.Owner {
		return nil, forbidden("only owners of team %s grant the auditor role (it reads the team's whole history)", slug)
	}
	if cur == role {
		return nil, nil
	}
	if cur == auth.Owner && t.Owners() == 1 {
		return nil, lastOwner(slug)
	}
	return []any{MemberRoleChanged{UserID: user, From: cur, To: role}}, nil
}

// DecideRemoveMember removes a member. Admins and owners remove members;
// only owners remove owners; the last owner stays.
func DecideRemoveMember(t Team, a Actor, slug, user string) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	actor := t.RoleOf(a)
	if !actor.AtLeast(auth.Admin) {
		return nil, forbidden("removing members of team %s requires role admin", slug)
	}
	cur, ok := t.Members[user]
	if !ok {
		return nil, notMember(slug, user)
	}
	if cur == auth.Owner && actor != auth.Owner {
		return nil, forbidden("only owners of team %s remove owners", slug)
	}
	if cur == auth.Owner && t.Owners() == 1 {
		return nil, lastOwner(slug)
	}
	return []any{MemberRemoved{UserID: user, Role: cur}}, nil
}

// DecideLeave lets a member leave; the last owner cannot.
func DecideLeave(t Team, slug, user string) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	cur, ok := t.Members[user]
	if !ok {
		// Someone outside the team learns nothing about it.
		return nil, teamNotFound(slug)
	}
	if cur == auth.Owner && t.Owners() == 1 {
		return nil, lastOwner(slug)
	}
	return []any{MemberLeft{UserID: user, Role: cur}}, nil
}

// DecideInvite invites username with role. Admins and owners invite; only
// owners invite owners and auditors. member is true when the name belongs to a member
// already (the caller sees members' names anyway). Inviting again with the
// same role changes nothing; with another, the offer changes.
func DecideInvite(t Team, a Actor, slug, username string, role auth.Role, member bool) ([]any, error) {
	if !t.Live() {
		return nil, teamNotFound(slug)
	}
	if err := CheckRole("role", role); err != nil {
		return nil, err
	}
	actor := t.RoleOf(a)
	if !actor.AtLeast(auth.Admin) {
		return nil, forbidden("inviting to team %s requires role admin", slug)
	}
	// As for adding: owners and auditors (who read the whole history)
	// are the owners' to grant.
	if (role == auth.Owner || role == auth.Auditor) && actor != auth.Owner {
		return nil, forbidden("only owners of team %s invite owners and auditors", slug)
	}
	if member {
		return nil, fault.WithKind(ErrAlreadyMember, fault.Conflictf("%s is already a member of team %s", username, slug))
	}
	if cur, ok := t.Invited[username]; ok && cur == role {
		return nil, nil
	}
	return []any{MemberInvited{Username: username, Role: role}}, nil
}

// DecideAccept makes the invitee (username, user id) a member with the
// offered role. Without an invitation the team is not found: someone not
// invited learns nothing about it.
func DecideAccept(t Team, slug, username, userID string) ([]any, error) {
	role, ok := t.Invited[username]
	if !t.Live() || !ok {
		return nil, teamNotFound(slug)
	}
	if _, member := t.Members[userID]; member {
		return []any{InvitationAccepted{Username: username, UserID: userID}}, nil
	}
	return []any{InvitationAccepted{Username: username, UserID: userID}, MemberAdded{UserID: userID, Role: role}}, nil
}

// DecideDecline withdraws the invitation of username at their request.
func DecideDecline(t Team, slug, username string) ([]any, error) {
	if _, ok := t.Invited[username]; !t.Live() || !ok {
		return nil, teamNotFound(slug)
	}
	return []any{InvitationDeclined{Username: username}}, nil
}
