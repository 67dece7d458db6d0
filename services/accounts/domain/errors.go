package domain

import (
	"errors"

	"weft.dev/kernel/fault"
)

// Sentinels a caller can match with errors.Is.
var (
	ErrNotFound        = errors.New("not found")
	ErrExists          = errors.New("already exists")
	ErrAlreadyMember   = errors.New("already a member")
	ErrNotMember       = errors.New("not a member")
	ErrLastOwner       = errors.New("a team needs at least one owner")
	ErrForbidden       = errors.New("role too low")
	ErrUnauthenticated = errors.New("token not valid")
	ErrInvalid         = errors.New("invalid input")
	ErrTeamDeleted     = errors.New("the team was deleted")
)

// NotFound is a NOT_FOUND fault on field, matching ErrNotFound.
func NotFound(field, format string, args ...any) error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return fault.WithKind(ErrNotFound, f)
}

// Unauthenticated is the one fault every refused token gets, so a caller
// learns nothing about why (unknown, wrong secret, revoked or expired).
func Unauthenticated() error {
	return fault.WithKind(ErrUnauthenticated, &fault.Error{Code: fault.Unauthenticated, Msg: "API token is not valid (unknown, revoked or expired)"})
}
