package event

import (
	"encoding/json"
	"time"
)

// Meta is everything about an event except its data.
type Meta struct {
	ID            string       `json:"id"`
	Type          string       `json:"type"`
	Version       int          `json:"version"`
	Team          string       `json:"team"`
	Aggregate     AggregateRef `json:"aggregate"`
	Actor         string       `json:"actor"`
	Time          time.Time    `json:"time"`
	CausationID   string       `json:"causationId,omitempty"`
	CorrelationID string       `json:"correlationId,omitempty"`
}

// Envelope is the stored form of an event: JSON, because auditors read it.
type Envelope struct {
	Meta
	Data json.RawMessage `json:"data"`
}

// Event is an event about to be appended. Data is a value of a registered
// type; the registry supplies its type name and version.
type Event struct {
	// ID is the event's id (UUIDv7 when empty). Reusing the id of an earlier
	// attempt makes a retried append store the event once.
	ID            string
	Team          string
	Aggregate     AggregateRef
	Actor         string
	Time          time.Time // now when zero
	CausationID   string
	CorrelationID string
	Data          any
}

// Recorded is an event read back from the log: its metadata, its stream
// sequence, and its data decoded (and upcast) into the current Go type.
type Recorded struct {
	Meta
	Seq  uint64
	Data any
	// Raw is the data as stored, before upcasting; set when read from the log.
	Raw json.RawMessage
	// Link is its place in the hash chain; set when appended or read.
	Link Link
	// Stored is the message body exactly as stored, which Link.Hash
	// covers; set when read from the log.
	Stored []byte
}

// Link is an event's place in the hash chain, as stored: the hash of the
// previous event on its subject and its own (both empty for events stored
// before the chain started).
type Link struct {
	Prev string `json:"prev,omitempty"`
	Hash string `json:"hash,omitempty"`
}
