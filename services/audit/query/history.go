package query

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// Order is the order history entries come in.
type Order string

// Orders.
const (
	NewestFirst Order = "NEWEST_FIRST"
	OldestFirst Order = "OLDEST_FIRST"
)

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// firstWindow is how many stream sequences a newest-first read looks at
// first; each further window back is twice as large, so a sparse match
// (one resource in a busy team) costs a logarithmic number of reads.
const firstWindow = 512

// HistoryQuery selects events. Zero fields match everything.
type HistoryQuery struct {
	// Team whose events to read. Required, except for system principals,
	// for whom empty means every team; TeamLess is system-only too.
	Team          string
	AggregateType string
	AggregateID   string   // requires AggregateType
	Types         []string // event type names, or short forms naming one (app.created, AppCreated)
	Actor         string   // as recorded ("user:<id>", "system:<name>"), or a username
	FromSeq       uint64   // first sequence, inclusive
	ToSeq         uint64   // last sequence, inclusive
	Since         time.Time
	Until         time.Time // inclusive
	Order         Order     // NewestFirst when empty
	// IncludeStatus keeps agents' status reports (IsStatus) when Types
	// names none; they are left out by default, as heartbeats are not
	// changes a person reads the trail for. Types naming them keeps them.
	IncludeStatus bool
	Limit         int // DefaultLimit when 0, at most MaxLimit
	// Cursor is a previous Page's Next: continue after that sequence in the
	// query's order.
	Cursor uint64
}

// Entry is one event as the audit log shows it.
type Entry struct {
	Seq       uint64              `json:"seq"`
	ID        string              `json:"id"`
	Time      time.Time           `json:"time"`
	Type      string              `json:"type"`
	Version   int                 `json:"version"` // as stored
	Team      string              `json:"team"`
	Aggregate events.AggregateRef `json:"aggregate"`
	Actor     string              `json:"actor"`
	// ActorName is the actor as a person knows it: a user's username,
	// else Actor as recorded.
	ActorName string `json:"actorName"`
	// ResourceName is the name the aggregate was created with ("prod/api"
	// for app api in environment prod; an intercept's app and port), kept
	// after a delete; empty for aggregates without a name.
	ResourceName  string `json:"resourceName,omitempty"`
	CausationID   string `json:"causationId,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
	// Data is the event's data, upcast to the type's current version when
	// this build knows the type (Known), else exactly as stored.
	Data  json.RawMessage `json:"data"`
	Known bool            `json:"known"`
	// Chain is the event's place in the hash chain, with the event as
	// stored; nil for events stored before the chain started.
	Chain *Chain `json:"chain,omitempty"`
}

// Chain is what a verifier needs of an event (package events/chain).
type Chain struct {
	Prev   string `json:"prev"`
	Hash   string `json:"hash"`
	Stored string `json:"stored"` // the JSON envelope as stored
}

// Page is one page of history.
type Page struct {
	Entries []Entry `json:"entries"`
	// Next is the cursor for the following page; 0 when there is none.
	Next uint64 `json:"next,omitempty"`
}

// History returns the events q selects, in q.Order, at most q.Limit of
// them, from the log as it is when the call begins.
func (s *Service) History(ctx context.Context, p auth.Principal, q HistoryQuery) (Page, error) {
	if err := scope(p, q.Team); err != nil {
		return Page{}, err
	}
	types, err := s.resolveTypes(q.Types)
	if err != nil {
		return Page{}, err
	}
	q.Types = types
	if q.Actor, err = s.resolveActor(ctx, q.Actor); err != nil {
		return Page{}, err
	}
	if err := q.normalize(); err != nil {
		return Page{}, err
	}
	release, err := s.slots.acquire(ctx, q.Team)
	if err != nil {
		return Page{}, err
	}
	defer release()
	lo, hi, err := s.bounds(ctx, q)
	if err != nil {
		return Page{}, fmt.Errorf("history of team %q: %w", q.Team, err)
	}
	page := Page{Entries: []Entry{}}
	if lo > hi {
		return page, nil
	}
	// One more than a page tells whether another page follows.
	want := q.Limit + 1
	var got []Entry
	if q.Order == OldestFirst {
		got, err = s.forward(ctx, q, lo, hi, want)
	} else {
		got, err = s.backward(ctx, q, lo, hi, want)
	}
	if err != nil {
		return Page{}, fmt.Errorf("history of team %q: %w", q.Team, err)
	}
	if len(got) > q.Limit {
		got = got[:q.Limit]
		page.Next = got[len(got)-1].Seq
	}
	page.Entries = append(page.Entries, got...)
	if err := s.names.fill(ctx, page.Entries); err != nil {
		return Page{}, fmt.Errorf("history of team %q: %w", q.Team, err)
	}
	return page, nil
}

// normalize validates q and fills defaults.
func (q *HistoryQuery) normalize() error {
	if q.AggregateType != "" {
		if err := checkToken("aggregateType", q.AggregateType); err != nil {
			return err
		}
	}
	if q.AggregateID != "" {
		if q.AggregateType == "" {
			return fault.Invalidf("aggregateType", "is required with aggregateId")
		}
		if err := checkToken("aggregateId", q.AggregateID); err != nil {
			return err
		}
	}
	for _, t := range q.Types {
		if err := checkText("types", t, 256); err != nil {
			return err
		}
	}
	if q.Actor != "" {
		if err := checkText("actor", q.Actor, 256); err != nil {
			return err
		}
	}
	if q.ToSeq > 0 && q.FromSeq > q.ToSeq {
		return fault.Invalidf("fromSeq", "%d is after toSeq %d", q.FromSeq, q.ToSeq)
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until) {
		return fault.Invalidf("since", "%s is after until %s", q.Since.Format(time.RFC3339Nano), q.Until.Format(time.RFC3339Nano))
	}
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 0 || q.Limit > MaxLimit:
		return fault.Invalidf("limit", "%d is not between 1 and %d", q.Limit, MaxLimit)
	}
	switch q.Order {
	case "":
		q.Order = NewestFirst
	case NewestFirst, OldestFirst:
	default:
		return fault.Invalidf("order", "%q is neither %s nor %s", q.Order, NewestFirst, OldestFirst)
	}
	return nil
}

// bounds turns q's sequence range, time range and cursor into one range of
// stream sequences [lo, hi]; lo > hi when nothing can match.
func (s *Service) bounds(ctx context.Context, q HistoryQuery) (lo, hi uint64, err error) {
	hi, err = s.store.LastSeq(ctx)
	if err != nil {
		return 0, 0, err
	}
	lo = max(1, q.FromSeq)
	if q.ToSeq > 0 {
		hi = min(hi, q.ToSeq)
	}
	if !q.Until.IsZero() {
		// Everything before the first event stored after Until.
		after, ok, err := s.seqFrom(ctx, q.Until.Add(time.Nanosecond))
		if err != nil {
			return 0, 0, err
		}
		if ok {
			hi = min(hi, after-1)
		}
	}
	if !q.Since.IsZero() {
		first, ok, err := s.seqFrom(ctx, q.Since)
		if err != nil {
			return 0, 0, err
		}
		if !ok {
			return 1, 0, nil
		}
		lo = max(lo, first)
	}
	if q.Cursor > 0 {
		if q.Order == OldestFirst {
			lo = max(lo, q.Cursor+1)
		} else {
			hi = min(hi, q.Cursor-1)
		}
	}
	return lo, hi, nil
}

// seqFrom returns the sequence of the first event stored at or after t, and
// false when there is none. It asks the stream directly (a direct get by
// start time), which looks the sequence up in the stream's index instead of
// reading events.
func (s *Service) seqFrom(ctx context.Context, t time.Time) (uint64, bool, error) {
	req, err := json.Marshal(map[string]any{"start_time": t.UTC()})
	if err != nil {
		return 0, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	m, err := s.store.Conn().RequestWithContext(ctx, "$JS.API.DIRECT.GET."+events.StreamName, req)
	if err != nil {
		return 0, false, fmt.Errorf("find the first event at %s: %w", t.Format(time.RFC3339Nano), err)
	}
	switch st := m.Header.Get("Status"); st {
	case "":
	case "404":
		return 0, false, nil
	default:
		return 0, false, fmt.Errorf("find the first event at %s: status %s %s", t.Format(time.RFC3339Nano), st, m.Header.Get("Description"))
	}
	seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("find the first event at %s: bad sequence header %q", t.Format(time.RFC3339Nano), m.Header.Get("Nats-Sequence"))
	}
	return seq, true, nil
}

func (q HistoryQuery) filter(lo, hi uint64) events.Filter {
	return events.Filter{
		Team: q.Team, AggType: q.AggregateType, AggID: q.AggregateID, Types: q.Types,
		FromSeq: lo, ToSeq: hi, SkipTypes: true,
	}
}

// matches applies what the subject filter and Read cannot: the actor,
// and leaving out status reports.
func (q HistoryQuery) matches(r events.Recorded) bool {
	if !q.IncludeStatus && len(q.Types) == 0 && IsStatus(r.Type) {
		return false
	}
	return q.Actor == "" || r.Actor == q.Actor
}

// IsStatus reports whether an event type is an agent's status report:
// progress it made (a cluster converging further) and what it saw of its
// apps' rollouts, recorded on change but as often as about once a second.
// The agent's state changes (enrolled, online or offline, a new gateway
// key, its mode) are not status reports. The log's own checkpoints
// (audit.chain.checkpointed, about once a minute per active team) are
// left out of the trail the same way.
func IsStatus(eventType string) bool {
	switch eventType {
	case "infra.cluster.agent-applied", "console.app.rollout-reported", "audit.chain.checkpointed":
		return true
	}
	return false
}

// forward returns the first want matches in [lo, hi], oldest first.
func (s *Service) forward(ctx context.Context, q HistoryQuery, lo, hi uint64, want int) ([]Entry, error) {
	var out []Entry
	err := s.store.Read(ctx, q.filter(lo, hi), func(r events.Recorded) error {
		if !q.matches(r) {
			return nil
		}
		out = append(out, s.entry(r))
		if len(out) >= want {
			return events.ErrStop
		}
		return nil
	})
	return out, err
}

// backward returns the last want matches in [lo, hi], newest first. The log
// reads forward only, so it reads windows of growing size from hi down,
// keeping of each window only the newest matches it still needs.
func (s *Service) backward(ctx context.Context, q HistoryQuery, lo, hi uint64, want int) ([]Entry, error) {
	var out []Entry
	// A window holds more matches than the page needs (a team's newest 20
	// of the hundreds in its window): without an actor to match, which
	// needs the envelope, matching needs only the type, so each window is
	// read undecoded and only what is kept is decoded. Decoding was about
	// a tenth of weft-server's CPU under the load benchmark.
	lazy := q.Actor == ""
	window := uint64(firstWindow)
	for top := hi; len(out) < want; {
		bottom := lo
		if top-lo+1 > window {
			bottom = top - window + 1
		}
		need := want - len(out)
		var tail []events.Recorded // the newest need matches so far, oldest first
		f := q.filter(bottom, top)
		if lazy {
			f.Decode = func(string) bool { return false }
		}
		err := s.store.Read(ctx, f, func(r events.Recorded) error {
			if !q.matches(r) {
				return nil
			}
			tail = append(tail, r)
			if len(tail) >= 2*need { // bound memory on dense windows
				tail = append(tail[:0], tail[len(tail)-need:]...)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(tail) > need {
			tail = tail[len(tail)-need:]
		}
		for i := len(tail) - 1; i >= 0; i-- {
			r := tail[i]
			if lazy {
				if r, err = s.store.Decoded(r, f.SkipTypes); err != nil {
					return nil, err
				}
			}
			out = append(out, s.entry(r))
		}
		if bottom == lo {
			break
		}
		top = bottom - 1
		window = min(window*2, 1<<24)
	}
	return out, nil
}

// entry shows r with its data upcast when the type is known.
func (s *Service) entry(r events.Recorded) Entry {
	e := Entry{
		Seq: r.Seq, ID: r.ID, Time: r.Time, Type: r.Type, Version: r.Version, Team: r.Team,
		Aggregate: r.Aggregate, Actor: r.Actor, CausationID: r.CausationID, CorrelationID: r.CorrelationID,
		Data: r.Raw,
	}
	if r.Link.Hash != "" {
		e.Chain = &Chain{Prev: r.Link.Prev, Hash: r.Link.Hash, Stored: string(r.Stored)}
	}
	if r.Data != nil {
		b, err := json.Marshal(r.Data)
		if err != nil {
			// Marshalling what was unmarshalled cannot fail for sane types;
			// if it does, the stored data is still the truth.
			s.log.Warn("marshal upcast event data; showing it as stored", "seq", r.Seq, "type", r.Type, "err", err)
		} else {
			e.Data, e.Known = b, true
		}
	}
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("null")
	}
	return e
}
