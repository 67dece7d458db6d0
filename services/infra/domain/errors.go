package domain

import (
	"errors"

	"weft.dev/kernel/fault"
)

// Sentinels a caller can match with errors.Is.
var (
	ErrNotFound          = errors.New("not found")
	ErrExists            = errors.New("already exists")
	ErrAddressesFull     = errors.New("no free address in the team network")
	ErrRangesFull        = errors.New("no free service range in the team network")
	ErrEnrolmentRefused  = errors.New("enrolment refused")
	ErrNotAllocated      = errors.New("owner holds no address")
	ErrUnknownDeviceKind = errors.New("unknown device kind")
	ErrKeyBound          = errors.New("gateway key bound to its enrolment")
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

// NotFound is a NOT_FOUND fault naming the input field that pointed nowhere,
// matching ErrNotFound.
func NotFound(field, format string, args ...any) error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return wrap(ErrNotFound, f)
}
