package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrSlowSubscriber ends a Watch whose subscriber let its buffer fill up:
// it is dropped rather than the other subscribers held up for it.
var ErrSlowSubscriber = errors.New("subscriber too slow: its buffer of live events filled up")

// LiveMsg is one event as Watch delivers it, as stored (not decoded).
// Header and Data are shared by every subscriber: read them, never change
// them.
type LiveMsg struct {
	Seq     uint64
	Subject string
	Header  nats.Header
	Data    []byte
}

// Watch is one subscriber's share of the store's live feed (Store.Watch).
type Watch struct {
	// C delivers the events; it is closed when the watch ends (its
	// context ended, or Err says why).
	C <-chan LiveMsg

	c      chan LiveMsg
	latest bool
	filter string
	err    error // set before c is closed
	gone   bool  // removed from the hub (under hub.mu)
	stop   func() bool
}

// Err is why the watch ended, once C is closed: nil when its context
// ended, ErrSlowSubscriber when it fell behind by its whole buffer.
func (w *Watch) Err() error { return w.err }

// Watch delivers on the returned Watch's C every event appended after it
// returns whose subject matches FilterSubject(team, aggType, aggID) (an
// empty part matches anything), in stream order, until ctx ends.
//
// However many watches a process holds, they share one JetStream consumer
// per Store (not one each: a stream has a limit of consumers, and each
// costs the server): it runs while at least one watch does, and every
// event it delivers is handed to the watches whose filter matches, in
// memory. The handing-on never waits for a subscriber:
//
//   - buffer > 0: C holds up to buffer events; a watch whose buffer is full
//     when the next event comes is ended with ErrSlowSubscriber (C closed),
//     so one slow subscriber never slows the others;
//   - buffer == 0: C holds only the newest event, replacing one not taken
//     yet. For subscribers that read the current state on each event (a
//     doorbell), which skip to the newest anyway: never dropped.
//
// team, aggType and aggID are subject tokens (ValidateToken) or empty.
func (s *Store) Watch(ctx context.Context, team, aggType, aggID string, buffer int) (*Watch, error) {
	for field, tok := range map[string]string{"team": team, "aggregateType": aggType, "id": aggID} {
		if tok == "" {
			continue
		}
		if err := ValidateToken(field, tok); err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	size := max(buffer, 1)
	w := &Watch{c: make(chan LiveMsg, size), latest: buffer <= 0, filter: FilterSubject(team, aggType, aggID)}
	w.C = w.c
	if err := s.live.add(ctx, s, w); err != nil {
		return nil, fmt.Errorf("watch %s: %w", w.filter, err)
	}
	return w, nil
}

// LiveConsumers is how many JetStream consumers the store's watches hold
// now: 1 while any watch runs, else 0.
func (s *Store) LiveConsumers() int {
	s.live.life.Lock()
	defer s.live.life.Unlock()
	if s.live.stop != nil {
		return 1
	}
	return 0
}

// hub is a Store's one live consumer and the watches it feeds. Its zero
// value is ready.
//
// Lock order: life, then mu. life serialises starting and stopping the
// consumer (network calls); mu guards the watches, which the consumer's
// callback reads for every event.
type hub struct {
	life sync.Mutex
	stop func() // stops the consumer and deletes it; non-nil while n > 0

	mu    sync.Mutex
	n     int                        // watches in subs
	subs  map[string]map[*Watch]bool // by filter
	masks [8]int                     // filters per wildcard pattern (bit i: token i+1 is '*')
}

func (h *hub) add(ctx context.Context, s *Store, w *Watch) error {
	h.life.Lock()
	defer h.life.Unlock()
	if h.stop == nil {
		stop, err := s.follow(ctx, 0, "live events", h.dispatch)
		if err != nil {
			return err
		}
		h.stop = stop
	}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[string]map[*Watch]bool{}
	}
	set := h.subs[w.filter]
	if set == nil {
		set = map[*Watch]bool{}
		h.subs[w.filter] = set
		h.masks[maskOf(w.filter)]++
	}
	set[w] = true
	h.n++
	w.stop = context.AfterFunc(ctx, func() { h.remove(w, nil) })
	h.mu.Unlock()
	return nil
}

// remove ends w with err (once) and stops the consumer when no watch is
// left.
func (h *hub) remove(w *Watch, err error) {
	h.mu.Lock()
	h.removeLocked(w, err)
	last := h.n == 0
	h.mu.Unlock()
	if last {
		h.stopIfIdle()
	}
}

func (h *hub) removeLocked(w *Watch, err error) {
	if w.gone {
		return
	}
	w.gone = true
	set := h.subs[w.filter]
	delete(set, w)
	if len(set) == 0 {
		delete(h.subs, w.filter)
		h.masks[maskOf(w.filter)]--
	}
	h.n--
	w.err = err
	close(w.c)
}

func (h *hub) stopIfIdle() {
	h.life.Lock()
	defer h.life.Unlock()
	h.mu.Lock()
	idle := h.n == 0
	h.mu.Unlock()
	if idle && h.stop != nil {
		h.stop()
		h.stop = nil
	}
}

// dispatch hands one event to every matching watch without waiting for
// any: it runs on the consumer's one goroutine, for every event.
func (h *hub) dispatch(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return
	}
	subj := m.Subject()
	tok := strings.SplitN(subj, ".", 5)
	if len(tok) != 4 {
		return
	}
	msg := LiveMsg{Seq: md.Sequence.Stream, Subject: subj, Header: m.Headers(), Data: m.Data()}
	var dropped bool
	h.mu.Lock()
	for mask, n := range h.masks {
		if n == 0 {
			continue
		}
		key := subj
		if mask != 0 {
			key = maskedSubject(tok, mask)
		}
		for w := range h.subs[key] {
			if !w.offer(msg) {
				h.removeLocked(w, ErrSlowSubscriber)
				w.stop()
				dropped = true
			}
		}
	}
	idle := h.n == 0
	h.mu.Unlock()
	if dropped && idle {
		// Not here: stopping waits for this callback to return.
		go h.stopIfIdle()
	}
}

// offer puts msg in w's buffer without waiting; false: the buffer is full.
func (w *Watch) offer(msg LiveMsg) bool {
	select {
	case w.c <- msg:
		return true
	default:
	}
	if !w.latest {
		return false
	}
	// Only dispatch sends, so after taking the stale one there is room.
	select {
	case <-w.c:
	default:
	}
	w.c <- msg
	return true
}

// maskOf is the wildcard pattern of a filter ev.<team>.<type>.<id>: bit i
// set when token i+1 is '*'.
func maskOf(filter string) int {
	tok := strings.Split(filter, ".")
	mask := 0
	for i := 1; i < len(tok) && i <= 3; i++ {
		if tok[i] == "*" {
			mask |= 1 << (i - 1)
		}
	}
	return mask
}

// maskedSubject is the filter of pattern mask that the subject tok
// matches.
func maskedSubject(tok []string, mask int) string {
	var b strings.Builder
	b.WriteString(tok[0])
	for i := 1; i <= 3; i++ {
		b.WriteByte('.')
		if mask&(1<<(i-1)) != 0 {
			b.WriteByte('*')
		} else {
			b.WriteString(tok[i])
		}
	}
	return b.String()
}
