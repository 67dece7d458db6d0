package command

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/uniq"
)

// CreateTeamInput names a new team.
type CreateTeamInput struct {
	Slug        string // DNS label, unique across weft
	DisplayName string
	// Owner is the user who becomes owner; only the system principal sets
	// it. A user creating a team becomes its owner.
	Owner string
}

// CreateTeam creates a team, its creator as owner, and claims the slug, in
// one atomic append. Anyone signed in may create a team.
func (h *Handlers) CreateTeam(ctx context.Context, p auth.Principal, in CreateTeamInput) (Result[Team], error) {
	if err := signedIn(p); err != nil {
		return Result[Team]{}, err
	}
	owner := p.UserID
	switch {
	case p.System:
		if err := checkID("owner", in.Owner); err != nil {
			return Result[Team]{}, err
		}
		owner = in.Owner
	case in.Owner != "" && in.Owner != p.UserID:
		return Result[Team]{}, fault.Forbiddenf("a new team's owner is the user who creates it")
	}
	if err := validate.TeamSlug("slug", in.Slug); err != nil {
		return Result[Team]{}, err
	}
	display, err := validate.DisplayName("displayName", in.DisplayName)
	if err != nil {
		return Result[Team]{}, err
	}
	in.DisplayName = display
	if u, err := h.loadUser(ctx, owner); err != nil {
		return Result[Team]{}, fmt.Errorf("create team %s: %w", in.Slug, err)
	} else if !u.Created {
		return Result[Team]{}, domain.NotFound("owner", "user %s", owner)
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Team]{
		Team: in.Slug, Aggregate: teamRef(in.Slug), Actor: p.Actor(),
		Evolve: domain.EvolveTeam,
		Decide: func(t domain.Team) ([]any, error) {
			return domain.DecideCreateTeam(t, in.Slug, in.DisplayName, owner)
		},
		Also: func(ctx context.Context, _ domain.Team, _ []any) ([]events.Write, error) {
			claim, err := uniq.Claim(ctx, h.store, domain.NoTeam, p.Actor(), domain.TeamSlugKind, in.Slug, in.Slug)
			if err != nil {
				return nil, err
			}
			return []events.Write{claim}, nil
		},
	})
	if err != nil {
		return Result[Team]{}, fmt.Errorf("create team %s: %w", in.Slug, err)
	}
	return Result[Team]{Object: teamView(res.State), Seq: res.LastSeq}, nil
}

// RenameTeamInput gives a team a new display name.
type RenameTeamInput struct {
	Team        string
	DisplayName string
}

// RenameTeam changes the team's display name. Admins and owners only.
func (h *Handlers) RenameTeam(ctx context.Context, p auth.Principal, in RenameTeamInput) (Result[Team], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[Team]{}, err
	}
	display, err := validate.DisplayName("displayName", in.DisplayName)
	if err != nil {
		return Result[Team]{}, err
	}
	in.DisplayName = display
	return h.onTeam(ctx, p, in.Team, "rename team", func(t domain.Team) ([]any, error) {
		return domain.DecideRenameTeam(t, actorOf(p), in.Team, in.DisplayName)
	})
}

// MemberInput points at one member of a team by user id or username
// (exactly one), with a role where the command needs one.
type MemberInput struct {
	Team     string
	UserID   string
	Username string
	Role     auth.Role
}

// AddMember adds an existing user to the team at once: the server's
// administrator only (a team's admins and owners invite instead).
func (h *Handlers) AddMember(ctx context.Context, p auth.Principal, in MemberInput) (Result[Team], error) {
	// Adding someone without their consent, and learning on the way which
	// usernames exist, is the server administrator's alone; a team's
	// admins invite (Invite), and the invitee accepts.
	su, err := h.superuser(ctx, p)
	if err != nil {
		return Result[Team]{}, fmt.Errorf("add member: %w", err)
	}
	if !su {
		if err := require(p, in.Team, auth.Admin); err != nil {
			return Result[Team]{}, err
		}
		return Result[Team]{}, domain.Forbidden("a team's admins invite members (weft member invite USERNAME; they join with weft invitation accept %s); only the server's administrator adds them directly", in.Team)
	}
	if err := validate.Name("team", in.Team); err != nil {
		return Result[Team]{}, err
	}
	if err := domain.CheckRole("role", in.Role); err != nil {
		return Result[Team]{}, err
	}
	user, err := h.resolveUser(ctx, in)
	if err != nil {
		return Result[Team]{}, err
	}
	// The administrator decides as the system does: any role, in any team.
	return h.onTeam(ctx, p, in.Team, "add member", func(t domain.Team) ([]any, error) {
		return domain.DecideAddMember(t, domain.Actor{UserID: p.UserID, System: true}, in.Team, user, in.Role)
	})
}

// ChangeRole gives a member a new role. Admins and owners only; only owners
// make owners or demote them; the last owner stays owner (CONFLICT).
func (h *Handlers) ChangeRole(ctx context.Context, p auth.Principal, in MemberInput) (Result[Team], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[Team]{}, err
	}
	if err := domain.CheckRole("role", in.Role); err != nil {
		return Result[Team]{}, err
	}
	user, err := h.resolveUser(ctx, in)
	if err != nil {
		return Result[Team]{}, err
	}
	return h.onTeam(ctx, p, in.Team, "change role", func(t domain.Team) ([]any, error) {
		return domain.DecideChangeRole(t, actorOf(p), in.Team, user, in.Role)
	})
}

// RemoveMember removes a member. Admins and owners only; only owners remove
// owners; the last owner stays (CONFLICT).
func (h *Handlers) RemoveMember(ctx context.Context, p auth.Principal, in MemberInput) (Result[Team], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[Team]{}, err
	}
	user, err := h.resolveUser(ctx, in)
	if err != nil {
		return Result[Team]{}, err
	}
	return h.onTeam(ctx, p, in.Team, "remove member", func(t domain.Team) ([]any, error) {
		return domain.DecideRemoveMember(t, actorOf(p), in.Team, user)
	})
}

// Leave takes the caller out of the team; the last owner cannot leave.
func (h *Handlers) Leave(ctx context.Context, p auth.Principal, team string) (Result[Team], error) {
	if err := require(p, team, auth.Member); err != nil {
		return Result[Team]{}, err
	}
	if p.System {
		return Result[Team]{}, fault.Forbiddenf("only a user can leave a team")
	}
	return h.onTeam(ctx, p, team, "leave team", func(t domain.Team) ([]any, error) {
		return domain.DecideLeave(t, team, p.UserID)
	})
}

func (h *Handlers) onTeam(ctx context.Context, p auth.Principal, team, action string, decide func(domain.Team) ([]any, error)) (Result[Team], error) {
	res, err := events.Handle(ctx, h.store, events.Command[domain.Team]{
		Team: team, Aggregate: teamRef(team), Actor: p.Actor(),
		Evolve: domain.EvolveTeam, Decide: decide,
	})
	if err != nil {
		return Result[Team]{}, fmt.Errorf("%s in team %s: %w", action, team, err)
	}
	return Result[Team]{Object: teamView(res.State), Seq: res.Seq()}, nil
}

// require checks the principal, then that team is a slug (system
// principals may name any team).
func require(p auth.Principal, team string, min auth.Role) error {
	if err := p.Require(team, min); err != nil {
		return err
	}
	return validate.Name("team", team)
}

// resolveUser returns the id of the user in, which must exist.
func (h *Handlers) resolveUser(ctx context.Context, in MemberInput) (string, error) {
	if (in.UserID == "") == (in.Username == "") {
		return "", fault.Invalidf("userId", "give either a user id or a username")
	}
	if in.Username != "" {
		if err := validate.Name("username", in.Username); err != nil {
			return "", err
		}
		id, _, err := uniq.Owner(ctx, h.store, domain.NoTeam, domain.UsernameKind, in.Username)
		if err != nil {
			return "", err
		}
		if id == "" {
			return "", domain.NotFound("username", "user %q", in.Username)
		}
		return id, nil
	}
	if err := checkID("userId", in.UserID); err != nil {
		return "", err
	}
	u, err := h.loadUser(ctx, in.UserID)
	if err != nil {
		return "", err
	}
	if !u.Created {
		return "", domain.NotFound("userId", "user %s", in.UserID)
	}
	return u.ID, nil
}

// DeleteTeamInput names the team to delete: the caller's own (when the
// principal acts in a team, it must be that one), named again so a
// deletion is never a slip of the current context.
type DeleteTeamInput struct {
	Team string
}

// DeletedTeam is what DeleteTeam answers.
type DeletedTeam struct {
	Slug string `json:"slug"`
	// Finished is false only in an error's company: see DeleteTeam.
	Finished bool `json:"finished"`
}

// DeleteTeam deletes a team: owners only. It appends TeamDeleted (the
// point of no return: from then on no token acts in the team) and then
// runs the teardown steps (destroying the team's keys). A step that fails
// leaves the team deleted and the error says so; deleting it again, which
// its owners may (as the system may), runs every step again and finishes.
// The team's name stays taken: see domain.DecideCreateTeam.
func (h *Handlers) DeleteTeam(ctx context.Context, p auth.Principal, in DeleteTeamInput) (Result[DeletedTeam], error) {
	if err := signedIn(p); err != nil && !p.System {
		return Result[DeletedTeam]{}, err
	}
	if err := validate.Name("slug", in.Team); err != nil {
		return Result[DeletedTeam]{}, err
	}
	if p.Team != "" && p.Team != in.Team {
		return Result[DeletedTeam]{}, fault.Invalidf("slug", "names team %q, but you act in team %q: name the team you delete", in.Team, p.Team)
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Team]{
		Team: in.Team, Aggregate: teamRef(in.Team), Actor: p.Actor(),
		Evolve: domain.EvolveTeam,
		Decide: func(t domain.Team) ([]any, error) { return domain.DecideDeleteTeam(t, actorOf(p), in.Team) },
	})
	if err != nil {
		return Result[DeletedTeam]{}, fmt.Errorf("delete team %s: %w", in.Team, err)
	}
	out := Result[DeletedTeam]{Object: DeletedTeam{Slug: in.Team}, Seq: res.Seq()}
	if err := h.tearDown(ctx, in.Team); err != nil {
		return out, err
	}
	out.Object.Finished = true
	return out, nil
}

// tearDown runs every teardown step for a deleted team, each even when
// one before it failed (they do not depend on each other), and reports
// what did not finish.
func (h *Handlers) tearDown(ctx context.Context, team string) error {
	var failed []string
	var errs []error
	for _, s := range h.teardown {
		if err := s.Run(ctx, team); err != nil {
			h.log.Error("a deleted team's teardown step failed", "team", team, "step", s.What, "err", err)
			failed = append(failed, s.What)
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	// UNAVAILABLE, not INTERNAL: the caller can do something about it.
	return fault.WithKind(errors.Join(errs...), &fault.Error{Code: fault.Unavailable,
		Msg: fmt.Sprintf("team %s is deleted, but these steps did not finish: %s; delete it again to finish them", team, strings.Join(failed, "; "))})
}

// FinishDeletions runs the teardown of every team in deleted again: at
// start, for a deletion whose process stopped between TeamDeleted and the
// end of its teardown. The steps are idempotent, so finished ones cost a
// lookup each.
func (h *Handlers) FinishDeletions(ctx context.Context, deleted []string) error {
	var errs []error
	for _, team := range deleted {
		if err := h.tearDown(ctx, team); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
