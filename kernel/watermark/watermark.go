// Package watermark is how far something that follows the EVENTS log has
// got: a read model's runner, the message office, an agent. A Mark holds
// the highest sequence applied (it never goes down), the error that
// stopped the follower if one did, and lets a reader wait until a
// sequence is applied (read-your-writes). It is one type so that
// "applied" means the same everywhere, and WaitFor is written once.
package watermark

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"weft.dev/kernel/fault"
)

// ErrBehind matches the error of a wait that ended before the sequence was
// applied.
var ErrBehind = errors.New("behind")

// MaxWait bounds how long a query waits for the sequence it asks for
// (Bounded).
const MaxWait = 5 * time.Second

// Mark is one follower's applied sequence. Make it with New.
type Mark struct {
	name    string
	mu      sync.Mutex
	applied uint64
	err     error
	changed chan struct{} // closed and replaced on every change
}

// New returns a mark at 0 for the follower named name (it names the mark
// in a wait's error: "projection infra", "message office").
func New(name string) *Mark { return &Mark{name: name, changed: make(chan struct{})} }

// Applied is the highest sequence applied.
func (m *Mark) Applied() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applied
}

// Err is the error that stopped the follower, if any.
func (m *Mark) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// Advance records seq as applied (a lower one keeps the mark) and wakes
// waiters and Changed's readers, even when the mark did not move: a
// follower of several streams reports progress on each.
func (m *Mark) Advance(seq uint64) {
	m.mu.Lock()
	m.applied = max(m.applied, seq)
	m.wakeLocked()
	m.mu.Unlock()
}

// AdvanceQuietly records seq without waking anyone: for a follower that
// applies many events between two wakes (a replay), since waking every
// waiter per event costs more than the event.
func (m *Mark) AdvanceQuietly(seq uint64) {
	m.mu.Lock()
	m.applied = max(m.applied, seq)
	m.mu.Unlock()
}

// Fail records the error that stopped the follower and wakes waiters, who
// return it.
func (m *Mark) Fail(err error) {
	m.mu.Lock()
	m.err = err
	m.wakeLocked()
	m.mu.Unlock()
}

func (m *Mark) wakeLocked() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// Changed is closed at the next Advance or Fail.
func (m *Mark) Changed() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.changed
}

// WaitFor blocks until seq is applied (nil), the follower failed (its
// error), or ctx ends (an error matching both ErrBehind and ctx's error).
func (m *Mark) WaitFor(ctx context.Context, seq uint64) error {
	for {
		m.mu.Lock()
		applied, err, ch := m.applied, m.err, m.changed
		m.mu.Unlock()
		if applied >= seq {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%s at %d, waiting for %d: %w (%w)", m.name, applied, seq, ErrBehind, ctx.Err())
		}
	}
}

// Waiter is what Bounded waits on: a Mark, or whatever holds one.
type Waiter interface {
	WaitFor(ctx context.Context, seq uint64) error
}

// Bounded waits at most MaxWait for w to apply seq (0: not at all), and
// turns a wait that ran out into the UNAVAILABLE fault a query answers,
// naming what is behind (what: "the infra read model").
func Bounded(ctx context.Context, w Waiter, seq uint64, what string) error {
	if seq == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, MaxWait)
	defer cancel()
	if err := w.WaitFor(ctx, seq); err != nil {
		if errors.Is(err, ErrBehind) {
			return &fault.Error{Code: fault.Unavailable, Msg: what + " has not caught up yet; retry shortly"}
		}
		return err
	}
	return nil
}
