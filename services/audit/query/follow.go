package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

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
	ctx, cancel := context.WithCancel(ctx)
	f := &Follower{cancel: cancel, done: make(chan struct{})}
	// Joined before Follow returns, so nothing appended after is missed.
	w, err := s.store.Watch(ctx, live.Team, live.AggregateType, live.AggregateID, followBuffer)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("follow team %q: %w", live.Team, err)
	}
	go func() {
		defer close(f.done)
		defer cancel()
		err := s.follow(ctx, q, w, live.FromSeq, fn)
		if err != nil {
			s.log.Warn("follow stopped", "team", live.Team, "err", err)
		}
		f.err = err
	}()
	return f, nil
}

// followBuffer is how many events a follower's watch holds while its
// callback is busy; past it, the follower reads what it missed from the
// log instead (follow).
const followBuffer = 64

// follow delivers from next (0: from what w delivers first) until ctx
// ends or fn fails. Every follower shares the store's one live consumer
// (Store.Watch). What a follower cannot take from it, because it starts
// in the past (FromSeq) or fell behind by its whole buffer and was
// dropped, it reads from the log with direct gets (Store.Read, no
// consumer either), then joins the live feed again: a slow callback
// never holds up the other followers and never loses an event.
func (s *Service) follow(ctx context.Context, q HistoryQuery, w *events.Watch, next uint64, fn func(Entry) error) error {
	types := map[string]bool{}
	for _, t := range q.Types {
		types[t] = true
	}
	deliver := func(r events.Recorded) error {
		next = r.Seq + 1
		if !q.matches(r) {
			return nil
		}
		e := []Entry{s.entry(r)}
		if err := s.names.fill(ctx, e); err != nil {
			return err
		}
		return fn(e[0])
	}
	for {
		if next > 0 {
			// Everything up to the stream's end now; w has what comes after.
			last, err := s.store.LastSeq(ctx)
			if err != nil {
				return s.followEnd(ctx, q, err)
			}
			if next <= last {
				f := events.Filter{Team: q.Team, AggType: q.AggregateType, AggID: q.AggregateID, Types: q.Types, FromSeq: next, ToSeq: last, SkipTypes: true}
				// Read ends quietly on ErrStop: keep what fn said.
				var failed error
				err := s.store.Read(ctx, f, func(r events.Recorded) error {
					failed = deliver(r)
					return failed
				})
				if failed != nil {
					return s.followEnd(ctx, q, failed)
				}
				if err != nil {
					return s.followEnd(ctx, q, err)
				}
				next = last + 1
			}
		}
		for m := range w.C {
			if m.Seq < next {
				continue
			}
			if len(types) > 0 && !types[m.Header.Get(events.HeaderEventType)] {
				next = m.Seq + 1
				continue
			}
			r, err := s.decode(m.Seq, m.Data)
			if err != nil {
				return fmt.Errorf("follow team %q: %w", q.Team, err)
			}
			r.Link, r.Stored = events.LinkOf(m.Header), m.Data
			if err := deliver(r); err != nil {
				return s.followEnd(ctx, q, err)
			}
		}
		if !errors.Is(w.Err(), events.ErrSlowSubscriber) {
			return nil // ctx ended
		}
		var err error
		if w, err = s.store.Watch(ctx, q.Team, q.AggregateType, q.AggregateID, followBuffer); err != nil {
			return s.followEnd(ctx, q, err)
		}
	}
}

// followEnd is what ends a follower: nothing when its context ended or
// fn asked to stop, else err.
func (s *Service) followEnd(ctx context.Context, q HistoryQuery, err error) error {
	if ctx.Err() != nil || errors.Is(err, events.ErrStop) {
		return nil
	}
	return fmt.Errorf("follow team %q: %w", q.Team, err)
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
