package query

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	ad "weft.dev/services/accounts/domain"
)

// Administrator returns nil when p may read the whole log, every team's
// events and the team-less ones: a system principal, or the platform's
// administrator (the superuser recorded at bootstrap, as the accounts
// service records it). Anyone else gets FORBIDDEN.
func (s *Service) Administrator(ctx context.Context, p auth.Principal) error {
	if p.System {
		return nil
	}
	if p.UserID == "" {
		return &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	if err := events.ValidateToken("user", p.UserID); err != nil {
		return fault.Forbiddenf("reading every team's events is for the platform's administrator")
	}
	super := false
	_, err := s.store.LoadFunc(ctx, ad.NoTeam, events.AggregateRef{Type: ad.UserAggregate, ID: p.UserID}, func(r events.Recorded) error {
		if u, ok := r.Data.(ad.UserCreated); ok {
			super = u.Superuser
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("look up user %s: %w", p.UserID, err)
	}
	if !super {
		return fault.Forbiddenf("reading every team's events is for the platform's administrator")
	}
	return nil
}
