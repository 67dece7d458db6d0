package domain

import (
	"errors"

	"weft.dev/kernel/fault"
)

// Sentinels a caller can match with errors.Is; every error Decide returns
// is also a *fault.Error with the code users see.
var (
	ErrNotFound         = errors.New("not found")
	ErrExists           = errors.New("already exists")
	ErrClusterGone      = errors.New("cluster deleted")
	ErrPortIntercepted  = errors.New("port already intercepted")
	ErrHasIntercepts    = errors.New("app has active intercepts")
	ErrRangeExhausted   = errors.New("service range exhausted")
	ErrRangeMismatch    = errors.New("service range differs from the recorded one")
	ErrNotIntercepted   = errors.New("port not intercepted by this intercept")
	ErrUnknownPort      = errors.New("app has no such port")
	ErrInterceptStopped = errors.New("intercept stopped")
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

// NotFound is a NOT_FOUND fault naming the input field that pointed nowhere.
func NotFound(field, format string, args ...any) *fault.Error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return f
}
