package events

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Command is one use of the command loop: rebuild an aggregate's state from
// its events, decide what happens, append it expecting the version read.
type Command[S any] struct {
	Team      string
	Aggregate AggregateRef
	// Actor, CorrelationID and CausationID are stamped on every event.
	Actor         string
	CorrelationID string
	CausationID   string
	// Initial is the state of an aggregate with no events.
	Initial S
	// Evolve folds one event into the state. It must be pure.
	Evolve func(S, Recorded) S
	// Decide returns the data of the events to append (none: nothing to do)
	// or an error that refuses the command. It must be pure: it runs again
	// after a conflict.
	Decide func(S) ([]any, error)
	// Also, when set, adds writes to other aggregates that must be stored
	// atomically with this one's (a name claim, an address lease). It runs
	// on every attempt, after Decide, so it may load those aggregates afresh.
	Also func(ctx context.Context, state S, decided []any) ([]Write, error)
	// Guard, when set, makes the command's own write conditional on another
	// aggregate's version (Write.Guard): for a command that creates its
	// aggregate after reading another to decide it may; a command that
	// finds its aggregate already there is not guarded. It runs on every
	// attempt, before Decide, so after a conflict it reads the other
	// aggregate afresh, and its error (the other aggregate no longer
	// allows it) refuses the command.
	Guard func(ctx context.Context) (*Guard, error)
	// Cache, when set, holds the aggregate's state between commands: Handle
	// starts from it and loads only later events, and leaves the state after
	// its own events in it. A team's network aggregate grows with every
	// address ever handed out; without a cache each command would read all
	// of it. Commands sharing a Cache must not run concurrently, and then
	// Evolve may change the state in place.
	Cache *Cached[S]
}

// Cached is an aggregate's state as of a version (see Command.Cache).
type Cached[S any] struct {
	state   S
	version uint64
	valid   bool
}

// LoadCached returns an aggregate's state and version, starting from cache
// (nil: none) and loading only the events after it, and leaves the result
// in cache. Callers sharing a cache must not run at once (Command.Cache).
func LoadCached[S any](ctx context.Context, s *Store, team string, agg AggregateRef, cache *Cached[S], initial S, evolve func(S, Recorded) S) (S, uint64, error) {
	state, after := initial, uint64(0)
	if cache != nil && cache.valid {
		state, after = cache.state, cache.version
	}
	version, err := s.LoadAfter(ctx, team, agg, after, func(r Recorded) error {
		state = evolve(state, r)
		return nil
	})
	if err != nil {
		if cache != nil {
			// Evolve may have changed the cached state part-way.
			*cache = Cached[S]{}
		}
		return initial, 0, err
	}
	if cache != nil {
		*cache = Cached[S]{state: state, version: version, valid: true}
	}
	return state, version, nil
}

// Result is what a handled command produced.
type Result[S any] struct {
	State   S          // the aggregate's state after the events
	Version uint64     // the aggregate's version after the events
	Events  []Recorded // the events appended (may be empty)
	LastSeq uint64     // stream sequence of the last event appended (0 if none)
}

// Backoff waits before attempt (none before the first): a jittered delay
// that doubles with each attempt up to about 32 ms, so writers that
// collided spread out instead of colliding again. It returns ctx's error
// if ctx ends first.
func Backoff(ctx context.Context, attempt int) error {
	if attempt <= 0 {
		return nil
	}
	d := time.Duration(rand.Int64N(int64(time.Millisecond)*int64(1<<min(attempt, 6))/2)) + 200*time.Microsecond
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// FoldOf is agg's state after the events of recs that are its, folded onto
// initial: what a command answers from the events its append returned
// (Result.Events, which include its Also writes'), not from events made up
// again.
func FoldOf[S any](recs []Recorded, agg AggregateRef, initial S, evolve func(S, Recorded) S) S {
	s := initial
	for _, r := range recs {
		if r.Aggregate == agg {
			s = evolve(s, r)
		}
	}
	return s
}

// MaxAttempts bounds how often Handle re-decides after a conflict.
const MaxAttempts = 12

// Handle runs the command loop: load → decide → append; on a conflict it
// reloads and decides again, at most MaxAttempts times with jittered backoff.
func Handle[S any](ctx context.Context, s *Store, cmd Command[S]) (Result[S], error) {
	var lastErr error
	for attempt := 0; attempt < MaxAttempts; attempt++ {
		if err := Backoff(ctx, attempt); err != nil {
			return Result[S]{}, fmt.Errorf("%s: %w", cmd.Aggregate, err)
		}
		// One request for the log's end serves every load of the attempt
		// (its own, Guard's and Also's; the first attempt keeps the end its
		// caller pinned, if any): each load would otherwise ask for it, a
		// wait behind the stream's commits under load. A conflict says the
		// log moved past it: the next attempt asks again.
		pin := s.PinEnd
		if attempt > 0 {
			pin = s.RePin
		}
		actx, err := pin(ctx)
		if err != nil {
			return Result[S]{}, fmt.Errorf("%s: %w", cmd.Aggregate, err)
		}
		state, version, err := LoadCached(actx, s, cmd.Team, cmd.Aggregate, cmd.Cache, cmd.Initial, cmd.Evolve)
		if err != nil {
			return Result[S]{}, err
		}
		var guard *Guard
		if cmd.Guard != nil && version == 0 {
			if guard, err = cmd.Guard(actx); err != nil {
				return Result[S]{}, err
			}
		}
		data, err := cmd.Decide(state)
		if err != nil {
			return Result[S]{}, err
		}
		if len(data) == 0 {
			return Result[S]{State: state, Version: version}, nil
		}
		evs := make([]Event, len(data))
		for i, d := range data {
			evs[i] = Event{
				Team: cmd.Team, Aggregate: cmd.Aggregate, Actor: cmd.Actor,
				CorrelationID: cmd.CorrelationID, CausationID: cmd.CausationID, Data: d,
			}
		}
		writes := []Write{{Expected: version, Events: evs, Guard: guard}}
		if cmd.Also != nil {
			more, err := cmd.Also(actx, state, data)
			if err != nil {
				return Result[S]{}, err
			}
			writes = append(writes, more...)
		}
		app, err := s.AppendAll(ctx, writes...)
		if errors.Is(err, ErrConflict) {
			lastErr = err
			continue
		}
		if err != nil {
			return Result[S]{}, err
		}
		res := Result[S]{Events: app.Events, LastSeq: app.LastSeq, State: state, Version: version}
		for _, r := range app.Events {
			if r.Aggregate == cmd.Aggregate && r.Team == cmd.Team {
				res.State = cmd.Evolve(res.State, r)
				res.Version = r.Seq
			}
		}
		if cmd.Cache != nil {
			*cmd.Cache = Cached[S]{state: res.State, version: res.Version, valid: true}
		}
		return res, nil
	}
	return Result[S]{}, fmt.Errorf("%s: gave up after %d attempts: %w", cmd.Aggregate, MaxAttempts, lastErr)
}

// Seq is the sequence a caller waits for to read the command's effects:
// its last event's, or the aggregate's version when it appended nothing.
func (r Result[S]) Seq() uint64 {
	if r.LastSeq != 0 {
		return r.LastSeq
	}
	return r.Version
}

// LoadState folds an aggregate's events, from the zero S, into its state,
// and returns its version: how a command reads an aggregate it does not
// write (the one it writes, Handle loads).
func LoadState[S any](ctx context.Context, s *Store, team string, agg AggregateRef, evolve func(S, Recorded) S) (S, uint64, error) {
	var state S
	v, err := s.LoadFunc(ctx, team, agg, func(r Recorded) error {
		state = evolve(state, r)
		return nil
	})
	if err != nil {
		return state, 0, fmt.Errorf("load %s: %w", agg, err)
	}
	return state, v, nil
}

// Outcome is what a command handler answers: the resulting object and the
// sequence to wait for before reading it back (minSeq).
type Outcome[T any] struct {
	Object T
	Seq    uint64
}
