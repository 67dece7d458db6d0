package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/gateway"
	"weft.dev/kernel/supervise"
	"weft.dev/services/accounts/domain"
)

// logRights is the gateway's RightsFeed when the accounts service runs in
// another process: it follows the accounts events that may narrow a user's
// rights in the log itself, and hands each on once the remote accounts
// service has applied it, so that the re-check it causes sees the change.
type logRights struct {
	store *events.Store
	auth  *remoteAuthenticator
	log   *slog.Logger
	sup   *supervise.Supervisor
	// stall is how often the follower, while it waits, asks the stream's
	// leader whether it misses events (supervise.WatchStall); 0: its default.
	stall time.Duration
}

var _ gateway.RightsFeed = (*logRights)(nil)

// WatchRights reads new events of teams and tokens from the log until ctx
// ends, starting again after the last one it saw (after the supervisor's
// backoff) when the consumer breaks.
func (l *logRights) WatchRights(ctx context.Context, fn func(userID string)) {
	var after uint64
	_ = l.sup.Run(ctx, supervise.Component{Name: "gateway/rights", Run: func(ctx context.Context) error {
		return l.follow(ctx, &after, fn)
	}})
}

func (l *logRights) follow(ctx context.Context, after *uint64, fn func(string)) error {
	// This process may host no accounts service, so its store may not
	// know accounts' types: decode them with a registry of their own.
	reg := events.NewRegistry()
	domain.Register(reg)
	js, err := jetstream.New(l.store.Conn())
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	filters := []string{
		events.FilterSubject("", domain.TeamAggregate, ""),
		events.FilterSubject(domain.NoTeam, domain.TokenAggregate, ""),
	}
	if *after == 0 {
		// From the leader's last event of these subjects rather than
		// DeliverNew: the stall watch below needs to know where it began.
		last, err := l.lastOf(ctx, filters)
		if err != nil {
			return err
		}
		*after = last
	}
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: filters,
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: *after + 1}
	cons, err := js.OrderedConsumer(ctx, events.StreamName, cfg)
	if err != nil {
		return fmt.Errorf("create consumer: %w", err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("consume: %w", err)
	}
	defer it.Stop()
	stop := context.AfterFunc(ctx, it.Stop)
	defer stop()
	// A consumer that heartbeats and delivers nothing while the log has
	// rights changes for it (one left on a replica behind its leader) is
	// replaced: a revoked token's sockets must not stay open because of it.
	reader := supervise.NewReader(*after)
	stalled, unwatch := supervise.WatchBeside(ctx, l.stall, reader, func(ctx context.Context) (uint64, error) { return l.lastOf(ctx, filters) }, it.Stop)
	defer unwatch()
	for {
		reader.Waiting()
		m, err := it.Next()
		if err != nil {
			if err := stalled(); err != nil {
				return err
			}
			return fmt.Errorf("next: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		seq := md.Sequence.Stream
		reader.Got(seq)
		*after = seq
		var env events.Envelope
		if err := json.Unmarshal(m.Data(), &env); err != nil {
			l.log.Error("an accounts event that is not an envelope", "seq", seq, "err", err)
			continue
		}
		data, err := reg.Decode(env.Type, env.Version, env.Data)
		if err != nil {
			l.log.Error("decode an accounts event", "seq", seq, "err", err)
			continue
		}
		user := domain.NarrowedUser(data)
		if user == "" {
			continue
		}
		if err := l.auth.waitApplied(ctx, seq); err != nil {
			// Re-check anyway: at worst it sees the old rights and the
			// next operation checks again.
			l.log.Warn("the accounts service did not confirm a rights change", "seq", seq, "err", err)
		}
		fn(user)
	}
}

// lastOf is the sequence of the log's last event on any of filters, as
// the stream's leader knows it.
func (l *logRights) lastOf(ctx context.Context, filters []string) (uint64, error) {
	var last uint64
	for _, f := range filters {
		seq, err := l.store.LeaderLastSeqOf(ctx, f)
		if err != nil {
			return 0, err
		}
		last = max(last, seq)
	}
	return last, nil
}
