package events_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
)

// payload is a typical small event: its envelope is ~256 bytes.
type payload struct {
	Name string `json:"name"`
	IP   string `json:"ip"`
	Key  string `json:"publicKey"`
}

func benchStore(b *testing.B) (*events.Store, *eventstest.Env) {
	env := eventstest.Start(b)
	r := events.NewRegistry()
	events.Register[payload](r, "bench.created", 1)
	return events.NewStore(env.Conn, r), env
}

func sample(i int) payload {
	return payload{Name: fmt.Sprintf("device-%d", i), IP: "100.64.1.2", Key: "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="}
}

// rawMsg is what a raw JetStream client would publish for the same event:
// the same headers, with values as long as the store's, and body.
func rawMsg(subject string, body []byte, expected uint64, id string) *nats.Msg {
	m := nats.NewMsg(subject)
	m.Header.Set(events.HeaderMsgID, id)
	m.Header.Set(events.HeaderEventType, "bench.created")
	m.Header.Set("Nats-Expected-Last-Subject-Sequence", strconv.FormatUint(expected, 10))
	m.Data = body
	return m
}

// rawID is as long as the store's event ids (UUIDs).
func rawID(i int) string { return fmt.Sprintf("raw-%032d", i) }

// rawSubject is as long as the store's subject for the same aggregate
// ("ev.acme.device.dN").
func rawSubject(a int) string { return "ev.rawx.device.d" + strconv.Itoa(a) }

// rawConn is the baseline's own connection. The server sizes its read
// buffer per connection from the reads it sees (512 bytes to start, doubled
// when a read fills it, halved after short reads), and a store message is
// about 520 bytes on the wire: sharing one connection let each side's
// traffic change what the other's costs.
func rawConn(b *testing.B, env *eventstest.Env) *nats.Conn {
	nc, err := env.Server.Connect("bench-raw")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	return nc
}

// envelope is the body the store writes for the same event: the raw side
// publishes bytes of the same size.
func envelope(b *testing.B, store *events.Store, i int) []byte {
	m, err := events.BuildMessage(store, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "device", ID: "d" + strconv.Itoa(i%benchAggregates)}, Actor: "user:bench", Data: sample(i)})
	if err != nil {
		b.Fatal(err)
	}
	return m.Data
}

const benchAggregates = 1000

// BenchmarkAppendSync appends one event at a time, round-robin over 1,000
// aggregates, each with the expected-version check, and in the same run a
// raw JetStream request-publish of the same message. Reports both and the
// ratio (store throughput / raw throughput).
func BenchmarkAppendSync(b *testing.B) {
	store, env := benchStore(b)
	nc := rawConn(b, env)
	ctx := context.Background()
	storeVer := make([]uint64, benchAggregates)
	rawVer := make([]uint64, benchAggregates)
	var tStore, tRaw time.Duration
	raw := func(i, a int) {
		// What a raw client publishes is ready before its clock starts:
		// its own id, subject and body are not its cost.
		id, subject, body := rawID(i), rawSubject(a), envelope(b, store, i)
		start := time.Now()
		resp, err := nc.RequestMsg(rawMsg(subject, body, rawVer[a], id), 5*time.Second)
		if err != nil || resp.Header.Get("Status") != "" {
			b.Fatalf("raw publish: %v", err)
		}
		seq, ok := ackSeq(resp.Data)
		if !ok {
			b.Fatalf("raw publish: %s", resp.Data)
		}
		rawVer[a] = seq
		tRaw += time.Since(start)
	}
	weft := func(i, a int) {
		// Likewise the event a command decided on.
		ev := events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "device", ID: "d" + strconv.Itoa(a)}, Actor: "user:bench", Data: sample(i)}
		start := time.Now()
		app, err := store.Append(ctx, storeVer[a], ev)
		if err != nil {
			b.Fatal(err)
		}
		storeVer[a] = app.LastSeq
		tStore += time.Since(start)
	}
	i := 0
	for b.Loop() {
		// Which goes first alternates: the second of a pair finds the
		// connection's and the server's goroutines just woken by the first.
		a := i % benchAggregates
		if i%2 == 0 {
			raw(i, a)
			weft(i, a)
		} else {
			weft(i, a)
			raw(i, a)
		}
		i++
	}
	report(b, i, tStore, tRaw)
}

func ackSeq(data []byte) (uint64, bool) {
	// {"stream":"EVENTS","seq":N...}
	const key = `"seq":`
	s := string(data)
	k := -1
	for j := 0; j+len(key) <= len(s); j++ {
		if s[j:j+len(key)] == key {
			k = j + len(key)
			break
		}
	}
	if k < 0 {
		return 0, false
	}
	e := k
	for e < len(s) && s[e] >= '0' && s[e] <= '9' {
		e++
	}
	n, err := strconv.ParseUint(s[k:e], 10, 64)
	return n, err == nil
}

func report(b *testing.B, n int, tStore, tRaw time.Duration) {
	b.ReportMetric(0, "ns/op")
	storeRate := float64(n) / tStore.Seconds()
	rawRate := float64(n) / tRaw.Seconds()
	b.ReportMetric(storeRate, "weft/s")
	b.ReportMetric(rawRate, "raw/s")
	b.ReportMetric(storeRate/rawRate, "ratio")
}

// BenchmarkAppendPipelined keeps one append in flight per aggregate across
// 64 concurrent writers over 1,000 aggregates, against raw publishes with
// the same concurrency and headers.
func BenchmarkAppendPipelined(b *testing.B) {
	store, env := benchStore(b)
	nc := rawConn(b, env)
	ctx := context.Background()
	body := envelope(b, store, 0)
	const writers = 64
	// run does appends from to to-1 with one; vers holds each writer's
	// aggregates' versions across runs.
	run := func(from, to int, one func(w, a, i int, ver uint64) (uint64, error), vers []map[int]uint64) time.Duration {
		var next atomic.Int64
		next.Store(int64(from))
		var wg sync.WaitGroup
		start := time.Now()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= to {
						return
					}
					// Writer w owns aggregates w, w+64, ... (below 960, a
					// multiple of 64, so no two writers share one): one
					// append in flight per aggregate.
					a := w + writers*((i/writers)%(benchAggregates/writers))
					v, err := one(w, a, i, vers[w][a])
					if err != nil {
						b.Error(err)
						return
					}
					vers[w][a] = v
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	newVers := func() []map[int]uint64 {
		v := make([]map[int]uint64, writers)
		for w := range v {
			v[w] = map[int]uint64{}
		}
		return v
	}
	// Both sides' inputs are made before the clock starts, as in
	// BenchmarkAppendSync: the raw ids and subjects, the events.
	n := b.N
	rawIDs, evs := make([]string, n), make([]events.Event, n)
	for i := range n {
		rawIDs[i] = rawID(i)
		evs[i] = events.Event{Team: "acme", Actor: "user:bench", Data: sample(i)}
	}
	aggIDs, rawSubjects := make([]string, benchAggregates), make([]string, benchAggregates)
	for a := range benchAggregates {
		aggIDs[a], rawSubjects[a] = "d"+strconv.Itoa(a), rawSubject(a)
	}
	raw := func(w, a, i int, ver uint64) (uint64, error) {
		resp, err := nc.RequestMsg(rawMsg(rawSubjects[a], body, ver, rawIDs[i]), 5*time.Second)
		if err != nil {
			return 0, err
		}
		seq, ok := ackSeq(resp.Data)
		if !ok {
			return 0, fmt.Errorf("raw: %s", resp.Data)
		}
		return seq, nil
	}
	weft := func(w, a, i int, ver uint64) (uint64, error) {
		ev := evs[i]
		ev.Aggregate = events.AggregateRef{Type: "device", ID: aggIDs[a]}
		app, err := store.Append(ctx, ver, ev)
		return app.LastSeq, err
	}
	// Rounds that alternate which goes first: the stream and the server's
	// de-duplication window grow as the run goes, so one phase after the
	// other favoured whichever ran first.
	const rounds = 10
	rawVers, weftVers := newVers(), newVers()
	b.ResetTimer()
	var tRaw, tStore time.Duration
	for r := range rounds {
		from, to := n*r/rounds, n*(r+1)/rounds
		if r%2 == 0 {
			tRaw += run(from, to, raw, rawVers)
			tStore += run(from, to, weft, weftVers)
		} else {
			tStore += run(from, to, weft, weftVers)
			tRaw += run(from, to, raw, rawVers)
		}
	}
	report(b, n, tStore, tRaw)
}

// BenchmarkReplay reads 100,000 events with decoding through Store.Replay
// and, in the same run, the same stream raw with an ordered consumer.
func BenchmarkReplay(b *testing.B) {
	store, env := benchStore(b)
	ctx := context.Background()
	const total = 100_000
	js, _ := jetstream.New(env.Conn)
	var futures []jetstream.PubAckFuture
	for i := range total {
		_, m, _ := msgFor(store, i)
		f, err := js.PublishMsgAsync(m)
		if err != nil {
			b.Fatal(err)
		}
		futures = append(futures, f)
	}
	<-js.PublishAsyncComplete()
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			b.Fatal(err)
		}
	}
	var tStore, tRaw time.Duration
	reads := 0
	for b.Loop() {
		start := time.Now()
		n := 0
		cons, err := js.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{})
		if err != nil {
			b.Fatal(err)
		}
		it, _ := cons.Messages(jetstream.PullMaxMessages(4096))
		for n < total {
			if _, err := it.Next(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		it.Stop()
		tRaw += time.Since(start)

		start = time.Now()
		n = 0
		if err := store.Replay(ctx, events.Filter{}, func(r events.Recorded) error {
			if r.Data == nil {
				return fmt.Errorf("not decoded")
			}
			n++
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if n != total {
			b.Fatalf("replayed %d of %d", n, total)
		}
		tStore += time.Since(start)
		reads += total
	}
	report(b, reads, tStore, tRaw)
}

// msgFor builds the message the store would append for event i.
func msgFor(store *events.Store, i int) (events.Event, *nats.Msg, error) {
	e := events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "device", ID: "d" + strconv.Itoa(i%benchAggregates)}, Actor: "user:bench", Data: sample(i), Time: time.Unix(1700000000, 0)}
	m, err := events.BuildMessage(store, e)
	return e, m, err
}

// BenchmarkAppendAtomicConcurrent is 50 writers each appending atomic
// batches of two writes (two aggregates, as a command with a name claim
// does), the store committing batches that wait together (group.go),
// against 50 raw clients publishing the same batches (ADR-50 headers) on
// their own: on a one-replica file stream each atomic batch is staged and
// synced on disk, so the raw rate is bounded by that sync.
func BenchmarkAppendAtomicConcurrent(b *testing.B) { benchAtomic(b, false) }

// BenchmarkAppendAtomicSharedAggregate is BenchmarkAppendAtomicConcurrent
// with each batch's first write on one aggregate all writers share,
// without a version check (as every creation in a cluster appends to the
// cluster's service range): the store chains them onto each other in the
// batches it commits together (linkDeferred). The raw clients publish the
// same shared subject without any check.
func BenchmarkAppendAtomicSharedAggregate(b *testing.B) { benchAtomic(b, true) }

func benchAtomic(b *testing.B, shared bool) {
	store, env := benchStore(b)
	nc := rawConn(b, env)
	const writers = 50
	var tStore, tRaw time.Duration
	n := 0
	run := func(one func(w, i int)) time.Duration {
		var wg sync.WaitGroup
		start := time.Now()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					one(w, i)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	ctx := context.Background()
	round := 0
	for b.Loop() {
		round++
		tStore += run(func(w, i int) {
			id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
			first := events.Write{Expected: 0, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: "device", ID: id}, Actor: "user:bench", Data: sample(i)}}}
			if shared {
				first = events.Write{Expected: events.AnyVersion, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: "range", ID: "shared"}, Actor: "user:bench", Data: sample(i)}}}
			}
			_, err := store.AppendAll(ctx, first,
				events.Write{Expected: 0, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: "name", ID: id}, Actor: "user:bench", Data: sample(i)}}})
			if err != nil {
				b.Error(err)
			}
		})
		tRaw += run(func(w, i int) {
			id := fmt.Sprintf("r%d-w%d-%d", round, w, i)
			batch := "raw-" + id
			m1 := rawMsg("ev.rawx.device."+id, envelope(b, store, i), 0, rawID(round*100000+w*100+i))
			if shared {
				m1 = rawMsg("ev.rawx.range.shared", envelope(b, store, i), 0, rawID(round*100000+w*100+i))
				m1.Header.Del("Nats-Expected-Last-Subject-Sequence")
			}
			m2 := rawMsg("ev.rawx.name."+id, envelope(b, store, i), 0, rawID(round*100000+w*100+i)+"b")
			m1.Header.Set("Nats-Batch-Id", batch)
			m1.Header.Set("Nats-Batch-Sequence", "1")
			m2.Header.Set("Nats-Batch-Id", batch)
			m2.Header.Set("Nats-Batch-Sequence", "2")
			m2.Header.Set("Nats-Batch-Commit", "1")
			if err := nc.PublishMsg(m1); err != nil {
				b.Error(err)
			}
			resp, err := nc.RequestMsg(m2, 10*time.Second)
			if err != nil || resp.Header.Get("Status") != "" {
				b.Errorf("raw batch: %v", err)
			} else if _, ok := ackSeq(resp.Data); !ok {
				b.Errorf("raw batch: %s", resp.Data)
			}
		})
		n += writers * 10
	}
	report(b, n, tStore, tRaw)
}
