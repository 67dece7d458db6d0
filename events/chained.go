package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/nats-io/nats.go"

	"weft.dev/events/chain"
)

// The hash chain (package chain): every event the store appends carries
// the hash of the previous event on its subject and its own. An append
// names the version it expects, so the previous event is the one at that
// sequence; the server refuses the append if it is not the last, so one
// aggregate's chain cannot fork. Its hash comes from heads, filled by
// appends and loads, and else from a direct get of that one message.

// LinkOf reads a stored message's chain headers.
func LinkOf(h nats.Header) Link {
	if h == nil {
		return Link{}
	}
	prev, hash := chain.ParseHeader(h.Get(chain.Header))
	return Link{Prev: prev, Hash: hash}
}

// headCap bounds the cache: past it, the older half is dropped. A miss
// costs one direct get.
const headCap = 1 << 16

// heads caches the last known event (sequence and hash) of subjects: a
// fact about that message, so it is right whenever its sequence is the one
// an append expects, however old.
type heads struct {
	mu       sync.Mutex
	cur, old map[string]head
}

type head struct {
	seq  uint64
	hash chain.Hash
}

func (c *heads) get(subject string) (head, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.cur[subject]
	if !ok {
		if h, ok = c.old[subject]; ok {
			c.putLocked(subject, h)
		}
	}
	return h, ok
}

func (c *heads) put(subject string, h head) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.cur[subject]; ok && cur.seq > h.seq {
		return
	}
	c.putLocked(subject, h)
}

func (c *heads) putLocked(subject string, h head) {
	if c.cur == nil || len(c.cur) >= headCap {
		c.old, c.cur = c.cur, make(map[string]head, 1024)
	}
	c.cur[subject] = h
}

// storedHash is the chain hash a stored message carries; Genesis for one
// stored before the chain started (its successor starts the chain anew).
func storedHash(h nats.Header) chain.Hash {
	_, hash := chain.ParseHeader(h.Get(chain.Header))
	v, err := chain.ParseHash(hash)
	if err != nil {
		return chain.Genesis
	}
	return v
}

var errNoMessage = errors.New("no such message")

// prevOf returns the version an append to subject expects and the hash of
// the event at that version. For AnyVersion it is the subject's last event:
// from the cache unless fresh, which reads it from the stream.
func (s *Store) prevOf(ctx context.Context, subject string, expected uint64, fresh bool) (uint64, chain.Hash, error) {
	if expected == 0 {
		return 0, chain.Genesis, nil
	}
	if expected != AnyVersion || !fresh {
		if h, ok := s.heads.get(subject); ok && (expected == AnyVersion || h.seq == expected) {
			return h.seq, h.hash, nil
		}
	}
	req := map[string]any{"last_by_subj": subject}
	if expected != AnyVersion {
		req = map[string]any{"seq": expected}
	}
	m, err := s.directGet(ctx, req)
	switch {
	case errors.Is(err, errNoMessage) && expected == AnyVersion:
		return 0, chain.Genesis, nil
	case errors.Is(err, errNoMessage):
		// No event there: the server refuses the append as a conflict.
		return expected, chain.Genesis, nil
	case err != nil:
		return 0, chain.Hash{}, err
	}
	seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
	if err != nil {
		return 0, chain.Hash{}, errors.New("direct get: no sequence header")
	}
	if m.Header.Get("Nats-Subject") != subject {
		// The expected version is not an event of this aggregate: the
		// server refuses the append as a conflict.
		return expected, chain.Genesis, nil
	}
	h := head{seq: seq, hash: storedHash(m.Header)}
	s.heads.put(subject, h)
	return h.seq, h.hash, nil
}

// storedChunk bounds one directScan of Stored, which has the store's
// timeout for all of it.
const storedChunk = 20_000

// Stored calls fn with every stored message of team ("" for the whole log)
// from sequence from on, in stream order, as the chain's verifier reads
// them: subject, chain headers and body exactly as stored. It ends at the
// stream's end, including messages appended while it reads. It reads with
// direct gets only: credentials that may read the stream suffice.
func (s *Store) Stored(ctx context.Context, team string, from uint64, fn func(chain.Message) error) error {
	// With a team, every request names only its subjects: what weft's
	// guard lets a team's replay user ask.
	filter, end := "", SubjectPrefix+".>"
	if team != "" {
		filter = SubjectPrefix + "." + team + ".>"
		end = filter
	}
	from = max(from, 1)
	for {
		last, err := s.lastSeqOf(ctx, end)
		if err != nil {
			return err
		}
		if from > last {
			return nil
		}
		for from <= last {
			to := min(last, from+storedChunk-1)
			err := s.directScan(ctx, filter, from, to, nil, func(seq uint64, m *nats.Msg) error {
				if seq > to {
					return errScanDone
				}
				subject := m.Header.Get("Nats-Subject")
				prev, hash := chain.ParseHeader(m.Header.Get(chain.Header))
				return fn(chain.Message{Seq: seq, Subject: subject, Prev: prev, Hash: hash, Data: m.Data})
			})
			if err != nil {
				return fmt.Errorf("read stored events from %d: %w", from, err)
			}
			from = to + 1
		}
	}
}
