package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"weft.dev/events/chain"
	"weft.dev/events/event"
	"weft.dev/kernel/token"
)

// Header names carried by every event message.
const (
	HeaderEventType = "Weft-Event-Type"
	HeaderMsgID     = "Nats-Msg-Id"
	headerExpected  = "Nats-Expected-Last-Subject-Sequence"
	// headerExpectedSubj names the subject headerExpected checks when it is
	// not the message's own (Write.Guard).
	headerExpectedSubj = "Nats-Expected-Last-Subject-Sequence-Subject"
	headerBatchID      = "Nats-Batch-Id"
	headerBatchSeq     = "Nats-Batch-Sequence"
	headerCommit       = "Nats-Batch-Commit"
)

// AnyVersion as an expected version appends after whatever the
// aggregate's last event is, without a check of the caller's. Use it only
// for facts that cannot conflict (an agent's heartbeat). The store still
// expects the last event it chains onto, and reads it again when another
// writer got there first.
const AnyVersion uint64 = math.MaxUint64

// MaxBatch is the server's default limit on messages in one atomic batch:
// the most events one AppendAll stores.
const MaxBatch = 1000

// Store appends events to, and reads them from, the EVENTS stream.
type Store struct {
	nc      *nats.Conn
	readers []*nats.Conn  // connections reads go over (WithReaders); else nc
	next    atomic.Uint32 // the reader the next read takes
	reg     *Registry
	stream  string
	prefix  string // JetStream API prefix
	now     func() time.Time
	log     *slog.Logger
	timeout time.Duration
	stall   time.Duration // how often an idle follower checks for a stalled consumer (follow.go)
	ids     *idSource
	acks    ackParser
	out     sync.Pool    // *outgoing, reused once an append is done with it
	group   group        // atomic batches waiting to be committed together
	heads   heads        // subjects' last events, for the hash chain (chained.go)
	live    hub          // the watches' one consumer (live.go)
	tail    *tail        // the log's newest events in memory (WithTail); nil: none
	tracer  trace.Tracer // nil: no spans (WithTracerProvider)
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that stamps events (tests).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithReaders gives the store connections of their own for its reads
// (loads and scans with direct gets), taken in turn. nats-server answers a
// client's direct gets in that client's read loop, one after another: over
// the one connection that also carries the appends, a command's one-event
// load waited behind every audit scan of hundreds of events before it.
func WithReaders(conns ...*nats.Conn) Option { return func(s *Store) { s.readers = conns } }

// WithLogger sets the store's logger.
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithAPIPrefix sets the JetStream API prefix the store sends requests to
// ($JS.API by default): a replay user's, which weft's guard serves.
func WithAPIPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithTimeout bounds one publish round trip before it is retried.
func WithTimeout(d time.Duration) Option { return func(s *Store) { s.timeout = d } }

// WithStallCheck sets how often the store's own consumers (the live
// watches' and the tail's), when idle, ask the stream's leader whether
// they miss events (supervise.DefaultStallCheck by default; follow.go).
func WithStallCheck(d time.Duration) Option { return func(s *Store) { s.stall = d } }

// NewStore returns a store on nc. The EVENTS stream must exist (stream.Ensure).
func NewStore(nc *nats.Conn, reg *Registry, opts ...Option) *Store {
	s := &Store{
		nc: nc, reg: reg, stream: StreamName, prefix: "$JS.API",
		now: time.Now, log: slog.New(slog.DiscardHandler), timeout: 5 * time.Second, ids: newIDSource(),
	}
	for _, o := range opts {
		o(s)
	}
	s.acks = newAckParser(s.stream)
	return s
}

// Registry is the registry the store encodes and decodes with.
func (s *Store) Registry() *Registry { return s.reg }

// reader is the connection the next read goes over.
func (s *Store) reader() *nats.Conn {
	if len(s.readers) == 0 {
		return s.nc
	}
	return s.readers[int(s.next.Add(1))%len(s.readers)]
}

// Conn is the store's NATS connection.
func (s *Store) Conn() *nats.Conn { return s.nc }

// Write is the events one command appends to one aggregate, with the version
// the command decided on. Events of a Write must share team and aggregate.
type Write struct {
	Expected uint64
	Events   []Event
	// Guard, when set, is a condition on another aggregate the write is
	// stored under (its version is still the one read), without writing to
	// it: a command that read one aggregate to decide on another (an app
	// placed in a cluster it read alive) stores nothing if what it read has
	// moved meanwhile (ErrConflict). Only a write that creates its
	// aggregate (Expected 0, a fresh id) may carry one: JetStream checks one
	// subject per message, and a fresh id's subject needs no check.
	Guard *Guard
}

// Guard is an aggregate's version a write is conditional on (Write.Guard).
type Guard struct {
	Team      string
	Aggregate AggregateRef
	Version   uint64
}

// Appended is the result of a successful append.
type Appended struct {
	Events  []Recorded // in stream order, with their sequences
	LastSeq uint64     // the sequence of the last event: the new version
}

// Append stores evs on their aggregate if its version is still expected.
// Several events are stored atomically.
func (s *Store) Append(ctx context.Context, expected uint64, evs ...Event) (Appended, error) {
	return s.AppendAll(ctx, Write{Expected: expected, Events: evs})
}

// AppendAll stores the events of several writes atomically, each checked
// against its own expected version: all are stored or none. It is how a
// command keeps a team-wide invariant (a name reservation) together with the
// change it guards.
func (s *Store) AppendAll(ctx context.Context, writes ...Write) (_ Appended, err error) {
	if s.tracer != nil {
		var end func(*error)
		ctx, end = s.span(ctx, "events.append", attribute.Int("weft.events.writes", len(writes)), attribute.String("messaging.destination.name", s.stream))
		defer end(&err)
	}
	var used []uint64
	for attempt := 0; ; attempt++ {
		// Writers that chained onto the same last event spread out before
		// reading it again, or they collide again.
		if err := Backoff(ctx, attempt); err != nil {
			return Appended{}, fmt.Errorf("append: %w", err)
		}
		app, at, err := s.appendOnce(ctx, writes, attempt > 0)
		// An AnyVersion write chains onto its subject's last event, which
		// another process may have moved since it was read: read it afresh,
		// unless it had not moved (the conflict is another write's).
		if !errors.Is(err, ErrConflict) || at == nil || slices.Equal(at, used) || attempt >= 4 {
			return app, err
		}
		used = at
	}
}

// appendOnce is one attempt of AppendAll. at is the versions its AnyVersion
// writes were appended at (nil: it has none).
func (s *Store) appendOnce(ctx context.Context, writes []Write, fresh bool) (_ Appended, at []uint64, _ error) {
	msgs, recs, err := s.build(ctx, writes, fresh)
	defer s.release(msgs)
	if err != nil {
		return Appended{}, nil, err
	}
	if len(msgs) == 0 {
		return Appended{}, nil, errors.New("append: no events")
	}
	if len(msgs) > MaxBatch {
		return Appended{}, nil, fmt.Errorf("append: %d events exceed the atomic batch limit of %d", len(msgs), MaxBatch)
	}
	var last uint64
	for attempt := 0; ; attempt++ {
		last, err = s.commit(ctx, msgs)
		if err == nil {
			break
		}
		// A lost ack or a server restarting: resend the same events. Their ids
		// make the resend idempotent.
		if !(errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrNoResponders) || errors.Is(err, nats.ErrConnectionReconnecting)) || attempt >= 5 || ctx.Err() != nil {
			return Appended{}, expectedOf(msgs), err
		}
		s.log.Warn("append: retrying after transport error", "subject", msgs[0].msg.Subject, "attempt", attempt+1, "err", err)
		select {
		case <-ctx.Done():
			return Appended{}, expectedOf(msgs), fmt.Errorf("append %s: %w", msgs[0].msg.Subject, ctx.Err())
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		}
	}
	first := last - uint64(len(recs)) + 1
	for i := range recs {
		recs[i].Seq = first + uint64(i)
		recs[i].Link = msgs[i].linked()
	}
	return Appended{Events: recs, LastSeq: last}, expectedOf(msgs), nil
}

// expectedOf is the versions the AnyVersion writes of msgs were last sent
// expecting (nil: it has none).
func expectedOf(msgs []*outgoing) []uint64 {
	var at []uint64
	for _, o := range msgs {
		if o.deferred == deferFirst {
			at = append(at, o.at)
		}
	}
	return at
}

// build returns the messages of writes, also when it fails (for release).
// A write that names its version is chained here, each event onto the one
// before it on its subject. An AnyVersion write is chained when its batch
// is sent (linkDeferred): onto whatever is then its subject's last event,
// which may be another caller's write sent in the same batch.
func (s *Store) build(ctx context.Context, writes []Write, fresh bool) (msgs []*outgoing, recs []Recorded, _ error) {
	n := 0
	for _, w := range writes {
		n += len(w.Events)
	}
	msgs = make([]*outgoing, 0, n)
	recs = make([]Recorded, 0, n)
	var seen map[string]bool // only a batch of writes can repeat an aggregate
	if len(writes) > 1 {
		seen = make(map[string]bool, len(writes))
	}
	for _, w := range writes {
		if len(w.Events) == 0 {
			continue
		}
		subject := ""
		var prev chain.Hash
		for i, ev := range w.Events {
			o, rec, err := s.message(ev)
			if err != nil {
				return msgs, nil, err
			}
			msgs = append(msgs, o)
			m := &o.msg
			if i > 0 && m.Subject != subject {
				return msgs, nil, fmt.Errorf("append: write mixes aggregates %s and %s", subject, m.Subject)
			}
			recs = append(recs, rec)
			if w.Expected == AnyVersion {
				o.deferred, o.fresh = deferNext, fresh
				if i == 0 {
					o.deferred = deferFirst
				}
			}
			if i > 0 {
				if o.deferred == noDefer {
					prev = o.link(prev)
				}
				continue
			}
			subject = m.Subject
			if seen[subject] {
				return msgs, nil, fmt.Errorf("append: two writes to %s in one batch", subject)
			}
			if seen != nil {
				seen[subject] = true
			}
			if w.Guard != nil && w.Expected != 0 {
				return msgs, nil, fmt.Errorf("append to %s: a guard is only for a write that creates its aggregate", subject)
			}
			if o.deferred != noDefer {
				continue
			}
			var expected uint64
			expected, prev, err = s.prevOf(ctx, subject, w.Expected, fresh)
			if err != nil {
				return msgs, nil, fmt.Errorf("append to %s: read the event it follows: %w", subject, err)
			}
			m.Header[headerExpected] = append(o.expected[:0], strconv.FormatUint(expected, 10))
			if g := w.Guard; g != nil {
				// The message's one check is the guard's subject, at its
				// version, instead of its own (new) subject at 0.
				m.Header[headerExpected] = append(o.expected[:0], strconv.FormatUint(g.Version, 10))
				m.Header[headerExpectedSubj] = []string{event.Subject(g.Team, g.Aggregate)}
			}
			prev = o.link(prev)
		}
	}
	return msgs, recs, nil
}

// linkDeferred chains the AnyVersion writes of msgs, a batch about to be
// sent, in order: the first message of such a write onto its subject's
// last event, expecting it; or, when an earlier message of this batch is
// on the same subject, onto that message, without a check (JetStream
// allows none on a subject the batch has written, and the batch stores
// both or neither). The group's committer calls it for each batch it
// sends, so callers appending to one subject at once chain onto each
// other in one commit instead of taking turns on it.
func (s *Store) linkDeferred(ctx context.Context, msgs []*outgoing) error {
	if !slices.ContainsFunc(msgs, func(o *outgoing) bool { return o.deferred != noDefer }) {
		return nil
	}
	inBatch := make(map[string]chain.Hash, len(msgs))
	for _, o := range msgs {
		subject := o.msg.Subject
		prev, written := inBatch[subject]
		if o.deferred == deferFirst {
			delete(o.msg.Header, headerExpected)
			if !written {
				seq, h, err := s.prevOf(ctx, subject, AnyVersion, o.fresh)
				if err != nil {
					return fmt.Errorf("append to %s: read the event it follows: %w", subject, err)
				}
				o.at, prev = seq, h
				o.msg.Header[headerExpected] = append(o.expected[:0], strconv.FormatUint(seq, 10))
			}
		}
		if o.deferred != noDefer {
			o.link(prev)
		}
		inBatch[subject] = o.hash
	}
	return nil
}

// link chains o onto the event whose hash is prev: it sets o's chain
// header and returns o's hash.
func (o *outgoing) link(prev chain.Hash) chain.Hash {
	o.hash = chain.Of(prev, o.msg.Subject, o.msg.Data)
	o.chain[0] = chain.FormatHeader(prev, o.hash)
	o.msg.Header[chain.Header] = o.chain[:]
	return o.hash
}

// linked is o's place in the chain as it was sent.
func (o *outgoing) linked() Link {
	return Link{Prev: o.chain[0][:chain.HashLen], Hash: o.chain[0][chain.HashLen+1:]}
}

// release returns msgs for reuse: nats.go copies a message into its
// buffer when it publishes it, so once an append has its answer its
// messages are unused. Reusing them (the header map above all) was a fifth
// of building an append.
func (s *Store) release(msgs []*outgoing) {
	for _, o := range msgs {
		clear(o.msg.Header)
		o.msg = nats.Msg{Header: o.msg.Header, Data: o.msg.Data[:0]}
		o.deferred, o.fresh, o.at = noDefer, false, 0
		s.out.Put(o)
	}
}

func (s *Store) message(ev Event) (*outgoing, Recorded, error) {
	if err := token.Validate("team", ev.Team); err != nil {
		return nil, Recorded{}, fmt.Errorf("append: %w", err)
	}
	if err := token.Validate("aggregate type", ev.Aggregate.Type); err != nil {
		return nil, Recorded{}, fmt.Errorf("append: %w", err)
	}
	if err := token.Validate("aggregate id", ev.Aggregate.ID); err != nil {
		return nil, Recorded{}, fmt.Errorf("append: %w", err)
	}
	typ, data, err := s.reg.Lookup(ev.Data)
	if err != nil {
		return nil, Recorded{}, fmt.Errorf("append to %s: %w", ev.Aggregate, err)
	}
	now := s.now()
	id := ev.ID
	if id == "" {
		if id, err = s.ids.next(now); err != nil {
			return nil, Recorded{}, fmt.Errorf("append: %w", err)
		}
	} else if err := token.Validate("event id", id); err != nil {
		return nil, Recorded{}, fmt.Errorf("append: %w", err)
	}
	at := ev.Time
	if at.IsZero() {
		at = now
	}
	meta := Meta{
		ID: id, Type: typ.Name, Version: typ.Version, Team: ev.Team, Aggregate: ev.Aggregate,
		Actor: ev.Actor, Time: at.UTC(), CausationID: ev.CausationID, CorrelationID: ev.CorrelationID,
	}
	// Sized for the envelope and typical data at once: growing it was a
	// tenth of an append's own CPU.
	size := 384 + len(id) + len(typ.Name) + len(ev.Team) + len(ev.Aggregate.Type) + len(ev.Aggregate.ID) +
		len(ev.Actor) + len(ev.CausationID) + len(ev.CorrelationID)
	o, _ := s.out.Get().(*outgoing)
	if o == nil {
		// Room in the header for the expected version, the chain and a
		// batch's three.
		o = &outgoing{msg: nats.Msg{Header: make(nats.Header, 7)}}
	}
	body := o.msg.Data // empty: new, or as release left it
	if cap(body) < size {
		body = make([]byte, 0, size)
	}
	body, err = typ.AppendValue(appendEnvelopeHead(body, &meta), data)
	if err != nil {
		s.out.Put(o)
		return nil, Recorded{}, fmt.Errorf("append to %s: %w", ev.Aggregate, err)
	}
	o.msg.Subject, o.msg.Data = event.Subject(ev.Team, ev.Aggregate), append(body, '}')
	o.id[0], o.typ[0] = id, typ.Name
	o.msg.Header[HeaderMsgID], o.msg.Header[HeaderEventType] = o.id[:], o.typ[:]
	return o, Recorded{Meta: meta, Data: ev.Data}, nil
}

// outgoing is one event's message with its header values, in one
// allocation, reused across appends (release keeps its header map and
// body buffer).
type outgoing struct {
	msg      nats.Msg
	id, typ  [1]string
	expected [1]string
	chain    [1]string  // the chain's header
	hash     chain.Hash // this event's hash in the chain
	deferred deferral   // chained when sent (an AnyVersion write's)
	fresh    bool       // deferFirst: read the subject's last event, not the cache
	at       uint64     // deferFirst: the version it was last sent expecting
}

// deferral says whether a message is chained when its batch is sent
// (linkDeferred) and where in its write it is.
type deferral uint8

const (
	noDefer    deferral = iota
	deferFirst          // the first event of an AnyVersion write
	deferNext           // a later event of one
)

type pubAck struct {
	Stream    string    `json:"stream"`
	Seq       uint64    `json:"seq"`
	Duplicate bool      `json:"duplicate"`
	BatchID   string    `json:"batch"`
	Count     uint64    `json:"count"`
	Error     *APIError `json:"error"`
}

// request sends m and waits for JetStream's acknowledgement, at most
// s.timeout. A context that can never end skips the context machinery, and
// one that ends sooner than s.timeout is used as it is: a timer and a
// cancellation per append were a measurable part of a synchronous append.
func (s *Store) request(ctx context.Context, m *nats.Msg) (*nats.Msg, error) {
	if ctx.Done() == nil {
		return s.nc.RequestMsg(m, s.timeout)
	}
	rctx := ctx
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > s.timeout {
		var cancel context.CancelFunc
		rctx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	resp, err := s.nc.RequestMsgWithContext(rctx, m)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nats.ErrTimeout
	}
	return resp, err
}

// publish sends msgs (one plain publish, or one atomic batch) and returns the
// sequence of the last one. combined says msgs are several callers'
// batches sent as one (group.go): a refusal is then returned as it is,
// since the last of them having been stored before says nothing of the rest.
func (s *Store) publish(ctx context.Context, msgs []*outgoing, combined bool) (uint64, error) {
	if err := s.linkDeferred(ctx, msgs); err != nil {
		return 0, err
	}
	seq, err := s.send(ctx, msgs, combined)
	if err == nil {
		// The heads of the subjects written are these messages now, before
		// the committer links the next batch onto them.
		first := seq - uint64(len(msgs)) + 1
		for i, o := range msgs {
			s.heads.put(o.msg.Subject, head{seq: first + uint64(i), hash: o.hash})
		}
	}
	return seq, err
}

// send is publish once msgs are chained.
func (s *Store) send(ctx context.Context, msgs []*outgoing, combined bool) (uint64, error) {
	last := &msgs[len(msgs)-1].msg
	if len(msgs) > 1 {
		batch := uuid.NewString()
		for i, o := range msgs {
			m := &o.msg
			m.Header.Set(headerBatchID, batch)
			m.Header.Set(headerBatchSeq, strconv.Itoa(i+1))
			if m == last {
				m.Header.Set(headerCommit, "1")
				break
			}
			if err := s.nc.PublishMsg(m); err != nil {
				return 0, fmt.Errorf("append batch to %s: %w", m.Subject, err)
			}
		}
	}
	resp, err := s.request(ctx, last)
	if err != nil {
		return 0, fmt.Errorf("append to %s: %w", last.Subject, err)
	}
	if resp.Header.Get("Status") == "503" || len(resp.Data) == 0 {
		return 0, fmt.Errorf("append to %s: %w", last.Subject, nats.ErrNoResponders)
	}
	ack, err := s.acks.parse(resp.Data)
	if err != nil {
		return 0, fmt.Errorf("append to %s: parse ack %q: %w", last.Subject, resp.Data, err)
	}
	if ack.Error != nil && combined {
		return 0, fmt.Errorf("append a combined batch to %s: %w", last.Subject, ack.Error)
	}
	if ack.Error != nil {
		switch ack.Error.ErrCode {
		case codeWrongLastSequence, codeWrongLastSequenceConstant:
			// The version check runs before dedupe, so a resend of events
			// that were stored (their ack lost) reads as a conflict. If the
			// aggregate's last event is ours, the append had succeeded.
			if seq, ok := s.alreadyStored(ctx, msgs); ok {
				return seq, nil
			}
			first := &msgs[0].msg
			exp, _ := strconv.ParseUint(first.Header.Get(headerExpected), 10, 64)
			return 0, &ConflictError{Subject: first.Subject, Expected: exp, Detail: ack.Error.Description}
		case codeBatchContainsDuplicate:
			if seq, ok := s.alreadyStored(ctx, msgs); ok {
				return seq, nil
			}
			return 0, fmt.Errorf("append to %s: some events of this batch were stored before, others not: %w", last.Subject, ack.Error)
		}
		return 0, fmt.Errorf("append to %s: %w", last.Subject, ack.Error)
	}
	if ack.Stream != s.stream {
		return 0, fmt.Errorf("append to %s: stored in stream %q, not %s: check subject overlaps", last.Subject, ack.Stream, s.stream)
	}
	return ack.Seq, nil
}

// alreadyStored reports whether msgs were stored by an earlier attempt whose
// ack was lost, and if so the sequence of the last one.
func (s *Store) alreadyStored(ctx context.Context, msgs []*outgoing) (uint64, bool) {
	last := &msgs[len(msgs)-1].msg
	raw, err := s.directGet(ctx, map[string]any{"last_by_subj": last.Subject})
	if err != nil || raw.Header.Get(HeaderMsgID) != last.Header.Get(HeaderMsgID) {
		return 0, false
	}
	seq, err := strconv.ParseUint(raw.Header.Get("Nats-Sequence"), 10, 64)
	return seq, err == nil
}

func (s *Store) directGet(ctx context.Context, req map[string]any) (*nats.Msg, error) {
	body, _ := json.Marshal(req)
	rctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	m, err := s.reader().RequestWithContext(rctx, s.prefix+".DIRECT.GET."+s.stream, body)
	if err != nil {
		return nil, err
	}
	if st := m.Header.Get("Status"); st == "404" {
		return nil, fmt.Errorf("direct get: %w", errNoMessage)
	} else if st != "" {
		return nil, fmt.Errorf("direct get: status %s %s", st, m.Header.Get("Description"))
	}
	return m, nil
}
