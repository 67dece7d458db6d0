package projection_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/projection"
)

// seqs records every sequence a replica's copy of the model applied, so a
// double apply or a gap shows.
type seqs struct {
	sums
	smu  sync.Mutex
	seen map[uint64]int
}

func (s *seqs) Apply(r events.Recorded) error {
	s.smu.Lock()
	if s.seen == nil {
		s.seen = map[uint64]int{}
	}
	s.seen[r.Seq]++
	s.smu.Unlock()
	return s.sums.Apply(r)
}

func (s *seqs) check(t *testing.T, who string, from, to uint64) {
	t.Helper()
	s.smu.Lock()
	defer s.smu.Unlock()
	for seq, n := range s.seen {
		if n != 1 {
			t.Errorf("%s applied seq %d %d times", who, seq, n)
		}
		if seq <= from {
			t.Errorf("%s applied seq %d, at or before its snapshot %d", who, seq, from)
		}
	}
	for seq := from + 1; seq <= to; seq++ {
		if s.seen[seq] != 1 {
			t.Errorf("%s missed seq %d", who, seq)
			return
		}
	}
}

// Read models are per process: every replica of a service serves queries, so
// each keeps its own copy and applies every event to it exactly once. Two
// replicas share the snapshot object (a snapshot is a pure function of the
// log up to its sequence, so whichever replica wrote it last is right). A
// replica killed mid-stream and replaced resumes after the shared snapshot's
// sequence, applying nothing twice and missing nothing; the other replica
// never notices. The replacement often starts while the other replica is
// replacing the snapshot it reads (which once failed its start).
func TestTwoReplicasEachApplyEveryEventOnceAndAReplacementResumesAtTheSnapshot(t *testing.T) {
	store, _ := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := projection.Config{Name: "replicated", SnapshotEvery: 50, SnapshotInterval: time.Millisecond}

	a, b := &seqs{}, &seqs{}
	ra := projection.New(store, a, cfg)
	rb := projection.New(store, b, cfg)
	if err := ra.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ra.Stop(ctx)
	if err := rb.Start(ctx); err != nil {
		t.Fatal(err)
	}
	appendN(t, store, 200)
	// Kill b mid-stream: Stop cancels its consumer where it is.
	if err := rb.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	last := appendN(t, store, 200)

	c := &seqs{}
	rc := projection.New(store, c, cfg)
	if err := rc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer rc.Stop(ctx)
	for _, r := range []*projection.Runner{ra, rc} {
		if err := r.WaitFor(ctx, last); err != nil {
			t.Fatal(err)
		}
	}
	a.check(t, "replica a", 0, last)
	b.check(t, "replica b (killed)", 0, b.maxSeq())
	// The replacement may start from a snapshot a took at last, and then
	// rightly applies nothing.
	from := rc.Restored()
	c.check(t, "replacement", from, last)
	if from == 0 {
		t.Errorf("the replacement replayed the whole log instead of resuming at a snapshot")
	}
	if a.String() != c.String() {
		t.Fatalf("replicas disagree: a %s, replacement %s", a, c)
	}
}

func (s *seqs) maxSeq() uint64 {
	s.smu.Lock()
	defer s.smu.Unlock()
	var m uint64
	for seq := range s.seen {
		m = max(m, seq)
	}
	return m
}
