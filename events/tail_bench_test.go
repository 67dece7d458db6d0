package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"weft.dev/events"
)

// BenchmarkReadsOfTheLogsEnd measures the reads weft-server makes most
// often, on a log of 20,000 events over five teams: a team's newest page
// (its last 500 sequences, filtered to the team) and a command's load of
// one small aggregate; each from the stream with direct gets and from the
// tail (WithTail), beside the raw baseline: one JetStream direct get of one
// message by sequence, in the same run.
func BenchmarkReadsOfTheLogsEnd(b *testing.B) {
	_, env := benchStore(b)
	r := events.NewRegistry()
	events.Register[payload](r, "bench.created", 1)
	ctx := context.Background()
	plain := events.NewStore(env.Conn, r)
	for i := range 20000 {
		team := fmt.Sprintf("team%d", i%5)
		if _, err := plain.Append(ctx, events.AnyVersion, events.Event{Team: team, Aggregate: events.AggregateRef{Type: "app", ID: fmt.Sprintf("a%d", i%4000)}, Actor: "user:bench", Data: sample(i)}); err != nil {
			b.Fatal(err)
		}
	}
	tail := events.NewStore(env.Conn, r, events.WithTail(64<<20))
	stop, err := tail.StartTail(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(stop)
	last, err := plain.LastSeq(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("raw/direct-get-one", func(b *testing.B) {
		req, _ := json.Marshal(map[string]uint64{"seq": last})
		for b.Loop() {
			if _, err := env.Conn.Request("$JS.API.DIRECT.GET."+events.StreamName, req, 5*time.Second); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, s := range []struct {
		name  string
		store *events.Store
	}{{"stream", plain}, {"tail", tail}} {
		b.Run(s.name+"/team-page", func(b *testing.B) {
			f := events.Filter{Team: "team3", FromSeq: last - 499, ToSeq: last}
			for b.Loop() {
				n := 0
				if err := s.store.Read(ctx, f, func(events.Recorded) error { n++; return nil }); err != nil || n != 100 {
					b.Fatalf("read %d events: %v", n, err)
				}
			}
		})
		b.Run(s.name+"/load", func(b *testing.B) {
			ref := events.AggregateRef{Type: "app", ID: "a17"}
			for b.Loop() {
				if recs, _, err := s.store.Load(ctx, "team2", ref); err != nil || len(recs) != 5 {
					b.Fatalf("load: %d events: %v", len(recs), err)
				}
			}
		})
	}
}
