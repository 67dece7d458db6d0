package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/jsm.go"
	"github.com/nats-io/jsm.go/api"
	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/eventstest"
)

type counted struct {
	N int `json:"n"`
}

type renamed struct {
	Name string `json:"name"`
}

func registry() *events.Registry {
	r := events.NewRegistry()
	events.Register[counted](r, "test.counted", 1)
	events.Register[renamed](r, "test.renamed", 1)
	return r
}

func ev(team, id string, data any) events.Event {
	return events.Event{Team: team, Aggregate: events.AggregateRef{Type: "thing", ID: id}, Actor: "tester", Data: data}
}

func newStore(t *testing.T) (*events.Store, *eventstest.Env) {
	t.Helper()
	env := eventstest.Start(t)
	return events.NewStore(env.Conn, registry()), env
}

func TestConcurrentWritersToOneAggregateExactlyOneWins(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	if _, err := store.Append(ctx, 0, ev("acme", "a", counted{N: 0})); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = store.Append(ctx, 1, ev("acme", "a", counted{N: i + 1}))
		}()
	}
	close(start)
	wg.Wait()
	wins, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, events.ErrConflict):
			conflicts++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if wins != 1 || conflicts != 1 {
		t.Fatalf("wins=%d conflicts=%d, want 1 and 1", wins, conflicts)
	}
	got, version, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || version != got[1].Seq {
		t.Fatalf("loaded %d events at version %d, want 2 events", len(got), version)
	}
}

func TestFiftyWritersToFiftyAggregatesAllSucceed(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("agg-%d", i)
			v := uint64(0)
			for n := range 5 {
				app, err := store.Append(ctx, v, ev("acme", id, counted{N: n}))
				if err != nil {
					errs <- fmt.Errorf("%s: %w", id, err)
					return
				}
				v = app.LastSeq
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	last, err := store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last != 250 {
		t.Fatalf("stream holds %d events, want 250", last)
	}
}

func TestRetriedAppendWithSameEventIDStoresOneEvent(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	e := ev("acme", "a", counted{N: 1})
	e.ID = "0190b3c4-0000-7000-8000-000000000001"
	first, err := store.Append(ctx, 0, e)
	if err != nil {
		t.Fatal(err)
	}
	// The retry carries the same expected version: what a client resends when
	// the first ack was lost.
	again, err := store.Append(ctx, 0, e)
	if err != nil {
		t.Fatalf("retried append: %v", err)
	}
	if again.LastSeq != first.LastSeq {
		t.Fatalf("retry got seq %d, first %d", again.LastSeq, first.LastSeq)
	}
	// A batch resent with the same ids is also stored once.
	b1, b2 := ev("acme", "b", counted{N: 1}), ev("acme", "b", counted{N: 2})
	b1.ID, b2.ID = "0190b3c4-0000-7000-8000-0000000000b1", "0190b3c4-0000-7000-8000-0000000000b2"
	firstBatch, err := store.Append(ctx, 0, b1, b2)
	if err != nil {
		t.Fatal(err)
	}
	againBatch, err := store.Append(ctx, 0, b1, b2)
	if err != nil {
		t.Fatalf("retried batch: %v", err)
	}
	if againBatch.LastSeq != firstBatch.LastSeq {
		t.Fatalf("retried batch got seq %d, first %d", againBatch.LastSeq, firstBatch.LastSeq)
	}
	if last, _ := store.LastSeq(ctx); last != 3 {
		t.Fatalf("stream holds %d events, want 3", last)
	}
}

func TestAtomicAppendWithStaleVersionStoresNothing(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	if _, err := store.Append(ctx, 0, ev("acme", "a", counted{N: 1})); err != nil {
		t.Fatal(err)
	}
	// Stale version on the aggregate itself.
	_, err := store.Append(ctx, 0, ev("acme", "a", counted{N: 2}), ev("acme", "a", counted{N: 3}), ev("acme", "a", counted{N: 4}))
	if !errors.Is(err, events.ErrConflict) {
		t.Fatalf("want conflict, got %v", err)
	}
	// Stale version on a second aggregate of the same batch (a name
	// reservation that is already taken): the first write is not stored either.
	_, err = store.AppendAll(ctx,
		events.Write{Expected: 0, Events: []events.Event{ev("acme", "fresh", counted{N: 1}), ev("acme", "fresh", counted{N: 2})}},
		events.Write{Expected: 0, Events: []events.Event{ev("acme", "a", renamed{Name: "x"})}},
	)
	if !errors.Is(err, events.ErrConflict) {
		t.Fatalf("want conflict, got %v", err)
	}
	if last, _ := store.LastSeq(ctx); last != 1 {
		t.Fatalf("stream holds %d events, want only the first", last)
	}
	_, v, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "fresh"})
	if err != nil || v != 0 {
		t.Fatalf("fresh aggregate at version %d (%v), want 0", v, err)
	}
	// The same batch with correct versions is stored whole and contiguous.
	app, err := store.AppendAll(ctx,
		events.Write{Expected: 0, Events: []events.Event{ev("acme", "fresh", counted{N: 1}), ev("acme", "fresh", counted{N: 2})}},
		events.Write{Expected: 1, Events: []events.Event{ev("acme", "a", renamed{Name: "x"})}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Events) != 3 || app.Events[0].Seq != 2 || app.LastSeq != 4 {
		t.Fatalf("batch stored at %+v", app)
	}
}

func TestDeletingOrPurgingEventsIsRefused(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	if _, err := store.Append(ctx, 0, ev("acme", "a", counted{N: 1})); err != nil {
		t.Fatal(err)
	}
	mgr, err := jsm.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mgr.LoadStream(events.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMessageRequest(api.JSApiMsgDeleteRequest{Seq: 1}); err == nil {
		t.Fatal("deleting an event succeeded")
	}
	if err := s.Purge(); err == nil {
		t.Fatal("purging EVENTS succeeded")
	}
	if last, _ := store.LastSeq(ctx); last != 1 {
		t.Fatalf("stream holds %d events after refused delete/purge, want 1", last)
	}
}

func TestEventsSurviveARestartOfTheEmbeddedServer(t *testing.T) {
	dir := t.TempDir()
	env := eventstest.StartIn(t, dir)
	store := events.NewStore(env.Conn, registry())
	ctx := context.Background()
	for i := range 10 {
		if _, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: i})); err != nil {
			t.Fatal(err)
		}
	}
	env.Stop()

	env = eventstest.StartIn(t, dir)
	store = events.NewStore(env.Conn, registry())
	got, _, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("after restart %d events, want 10", len(got))
	}
	for i, r := range got {
		if r.Data.(counted).N != i {
			t.Fatalf("event %d holds %v", i, r.Data)
		}
	}
}

// readers are the two ways to read filtered events: Replay (a consumer)
// and Read (direct gets); both must return the same.
var readers = []struct {
	name string
	read func(*events.Store, context.Context, events.Filter, func(events.Recorded) error) error
}{
	{"replay", (*events.Store).Replay},
	{"read", (*events.Store).Read},
}

func TestReplayReturnsExactlyTheFilteredEventsInOrder(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	// 3 teams × 4 aggregates × 5 events, alternating types.
	var all []events.Recorded
	for n := range 5 {
		for _, team := range []string{"acme", "globex", "initech"} {
			for a := range 4 {
				var data any = counted{N: n}
				if n%2 == 1 {
					data = renamed{Name: fmt.Sprint(n)}
				}
				app, err := store.Append(ctx, events.AnyVersion, ev(team, fmt.Sprintf("a%d", a), data))
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, app.Events...)
			}
		}
	}
	mid := all[len(all)/2]
	tests := []struct {
		name   string
		filter events.Filter
		want   func(events.Recorded) bool
	}{
		{"everything", events.Filter{}, func(events.Recorded) bool { return true }},
		{"one team", events.Filter{Team: "globex"}, func(r events.Recorded) bool { return r.Team == "globex" }},
		{"one aggregate", events.Filter{Team: "acme", AggType: "thing", AggID: "a2"}, func(r events.Recorded) bool {
			return r.Team == "acme" && r.Aggregate.ID == "a2"
		}},
		{"one event type", events.Filter{Types: []string{"test.renamed"}}, func(r events.Recorded) bool { return r.Type == "test.renamed" }},
		{"sequence range", events.Filter{FromSeq: 10, ToSeq: 20}, func(r events.Recorded) bool { return r.Seq >= 10 && r.Seq <= 20 }},
		{"team and type from a sequence", events.Filter{Team: "initech", Types: []string{"test.counted"}, FromSeq: mid.Seq},
			func(r events.Recorded) bool {
				return r.Team == "initech" && r.Type == "test.counted" && r.Seq >= mid.Seq
			}},
		{"until a sequence", events.Filter{ToSeq: 7}, func(r events.Recorded) bool { return r.Seq <= 7 }},
		{"nothing matches", events.Filter{Team: "nobody"}, func(events.Recorded) bool { return false }},
	}
	for _, rd := range readers {
		for _, tt := range tests {
			t.Run(rd.name+"/"+tt.name, func(t *testing.T) {
				var want []uint64
				for _, r := range all {
					if tt.want(r) {
						want = append(want, r.Seq)
					}
				}
				var got []uint64
				err := rd.read(store, ctx, tt.filter, func(r events.Recorded) error {
					got = append(got, r.Seq)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("got %v\nwant %v", got, want)
				}
			})
		}
	}
}

// Read crosses direct-get batches without losing or repeating an event,
// stops at ToSeq and when the callback says ErrStop, and asks the server
// for no consumer (every read serving a request would otherwise make one,
// and the server-wide limit refused them under load).
func TestReadCrossesBatchesAndMakesNoConsumer(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	var acme []uint64
	for i := range 1300 {
		team := []string{"acme", "globex"}[i%2]
		app, err := store.Append(ctx, events.AnyVersion, ev(team, fmt.Sprint("a", i%7), counted{N: i}))
		if err != nil {
			t.Fatal(err)
		}
		if team == "acme" {
			acme = append(acme, app.LastSeq)
		}
	}
	consumerRequests := make(chan string, 100)
	sub, err := env.Conn.Subscribe("$JS.API.CONSUMER.>", func(m *nats.Msg) { consumerRequests <- m.Subject })
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	_ = env.Conn.Flush()

	var got []uint64
	if err := store.Read(ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error { got = append(got, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(acme) {
		t.Fatalf("read %d events of acme, want %d", len(got), len(acme))
	}
	got = got[:0]
	if err := store.Read(ctx, events.Filter{Team: "acme", FromSeq: acme[100], ToSeq: acme[600]}, func(r events.Recorded) error { got = append(got, r.Seq); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(acme[100:601]) {
		t.Fatalf("a range: %d events, want %d", len(got), 501)
	}
	n := 0
	if err := store.Read(ctx, events.Filter{}, func(events.Recorded) error {
		if n++; n == 700 {
			return events.ErrStop
		}
		return nil
	}); err != nil || n != 700 {
		t.Fatalf("stopped after %d: %v", n, err)
	}
	_ = env.Conn.Flush()
	select {
	case s := <-consumerRequests:
		t.Fatalf("Read asked for a consumer: %s", s)
	default:
	}
	// The watch sees a consumer when one is made: Replay makes one.
	if err := store.Replay(ctx, events.Filter{Team: "acme", ToSeq: 10}, func(events.Recorded) error { return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-consumerRequests:
	case <-time.After(5 * time.Second):
		t.Fatal("the watch on consumer requests saw none from Replay")
	}
}

func TestReplayByTimeRange(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	for i := range 3 {
		if _, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: i})); err != nil {
			t.Fatal(err)
		}
	}
	// Stream timestamps are the server's clock: mark a point strictly between.
	time.Sleep(20 * time.Millisecond) // a clock boundary, not waiting for an effect
	cut := time.Now()
	time.Sleep(20 * time.Millisecond)
	for i := 3; i < 6; i++ {
		if _, err := store.Append(ctx, events.AnyVersion, ev("acme", "a", counted{N: i})); err != nil {
			t.Fatal(err)
		}
	}
	for _, rd := range readers {
		var before, after []int
		_ = rd.read(store, ctx, events.Filter{Until: cut}, func(r events.Recorded) error { before = append(before, r.Data.(counted).N); return nil })
		_ = rd.read(store, ctx, events.Filter{Since: cut}, func(r events.Recorded) error { after = append(after, r.Data.(counted).N); return nil })
		if fmt.Sprint(before) != "[0 1 2]" || fmt.Sprint(after) != "[3 4 5]" {
			t.Fatalf("%s: until=%v since=%v", rd.name, before, after)
		}
	}
}

type greetedV1 struct {
	Name string `json:"name"`
}

type greeted struct {
	First string `json:"first"`
	Last  string `json:"last"`
}

func TestUpcastingTurnsAV1PayloadIntoTheCurrentType(t *testing.T) {
	env := eventstest.Start(t)
	ctx := context.Background()
	// An old build wrote v1.
	old := events.NewRegistry()
	events.Register[greetedV1](old, "test.greeted", 1)
	if _, err := events.NewStore(env.Conn, old).Append(ctx, 0, ev("acme", "g", greetedV1{Name: "Ada Lovelace"})); err != nil {
		t.Fatal(err)
	}
	// The current build knows v2 and how to read v1.
	cur := events.NewRegistry()
	events.Register[greeted](cur, "test.greeted", 2)
	cur.Upcast("test.greeted", 1, func(raw json.RawMessage) (json.RawMessage, error) {
		var v1 greetedV1
		if err := json.Unmarshal(raw, &v1); err != nil {
			return nil, err
		}
		var first, last string
		fmt.Sscan(v1.Name, &first, &last)
		return json.Marshal(greeted{First: first, Last: last})
	})
	got, _, err := events.NewStore(env.Conn, cur).Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "g"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Data != (greeted{First: "Ada", Last: "Lovelace"}) || got[0].Version != 1 {
		t.Fatalf("got %+v", got)
	}
}

func TestHandleRetriesConflictsUntilEveryCommandLands(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	agg := events.AggregateRef{Type: "thing", ID: "counter"}
	inc := func() events.Command[int] {
		return events.Command[int]{
			Team: "acme", Aggregate: agg, Actor: "tester",
			Evolve: func(n int, r events.Recorded) int { return r.Data.(counted).N },
			Decide: func(n int) ([]any, error) { return []any{counted{N: n + 1}}, nil },
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := events.Handle(ctx, store, inc()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	res, err := events.Handle(ctx, store, events.Command[int]{
		Team: "acme", Aggregate: agg, Evolve: inc().Evolve,
		Decide: func(int) ([]any, error) { return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.State != 8 {
		t.Fatalf("counter at %d after 8 concurrent increments", res.State)
	}
}

func TestAppendRejectsIDsThatWouldChangeTheSubject(t *testing.T) {
	store, _ := newStore(t)
	for _, bad := range []string{"", "a.b", "a*", "a>", "a b", "tab\t"} {
		if _, err := store.Append(context.Background(), 0, ev("acme", bad, counted{})); err == nil {
			t.Errorf("aggregate id %q accepted", bad)
		}
	}
	if _, err := store.Append(context.Background(), 0, ev("acme", "ok", struct{}{})); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("unregistered data type: %v", err)
	}
}

// A cached command reads only the events after its cached version, and
// still sees what other writers appended in between.
func TestCachedCommandLoadsOnlyNewerEventsAndSeesOtherWriters(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	agg := events.AggregateRef{Type: "thing", ID: "sum"}
	evolved := 0
	cache := &events.Cached[int]{}
	add := func(k int, c *events.Cached[int]) (events.Result[int], error) {
		return events.Handle(ctx, store, events.Command[int]{
			Team: "acme", Aggregate: agg, Actor: "tester", Cache: c,
			Evolve: func(sum int, r events.Recorded) int { evolved++; return sum + r.Data.(counted).N },
			Decide: func(int) ([]any, error) { return []any{counted{N: k}}, nil },
		})
	}
	for k := 1; k <= 5; k++ {
		if _, err := add(k, cache); err != nil {
			t.Fatal(err)
		}
	}
	// Uncached, the fifth command alone would have evolved four loaded
	// events plus its own; cached, each command evolves only its own event.
	if evolved != 5 {
		t.Fatalf("evolved %d events over 5 cached commands, want 5", evolved)
	}
	// Another writer (no cache) appends behind the cache's back.
	if _, err := add(100, nil); err != nil {
		t.Fatal(err)
	}
	evolved = 0
	res, err := add(1000, cache)
	if err != nil {
		t.Fatal(err)
	}
	if res.State != 1+2+3+4+5+100+1000 {
		t.Fatalf("state %d", res.State)
	}
	if evolved != 2 { // the other writer's event, then its own
		t.Fatalf("evolved %d events, want 2", evolved)
	}
}

// The store reuses an append's message, header and body once the append has
// its answer. Long and short events in turn from several writers, single
// and in batches, must each be stored as exactly their own bytes, with
// none of an earlier message's headers (a leftover batch header would turn
// a plain append into a broken batch).
func TestReusedMessagesStoreEachEventAsItsOwn(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	want := map[string]events.Recorded{} // by event id
	var mu sync.Mutex
	keep := func(app events.Appended) {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range app.Events {
			want[r.ID] = r
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ver := map[string]uint64{}
			for i := range 60 {
				name := fmt.Sprintf("w%d-%d-", w, i) + strings.Repeat("x", (i*37)%300)
				id := fmt.Sprintf("w%d-a%d", w, i%3)
				if i%10 == 9 { // a batch over two aggregates
					other := fmt.Sprintf("w%d-b", w)
					app, err := store.AppendAll(ctx,
						events.Write{Expected: ver[id], Events: []events.Event{ev("acme", id, renamed{Name: name}), ev("acme", id, counted{N: i})}},
						events.Write{Expected: ver[other], Events: []events.Event{ev("acme", other, counted{N: -i})}})
					if err != nil {
						t.Error(err)
						return
					}
					ver[id], ver[other] = app.Events[1].Seq, app.LastSeq
					keep(app)
					continue
				}
				app, err := store.Append(ctx, ver[id], ev("acme", id, renamed{Name: name}))
				if err != nil {
					t.Error(err)
					return
				}
				ver[id] = app.LastSeq
				keep(app)
			}
		}()
	}
	wg.Wait()
	got := 0
	if err := store.Replay(ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		w, ok := want[r.ID]
		if !ok {
			return fmt.Errorf("stored event %s was never appended", r.ID)
		}
		if r.Seq != w.Seq || r.Aggregate != w.Aggregate || !reflect.DeepEqual(r.Data, w.Data) {
			return fmt.Errorf("event %s stored as seq %d %v %+v, appended as seq %d %v %+v", r.ID, r.Seq, r.Aggregate, r.Data, w.Seq, w.Aggregate, w.Data)
		}
		got++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != len(want) {
		t.Fatalf("replayed %d events, appended %d", got, len(want))
	}
}

// TestAGuardedCreationIsStoredOnlyWhileItsGuardHasNotMoved: a write that
// creates an aggregate, guarded by another aggregate's version, is stored
// while that version stands and refused (ErrConflict, nothing stored) once
// the other aggregate moved, though the write does not touch it; a guard
// on a write to an existing aggregate is refused before anything is sent.
func TestAGuardedCreationIsStoredOnlyWhileItsGuardHasNotMoved(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	cluster := events.AggregateRef{Type: "thing", ID: "cluster"}
	app, err := store.Append(ctx, 0, ev("acme", "cluster", counted{N: 1}))
	if err != nil {
		t.Fatal(err)
	}
	guard := &events.Guard{Team: "acme", Aggregate: cluster, Version: app.LastSeq}
	if _, err := store.AppendAll(ctx, events.Write{Expected: 0, Guard: guard, Events: []events.Event{ev("acme", "x", counted{N: 1})}}); err != nil {
		t.Fatalf("creation while the guard stands: %v", err)
	}
	if _, err := store.Append(ctx, app.LastSeq, ev("acme", "cluster", counted{N: 2})); err != nil {
		t.Fatal(err)
	}
	_, err = store.AppendAll(ctx,
		events.Write{Expected: 0, Guard: guard, Events: []events.Event{ev("acme", "y", counted{N: 1})}},
		events.Write{Expected: 0, Events: []events.Event{ev("acme", "z", counted{N: 1})}})
	if !errors.Is(err, events.ErrConflict) {
		t.Fatalf("creation after the guard moved: %v, want ErrConflict", err)
	}
	for _, id := range []string{"y", "z"} {
		n := 0
		if _, err := store.LoadFunc(ctx, "acme", events.AggregateRef{Type: "thing", ID: id}, func(events.Recorded) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s holds %d events after the refused batch, want none", id, n)
		}
	}
	if _, err := store.AppendAll(ctx, events.Write{Expected: 2, Guard: guard, Events: []events.Event{ev("acme", "x", counted{N: 2})}}); err == nil || errors.Is(err, events.ErrConflict) {
		t.Errorf("a guard on a write to an existing aggregate: %v, want refused as misuse", err)
	}
}
