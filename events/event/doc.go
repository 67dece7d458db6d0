// Package event is what an event is made of, apart from where it is
// stored: the envelope (Meta, Event, Recorded), the registry of typed and
// versioned event types and their encoding, and the subject scheme. It
// imports no NATS, so a service's domain and read model name events
// without reaching the store; weft.dev/events, the store, gives every name
// here under its own too.
package event
