// Package chain is what makes weft's event log tamper-evident: the hash
// that links each stored event to the previous event of its aggregate, the
// digest of a team's events in log order that a signed checkpoint seals,
// and the verifier that walks a log and reports the first event whose
// content, order or absence breaks them.
//
// Guarantees, for events appended by weft's Store from the chain's start:
//   - Every event carries Weft-Chain-Prev (the hash of the previous event
//     on its subject, Genesis for the first) and Weft-Chain-Hash (Of(prev,
//     subject, body)). The per-aggregate expected-version check that every
//     append makes is what keeps one aggregate's chain from forking.
//   - A checkpoint names a team, a sequence and the digest of every event of
//     that team from the chain's start up to that sequence, in log order;
//     its signature is ed25519 by the server's checkpoint key. So a team's
//     history verifies from the team's own events alone.
//
// The package holds no NATS or domain code: the standalone verifier and the
// CLI use it on messages from NATS or from an export file.
package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Header names of the chain on every event message.
const (
	HeaderPrev = "Weft-Chain-Prev"
	HeaderHash = "Weft-Chain-Hash"
)

// Hash is a SHA-256 hash, written as 64 lowercase hex digits.
type Hash [sha256.Size]byte

// Genesis is the previous hash of an aggregate's first chained event.
var Genesis Hash

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// AppendHex appends h in hex to b.
func (h Hash) AppendHex(b []byte) []byte { return hex.AppendEncode(b, h[:]) }

// ParseHash reads a hash written by String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return h, fmt.Errorf("parse chain hash %q: want %d hex digits", s, 2*len(h))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("parse chain hash %q: %w", s, err)
	}
	return h, nil
}

// The domain tags keep an event's hash, a digest step and a checkpoint's
// signed text from ever being taken for one another.
const (
	eventTag      = "weft-chain-v1\n"
	digestTag     = "weft-digest-v1\n"
	checkpointTag = "weft-checkpoint-v1\n"
)

// Of is the hash of an event stored on subject with body data (the JSON
// envelope exactly as stored) following the event whose hash is prev:
// SHA-256("weft-chain-v1\n" || prev || subject || "\n" || data).
func Of(prev Hash, subject string, data []byte) Hash {
	d := sha256.New()
	d.Write([]byte(eventTag))
	d.Write(prev[:])
	d.Write([]byte(subject))
	d.Write([]byte{'\n'})
	d.Write(data)
	var h Hash
	d.Sum(h[:0])
	return h
}

// Digest folds a team's events, in log order, into one hash: after each
// event it is SHA-256("weft-digest-v1\n" || digest || seq (8 bytes, big
// endian) || event hash), from Genesis. Binding each event's sequence makes
// an event moved to another place in the log change the digest too.
type Digest struct {
	Sum    Hash
	Events uint64
}

// Add folds in the event at seq with hash h.
func (d *Digest) Add(seq uint64, h Hash) {
	var buf [len(digestTag) + 2*sha256.Size + 8]byte
	n := copy(buf[:], digestTag)
	n += copy(buf[n:], d.Sum[:])
	binary.BigEndian.PutUint64(buf[n:], seq)
	copy(buf[n+8:], h[:])
	d.Sum = sha256.Sum256(buf[:])
	d.Events++
}
