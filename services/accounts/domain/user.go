package domain

import (
	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// User is a user aggregate's state.
type User struct {
	ID          string
	Username    string
	DisplayName string
	Superuser   bool
	Created     bool
}

// EvolveUser folds one event into u.
func EvolveUser(u User, r event.Recorded) User {
	if e, ok := r.Data.(UserCreated); ok {
		u = User{ID: e.ID, Username: e.Username, DisplayName: e.DisplayName, Superuser: e.Superuser, Created: true}
	}
	return u
}

// DecideCreateUser records a new user; the id must be fresh.
func DecideCreateUser(u User, c UserCreated) ([]any, error) {
	if u.Created {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("user %s already exists", c.ID))
	}
	return []any{c}, nil
}
