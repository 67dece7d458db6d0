// Package seal signs checkpoints of the event log's hash chain (package
// events/chain) with the server's checkpoint key: now and then, for every
// team whose events grew, an audit.chain.checkpointed event on
// ev.<team>.chain.checkpoints with the digest of the team's events so far.
//
// Guarantees:
//   - The sealer verifies the whole log (links, hashes and its own earlier
//     checkpoints) before it signs anything, and never seals a team in
//     whose events it found a break: a signature never launders tampering.
//     A break is logged at error level.
//   - A checkpoint seals only events the sealer has read: its upTo is a
//     team event at or before the end of what was read.
//   - Sealers of several processes do not sign the same events twice: each
//     checkpoint is appended expecting the team's last checkpoint, so of
//     two at once one is refused and tries again after reading on.
package seal

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"weft.dev/events"
	"weft.dev/events/chain"
)

// Register registers the checkpoint event type.
func Register(r *events.Registry) {
	events.Register[chain.Checkpoint](r, chain.CheckpointType, 1)
}

// Actor is who appends checkpoints.
const Actor = "system:audit"

// LoadKey reads the checkpoint key from path (the base64 of its 32-byte
// seed), making one there (mode 0600) when there is none.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("make checkpoint key: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("make checkpoint key: %w", err)
		}
		// O_EXCL: of two processes making it at once, the second reads
		// the first's.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			return LoadKey(path)
		}
		if err != nil {
			return nil, fmt.Errorf("write checkpoint key: %w", err)
		}
		_, werr := f.WriteString(base64.StdEncoding.EncodeToString(priv.Seed()) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write checkpoint key %s: %w", path, werr)
		}
		return priv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint key: %w", err)
	}
	seed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("read checkpoint key %s: want the base64 of a %d-byte ed25519 seed", path, ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// Sealer reads the log on and seals teams' events.
type Sealer struct {
	store *events.Store
	key   ed25519.PrivateKey
	log   *slog.Logger
	every time.Duration

	mu     sync.Mutex // guards v and next: one round at a time
	v      *chain.Verifier
	next   uint64 // the next sequence to read
	breaks int    // breaks already reported

	stop context.CancelFunc
	done chan struct{}
}

// New returns a sealer that seals every interval.
func New(store *events.Store, key ed25519.PrivateKey, every time.Duration, log *slog.Logger) *Sealer {
	return &Sealer{
		store: store, key: key, every: every, log: log,
		v: chain.NewVerifier(key.Public().(ed25519.PublicKey)), next: 1,
	}
}

// PublicKey is the half of the checkpoint key that verifies checkpoints.
func (s *Sealer) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Start runs a round every interval, the first an interval from now,
// until Stop.
func (s *Sealer) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.done = cancel, make(chan struct{})
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if _, err := s.Round(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("seal the event log", "err", err)
			}
		}
	}()
}

// Stop ends the rounds and waits for the one under way.
func (s *Sealer) Stop() {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
}

// Round reads what was appended since the last round, verifying it, and
// appends a checkpoint for every team with new events and no break. It
// returns the checkpoints appended.
func (s *Sealer) Round(ctx context.Context) ([]chain.Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.store.Stored(ctx, "", s.next, func(m chain.Message) error {
		s.v.Add(m)
		s.next = m.Seq + 1
		return nil
	})
	if rep := s.v.Report(); len(rep.Breaks) > s.breaks {
		for _, b := range rep.Breaks[s.breaks:] {
			if b.OtherKey != "" {
				// Not a broken chain: another process seals this log with
				// a key of its own.
				s.log.Error("a checkpoint in the log is signed with another key than this process's: every process sealing one log needs the same --checkpoint-key-file; not sealing the team",
					"seq", b.Seq, "subject", b.Subject, "detail", b.Detail)
				continue
			}
			s.log.Error("the event log's hash chain is broken: not sealing the team", "seq", b.Seq, "subject", b.Subject, "kind", b.Kind, "detail", b.Detail)
		}
		s.breaks = len(rep.Breaks)
	}
	if err != nil {
		return nil, err
	}
	var sealed []chain.Checkpoint
	for _, t := range s.v.Teams() {
		if t.Broken || t.LastOrdinary <= t.SealedUpTo {
			continue
		}
		c := chain.Sign(s.key, chain.Checkpoint{
			Team: t.Team, Start: t.Start, UpTo: t.LastSeq, Events: t.Digest.Events, Digest: t.Digest.Sum.String(),
		})
		_, err := s.store.Append(ctx, t.Checkpoints, events.Event{
			Team: t.Team, Aggregate: events.AggregateRef{Type: chain.CheckpointAggregateType, ID: chain.CheckpointAggregateID},
			Actor: Actor, Data: c,
		})
		switch {
		case errors.Is(err, events.ErrConflict):
			// Another process sealed first; read on and see.
			continue
		case err != nil:
			return sealed, fmt.Errorf("seal team %s: %w", t.Team, err)
		}
		sealed = append(sealed, c)
	}
	return sealed, nil
}
