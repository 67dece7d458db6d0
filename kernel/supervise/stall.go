package supervise

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// A JetStream consumer with one replica may live on a follower of its
// stream, and reads that follower's copy. A follower that falls behind
// and stays there (seen in the chaos test after a NATS node came back)
// leaves the consumer heartbeating with nothing to deliver: the client
// sees a healthy, idle consumer and never resets it, and the reader waits
// for ever while the stream's leader holds what it should get. Only a
// look at the leader tells the two apart, so WatchStall asks it, and only
// about a reader that has waited through a whole check period.

// ErrStalled is a reader that waited for its next message through two
// checks in a row while its stream held messages after the last one it
// read. Transient: running the component again opens a new consumer
// after what it applied.
var ErrStalled = errors.New("stalled: the stream holds messages its consumer does not deliver")

// Reader is where one stream's reader is, for WatchStall: the stream
// sequence of the last message it was given, and whether it is waiting
// for the next one now. Its methods may be called from any goroutine.
type Reader struct {
	pos     atomic.Uint64
	waiting atomic.Bool
}

// NewReader is a reader positioned after the stream sequence after, not
// yet waiting.
func NewReader(after uint64) *Reader {
	r := &Reader{}
	r.pos.Store(after)
	return r
}

// Position is the stream sequence of the last message the reader was
// given (or the one it started after).
func (r *Reader) Position() uint64 { return r.pos.Load() }

// Waiting says the reader now waits for its next message.
func (r *Reader) Waiting() { r.waiting.Store(true) }

// Busy says the reader, still where it was, is not waiting for a message
// now (it works between two waits).
func (r *Reader) Busy() { r.waiting.Store(false) }

// Got says the reader was given the message at stream sequence seq: it
// no longer waits.
func (r *Reader) Got(seq uint64) {
	r.waiting.Store(false)
	r.pos.Store(seq)
}

// DefaultStallCheck is WatchStall's period when none is given: an idle
// reader costs its stream's leader one request a period.
const DefaultStallCheck = 15 * time.Second

// WatchStall checks r every period (DefaultStallCheck when every is not
// positive) until ctx ends (nil) or r is stalled (ErrStalled, with what
// it saw). head is the stream's last sequence as its leader knows it; it
// is asked only when r has waited, at the same position, since the check
// before, and an error from it skips the check (a reader cut off from the
// server meets that itself).
func WatchStall(ctx context.Context, every time.Duration, r *Reader, head func(context.Context) (uint64, error)) error {
	if every <= 0 {
		every = DefaultStallCheck
	}
	t := time.NewTicker(every)
	defer t.Stop()
	last, suspect := r.pos.Load(), false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pos := r.pos.Load()
		if pos != last || !r.waiting.Load() {
			// It moved, or is busy with what it was given.
			last, suspect = pos, false
			continue
		}
		h, err := head(ctx)
		if err != nil {
			continue
		}
		if h <= pos {
			suspect = false
			continue
		}
		// One look may catch a message on its way; a second, a period
		// later, with the reader still waiting where it was, cannot.
		if suspect && r.waiting.Load() && r.pos.Load() == pos {
			return fmt.Errorf("%w: waited after sequence %d for %s while the stream's last is %d", ErrStalled, pos, 2*every, h)
		}
		suspect = true
	}
}

// WatchBeside runs WatchStall for r beside a reader that waits in a
// blocking call (an iterator's Next). On a stall it calls stop, which
// must end that wait; stalled then returns the stall (nil while there is
// none), for the reader to return instead of the error its wait ended
// with. unwatch ends the watch and waits for it.
func WatchBeside(ctx context.Context, every time.Duration, r *Reader, head func(context.Context) (uint64, error), stop func()) (stalled func() error, unwatch func()) {
	var found atomic.Pointer[error]
	g := NewGroup(ctx)
	g.Go(func(ctx context.Context) {
		if err := WatchStall(ctx, every, r, head); err != nil {
			found.Store(&err) // before stop: the reader looks once its wait ends
			stop()
		}
	})
	return func() error {
		if err := found.Load(); err != nil {
			return *err
		}
		return nil
	}, g.Stop
}
