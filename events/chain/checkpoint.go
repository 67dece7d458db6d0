package chain

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// CheckpointType is the event type of a checkpoint; its events are stored
// on the team's CheckpointSubject, so a team's auditor reads them with the
// team's events.
const CheckpointType = "audit.chain.checkpointed"

// Checkpoint aggregate: ev.<team>.chain.checkpoints.
const (
	CheckpointAggregateType = "chain"
	CheckpointAggregateID   = "checkpoints"
)

// Checkpoint seals a team's events: the server signs that the team's
// events stored from the chain's start up to a sequence are these, in this
// order. Verifying a team's history checks every checkpoint against the
// events read.
type Checkpoint struct {
	// Team is the team whose events it seals.
	Team string `json:"team"`
	// Start is the sequence at which the log's hash chain starts: the
	// team's events from there on carry chain hashes.
	Start uint64 `json:"chainStart"`
	// UpTo is the last sequence sealed: every event of the team from Start
	// up to and including UpTo.
	UpTo uint64 `json:"upTo"`
	// Events is how many events of the team that is.
	Events uint64 `json:"events"`
	// Digest folds those events' sequences and chain hashes in log order
	// (SHA-256 in unpadded base64url; see docs/auditing.md).
	Digest string `json:"digest"`
	// KeyID names the key that signed: the first 16 hex digits of the
	// SHA-256 of its public half.
	KeyID string `json:"keyId"`
	// Signature is the standard base64 of the ed25519 signature of the
	// fields above, one a line after "weft-checkpoint-v1".
	Signature string `json:"signature"`
}

// Signed is the text a checkpoint's signature covers, one field a line.
func (c Checkpoint) Signed() []byte {
	var b strings.Builder
	b.WriteString(checkpointTag)
	for _, f := range []string{c.Team, strconv.FormatUint(c.Start, 10), strconv.FormatUint(c.UpTo, 10), strconv.FormatUint(c.Events, 10), c.Digest, c.KeyID} {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// EncodeKey writes a public key as checkpoints' readers take it: standard
// base64 of its 32 bytes.
func EncodeKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParseKey reads a public key written by EncodeKey.
func ParseKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("parse checkpoint key: %w", err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("parse checkpoint key: %d bytes, want %d", len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Sign fills in c's key id and signature.
func Sign(priv ed25519.PrivateKey, c Checkpoint) Checkpoint {
	c.KeyID = KeyID(priv.Public().(ed25519.PublicKey))
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, c.Signed()))
	return c
}

// ErrBadSignature: a checkpoint not signed by the key it is checked with.
var ErrBadSignature = errors.New("checkpoint signature does not verify")

// Verify checks c's signature with pub.
func (c Checkpoint) Verify(pub ed25519.PublicKey) error {
	if c.KeyID != KeyID(pub) {
		return fmt.Errorf("%w: signed by key %s, checked with %s", ErrBadSignature, c.KeyID, KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.Signed(), sig) {
		return ErrBadSignature
	}
	return nil
}
