package query_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/services/audit/query"
	"weft.dev/services/platform"
)

// As-of reads start from checkpoints part-way through a team's log; every
// answer must be what a replay from the team's first event gives, whatever
// order the points are asked in.
func TestAsOfFromCheckpointsAnswersAsAReplayFromTheTeamsFirstEvent(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	r := rand.New(rand.NewPCG(1, 2))
	var seqs []uint64
	for i := range 1200 {
		team, id := "acme", fmt.Sprintf("c%d", r.IntN(12))
		if i%7 == 3 {
			team, id = "globex", "g1"
		}
		var data any
		switch n := r.IntN(10); {
		case n == 0:
			data = CounterCreated{Name: fmt.Sprintf("n%d", i)}
		case n == 1:
			data = CounterRenamed{Name: fmt.Sprintf("r%d", i)}
		case n == 2:
			data = CounterDeleted{}
		default:
			data = CounterIncremented{By: n}
		}
		seqs = append(seqs, h.append(t, team, id, "user:alice", data).Seq)
	}
	// Late points first (each leaves a checkpoint), then earlier ones, then
	// any: each from the nearest checkpoint at or before it.
	points := []uint64{seqs[1199], seqs[900], seqs[1100], seqs[300], seqs[299], seqs[650], seqs[0]}
	for range 12 {
		points = append(points, seqs[r.IntN(len(seqs))])
	}
	for _, at := range points {
		for _, c := range []int{r.IntN(12), r.IntN(12)} {
			agg := events.AggregateRef{Type: counterAgg, ID: fmt.Sprintf("c%d", c)}
			got, gotErr := h.svc.AsOf(ctx, alice, "acme", agg, query.Point{Seq: at})
			fresh, err := query.New(h.store, []platform.AsOfSource{counterSource()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := fresh.AsOf(ctx, alice, "acme", agg, query.Point{Seq: at})
			if isNotFound(gotErr) != isNotFound(wantErr) || (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("%s as of %d: %v; a replay from the first event says %v", agg.ID, at, gotErr, wantErr)
			}
			if string(got.JSON) != string(want.JSON) || got.Seq != want.Seq || !got.Time.Equal(want.Time) {
				t.Fatalf("%s as of %d:\n got %s at %d %s\nwant %s at %d %s", agg.ID, at, got.JSON, got.Seq, got.Time, want.JSON, want.Seq, want.Time)
			}
		}
	}
	if n := h.svc.CheckpointsKept(); n == 0 {
		t.Error("no checkpoint was kept: every as-of read replayed from the team's first event")
	}
}

// BenchmarkAsOfInALongTeamLog reads a counter as of points near the end of
// a team's log of 5,000 events: from the service's checkpoints, and (the
// baseline, in the same run) replayed from the team's first event.
func BenchmarkAsOfInALongTeamLog(b *testing.B) {
	env := eventstest.Start(b)
	reg := events.NewRegistry()
	register(reg)
	store := events.NewStore(env.Conn, reg)
	ctx := b.Context()
	var last uint64
	for i := range 5000 {
		var data any = CounterIncremented{By: 1}
		if i == 0 {
			data = CounterCreated{Name: "c"}
		}
		res, err := store.Append(ctx, events.AnyVersion, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: counterAgg, ID: "c"}, Actor: "user:alice", Data: data})
		if err != nil {
			b.Fatal(err)
		}
		last = res.LastSeq
	}
	agg := events.AggregateRef{Type: counterAgg, ID: "c"}
	svc, err := query.New(store, []platform.AsOfSource{counterSource()}, nil)
	if err != nil {
		b.Fatal(err)
	}
	var withCP, replay time.Duration
	n := 0
	for b.Loop() {
		at := query.Point{Seq: last - uint64(n%50)}
		start := time.Now()
		if _, err := svc.AsOf(ctx, alice, "acme", agg, at); err != nil {
			b.Fatal(err)
		}
		withCP += time.Since(start)
		fresh, err := query.New(store, []platform.AsOfSource{counterSource()}, nil)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if _, err := fresh.AsOf(ctx, alice, "acme", agg, at); err != nil {
			b.Fatal(err)
		}
		replay += time.Since(start)
		n++
	}
	b.ReportMetric(float64(withCP.Microseconds())/float64(n), "checkpointed-µs/op")
	b.ReportMetric(float64(replay.Microseconds())/float64(n), "replayed-µs/op")
	b.ReportMetric(float64(replay)/float64(withCP), "speedup")
}
