package query_test

import (
	"encoding/json"
	"testing"

	"weft.dev/events"
	"weft.dev/services/audit/query"
)

// Types a newer (or other) build writes that the audit's build reads
// differently: legacy it does not know at all; tagged it knows at v2 and
// upcasts from v1.
type legacyNoted struct {
	Note string `json:"note"`
}
type taggedV1 struct {
	Tag string `json:"tag"`
}
type TaggedV2 struct {
	Tags []string `json:"tags"`
}

func TestHistoryAndAsOfReadALogWithUnknownAndOldEventTypes(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	// The audit's registry knows tagged at v2 only, with the upcaster.
	audReg := events.NewRegistry()
	register(audReg)
	events.Register[TaggedV2](audReg, "test.counter.tagged", 2)
	audReg.Upcast("test.counter.tagged", 1, func(old json.RawMessage) (json.RawMessage, error) {
		var v1 taggedV1
		if err := json.Unmarshal(old, &v1); err != nil {
			return nil, err
		}
		return json.Marshal(TaggedV2{Tags: []string{v1.Tag}})
	})
	audit, err := query.New(events.NewStore(h.env.Conn, audReg), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Another writer knows legacy, and tagged at v1.
	wReg := events.NewRegistry()
	events.Register[legacyNoted](wReg, "test.legacy.noted", 1)
	events.Register[taggedV1](wReg, "test.counter.tagged", 1)
	writer := events.NewStore(h.env.Conn, wReg)

	created := h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})
	legacy, err := writer.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "legacy", ID: "l1"}, Actor: "user:alice", Data: legacyNoted{Note: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	tagged, err := writer.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: counterAgg, ID: "c1"}, Actor: "user:alice", Data: taggedV1{Tag: "red"}})
	if err != nil {
		t.Fatal(err)
	}
	inc := h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 3})

	for _, order := range []query.Order{query.OldestFirst, query.NewestFirst} {
		page, err := audit.History(ctx, alice, query.HistoryQuery{Team: "acme", Order: order})
		if err != nil {
			t.Fatalf("%s: %v", order, err)
		}
		if len(page.Entries) != 4 {
			t.Fatalf("%s: %d entries; want 4", order, len(page.Entries))
		}
		bySeq := map[uint64]query.Entry{}
		for _, e := range page.Entries {
			bySeq[e.Seq] = e
		}
		if e := bySeq[legacy.LastSeq]; e.Known || e.Type != "test.legacy.noted" || e.Version != 1 || string(e.Data) != `{"note":"hi"}` {
			t.Errorf("unknown type shown as %+v (data %s)", e, e.Data)
		}
		if e := bySeq[tagged.LastSeq]; !e.Known || e.Version != 1 || string(e.Data) != `{"tags":["red"]}` {
			t.Errorf("old version shown as %+v (data %s); want it upcast", e, e.Data)
		}
		if e := bySeq[created.Seq]; !e.Known || string(e.Data) != `{"name":"one"}` {
			t.Errorf("known type shown as %+v (data %s)", e, e.Data)
		}
	}

	// Follow delivers them too.
	ch := make(chan query.Entry, 8)
	f, err := audit.Follow(ctx, alice, query.Live{Team: "acme", FromSeq: created.Seq}, func(e query.Entry) error { ch <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer f.Stop()
	for _, want := range []uint64{created.Seq, legacy.LastSeq, tagged.LastSeq, inc.Seq} {
		if e := next(t, ch); e.Seq != want {
			t.Fatalf("followed %d; want %d", e.Seq, want)
		}
	}

	// As-of replays through events of types its build does not know (h's
	// registry knows neither legacy nor tagged).
	got, err := h.svc.AsOf(ctx, alice, "acme", events.AggregateRef{Type: counterAgg, ID: "c1"}, query.Point{Seq: inc.Seq})
	if err != nil {
		t.Fatal(err)
	}
	if c := got.Resource.(Counter); c.Value != 3 || c.Name != "one" || got.Seq != inc.Seq {
		t.Fatalf("as of %d: %+v at %d", inc.Seq, c, got.Seq)
	}
}
