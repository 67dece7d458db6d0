package events

import "weft.dev/events/event"

// The names of package event, which holds what an event is made of without
// the store's NATS: the store, its callers and its tests use them here,
// a domain or read model package imports event.

type (
	// Meta is everything about an event except its data.
	Meta = event.Meta
	// Envelope is the JSON stored as a message's payload.
	Envelope = event.Envelope
	// Event is an event to append.
	Event = event.Event
	// Recorded is an event read back from the log.
	Recorded = event.Recorded
	// AggregateRef names one aggregate.
	AggregateRef = event.AggregateRef
	// Registry maps event type names and versions to Go types.
	Registry = event.Registry
	// TypeInfo describes one registered event type.
	TypeInfo = event.TypeInfo
	// Link is an event's place in the hash chain.
	Link = event.Link
	// Upcaster turns an event's data of one version into the next's.
	Upcaster = event.Upcaster
)

const (
	// StreamName is the JetStream stream holding every event.
	StreamName = event.StreamName
	// SubjectPrefix starts every event subject: ev.<team>.<aggType>.<aggId>.
	SubjectPrefix = event.SubjectPrefix
)

// ErrUnknownType is returned when decoding an event type nobody registered.
var ErrUnknownType = event.ErrUnknownType

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return event.NewRegistry() }

// Register records that values of T are events of type name at version.
func Register[T any](r *Registry, name string, version int) { event.Register[T](r, name, version) }

// Subject is the subject of an aggregate's events.
func Subject(team string, agg AggregateRef) string { return event.Subject(team, agg) }

// FilterSubject is a subject filter; empty parts match anything.
func FilterSubject(team, aggType, aggID string) string {
	return event.FilterSubject(team, aggType, aggID)
}

// ParseSubject splits an event subject into its team and aggregate.
func ParseSubject(subject string) (team string, agg AggregateRef, err error) {
	return event.ParseSubject(subject)
}

// ValidateToken checks that s can be one subject token.
func ValidateToken(field, s string) error { return event.ValidateToken(field, s) }
