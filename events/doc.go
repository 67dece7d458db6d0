// Package events is weft's event log on NATS JetStream: the Store that
// appends, loads and replays events. What an event is made of (the
// envelope, the registry of typed and versioned event types, the subject
// scheme) is package event, which imports no NATS so that a domain package
// can name it; this package gives those names too. The EVENTS stream's
// configuration is package stream (it needs jsm.go, which links a NATS
// server).
//
// Guarantees:
//   - Events of one aggregate are totally ordered by their stream sequence; an
//     aggregate's version is the sequence of its last event (0 = no events).
//   - Append succeeds only if the aggregate's version is the expected one; a
//     stale append fails with an error matching ErrConflict and stores nothing.
//   - All events given to one Append (or AppendAll) are stored atomically: all
//     or none, contiguous in the stream. Atomic batches appended at the same
//     time may be committed together as one (group.go), each still checked
//     against its own expected versions and answered as if alone.
//   - An append retried with the same event IDs stores each event once.
//   - Every appended event carries the hash chain's headers (package
//     chain): the hash of the previous event of its aggregate and its own.
//     The expected-version check keeps an aggregate's chain from forking;
//     AnyVersion appends expect the last event they chain onto too, or,
//     committed in one batch with another append to the same aggregate,
//     chain onto that one's event (store.go, linkDeferred).
//   - Replay delivers events in stream order and stops at the stream's end as
//     it was when the replay began. Read delivers the same with direct gets:
//     no consumer, for reads serving requests.
//   - Watch delivers every matching event appended after it returns, in
//     stream order, to any number of subscribers through one consumer per
//     Store; a subscriber never slows another (a full buffer drops it with
//     ErrSlowSubscriber, or keeps only the newest event when asked).
//
// The package holds no domain logic; services import it, never the reverse.
package events
