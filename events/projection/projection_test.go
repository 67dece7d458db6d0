package projection_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
)

type added struct {
	N int `json:"n"`
}

// sums adds up every event's N per aggregate and counts applies.
type sums struct {
	mu      sync.Mutex
	Sum     map[string]int `json:"sum"`
	applies int
}

func (s *sums) Apply(r events.Recorded) error {
	a, ok := r.Data.(added)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Sum == nil {
		s.Sum = map[string]int{}
	}
	s.Sum[r.Aggregate.ID] += a.N
	s.applies++
	return nil
}

func (s *sums) Snapshot() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s)
}

func (s *sums) Restore(b []byte) error { return json.Unmarshal(b, s) }

func (s *sums) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.Sum)
}

func setup(t *testing.T) (*events.Store, *eventstest.Env) {
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	events.Register[added](reg, "test.added", 1)
	return events.NewStore(env.Conn, reg), env
}

func appendN(t *testing.T, store *events.Store, n int) uint64 {
	t.Helper()
	var last uint64
	for i := range n {
		app, err := store.Append(context.Background(), events.AnyVersion, events.Event{
			Team: "acme", Aggregate: events.AggregateRef{Type: "thing", ID: fmt.Sprint("a", i%7)}, Data: added{N: i},
		})
		if err != nil {
			t.Fatal(err)
		}
		last = app.LastSeq
	}
	return last
}

func TestRunnerResumesFromItsSnapshotAfterARestart(t *testing.T) {
	store, _ := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	appendN(t, store, 300)

	first := &sums{}
	r := projection.New(store, first, projection.Config{Name: "sums"})
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	last := appendN(t, store, 100)

	second := &sums{}
	r2 := projection.New(store, second, projection.Config{Name: "sums"})
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r2.Stop(ctx)
	if err := r2.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	if second.applies != 100 {
		t.Fatalf("after restart applied %d events, want only the 100 new ones", second.applies)
	}

	// Dropping the snapshot makes a fresh runner replay everything, and the
	// rebuilt model equals the live one.
	if err := projection.Drop(ctx, store, "rebuilt"); err != nil {
		t.Fatal(err)
	}
	rebuilt := &sums{}
	r3 := projection.New(store, rebuilt, projection.Config{Name: "rebuilt"})
	if err := r3.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	defer r3.Stop(ctx)
	if rebuilt.applies != 400 || rebuilt.String() != second.String() {
		t.Fatalf("rebuilt %s (%d applies), live %s", rebuilt, rebuilt.applies, second)
	}
}

func TestWaitForGivesUpWithErrBehind(t *testing.T) {
	store, _ := setup(t)
	last := appendN(t, store, 3)
	r := projection.New(store, &sums{}, projection.Config{Name: "behind"})
	ctx := context.Background()
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := r.WaitFor(short, last+1); !errors.Is(err, projection.ErrBehind) {
		t.Fatalf("want ErrBehind, got %v", err)
	}
}

// snapshotCounting counts how often the runner serialises the model.
type snapshotCounting struct {
	sums
	snapshots int
}

func (s *snapshotCounting) Snapshot() ([]byte, error) {
	s.mu.Lock()
	s.snapshots++
	s.mu.Unlock()
	return s.sums.Snapshot()
}

// A snapshot writes the whole model, so catching up must not write one per
// SnapshotEvery events: that would make a rebuild quadratic in the log.
func TestCatchUpSnapshotsAtMostOncePerIntervalAndOnceCaughtUp(t *testing.T) {
	store, _ := setup(t)
	ctx := context.Background()
	last := appendN(t, store, 300)
	m := &snapshotCounting{}
	r := projection.New(store, m, projection.Config{Name: "count", SnapshotEvery: 10, SnapshotInterval: time.Hour})
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	n := m.snapshots
	m.mu.Unlock()
	// 300 events at SnapshotEvery 10 would be 30 snapshots by count; the
	// interval allows none during the catch-up, and one when caught up.
	if n != 1 {
		t.Fatalf("%d snapshots while catching up 300 events, want 1 (when caught up)", n)
	}
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}
