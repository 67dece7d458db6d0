package events_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
)

// A command's load must not queue behind audit scans on one connection:
// nats-server answers a connection's direct gets one at a time.
func TestReadsGoOverTheReaderConnectionsAndSeeWhatWasJustAppended(t *testing.T) {
	_, env := newStore(t)
	r1, err := env.Server.Connect("reader-1")
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := env.Server.Connect("reader-2")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	store := events.NewStore(env.Conn, registry(), events.WithReaders(r1, r2))
	ctx := context.Background()
	before := env.Conn.Stats().InMsgs
	for i := range 10 {
		id := fmt.Sprintf("t%d", i)
		if _, err := store.Append(ctx, 0, ev("acme", id, counted{N: i})); err != nil {
			t.Fatal(err)
		}
		recs, version, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || version == 0 {
			t.Fatalf("load of %s right after its append: %d events, version %d; want the one appended", id, len(recs), version)
		}
	}
	if err := store.Read(ctx, events.Filter{Team: "acme"}, func(events.Recorded) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// The main connection received the appends' acknowledgements only.
	if got := env.Conn.Stats().InMsgs - before; got > 10 {
		t.Errorf("the appending connection received %d messages for 10 appends and 11 reads; the reads' answers should come over the readers", got)
	}
	for i, rc := range []*nats.Conn{r1, r2} {
		if rc.Stats().InMsgs == 0 {
			t.Errorf("reader %d carried no read", i+1)
		}
	}
}

// A load of an aggregate of one event allocates about what that event
// takes, not a 64k-slot channel (SubscribeSync's) per read: that zeroing
// was a tenth of weft-server's CPU under the load benchmark.
func TestALoadOfOneEventAllocatesLittle(t *testing.T) {
	store, _ := newStore(t)
	ctx := context.Background()
	if _, err := store.Append(ctx, 0, ev("acme", "small", counted{N: 1})); err != nil {
		t.Fatal(err)
	}
	ref := events.AggregateRef{Type: "thing", ID: "small"}
	if _, _, err := store.Load(ctx, "acme", ref); err != nil {
		t.Fatal(err)
	}
	const loads = 50
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for range loads {
		if _, _, err := store.Load(ctx, "acme", ref); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&m1)
	if per := (m1.TotalAlloc - m0.TotalAlloc) / loads; per > 64<<10 {
		t.Errorf("a load of one event allocated %d KiB, want under 64", per>>10)
	}
}
