package command

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/uniq"
)

// CreateUserInput describes a new user.
type CreateUserInput struct {
	Username    string // DNS label, unique across weft
	DisplayName string
}

// CreateUser records a user and claims the username, in one atomic append.
// Only the superuser (the bootstrap admin) and the system create users.
func (h *Handlers) CreateUser(ctx context.Context, p auth.Principal, in CreateUserInput) (Result[User], error) {
	if err := signedIn(p); err != nil {
		return Result[User]{}, err
	}
	if ok, err := h.superuser(ctx, p); err != nil {
		return Result[User]{}, fmt.Errorf("create user %s: %w", in.Username, err)
	} else if !ok {
		return Result[User]{}, fault.Forbiddenf("only the administrator creates users")
	}
	if err := validate.Name("username", in.Username); err != nil {
		return Result[User]{}, err
	}
	display, err := validate.DisplayName("displayName", in.DisplayName)
	if err != nil {
		return Result[User]{}, err
	}
	in.DisplayName = display
	id, err := events.NewID()
	if err != nil {
		return Result[User]{}, err
	}
	res, err := h.createUser(ctx, p, domain.UserCreated{ID: id, Username: in.Username, DisplayName: in.DisplayName}, nil)
	if err != nil {
		return Result[User]{}, fmt.Errorf("create user %s: %w", in.Username, err)
	}
	return Result[User]{Object: userView(res.State), Seq: res.LastSeq}, nil
}

// createUser appends c with its username claim and, atomically, more.
func (h *Handlers) createUser(ctx context.Context, p auth.Principal, c domain.UserCreated, more []events.Write) (events.Result[domain.User], error) {
	return events.Handle(ctx, h.store, events.Command[domain.User]{
		Team: domain.NoTeam, Aggregate: userRef(c.ID), Actor: p.Actor(),
		Evolve: domain.EvolveUser,
		Decide: func(u domain.User) ([]any, error) { return domain.DecideCreateUser(u, c) },
		Also: func(ctx context.Context, _ domain.User, _ []any) ([]events.Write, error) {
			claim, err := uniq.Claim(ctx, h.store, domain.NoTeam, p.Actor(), domain.UsernameKind, c.Username, c.ID)
			if err != nil {
				return nil, err
			}
			return append([]events.Write{claim}, more...), nil
		},
	})
}
