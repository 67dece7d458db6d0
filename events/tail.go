package events

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/chain"
)

// The tail is the newest part of the log, kept in memory by a process
// that reads it often (WithTail, StartTail): Read and the loads of
// commands answer what they read of that part from memory instead of
// with direct gets.
//
// Why: under the load benchmark, audit reads (a team's newest events, a
// resource's history, as-of replays) were most of what nats-server did,
// and nats-server answers direct gets of a stream one after another, so a
// command's one-event load waited behind scans of hundreds of events. The
// log is immutable and read mostly near its end, so a copy of its end is
// never wrong, only possibly not long enough.
//
// What it holds: every event with a sequence in [floor, last], as stored
// (subject, the headers a read looks at, the body), up to a bound in
// bytes; past it the oldest are dropped and floor moves up. An index by
// team and by aggregate subject lets a read of one team or one resource
// touch only its own events.

// tailBackfill is how many events before the log's end the tail starts
// with, so that reads of the recent past are served from memory from the
// start rather than only once the process has seen them appended.
const tailBackfill = 50_000

// tailWait bounds how long a read waits for the tail to hold the end it
// asks for (normally it already does, or does within a millisecond)
// before reading from the stream instead.
const tailWait = 250 * time.Millisecond

// tailMsg is one event as the tail holds it. Header is a reduced one
// (the event type, the chain link, the stored time), shared by every
// read: never changed.
type tailMsg struct {
	seq     uint64
	subject string
	header  nats.Header
	data    []byte
}

// size is what a message costs the tail's bound: its body (copied out of
// the message NATS delivered, whose buffer also holds the headers), its
// subject and header values, and about 450 bytes of the header's map,
// the message's own fields and its two index entries (measured with a
// heap profile under weft-bench load).
func (m *tailMsg) size() int {
	n := len(m.data) + len(m.subject) + 450
	for _, vs := range m.header {
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// seqList is a growing list of sequences dropped from the front as the
// tail drops its oldest events.
type seqList struct {
	seqs []uint64
	head int
}

func (l *seqList) live() []uint64 { return l.seqs[l.head:] }

func (l *seqList) popFront() {
	l.head++
	if l.head > 64 && l.head > len(l.seqs)/2 {
		l.seqs = append(l.seqs[:0], l.seqs[l.head:]...)
		l.head = 0
	}
}

type tail struct {
	max int // bytes

	mu      sync.RWMutex
	msgs    []tailMsg // in sequence order; msgs[head:] are held
	head    int
	bytes   int
	floor   uint64 // first sequence held (or, while empty, expected)
	last    uint64 // last sequence held; floor-1 while empty
	byTeam  map[string]*seqList
	bySubj  map[string]*seqList
	advance chan struct{} // closed and replaced whenever last moves
	// stale is set when a read gave up waiting for the tail: reads then
	// go to the stream at once, until the tail holds what that read
	// wanted (want), rather than each waiting in turn for one stuck.
	stale  bool
	want   uint64
	closed bool
}

func newTail(max int) *tail {
	return &tail{max: max, byTeam: map[string]*seqList{}, bySubj: map[string]*seqList{}, advance: make(chan struct{})}
}

// WithTail keeps the newest events of the log, up to maxBytes of them, in
// memory for Read and loads (see tail.go); StartTail starts following the
// log. What a read or a load asks for of the sequences the tail holds is
// answered from memory.
func WithTail(maxBytes int) Option {
	return func(s *Store) {
		if maxBytes > 0 {
			s.tail = newTail(maxBytes)
		}
	}
}

// StartTail starts following the log for the tail (WithTail; a no-op
// without it), from tailBackfill events before its current end. stop ends
// the following and waits for it; the tail then answers nothing more.
func (s *Store) StartTail(ctx context.Context) (stop func(), err error) {
	t := s.tail
	if t == nil {
		return func() {}, nil
	}
	last, err := s.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the log's tail: %w", err)
	}
	start := uint64(1)
	if last > tailBackfill {
		start = last - tailBackfill + 1
	}
	t.mu.Lock()
	t.floor, t.last = start, start-1
	t.mu.Unlock()
	stopFollowing, err := s.follow(ctx, start, "the log's tail", t.add)
	if err != nil {
		return nil, fmt.Errorf("start the log's tail: %w", err)
	}
	return func() {
		stopFollowing()
		t.mu.Lock()
		t.closeLocked()
		t.mu.Unlock()
	}, nil
}

// closeLocked empties the tail for good: nothing is held, so every read
// goes to the stream.
func (t *tail) closeLocked() {
	t.msgs, t.head, t.bytes = nil, 0, 0
	t.byTeam, t.bySubj = map[string]*seqList{}, map[string]*seqList{}
	t.floor, t.last = 1, 0
	t.stale, t.closed = true, true
}

// add takes one event from the consumer, in stream order.
func (t *tail) add(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return
	}
	subj := m.Subject()
	team, _, ok := strings.Cut(strings.TrimPrefix(subj, SubjectPrefix+"."), ".")
	if !ok {
		return
	}
	// Copies of the values only: the decoded header's slices and strings
	// would keep its other parts held too.
	h := m.Headers()
	reduced := nats.Header{
		HeaderEventType:   {strings.Clone(h.Get(HeaderEventType))},
		"Nats-Time-Stamp": {md.Timestamp.UTC().Format(time.RFC3339Nano)},
	}
	if v := h.Get(chain.Header); v != "" {
		reduced[chain.Header] = []string{strings.Clone(v)}
	}
	// A copy: m.Data() is part of the buffer NATS delivered, headers and
	// all, which would stay held with it.
	msg := tailMsg{seq: md.Sequence.Stream, subject: subj, header: reduced, data: bytes.Clone(m.Data())}

	t.mu.Lock()
	defer t.mu.Unlock()
	if msg.seq <= t.last || t.closed {
		return // a redelivery after the ordered consumer reset; or closed
	}
	if len(t.msgs) == t.head {
		t.floor = msg.seq
	}
	t.msgs = append(t.msgs, msg)
	t.bytes += msg.size()
	t.index(t.byTeam, team, msg.seq)
	t.index(t.bySubj, subj, msg.seq)
	t.last = msg.seq
	for t.bytes > t.max && len(t.msgs)-t.head > 1 {
		t.dropOldest()
	}
	if t.stale && t.last >= t.want {
		t.stale = false
	}
	close(t.advance)
	t.advance = make(chan struct{})
}

func (t *tail) index(by map[string]*seqList, key string, seq uint64) {
	l := by[key]
	if l == nil {
		l = &seqList{}
		by[key] = l
	}
	l.seqs = append(l.seqs, seq)
}

func (t *tail) dropOldest() {
	m := &t.msgs[t.head]
	t.bytes -= m.size()
	team, _, _ := strings.Cut(strings.TrimPrefix(m.subject, SubjectPrefix+"."), ".")
	for _, e := range []struct {
		by  map[string]*seqList
		key string
	}{{t.byTeam, team}, {t.bySubj, m.subject}} {
		l := e.by[e.key]
		l.popFront()
		if len(l.live()) == 0 {
			delete(e.by, e.key)
		}
	}
	*m = tailMsg{}
	t.head++
	t.floor = t.msgs[t.head].seq
	if t.head > 1024 && t.head > len(t.msgs)/2 {
		t.msgs = append(t.msgs[:0], t.msgs[t.head:]...)
		t.head = 0
	}
}

// holding waits until the tail holds every event up to seq, at most
// tailWait, and returns the first sequence it holds; ok is false when it
// does not hold seq (the caller reads from the stream).
func (t *tail) holding(ctx context.Context, seq uint64) (floor uint64, ok bool) {
	timer := time.NewTimer(tailWait)
	defer timer.Stop()
	for {
		t.mu.RLock()
		last, floor, stale, advance := t.last, t.floor, t.stale, t.advance
		t.mu.RUnlock()
		if last >= seq {
			return floor, true
		}
		if stale {
			return 0, false
		}
		select {
		case <-advance:
		case <-timer.C:
			t.mu.Lock()
			t.stale, t.want = true, max(t.want, seq)
			t.mu.Unlock()
			return 0, false
		case <-ctx.Done():
			return 0, false
		}
	}
}

// held is what the tail holds now, without waiting: the first and last
// sequences (last < floor when it holds nothing).
func (t *tail) held() (floor, last uint64) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.floor, t.last
}

// tailChunk is how many events a scan copies out of the tail at a time:
// the caller's work on them runs without the tail's lock held.
const tailChunk = 256

// scan calls each, in order, for every held event in [from, to] on a
// subject matching ev.<team>.<aggType>.<aggID> (an empty part matches
// anything). The caller has seen the tail hold from and to (holding).
// Should the tail drop events from before a chunk it has yet to copy (it
// grew past its bound meanwhile), scan stops and returns the sequence to
// go on from, for the caller to read the rest from the stream; else 0.
func (t *tail) scan(team, aggType, aggID string, from, to uint64, each func(seq uint64, m *nats.Msg) error) (resume uint64, err error) {
	var key string
	var by map[string]*seqList
	switch {
	case team != "" && aggType != "" && aggID != "":
		by, key = t.bySubj, SubjectPrefix+"."+team+"."+aggType+"."+aggID
	case team != "":
		by, key = t.byTeam, team
	}
	buf := make([]tailMsg, 0, tailChunk)
	for from <= to {
		buf = buf[:0]
		t.mu.RLock()
		if from < t.floor {
			t.mu.RUnlock()
			return from, nil
		}
		if by == nil {
			i := t.find(from)
			for ; i < len(t.msgs) && len(buf) < tailChunk && t.msgs[i].seq <= to; i++ {
				if matchAgg(t.msgs[i].subject, aggType, aggID) {
					buf = append(buf, t.msgs[i])
				}
			}
			if i < len(t.msgs) && t.msgs[i].seq <= to {
				from = t.msgs[i].seq
			} else {
				from = to + 1
			}
		} else if l := by[key]; l != nil {
			seqs := l.live()
			j := sort.Search(len(seqs), func(j int) bool { return seqs[j] >= from })
			for ; j < len(seqs) && len(buf) < tailChunk && seqs[j] <= to; j++ {
				if i := t.find(seqs[j]); i < len(t.msgs) && t.msgs[i].seq == seqs[j] && matchAgg(t.msgs[i].subject, aggType, aggID) {
					buf = append(buf, t.msgs[i])
				}
			}
			if j < len(seqs) && seqs[j] <= to {
				from = seqs[j]
			} else {
				from = to + 1
			}
		} else {
			from = to + 1
		}
		t.mu.RUnlock()
		for i := range buf {
			m := &buf[i]
			if err := each(m.seq, &nats.Msg{Subject: m.subject, Header: m.header, Data: m.data}); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

// find is the index in msgs of the first held event at or after seq.
func (t *tail) find(seq uint64) int {
	held := t.msgs[t.head:]
	if len(held) == 0 {
		return len(t.msgs)
	}
	// The stream's sequences are consecutive, so this is nearly always
	// right at once.
	if seq >= held[0].seq {
		if i := seq - held[0].seq; i < uint64(len(held)) && held[i].seq == seq {
			return t.head + int(i)
		}
	}
	return t.head + sort.Search(len(held), func(i int) bool { return held[i].seq >= seq })
}

// matchAgg reports whether the subject ev.<team>.<type>.<id> has the
// aggregate type and id asked for (empty: any).
func matchAgg(subject, aggType, aggID string) bool {
	if aggType == "" && aggID == "" {
		return true
	}
	tok := strings.SplitN(subject, ".", 4)
	if len(tok) != 4 {
		return false
	}
	return (aggType == "" || tok[2] == aggType) && (aggID == "" || tok[3] == aggID)
}

// TailBytes is what the tail holds now, in bytes and events, and the
// first sequence it holds; zeros without one.
func (s *Store) TailBytes() (bytes, n int, floor uint64) {
	if s.tail == nil {
		return 0, 0, 0
	}
	s.tail.mu.RLock()
	defer s.tail.mu.RUnlock()
	return s.tail.bytes, len(s.tail.msgs) - s.tail.head, s.tail.floor
}
