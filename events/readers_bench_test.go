package events_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
)

// BenchmarkPointLoadsBesideScansAndBatches measures what a command waits
// for to load one small aggregate while others scan a long history (as
// audit reads do) and commit atomic batches (as creations do): p50 and
// p99 of the load, with the store's reads over its one connection and over
// reader connections of their own (WithReaders).
func BenchmarkPointLoadsBesideScansAndBatches(b *testing.B) {
	for _, c := range []struct{ readers, scans, batches int }{{0, 4, 0}, {4, 4, 0}, {0, 0, 8}, {4, 0, 8}, {0, 4, 8}, {4, 4, 8}} {
		readers := c.readers
		b.Run(fmt.Sprintf("readers=%d/scans=%d/batches=%d", c.readers, c.scans, c.batches), func(b *testing.B) {
			_, env := benchStore(b)
			var conns []*nats.Conn
			for i := range readers {
				nc, err := env.Server.Connect(fmt.Sprintf("reader-%d", i))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(nc.Close)
				conns = append(conns, nc)
			}
			r := events.NewRegistry()
			events.Register[payload](r, "bench.created", 1)
			store := events.NewStore(env.Conn, r, events.WithReaders(conns...))
			ctx := context.Background()
			// A long history (scanned) and many small aggregates (loaded).
			for i := range 2000 {
				if _, err := store.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "range", ID: "big"}, Actor: "user:bench", Data: sample(i)}); err != nil {
					b.Fatal(err)
				}
			}
			for i := range 200 {
				if _, err := store.Append(ctx, 0, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "device", ID: fmt.Sprintf("p%d", i)}, Actor: "user:bench", Data: sample(i)}); err != nil {
					b.Fatal(err)
				}
			}
			bg, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for range c.scans { // audit-like scans
				wg.Go(func() {
					for bg.Err() == nil {
						_ = store.Read(bg, events.Filter{Team: "acme", AggType: "range", AggID: "big"}, func(events.Recorded) error { return nil })
					}
				})
			}
			for w := range c.batches { // creations' batches
				wg.Go(func() {
					for i := 0; bg.Err() == nil; i++ {
						id := fmt.Sprintf("w%d-%d", w, i)
						_, _ = store.AppendAll(bg,
							events.Write{Expected: 0, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: "app", ID: id}, Actor: "user:bench", Data: sample(i)}}},
							events.Write{Expected: 0, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: "name", ID: id}, Actor: "user:bench", Data: sample(i)}}})
					}
				})
			}
			var lat []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				if _, _, err := store.Load(ctx, "acme", events.AggregateRef{Type: "device", ID: fmt.Sprintf("p%d", i%200)}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			stop()
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
