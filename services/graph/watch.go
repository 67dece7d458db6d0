package graph

import (
	"context"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
)

// Watch sends the EVENTS sequence of every event appended to the
// aggregate's subject after it returns, until ctx ends; then it closes the
// channel. Subscriptions use it as a doorbell: on each sequence they wait
// for their read model to apply it and send the fresh view, so what a
// subscriber sees is what a query with that minSeq would show. The caller
// checks team and id (subject tokens) before.
func Watch(ctx context.Context, nc *nats.Conn, team, aggType, aggID string) (<-chan uint64, error) {
	for field, tok := range map[string]string{"team": team, "aggregateType": aggType, "id": aggID} {
		if err := events.ValidateToken(field, tok); err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, fmt.Errorf("watch %s %s: %w", aggType, aggID, err)
	}
	cons, err := js.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.FilterSubject(team, aggType, aggID)},
		DeliverPolicy:  jetstream.DeliverNewPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("watch %s %s: create consumer: %w", aggType, aggID, err)
	}
	ch := make(chan uint64, 16)
	// mu keeps a late callback from sending on the closed channel.
	var mu sync.Mutex
	closed := false
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return
		}
		select {
		case ch <- md.Sequence.Stream:
		case <-ctx.Done():
		}
	})
	if err != nil {
		return nil, fmt.Errorf("watch %s %s: %w", aggType, aggID, err)
	}
	go func() {
		<-ctx.Done()
		cc.Stop()
		mu.Lock()
		closed = true
		close(ch)
		mu.Unlock()
	}()
	return ch, nil
}

// Through is the sequence a subscription reads at after Watch sent seq:
// the stream's last sequence now, which covers every event appended
// atomically with seq (a command's batch is stored as a whole, but
// another aggregate's part of it may come after seq), so a view never
// shows half a command. It is seq itself should the stream not answer.
func Through(ctx context.Context, store *events.Store, seq uint64) uint64 {
	last, err := store.LastSeq(ctx)
	if err != nil {
		return seq
	}
	return max(seq, last)
}
