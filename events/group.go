package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Group commit.
//
// On a one-replica file stream nats-server stages every atomic batch in a
// file store of its own, flushed and synced to disk before the batch is
// committed, and holds the stream while it commits: on this project's
// machines that is 10-15 ms per batch against 30 µs for a single event,
// whatever the batch holds, and every other append waits behind it. A
// command that writes several aggregates (an app with its service IP and
// its name) is such a batch, so under load the stream committed about 70
// of them a second and commands queued for seconds.
//
// So atomic batches that are waiting while one is being committed are
// committed together, as one batch: all of them or none, each write still
// checked against its own expected version. If the combined batch is
// refused (one write's version check failed, a duplicate), its halves are
// tried the same way down to single batches, so each gets exactly the
// answer it would have got alone. Writes without a version check
// (AnyVersion) are chained when their batch is sent, so several callers'
// writes to one aggregate go in one commit, each chained onto the one
// before it, instead of a commit each. The first caller to find no commit under way commits; the others
// wait for their result, and when the committer's own batch is done it
// hands the queue to the oldest waiting caller, so nobody commits for
// others for longer than their own turn took.

// group is the queue of atomic batches waiting to be committed.
type group struct {
	mu      sync.Mutex
	queue   []*pending
	leading bool // a caller is committing the queue
}

// pending is one caller's batch.
type pending struct {
	msgs  []*outgoing
	taken bool          // the committer took it from the queue
	lead  chan struct{} // closed: this caller commits next
	done  chan struct{} // closed: last and err are set
	last  uint64
	err   error
}

// commit stores msgs as publish does, in a combined batch with others
// waiting when there are several messages.
func (s *Store) commit(ctx context.Context, msgs []*outgoing) (uint64, error) {
	if len(msgs) == 1 && msgs[0].deferred == noDefer {
		return s.publish(ctx, msgs, false)
	}
	p := &pending{msgs: msgs, lead: make(chan struct{}), done: make(chan struct{})}
	g := &s.group
	g.lock()
	g.queue = append(g.queue, p)
	leader := !g.leading
	g.leading = true
	g.unlock()
	if leader {
		s.lead(p)
		return p.last, p.err
	}
	select {
	case <-p.done:
		return p.last, p.err
	case <-p.lead:
		s.lead(p)
		return p.last, p.err
	case <-ctx.Done():
	}
	// Gone before its turn: leave the queue if it is still there. Once
	// taken, its messages are being sent and must not be reused before the
	// committer is done with them.
	g.lock()
	if i := slices.Index(g.queue, p); i >= 0 && !p.taken {
		g.queue = slices.Delete(g.queue, i, i+1)
		g.unlock()
		return 0, fmt.Errorf("append to %s: %w", msgs[0].msg.Subject, ctx.Err())
	}
	g.unlock()
	select {
	case <-p.done:
	case <-p.lead:
		s.lead(p)
	}
	return p.last, p.err
}

// lead commits the queue, a combined batch at a time, until p's own batch
// is done, then hands the queue on.
func (s *Store) lead(p *pending) {
	g := &s.group
	for {
		g.lock()
		var take []*pending
		n := 0
		for len(g.queue) > 0 && (len(take) == 0 || n+len(g.queue[0].msgs) <= MaxBatch) {
			q := g.queue[0]
			g.queue = g.queue[1:]
			q.taken = true
			take = append(take, q)
			n += len(q.msgs)
		}
		g.unlock()
		s.commitGroup(take, n)
		select {
		case <-p.done:
		default:
			continue
		}
		g.lock()
		if len(g.queue) > 0 {
			close(g.queue[0].lead)
		} else {
			g.leading = false
		}
		g.unlock()
		return
	}
}

// commitGroup sends the batches of take (n messages in all) as one atomic
// batch and tells each its result. When the server refuses the combined
// batch (a version check or a duplicate of one of them), each half is tried
// the same way, down to single batches, which get their own answer: a
// refused batch costs its group a few more commits, not one per batch. When
// the server does not answer, each caller gets that error and resends. The callers'
// contexts are not used: the batch is theirs together, and publish bounds
// each round trip by the store's timeout.
func (s *Store) commitGroup(take []*pending, n int) {
	if len(take) == 1 {
		take[0].last, take[0].err = s.publish(context.Background(), take[0].msgs, false)
		close(take[0].done)
		return
	}
	all := make([]*outgoing, 0, n)
	for _, p := range take {
		all = append(all, p.msgs...)
	}
	last, err := s.publish(context.Background(), all, true)
	var refused *APIError
	if err != nil && !errors.As(err, &refused) {
		// Not answered (a timeout, no connection): the same for each, whose
		// append resends its own events (their ids make that idempotent).
		for _, p := range take {
			p.err = err
			close(p.done)
		}
		return
	}
	if err != nil {
		// The refusal may be a shared subject's head this process had
		// cached and another process has moved: the halves read it again.
		for _, o := range all {
			if o.deferred == deferFirst {
				o.fresh = true
			}
		}
		half := len(take) / 2
		s.commitGroup(take[:half], count(take[:half]))
		s.commitGroup(take[half:], count(take[half:]))
		return
	}
	end := last
	for i := len(take) - 1; i >= 0; i-- {
		take[i].last = end
		end -= uint64(len(take[i].msgs))
	}
	for _, p := range take {
		close(p.done)
	}
}

func count(ps []*pending) int {
	n := 0
	for _, p := range ps {
		n += len(p.msgs)
	}
	return n
}

func (g *group) lock()   { g.mu.Lock() }
func (g *group) unlock() { g.mu.Unlock() }
