package query

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"weft.dev/events"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/platform"
)

// Point is a past moment of the log: a sequence or a time, exactly one.
type Point struct {
	Seq  uint64    // everything up to and including this sequence
	Time time.Time // everything stored at or before this time
}

func (pt Point) String() string {
	if pt.Seq > 0 {
		return fmt.Sprintf("sequence %d", pt.Seq)
	}
	return pt.Time.UTC().Format(time.RFC3339Nano)
}

// State is a resource as the owning service's read model showed it at a
// point of the log.
type State struct {
	Team      string              `json:"team"`
	Aggregate events.AggregateRef `json:"aggregate"`
	// Seq is the last event of the team the state reflects: the state is
	// the same as of any point from Seq up to the team's next event.
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"` // that event's time
	// Resource is the read model's value; JSON is it marshalled.
	Resource any             `json:"-"`
	JSON     json.RawMessage `json:"resource"`
}

// AsOf returns the resource agg of team as of at, computed by replaying the
// team's events up to at into a fresh instance of the read model that owns
// agg's type. A resource that did not exist (yet, or any more) at that point
// is NOT_FOUND, as is a team that is not the caller's.
//
// The model sees the team's events only: a read model that folds in events
// of other teams or of team-less aggregates would show less here than live.
func (s *Service) AsOf(ctx context.Context, p auth.Principal, team string, agg events.AggregateRef, at Point) (State, error) {
	if team == "" {
		return State{}, fault.Invalidf("team", "is required")
	}
	if err := scope(p, team); err != nil {
		return State{}, err
	}
	if err := checkToken("aggregateType", agg.Type); err != nil {
		return State{}, err
	}
	if err := checkToken("aggregateId", agg.ID); err != nil {
		return State{}, err
	}
	switch {
	case at.Seq == 0 && at.Time.IsZero():
		return State{}, fault.Invalidf("at", "give a sequence or a time")
	case at.Seq > 0 && !at.Time.IsZero():
		return State{}, fault.Invalidf("at", "give a sequence or a time, not both")
	}
	src, ok := s.sources[agg.Type]
	if !ok {
		return State{}, fault.Invalidf("aggregateType", "%q has no state to show as of a past point", agg.Type)
	}

	release, err := s.slots.acquire(ctx, team)
	if err != nil {
		return State{}, err
	}
	defer release()
	model := src.New()
	st := State{Team: team, Aggregate: agg}
	f := events.Filter{Team: team, ToSeq: at.Seq, Until: at.Time, SkipTypes: true}
	// A point given by sequence starts from the nearest checkpoint at or
	// before it. (One given by time does not: a checkpoint knows its last
	// event's time as its writer stamped it, not as the log stored it,
	// which is what a time point compares.)
	key := src.AggregateTypes[0] + "/" + team // a source's types are its own
	if at.Seq > 0 {
		if cp := s.checkpoints.before(key, at.Seq); cp != nil {
			if err := model.Restore(cp.snap); err != nil {
				return State{}, fmt.Errorf("%s of team %q as of %s: restore the checkpoint at %d: %w", agg, team, at, cp.seq, err)
			}
			st.Seq, st.Time, f.FromSeq = cp.seq, cp.time, cp.seq+1
		}
	}
	replayed := 0 // events read since the last checkpoint
	// Events the model ignores (names' claims, service ranges: most of a
	// busy team's log) are not decoded; only the last one's time is read,
	// should it be the last event before the point.
	var ignored []byte
	if sel, ok := model.(projection.Selective); ok {
		f.Decode = sel.Handles
	}
	err = s.store.Read(ctx, f, func(r events.Recorded) error {
		replayed++
		if f.Decode != nil && !f.Decode(r.Type) {
			st.Seq, ignored = r.Seq, r.Stored
			return nil
		}
		st.Seq, st.Time, ignored = r.Seq, r.Time, nil
		if r.Data == nil {
			return nil // a type this build does not know; live models skip it too
		}
		if err := model.Apply(r); err != nil {
			return fmt.Errorf("apply event %d (%s): %w", r.Seq, r.Type, err)
		}
		if at.Seq > 0 && replayed >= checkpointEvery {
			// On the way too, not only where the read ends: a later read
			// of an earlier point then starts near it.
			if err := s.checkpoint(model, key, r.Seq, r.Time); err != nil {
				return err
			}
			replayed = 0
		}
		return nil
	})
	if err != nil {
		return State{}, fmt.Errorf("%s of team %q as of %s: %w", agg, team, at, err)
	}
	if ignored != nil {
		var env events.Envelope
		if err := json.Unmarshal(ignored, &env); err != nil {
			return State{}, fmt.Errorf("%s of team %q as of %s: event %d: %w", agg, team, at, st.Seq, err)
		}
		st.Time = env.Time
	}
	if at.Seq > 0 && replayed >= checkpointEvery/4 {
		if err := s.checkpoint(model, key, st.Seq, st.Time); err != nil {
			return State{}, fmt.Errorf("%s of team %q as of %s: %w", agg, team, at, err)
		}
	}
	v, ok := model.Resource(team, agg)
	if !ok {
		return State{}, fault.NotFoundf("%s %q as of %s", agg.Type, agg.ID, at)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return State{}, fmt.Errorf("%s of team %q as of %s: marshal: %w", agg, team, at, err)
	}
	st.Resource, st.JSON = v, b
	return st, nil
}

// checkpoint keeps model, which has applied the team's events up to seq
// (stamped t), as a checkpoint of key.
func (s *Service) checkpoint(model platform.AsOfModel, key string, seq uint64, t time.Time) error {
	snap, err := model.Snapshot()
	if err != nil {
		return fmt.Errorf("checkpoint at %d: %w", seq, err)
	}
	s.checkpoints.add(key, seq, t, snap)
	return nil
}
