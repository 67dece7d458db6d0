package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/auth"
)

// Live selects the events Follow delivers. Zero fields match everything.
type Live struct {
	// Team whose events to follow: required, except for system principals,
	// for whom empty means every team; TeamLess is system-only too.
	Team          string
	AggregateType string
	AggregateID   string // requires AggregateType
	Types         []string
	Actor         string
	// FromSeq starts at this sequence (catching up, then following); zero
	// delivers only events appended after Follow returns.
	FromSeq uint64
	// IncludeStatus keeps agents' status reports, as HistoryQuery's.
	IncludeStatus bool
}

// Follower is a running Follow.
type Follower struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Done is closed once the follower stopped and its goroutines returned.
func (f *Follower) Done() <-chan struct{} { return f.done }

// Err is why the follower stopped, once Done is closed: nil when its
// context ended, Stop was called or fn returned events.ErrStop.
func (f *Follower) Err() error {
	<-f.done
	return f.err
}

// Stop ends the follower and waits until it stopped.
func (f *Follower) Stop() {
	f.cancel()
	<-f.done
}

// Follow calls fn, from one goroutine and in stream order, for each event
// live selects as it is appended, until ctx ends, Stop is called, or fn
// returns an error (events.ErrStop to end quietly). It checks the caller
// and input and creates its consumer before returning, so every matching
// event appended after Follow returns is delivered. Events of types this
// build does not know are delivered with their data as stored.
func (s *Service) Follow(ctx context.Context, p auth.Principal, live Live, fn func(Entry) error) (*Follower, error) {
	if err := scope(p, live.Team); err != nil {
		return nil, err
	}
	types, err := s.resolveTypes(live.Types)
	if err != nil {
		return nil, err
	}
	live.Types = types
	if live.Actor, err = s.resolveActor(ctx, live.Actor); err != nil {
		return nil, err
	}
	q := HistoryQuery{Team: live.Team, AggregateType: live.AggregateType, AggregateID: live.AggregateID, Types: live.Types, Actor: live.Actor, IncludeStatus: live.IncludeStatus}
	if err := q.normalize(); err != nil {
		return nil, err
	}
	js, err := jetstream.New(s.store.Conn())
	if err != nil {
		return nil, fmt.Errorf("follow team %q: %w", live.Team, err)
	}
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.FilterSubject(live.Team, live.AggregateType, live.AggregateID)},
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	}
	if live.FromSeq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, live.FromSeq
	}
	cons, err := js.OrderedConsumer(ctx, events.StreamName, cfg)
	if err != nil {
		return nil, fmt.Errorf("follow team %q: create consumer: %w", live.Team, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("follow team %q: %w", live.Team, err)
	}
	var once sync.Once
	stopIt := func() { once.Do(it.Stop) }

	ctx, cancel := context.WithCancel(ctx)
	f := &Follower{cancel: cancel, done: make(chan struct{})}
	loopDone, watchDone := make(chan struct{}), make(chan struct{})
	go func() { // the iterator blocks in Next; stopping it is how ctx ends it
		defer close(watchDone)
		select {
		case <-ctx.Done():
			stopIt()
		case <-loopDone:
		}
	}()
	go func() {
		defer close(f.done)
		err := s.follow(ctx, q, it, fn)
		close(loopDone)
		<-watchDone
		stopIt()
		cancel()
		if err != nil {
			s.log.Warn("follow stopped", "team", live.Team, "err", err)
		}
		f.err = err
	}()
	return f, nil
}

func (s *Service) follow(ctx context.Context, q HistoryQuery, it jetstream.MessagesContext, fn func(Entry) error) error {
	types := map[string]bool{}
	for _, t := range q.Types {
		types[t] = true
	}
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return fmt.Errorf("follow team %q: %w", q.Team, err)
		}
		if len(types) > 0 && !types[m.Headers().Get(events.HeaderEventType)] {
			continue
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("follow team %q: %w", q.Team, err)
		}
		r, err := s.decode(md.Sequence.Stream, m.Data())
		if err != nil {
			return fmt.Errorf("follow team %q: %w", q.Team, err)
		}
		r.Link, r.Stored = events.LinkOf(m.Headers()), m.Data()
		if !q.matches(r) {
			continue
		}
		e := []Entry{s.entry(r)}
		if err := s.names.fill(ctx, e); err != nil {
			return fmt.Errorf("follow team %q: %w", q.Team, err)
		}
		if err := fn(e[0]); err != nil {
			if errors.Is(err, events.ErrStop) {
				return nil
			}
			return err
		}
	}
}

// decode decodes a stored event, keeping the data as stored when its type
// is unknown to this build.
func (s *Service) decode(seq uint64, body []byte) (events.Recorded, error) {
	r, err := s.store.Decode(seq, body)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, events.ErrUnknownType) {
		return events.Recorded{}, err
	}
	var env events.Envelope
	if jerr := json.Unmarshal(body, &env); jerr != nil {
		return events.Recorded{}, err
	}
	return events.Recorded{Meta: env.Meta, Seq: seq, Raw: env.Data}, nil
}
