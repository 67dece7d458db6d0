package events

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// StreamName is the JetStream stream holding every event.
	StreamName = "EVENTS"
	// SubjectPrefix starts every event subject: ev.<team>.<aggType>.<aggId>.
	SubjectPrefix = "ev"
)

// AggregateRef names one aggregate: its type (device, cluster, team…) and id.
type AggregateRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func (a AggregateRef) String() string { return a.Type + "/" + a.ID }

// Subject is the subject an aggregate's events are stored on.
func Subject(team string, agg AggregateRef) string {
	return SubjectPrefix + "." + team + "." + agg.Type + "." + agg.ID
}

// FilterSubject builds a subject filter; an empty part matches anything.
func FilterSubject(team, aggType, aggID string) string {
	return SubjectPrefix + "." + orStar(team) + "." + orStar(aggType) + "." + orStar(aggID)
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// ParseSubject splits an event subject into team and aggregate.
func ParseSubject(subject string) (team string, agg AggregateRef, err error) {
	parts := strings.Split(subject, ".")
	if len(parts) != 4 || parts[0] != SubjectPrefix {
		return "", AggregateRef{}, fmt.Errorf("parse event subject %q: want %s.<team>.<type>.<id>", subject, SubjectPrefix)
	}
	return parts[1], AggregateRef{Type: parts[2], ID: parts[3]}, nil
}

// ValidateToken checks that s can be one token of a subject: non-empty, at
// most 128 bytes, UTF-8, and free of '.', '*', '>', whitespace (which would
// change what the subject means) and unprintable runes.
func ValidateToken(field, s string) error {
	if s == "" {
		return fmt.Errorf("%s is empty", field)
	}
	if len(s) > 128 {
		return fmt.Errorf("%s %q is longer than 128 bytes", field, s)
	}
	// Ids are nearly always ASCII, checked a byte at a time: every append
	// checks three tokens.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return validateRunes(field, s, s[i:])
		}
		if c <= ' ' || c == 0x7f || c == '.' || c == '*' || c == '>' {
			return fmt.Errorf("%s %q contains %q, which may not appear in an id", field, s, rune(c))
		}
	}
	return nil
}

func validateRunes(field, s, rest string) error {
	for len(rest) > 0 {
		r, n := utf8.DecodeRuneInString(rest)
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("%s %q is not UTF-8", field, s)
		}
		if r == '.' || r == '*' || r == '>' || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("%s %q contains %q, which may not appear in an id", field, s, r)
		}
		rest = rest[n:]
	}
	return nil
}
