package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"

	"weft.dev/events/event"
)

// Decode turns a stored message body into a Recorded event.
func (s *Store) Decode(seq uint64, body []byte) (Recorded, error) {
	var env Envelope
	if m, data, ok := parseEnvelope(body); ok {
		env = Envelope{Meta: m, Data: data}
	} else if err := json.Unmarshal(body, &env); err != nil {
		return Recorded{}, fmt.Errorf("decode event %d: %w", seq, err)
	}
	data, err := s.reg.Decode(env.Type, env.Version, env.Data)
	if err != nil {
		return Recorded{}, fmt.Errorf("decode event %d: %w", seq, err)
	}
	return Recorded{Meta: env.Meta, Seq: seq, Data: data, Raw: env.Data}, nil
}

// Load returns every event of one aggregate in order, and its version (the
// sequence of its last event; 0 when it has none).
func (s *Store) Load(ctx context.Context, team string, agg AggregateRef) ([]Recorded, uint64, error) {
	var out []Recorded
	version, err := s.LoadFunc(ctx, team, agg, func(r Recorded) error {
		out = append(out, r)
		return nil
	})
	return out, version, err
}

// LoadFunc calls fn for every event of one aggregate in order and returns the
// aggregate's version. It reads with batched direct gets: no consumer is made.
func (s *Store) LoadFunc(ctx context.Context, team string, agg AggregateRef, fn func(Recorded) error) (uint64, error) {
	return s.LoadAfter(ctx, team, agg, 0, fn)
}

// LoadAfter is LoadFunc for the events after sequence after only: for a
// caller that holds the aggregate's state as of that version. It returns
// after when there are none.
func (s *Store) LoadAfter(ctx context.Context, team string, agg AggregateRef, after uint64, fn func(Recorded) error) (_ uint64, err error) {
	subject := event.Subject(team, agg)
	if s.tracer != nil {
		var end func(*error)
		ctx, end = s.span(ctx, "events.load", attribute.String("weft.aggregate", agg.String()))
		defer end(&err)
	}
	version := after
	var last nats.Header // the last event's, for the chain's cache of heads
	var fnErr error      // the caller's own error, returned as it is
	err = s.loadScan(ctx, team, agg, subject, after+1, func(seq uint64, m *nats.Msg) error {
		rec, err := s.Decode(seq, m.Data)
		if err != nil {
			return err
		}
		rec.Link, rec.Stored = LinkOf(m.Header), m.Data
		if fnErr = fn(rec); fnErr != nil {
			return fnErr
		}
		version, last = seq, m.Header
		return nil
	})
	switch {
	case fnErr != nil:
		return 0, fnErr
	case err != nil:
		return 0, fmt.Errorf("load %s: %w", subject, err)
	}
	if last != nil {
		s.heads.put(subject, head{seq: version, hash: storedHash(last)})
	}
	return version, nil
}

// loadScan is LoadAfter's source: with a tail (WithTail), the log's end
// is asked for (which the server answers from its state, not by looking
// for the subject's messages in its blocks) and the aggregate's events up
// to it are read as Read reads them, from the tail once it holds them.
// Reading up to the end asked for after the call began keeps a load
// seeing every event appended before it, as a direct get does.
func (s *Store) loadScan(ctx context.Context, team string, agg AggregateRef, subject string, from uint64, each func(uint64, *nats.Msg) error) error {
	if s.tail == nil {
		return s.directScan(ctx, subject, from, 0, nil, each)
	}
	last, ok := pinnedEnd(ctx, s)
	if !ok {
		var err error
		if last, err = s.LastSeq(ctx); err != nil {
			return err
		}
	}
	f := Filter{Team: team, AggType: agg.Type, AggID: agg.ID, FromSeq: from, ToSeq: last}
	if err := s.scan(ctx, f, subject, nil, each); err != nil && !errors.Is(err, errScanDone) {
		return err
	}
	return nil
}

// pinned is the log's end asked for once for several loads (PinEnd).
type pinned struct {
	s   *Store
	end uint64
}

type pinnedKey struct{}

// PinEnd returns ctx carrying the log's end as of now, for the loads made
// with it to read up to instead of each asking the stream for it: what a
// command does (Handle, and handlers that read several aggregates before
// they append), whose loads then all read the log as it was when it began.
// Under load each such request waits behind the stream's batch commits
// (milliseconds each), and a creation made seven. A load pinned to an end
// misses only events appended after it, which an append catches as a
// conflict on the versions read; a caller that appends and then loads what
// it appended must not load with the ctx it appended with. A ctx already
// pinned to s is returned as it is (RePin asks again). Without a tail
// loads read to the stream's end anyway, and ctx is returned as it is.
func (s *Store) PinEnd(ctx context.Context) (context.Context, error) {
	if _, ok := pinnedEnd(ctx, s); ok {
		return ctx, nil
	}
	return s.RePin(ctx)
}

// RePin is PinEnd asking for the log's end again: after a conflict, which
// says the log moved past the end read.
func (s *Store) RePin(ctx context.Context) (context.Context, error) {
	if s.tail == nil {
		return ctx, nil
	}
	end, err := s.LastSeq(ctx)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, pinnedKey{}, pinned{s: s, end: end}), nil
}

// End is the log's end ctx is pinned to (PinEnd), or else the stream's
// last sequence now: for a caller that waits for a read model to reach
// what its command's loads read.
func (s *Store) End(ctx context.Context) (uint64, error) {
	if end, ok := pinnedEnd(ctx, s); ok {
		return end, nil
	}
	return s.LastSeq(ctx)
}

// Unpinned is ctx with no pinned end: its loads ask for the log's end
// again, for a reader whose bookkeeping counts on seeing every append
// that ended before its load began.
func Unpinned(ctx context.Context) context.Context {
	if _, ok := ctx.Value(pinnedKey{}).(pinned); !ok {
		return ctx
	}
	return context.WithValue(ctx, pinnedKey{}, pinned{})
}

// pinnedEnd is the end PinEnd put in ctx for s, if any.
func pinnedEnd(ctx context.Context, s *Store) (uint64, bool) {
	p, ok := ctx.Value(pinnedKey{}).(pinned)
	if !ok || p.s != s {
		return 0, false
	}
	return p.end, true
}

// directBatch is how many messages one direct get request asks for.
const directBatch = 512

// errScanDone ends a directScan early without error.
var errScanDone = errors.New("scan done")

// directScan calls each for every message on subjects matching filter
// (empty: every subject) from sequence from (or, when since is set, from
// the first message stored at or after it), in stream order, until there
// is no more, each returns errScanDone or an error. to, when not 0, is the
// last sequence wanted: no batch asks for more messages than the sequences
// left up to it, since the server answers a batch with messages past it
// too. It reads with batched
// direct gets: a request/reply each, answered from the stream's store,
// with no consumer made and nothing left on the server afterwards.
func (s *Store) directScan(ctx context.Context, filter string, from, to uint64, since *time.Time, each func(seq uint64, m *nats.Msg) error) error {
	nc := s.reader()
	inbox := nc.NewRespInbox()
	// A request has at most directBatch messages and one status in flight
	// (the next is asked for once they are read), so a channel that holds
	// them never drops one. SubscribeSync's own channel is 64k slots:
	// zeroing it for every read was 11-15% of weft-server's CPU under the
	// load benchmark.
	msgs := make(chan *nats.Msg, directBatch+1)
	sub, err := nc.ChanSubscribe(inbox, msgs)
	if err != nil {
		return err
	}
	defer func() { _ = sub.Unsubscribe() }()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	from = max(from, 1)
	for {
		if to > 0 && from > to {
			return nil
		}
		req := directRequest{Seq: from, NextBySubj: filter, Batch: directBatch}
		if to > 0 && since == nil {
			req.Batch = int(min(uint64(directBatch), to-from+1))
		}
		if since != nil {
			req.Seq, req.StartTime = 0, since
			since = nil
		}
		body, _ := json.Marshal(req)
		if err := nc.PublishRequest(s.prefix+".DIRECT.GET."+s.stream, inbox, body); err != nil {
			return err
		}
		for more := false; !more; {
			var m *nats.Msg
			select {
			case m = <-msgs:
			case <-ctx.Done():
				return ctx.Err()
			}
			switch m.Header.Get("Status") {
			case "":
			case "404": // nothing (more) matches
				return nil
			case "204": // end of this batch
				if pending, _ := strconv.ParseUint(m.Header.Get("Nats-Num-Pending"), 10, 64); pending == 0 {
					return nil
				}
				more = true
				continue
			default:
				return fmt.Errorf("direct get: status %s %s", m.Header.Get("Status"), m.Header.Get("Description"))
			}
			seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
			if err != nil {
				return fmt.Errorf("bad sequence header %q", m.Header.Get("Nats-Sequence"))
			}
			if err := each(seq, m); err != nil {
				if errors.Is(err, errScanDone) {
					return nil
				}
				return err
			}
			from = seq + 1
		}
	}
}

type directRequest struct {
	Seq        uint64     `json:"seq,omitempty"`
	NextBySubj string     `json:"next_by_subj,omitempty"`
	Batch      int        `json:"batch"`
	StartTime  *time.Time `json:"start_time,omitempty"`
}

// Read is Replay for bounded reads serving requests (audit history and
// as-of state): the same events in the same order, read with batched
// direct gets instead of a consumer, so any number of concurrent reads
// costs the server no consumer and no state. Without f.ToSeq it reads to
// the end of the stream, including events appended while it reads.
// Replay stays the way to read very many events (a projection's rebuild):
// a consumer streams them faster.
func (s *Store) Read(ctx context.Context, f Filter, fn func(Recorded) error) (err error) {
	if s.tracer != nil {
		var end func(*error)
		ctx, end = s.span(ctx, "events.read")
		defer end(&err)
	}
	filter := ""
	if f.Team != "" || f.AggType != "" || f.AggID != "" {
		filter = event.FilterSubject(f.Team, f.AggType, f.AggID)
	}
	var since *time.Time
	if !f.Since.IsZero() && f.FromSeq <= 1 {
		t := f.Since.UTC()
		since = &t
	}
	types := map[string]bool{}
	for _, t := range f.Types {
		types[t] = true
	}
	each := func(seq uint64, m *nats.Msg) error {
		if !f.Since.IsZero() || !f.Until.IsZero() {
			ts, err := time.Parse(time.RFC3339Nano, m.Header.Get("Nats-Time-Stamp"))
			if err != nil {
				return fmt.Errorf("event %d: bad time stamp header %q", seq, m.Header.Get("Nats-Time-Stamp"))
			}
			if !f.Until.IsZero() && ts.After(f.Until) {
				return errScanDone
			}
			if !f.Since.IsZero() && ts.Before(f.Since) {
				return nil
			}
		}
		typ := m.Header.Get(HeaderEventType)
		if len(types) > 0 && !types[typ] {
			return nil
		}
		var err error
		if f.Decode != nil && !f.Decode(typ) {
			rec := Recorded{Seq: seq, Link: LinkOf(m.Header), Stored: m.Data}
			rec.Type = typ
			err = fn(rec)
		} else {
			err = s.deliver(seq, m.Header, m.Data, f.SkipTypes, fn)
		}
		if errors.Is(err, ErrStop) {
			return errScanDone
		}
		return err
	}
	if err := s.scan(ctx, f, filter, since, each); err != nil && !errors.Is(err, errScanDone) {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// scan is the source of Read and of loads: the tail for what it holds of
// the read (WithTail), the stream for the rest, and never an event after
// f.ToSeq (a batch of direct gets counts matches, not sequences, so it
// may run past it). A bounded read waits for the tail to hold its end; a
// read to the end of the log takes what the tail holds now and reads on
// from the stream.
func (s *Store) scan(ctx context.Context, f Filter, filter string, since *time.Time, each func(uint64, *nats.Msg) error) error {
	from, to := max(f.FromSeq, 1), f.ToSeq
	if to > 0 {
		each = upTo(to, each)
	}
	if s.tail == nil || since != nil || (to > 0 && from > to) {
		return s.directScan(ctx, filter, from, to, since, each)
	}
	var floor, end uint64
	if to > 0 {
		var ok bool
		if floor, ok = s.tail.holding(ctx, to); !ok {
			return s.directScan(ctx, filter, from, to, nil, each)
		}
		end = to
	} else if floor, end = s.tail.held(); end < from {
		return s.directScan(ctx, filter, from, 0, nil, each)
	}
	if floor > end {
		return s.directScan(ctx, filter, from, to, nil, each)
	}
	// directScan ends without error when each says it is done; so that
	// no later part goes on after that, note it.
	done := false
	each = func(each func(uint64, *nats.Msg) error) func(uint64, *nats.Msg) error {
		return func(seq uint64, m *nats.Msg) error {
			err := each(seq, m)
			done = done || errors.Is(err, errScanDone)
			return err
		}
	}(each)
	if from < floor {
		if err := s.directScan(ctx, filter, from, floor-1, nil, upTo(floor-1, each)); err != nil || done {
			return err
		}
		from = floor
	}
	resume, err := s.tail.scan(f.Team, f.AggType, f.AggID, from, end, each)
	if err != nil || done {
		return err
	}
	if resume > 0 {
		if err := s.directScan(ctx, filter, resume, end, nil, upTo(end, each)); err != nil || done {
			return err
		}
	}
	if to > 0 {
		return nil
	}
	return s.directScan(ctx, filter, end+1, 0, nil, each)
}

// upTo is each for the events up to sequence last only: a batch of
// direct gets counts matches, not sequences, so it may run past the
// range it was asked for.
func upTo(last uint64, each func(uint64, *nats.Msg) error) func(uint64, *nats.Msg) error {
	return func(seq uint64, m *nats.Msg) error {
		if seq > last {
			return errScanDone
		}
		return each(seq, m)
	}
}

// Filter selects events for Replay. Zero fields match everything.
type Filter struct {
	Team      string
	AggType   string
	AggID     string
	Types     []string  // event type names
	FromSeq   uint64    // first sequence, inclusive
	ToSeq     uint64    // last sequence, inclusive
	Since     time.Time // stored at or after
	Until     time.Time // stored at or before
	SkipTypes bool      // do not decode data of unknown types (Data nil) instead of failing
	// Decode, when set, says which event types Read decodes: an event of
	// another type reaches fn undecoded (Seq, Type, Link and Stored set,
	// nothing else), for a reader that needs only where it is in the log.
	// Decoding is most of what a read costs the reader.
	Decode func(eventType string) bool
}

// ErrStop, returned by a Replay callback, ends the replay without error.
var ErrStop = errors.New("stop replay")

// Replay calls fn for each event matching f, in stream order, up to the end
// of the stream as it was when Replay began (or f.ToSeq). It reads with an
// ordered consumer and large pull batches.
func (s *Store) Replay(ctx context.Context, f Filter, fn func(Recorded) error) error {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	stream, err := js.Stream(ctx, s.stream)
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	end := stream.CachedInfo().State.LastSeq
	if f.ToSeq > 0 && f.ToSeq < end {
		end = f.ToSeq
	}
	if end == 0 || (f.FromSeq > end) {
		return nil
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	// A filter matching the whole stream still makes the server match every
	// message against it (a third of a full replay's cost): leave it out.
	if f.Team != "" || f.AggType != "" || f.AggID != "" {
		cfg.FilterSubjects = []string{event.FilterSubject(f.Team, f.AggType, f.AggID)}
	}
	switch {
	case f.FromSeq > 1:
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, f.FromSeq
	case !f.Since.IsZero():
		t := f.Since
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &t
	}
	cons, err := stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("replay: create consumer: %w", err)
	}
	info := cons.CachedInfo()
	if info != nil && info.NumPending == 0 {
		return nil
	}
	types := map[string]bool{}
	for _, t := range f.Types {
		types[t] = true
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(4096))
	if err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	defer it.Stop()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			it.Stop()
		case <-done:
		}
	}()
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("replay: %w", ctx.Err())
			}
			return fmt.Errorf("replay: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("replay: %w", err)
		}
		seq := md.Sequence.Stream
		if seq > end || (!f.Until.IsZero() && md.Timestamp.After(f.Until)) {
			return nil
		}
		keep := (f.Since.IsZero() || !md.Timestamp.Before(f.Since)) && (len(types) == 0 || types[m.Headers().Get(HeaderEventType)])
		if keep {
			if err := s.deliver(seq, m.Headers(), m.Data(), f.SkipTypes, fn); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
		if seq >= end || md.NumPending == 0 {
			return nil
		}
	}
}

func (s *Store) deliver(seq uint64, h nats.Header, body []byte, lenient bool, fn func(Recorded) error) error {
	rec, err := s.Decode(seq, body)
	if err != nil {
		if !lenient || !errors.Is(err, ErrUnknownType) {
			return fmt.Errorf("replay: %w", err)
		}
		var env Envelope
		if jerr := json.Unmarshal(body, &env); jerr != nil {
			return fmt.Errorf("replay: %w", err)
		}
		rec = Recorded{Meta: env.Meta, Seq: seq, Raw: env.Data}
	}
	rec.Link, rec.Stored = LinkOf(h), body
	return fn(rec)
}

// Decoded is r, read undecoded (Filter.Decode said no: Seq, Type, Link
// and Stored set), as Read would have delivered it decoded; lenient is
// Filter.SkipTypes. For a reader that picks what to keep by type and
// position first, and decodes only what it keeps.
func (s *Store) Decoded(r Recorded, lenient bool) (Recorded, error) {
	var out Recorded
	err := s.deliver(r.Seq, nil, r.Stored, lenient, func(d Recorded) error {
		out = d
		return nil
	})
	out.Link = r.Link
	return out, err
}

// LastSeq is the stream's last sequence: everything appended so far. It
// asks the stream for its last message (a direct get), answered from the
// store without going through JetStream's API queue, which is slow to
// answer while the server is busy. It asks for the last message on any
// subject (">"; the stream holds only SubjectPrefix.>), which the server
// answers from its state at once: for "ev.>" it matched the filter
// against every subject the stream holds, about 6% of weft-server's CPU
// under the load benchmark.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	return s.lastSeqOf(ctx, ">")
}

// lastSeqOf is the sequence of the last message on subjects matching
// filter (0: none).
func (s *Store) lastSeqOf(ctx context.Context, filter string) (uint64, error) {
	body, _ := json.Marshal(map[string]string{"last_by_subj": filter})
	rctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	m, err := s.reader().RequestWithContext(rctx, s.prefix+".DIRECT.GET."+s.stream, body)
	if err != nil {
		return 0, fmt.Errorf("last sequence: %w", err)
	}
	switch st := m.Header.Get("Status"); st {
	case "":
	case "404":
		return 0, nil
	default:
		return 0, fmt.Errorf("last sequence: status %s %s", st, m.Header.Get("Description"))
	}
	seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("last sequence: bad sequence header %q", m.Header.Get("Nats-Sequence"))
	}
	return seq, nil
}
