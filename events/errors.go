package events

import (
	"errors"
	"fmt"
)

// ErrConflict matches every error caused by a stale expected version: another
// writer appended to the aggregate first. Reload, decide again, retry.
var ErrConflict = errors.New("version conflict")

// ConflictError says which aggregate moved under a writer.
type ConflictError struct {
	Subject  string
	Expected uint64
	Detail   string // the server's description
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("append to %s at version %d: %v (%s)", e.Subject, e.Expected, ErrConflict, e.Detail)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// APIError is a JetStream error that is not a conflict, with its stable code.
type APIError struct {
	Code        int    `json:"code"`
	ErrCode     int    `json:"err_code"`
	Description string `json:"description"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("jetstream: %s (code %d, err_code %d)", e.Description, e.Code, e.ErrCode)
}

// JetStream error codes weft reacts to (nats-server errors.json).
const (
	codeWrongLastSequence         = 10071
	codeWrongLastSequenceConstant = 10164 // clustered streams, in-flight race
	codeBatchContainsDuplicate    = 10201
	codeDuplicateInProcess        = 10158
)
