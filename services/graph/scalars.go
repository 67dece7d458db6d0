package graph

import (
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"weft.dev/kernel/fault"
)

// MarshalTime writes the schemas' Time scalar: RFC 3339 in UTC, null for
// the zero time.
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads a Time; a malformed one is BAD_USER_INPUT, which
// gqlgen's own time scalar would report as an internal error.
func UnmarshalTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fault.Invalidf("time", "%v is not an RFC 3339 time like 2026-01-02T15:04:05Z", v)
}

// MarshalJSON writes the JSON scalar: a stored JSON value as it is.
func MarshalJSON(v json.RawMessage) graphql.Marshaler {
	if len(v) == 0 {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(v) })
}

// UnmarshalJSON reads a JSON scalar argument.
func UnmarshalJSON(v any) (json.RawMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fault.Invalidf("json", "is not JSON: %v", err)
	}
	return b, nil
}
