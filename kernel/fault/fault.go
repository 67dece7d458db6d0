// Package fault classifies the errors users see. Every error a command or
// query returns to a user is either a *fault.Error, carrying a stable code
// that the GraphQL layer puts in extensions.code and the CLI maps to an exit
// code, or an internal error whose details are logged, not shown.
package fault

import (
	"errors"
	"fmt"
)

// Code is a stable, documented error class.
type Code string

// The codes, as they appear in GraphQL errors' extensions.code.
const (
	Invalid         Code = "BAD_USER_INPUT"
	NotFound        Code = "NOT_FOUND"
	Conflict        Code = "CONFLICT"
	Forbidden       Code = "FORBIDDEN"
	Unauthenticated Code = "UNAUTHENTICATED"
	Unavailable     Code = "UNAVAILABLE" // e.g. a read model behind beyond the wait bound
	Internal        Code = "INTERNAL"
)

// Error is an error a user can act on.
type Error struct {
	Code  Code
	Field string // the input field at fault, for Invalid
	Msg   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}

// Is matches another *Error with the same code, so errors.Is(err,
// &fault.Error{Code: fault.NotFound}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Field == "" && t.Msg == ""
}

// Invalidf reports bad input in field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// NotFoundf reports a missing resource, e.g. NotFoundf("app %q", name).
func NotFoundf(format string, args ...any) *Error {
	return &Error{Code: NotFound, Msg: fmt.Sprintf(format, args...) + " not found"}
}

// Conflictf reports a request that clashes with current state.
func Conflictf(format string, args ...any) *Error {
	return &Error{Code: Conflict, Msg: fmt.Sprintf(format, args...)}
}

// Forbiddenf reports a caller without the right.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Code: Forbidden, Msg: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Kinded is a fault that also matches a sentinel of the domain that
// refused (errors.Is(err, domain.ErrNotFound)): callers branch on the
// sentinel, users see the fault's code and message.
type Kinded struct {
	Fault *Error
	Kind  error
}

func (e *Kinded) Error() string { return e.Fault.Error() }

// Unwrap lets errors.Is and As see both the fault and the sentinel.
func (e *Kinded) Unwrap() []error { return []error{e.Fault, e.Kind} }

// WithKind is f, also matching kind.
func WithKind(kind error, f *Error) error { return &Kinded{Fault: f, Kind: kind} }
