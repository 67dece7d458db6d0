package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
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
func (s *Store) LoadAfter(ctx context.Context, team string, agg AggregateRef, after uint64, fn func(Recorded) error) (uint64, error) {
	subject := Subject(team, agg)
	inbox := s.nc.NewRespInbox()
	sub, err := s.nc.SubscribeSync(inbox)
	if err != nil {
		return 0, fmt.Errorf("load %s: %w", subject, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	version := after
	from := after + 1
	for {
		req, _ := json.Marshal(map[string]any{"seq": from, "next_by_subj": subject, "batch": 512})
		if err := s.nc.PublishRequest(s.prefix+".DIRECT.GET."+s.stream, inbox, req); err != nil {
			return 0, fmt.Errorf("load %s: %w", subject, err)
		}
		more := false
		for {
			m, err := sub.NextMsgWithContext(ctx)
			if err != nil {
				return 0, fmt.Errorf("load %s: %w", subject, err)
			}
			switch m.Header.Get("Status") {
			case "":
			case "404": // nothing (more) on the subject
				return version, nil
			case "204": // end of this batch
				pending, _ := strconv.ParseUint(m.Header.Get("Nats-Num-Pending"), 10, 64)
				if pending == 0 {
					return version, nil
				}
				more = true
			default:
				return 0, fmt.Errorf("load %s: direct get: status %s %s", subject, m.Header.Get("Status"), m.Header.Get("Description"))
			}
			if more {
				break
			}
			seq, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("load %s: bad sequence header %q", subject, m.Header.Get("Nats-Sequence"))
			}
			rec, err := s.Decode(seq, m.Data)
			if err != nil {
				return 0, fmt.Errorf("load %s: %w", subject, err)
			}
			if err := fn(rec); err != nil {
				return 0, err
			}
			version, from = seq, seq+1
		}
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
		cfg.FilterSubjects = []string{FilterSubject(f.Team, f.AggType, f.AggID)}
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
			if err := s.deliver(seq, m.Data(), f.SkipTypes, fn); err != nil {
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

func (s *Store) deliver(seq uint64, body []byte, lenient bool, fn func(Recorded) error) error {
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
	return fn(rec)
}

// LastSeq is the stream's last sequence: everything appended so far.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return 0, fmt.Errorf("stream info: %w", err)
	}
	st, err := js.Stream(ctx, s.stream)
	if err != nil {
		return 0, fmt.Errorf("stream info: %w", err)
	}
	return st.CachedInfo().State.LastSeq, nil
}
