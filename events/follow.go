package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/kernel/supervise"
)

// follow runs one of the store's own consumers of every event, handing
// each to fn in order on one goroutine: from now on when start is 0,
// else from sequence start. what names it in logs. stop ends it, waits
// until fn is no longer running, and deletes the consumer on the server
// (a stopped ordered consumer would otherwise count against the stream's
// limit of consumers until its inactivity threshold).
//
// An ordered consumer recovers from gaps and lost heartbeats by itself,
// but not from one that heartbeats and delivers nothing: a consumer on a
// replica left behind its leader (supervise.WatchStall). follow watches
// for that and replaces the consumer after the last event fn was given.
func (s *Store) follow(ctx context.Context, start uint64, what string, fn func(jetstream.Msg)) (stop func(), err error) {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return nil, err
	}
	if start == 0 {
		// From the leader's end, not DeliverNew: a replacement must know
		// where the first consumer began.
		last, err := s.LeaderLastSeq(ctx)
		if err != nil {
			return nil, fmt.Errorf("follow the log: %w", err)
		}
		start = last + 1
	}
	f := &follower{s: s, js: js, what: what, fn: fn, r: supervise.NewReader(start - 1)}
	if err := f.open(ctx, start); err != nil {
		return nil, err
	}
	watch := supervise.NewGroup(context.Background())
	watch.Go(f.watch)
	return func() {
		watch.Stop()
		f.mu.Lock()
		defer f.mu.Unlock()
		f.close()
	}, nil
}

// follower is one consumer of follow's, replaced when it stalls.
type follower struct {
	s    *Store
	js   jetstream.JetStream
	what string
	fn   func(jetstream.Msg)
	r    *supervise.Reader

	mu   sync.Mutex // guards the consumer against replacement while stopped
	cons jetstream.Consumer
	cc   jetstream.ConsumeContext
}

// open starts a consumer from sequence from.
func (f *follower) open(ctx context.Context, from uint64) error {
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{SubjectPrefix + ".>"},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    from,
		// Should the process go away without deleting it.
		InactiveThreshold: time.Minute,
	}
	cons, err := f.js.OrderedConsumer(ctx, f.s.stream, cfg)
	if err != nil {
		return fmt.Errorf("create consumer: %w", err)
	}
	f.r.Waiting()
	cc, err := cons.Consume(func(m jetstream.Msg) {
		if md, err := m.Metadata(); err == nil {
			f.r.Got(md.Sequence.Stream)
		}
		f.fn(m)
		f.r.Waiting()
	}, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		f.s.log.Warn(f.what+" consumer", "err", err)
	}))
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	f.cons, f.cc = cons, cc
	return nil
}

// close stops the consumer, waits for its callback to return, and
// deletes it on the server.
func (f *follower) close() {
	f.cc.Stop()
	<-f.cc.Closed()
	info := f.cons.CachedInfo()
	if info == nil {
		return
	}
	dctx, cancel := context.WithTimeout(context.Background(), f.s.timeout)
	defer cancel()
	if err := f.js.DeleteConsumer(dctx, f.s.stream, info.Name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		f.s.log.Warn("delete the "+f.what+" consumer", "consumer", info.Name, "err", err)
	}
}

// watch replaces the consumer each time it stalls, until ctx ends.
func (f *follower) watch(ctx context.Context) {
	for {
		err := supervise.WatchStall(ctx, f.s.stall, f.r, f.s.LeaderLastSeq)
		if err == nil {
			return
		}
		f.s.log.Warn("replacing the "+f.what+" consumer", "err", err)
		f.mu.Lock()
		f.close()
		for {
			err := f.open(ctx, f.r.Position()+1)
			if err == nil || ctx.Err() != nil {
				break
			}
			f.s.log.Warn("replace the "+f.what+" consumer", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
		f.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
	}
}

// LeaderLastSeq is the log's last sequence as the stream's leader knows
// it. LastSeq's direct get may be answered by any replica, one as far
// behind as a stalled consumer among them.
func (s *Store) LeaderLastSeq(ctx context.Context) (uint64, error) {
	js, err := jetstream.New(s.nc)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	st, err := js.Stream(ctx, s.stream)
	if err != nil {
		return 0, err
	}
	return st.CachedInfo().State.LastSeq, nil
}

// LeaderLastSeqOf is the sequence of the log's last event on subjects
// matching filter (0: none), as the stream's leader knows it: a get of
// the stream's message API, which only the leader answers, not a direct
// get.
func (s *Store) LeaderLastSeqOf(ctx context.Context, filter string) (uint64, error) {
	body, err := json.Marshal(map[string]string{"last_by_subj": filter})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	m, err := s.nc.RequestWithContext(ctx, s.prefix+".STREAM.MSG.GET."+s.stream, body)
	if err != nil {
		return 0, fmt.Errorf("last sequence of %s: %w", filter, err)
	}
	var resp struct {
		Message *struct {
			Seq uint64 `json:"seq"`
		} `json:"message"`
		Error *struct {
			Code    int    `json:"code"`
			ErrCode int    `json:"err_code"`
			Desc    string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(m.Data, &resp); err != nil {
		return 0, fmt.Errorf("last sequence of %s: %w", filter, err)
	}
	switch {
	case resp.Error != nil && resp.Error.Code == 404:
		return 0, nil
	case resp.Error != nil:
		return 0, fmt.Errorf("last sequence of %s: %s (%d)", filter, resp.Error.Desc, resp.Error.ErrCode)
	case resp.Message == nil:
		return 0, fmt.Errorf("last sequence of %s: an answer with no message", filter)
	}
	return resp.Message.Seq, nil
}
