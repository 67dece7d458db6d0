package command

import (
	"context"
	"fmt"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/validate"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/uniq"
)

// InviteInput invites a user, by username, to a team with a role.
type InviteInput struct {
	Team     string
	Username string
	Role     auth.Role
}

// Invite records an invitation the invitee accepts or declines. Admins and
// owners invite; only owners invite owners. The answer is the same whether
// or not a user holds the name (the invitation is recorded either way), so
// it tells the inviter nothing about which usernames exist.
func (h *Handlers) Invite(ctx context.Context, p auth.Principal, in InviteInput) (Result[Team], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[Team]{}, err
	}
	if err := domain.CheckRole("role", in.Role); err != nil {
		return Result[Team]{}, err
	}
	if err := validate.Name("username", in.Username); err != nil {
		return Result[Team]{}, err
	}
	holder, _, err := uniq.Owner(ctx, h.store, domain.NoTeam, domain.UsernameKind, in.Username)
	if err != nil {
		return Result[Team]{}, fmt.Errorf("invite %s to team %s: %w", in.Username, in.Team, err)
	}
	return h.onTeam(ctx, p, in.Team, "invite", func(t domain.Team) ([]any, error) {
		_, member := t.Members[holder]
		return domain.DecideInvite(t, actorOf(p), in.Team, in.Username, in.Role, holder != "" && member)
	})
}

// AcceptInvitation makes the caller a member of team with the role they
// were invited with.
func (h *Handlers) AcceptInvitation(ctx context.Context, p auth.Principal, team string) (Result[Team], error) {
	u, err := h.invitee(ctx, p, team)
	if err != nil {
		return Result[Team]{}, err
	}
	return h.onTeam(ctx, p, team, "accept invitation", func(t domain.Team) ([]any, error) {
		return domain.DecideAccept(t, team, u.Username, u.ID)
	})
}

// DeclineInvitation withdraws the caller's invitation to team.
func (h *Handlers) DeclineInvitation(ctx context.Context, p auth.Principal, team string) (Result[Team], error) {
	u, err := h.invitee(ctx, p, team)
	if err != nil {
		return Result[Team]{}, err
	}
	return h.onTeam(ctx, p, team, "decline invitation", func(t domain.Team) ([]any, error) {
		return domain.DecideDecline(t, team, u.Username)
	})
}

// invitee is the signed-in user answering an invitation to team.
func (h *Handlers) invitee(ctx context.Context, p auth.Principal, team string) (domain.User, error) {
	if err := signedIn(p); err != nil {
		return domain.User{}, err
	}
	if err := validate.Name("team", team); err != nil {
		return domain.User{}, err
	}
	if err := checkID("userId", p.UserID); err != nil {
		return domain.User{}, err
	}
	u, err := h.loadUser(ctx, p.UserID)
	if err != nil {
		return domain.User{}, err
	}
	if !u.Created {
		return domain.User{}, domain.NotFound("team", "team %q", team)
	}
	return u, nil
}
