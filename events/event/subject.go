package event

import (
	"fmt"
	"strings"

	"weft.dev/kernel/token"
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

// ValidateToken checks that s can be one token of a subject (see
// kernel/token): non-empty, at most 128 bytes, UTF-8, and free of '.', '*',
// '>', whitespace and unprintable runes.
func ValidateToken(field, s string) error { return token.Validate(field, s) }
