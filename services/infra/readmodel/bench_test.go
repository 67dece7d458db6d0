package readmodel_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/uniq"
)

const benchEvents = 50_000

// mixedLog appends about n infra events over 50 teams, as the handlers
// would write them: device lifecycles (allocate, create, claim name,
// rotate key, and for half of them release, delete, free name) and now and
// then a cluster (allocate, range, create, claim, enrol, gateway). Teams
// are appended in parallel, each in order.
func mixedLog(b *testing.B, ctx context.Context, store *events.Store, n int) uint64 {
	const teams = 50
	perTeam := make([][]events.Event, teams)
	count := 0
	put := func(t int, aggType, id string, data any) {
		perTeam[t] = append(perTeam[t], events.Event{Team: fmt.Sprintf("team%d", t), Aggregate: events.AggregateRef{Type: aggType, ID: id}, Actor: "user:bench", Data: data})
		count++
	}
	for i := 0; count < n; i++ {
		t := i % teams
		ip := fmt.Sprintf("100.64.%d.%d", (i/teams)/254, (i/teams)%254+1)
		id := fmt.Sprintf("d%d", i)
		name := fmt.Sprintf("dev-%d", i)
		put(t, domain.NetworkAggregate, domain.NetworkID, domain.AddressAllocated{IP: ip, OwnerKind: domain.OwnerDevice, OwnerID: id})
		put(t, domain.DeviceAggregate, id, domain.DeviceCreated{ID: id, Name: name, Kind: domain.KindDevice, Owner: "u", PublicKey: key, IP: ip})
		put(t, uniq.AggregateType, "device-"+name, uniq.NameClaimed{Kind: "device", Name: name, Owner: id})
		put(t, domain.DeviceAggregate, id, domain.DeviceKeyRotated{ID: id, PublicKey: key})
		if i%2 == 0 {
			put(t, domain.NetworkAggregate, domain.NetworkID, domain.AddressReleased{IP: ip, OwnerID: id})
			put(t, domain.DeviceAggregate, id, domain.DeviceDeleted{ID: id, Name: name, IP: ip})
			put(t, uniq.AggregateType, "device-"+name, uniq.NameReleased{Kind: "device", Name: name, Owner: id})
		}
		if i%20 == 0 {
			cid := fmt.Sprintf("c%d", i)
			put(t, domain.NetworkAggregate, domain.NetworkID, domain.AddressAllocated{IP: "100.79.0.1", OwnerKind: domain.OwnerCluster, OwnerID: cid})
			put(t, domain.NetworkAggregate, domain.NetworkID, domain.RangeAllocated{CIDR: "100.80.0.0/20", ClusterID: cid})
			put(t, domain.ClusterAggregate, cid, domain.ClusterCreated{ID: cid, Name: cid, GatewayIP: "100.79.0.1", ServiceRange: "100.80.0.0/20", EnrolmentSecretHash: domain.HashSecret(cid)})
			put(t, domain.ClusterAggregate, cid, domain.ClusterEnrolled{ID: cid})
			put(t, domain.ClusterAggregate, cid, domain.ClusterGatewayReported{ID: cid, PublicKey: key, Endpoint: "gw.example.com:51820"})
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, teams)
	for _, evs := range perTeam {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range evs {
				if _, err := store.Append(ctx, events.AnyVersion, e); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	last, err := store.LastSeq(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return last
}

// BenchmarkProjection compares building the infra read model from the whole
// log (a fresh projection.Runner: consume, decode, apply) with the physical
// limit, a raw ordered-consumer read of the same stream, in the same run.
// Metrics: model/s and raw/s are events per second, ratio is model/raw.
func BenchmarkProjection(b *testing.B) {
	ctx := context.Background()
	env := eventstest.Start(b)
	store := events.NewStore(env.Conn, registry())
	js, err := jetstream.New(env.Conn)
	if err != nil {
		b.Fatal(err)
	}
	total := mixedLog(b, ctx, store, benchEvents)

	var tModel, tRaw time.Duration
	runs := 0
	for b.Loop() {
		start := time.Now()
		cons, err := js.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{})
		if err != nil {
			b.Fatal(err)
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(4096))
		if err != nil {
			b.Fatal(err)
		}
		for range total {
			if _, err := it.Next(); err != nil {
				b.Fatal(err)
			}
		}
		it.Stop()
		tRaw += time.Since(start)

		start = time.Now()
		m := readmodel.New()
		r := projection.New(store, m, projection.Config{Name: fmt.Sprintf("infra-bench-%d", runs), SnapshotEvery: 1 << 30})
		if err := r.Start(ctx); err != nil {
			b.Fatal(err)
		}
		if err := r.WaitFor(ctx, total); err != nil {
			b.Fatal(err)
		}
		tModel += time.Since(start)
		b.StopTimer()
		if err := r.Stop(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		runs++
	}
	b.ReportMetric(0, "ns/op")
	model := float64(runs) * float64(total) / tModel.Seconds()
	raw := float64(runs) * float64(total) / tRaw.Seconds()
	b.ReportMetric(model, "model-events/s")
	b.ReportMetric(raw, "raw-events/s")
	b.ReportMetric(model/raw, "ratio")
}
