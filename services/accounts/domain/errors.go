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
)

// Error is a user-facing fault that also matches a domain sentinel.
type Error struct {
	Fault *fault.Error
	Kind  error
}

func (e *Error) Error() string { return e.Fault.Error() }

// Unwrap lets errors.Is and fault.As see both the fault and the sentinel.
func (e *Error) Unwrap() []error { return []error{e.Fault, e.Kind} }

func wrap(kind error, f *fault.Error) error { return &Error{Fault: f, Kind: kind} }

// NotFound is a NOT_FOUND fault on field, matching ErrNotFound.
func NotFound(field, format string, args ...any) error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return wrap(ErrNotFound, f)
}

// Unauthenticated is the one fault every refused token gets, so a caller
// learns nothing about why (unknown, wrong secret, revoked or expired).
func Unauthenticated() error {
	return wrap(ErrUnauthenticated, &fault.Error{Code: fault.Unauthenticated, Msg: "API token is not valid (unknown, revoked or expired)"})
}
