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

// NotFound is a NOT_FOUND fault naming the input field that pointed nowhere.
func NotFound(field, format string, args ...any) *fault.Error {
	f := fault.NotFoundf(format, args...)
	f.Field = field
	return f
}
