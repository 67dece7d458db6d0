// Package chain is what makes weft's event log tamper-evident: the hash
// that links each stored event to the previous event of its aggregate, the
// digest of a team's events in log order that a signed checkpoint seals,
// and the verifier that walks a log and reports the first event whose
// content, order or absence breaks them.
//
// Guarantees, for events appended by weft's Store from the chain's start:
//   - Every event carries the header Weft-Chain: "<prev>.<hash>", the hash
//     of the previous event on its subject (Genesis for the first) and its
//     own, Of(prev, subject, body). The per-aggregate expected-version check that every
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
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// Header is the chain's header on every event message: the previous
// event's hash and the event's own, "<prev>.<hash>". One header, in
// base64: the server reads a message's headers several times over while
// it stores it, and two hex headers made pipelined appends measurably
// slower (BENCHMARKS.md).
const Header = "Weft-Chain"

// Hash is a SHA-256 hash, written in unpadded base64url (43 characters).
type Hash [sha256.Size]byte

// Genesis is the previous hash of an aggregate's first chained event.
var Genesis Hash

// encoding writes hashes: unpadded base64url, no '.' (the header's
// separator) and nothing a header value or a JSON string must escape.
var encoding = base64.RawURLEncoding

// HashLen is the length of a hash as written.
const HashLen = 43

func (h Hash) String() string { return encoding.EncodeToString(h[:]) }

// AppendText appends h as String writes it to b.
func (h Hash) AppendText(b []byte) ([]byte, error) { return encoding.AppendEncode(b, h[:]), nil }

// ParseHash reads a hash written by String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != HashLen {
		return h, fmt.Errorf("parse chain hash %q: want %d base64url characters", s, HashLen)
	}
	if n, err := encoding.Decode(h[:], []byte(s)); err != nil || n != len(h) {
		return h, fmt.Errorf("parse chain hash %q: not base64url", s)
	}
	return h, nil
}

// FormatHeader is the Header value of an event following prev with hash h.
func FormatHeader(prev, h Hash) string {
	var buf [2*HashLen + 1]byte
	b, _ := prev.AppendText(buf[:0])
	b = append(b, '.')
	b, _ = h.AppendText(b)
	return string(b)
}

// ParseHeader splits a Header value into the previous hash and the
// event's own, as written; both "" when v is empty.
func ParseHeader(v string) (prev, hash string) {
	prev, hash, _ = strings.Cut(v, ".")
	return prev, hash
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
