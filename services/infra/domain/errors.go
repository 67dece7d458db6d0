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

// NotFound is a NOT_FOUND fault naming the input field that pointed nowhere,
// matching ErrNotFound.
func NotFound(field, format string, args ...any) error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return fault.WithKind(ErrNotFound, f)
}
