package supervise

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// A component that meets transient errors is run again, each time after a
// wait within the bounds, and keeps what it applied between runs (the
// supervisor calls the same Run, which resumes): here it applies 1..10
// once each although every third run fails.
func TestATransientErrorResumesTheComponentAfterABoundedBackoff(t *testing.T) {
	s := New(Config{MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	var applied []int
	var runs int
	var last time.Time
	var waits []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.Run(ctx, Component{Name: "counter", Run: func(ctx context.Context) error {
		if !last.IsZero() {
			waits = append(waits, time.Since(last))
		}
		runs++
		for len(applied) < 10 {
			next := len(applied) + 1 // resume after the last applied
			if next%3 == 0 && runs <= next/3 {
				last = time.Now()
				return errors.New("nats: timeout")
			}
			applied = append(applied, next)
		}
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}})
	if err != nil {
		t.Fatalf("Run = %v, want nil after ctx ended", err)
	}
	for i, v := range applied {
		if v != i+1 {
			t.Fatalf("applied %v, want 1..10 once each", applied)
		}
	}
	if len(waits) != 3 {
		t.Fatalf("%d runs after an error, want 3 (waits %v)", len(waits), waits)
	}
	for _, w := range waits {
		if w < 2500*time.Microsecond || w > time.Second {
			t.Fatalf("waited %v between runs, want within [MinBackoff/2, about MaxBackoff]", w)
		}
	}
	st := s.Statuses()
	if len(st) != 1 || st[0].Restarts != 3 || st[0].State != StateIdle {
		t.Fatalf("statuses %+v, want counter idle after 3 restarts", st)
	}
}

func TestBackoffDoublesUpToItsBoundAndIsJittered(t *testing.T) {
	s := New(Config{MinBackoff: 100 * time.Millisecond, MaxBackoff: 800 * time.Millisecond})
	for attempt, want := range []time.Duration{100, 200, 400, 800, 800, 800} {
		want *= time.Millisecond
		seen := map[time.Duration]bool{}
		for range 50 {
			d := s.backoff(attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d waits %v, want within [%v, %v]", attempt, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 10 {
			t.Fatalf("attempt %d: 50 waits took %d values: not jittered", attempt, len(seen))
		}
	}
	if d := s.backoff(1000); d > 800*time.Millisecond {
		t.Fatalf("a thousandth attempt waits %v, beyond the bound", d)
	}
}

// A poisoned event stops only its component, with its sequence, runs the
// Failed hook once, and the component is reported failed.
func TestAPoisonedEventStopsOnlyItsComponentForGood(t *testing.T) {
	s := New(Config{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var failed atomic.Int32
	poisoned := Component{Name: "poisoned", Run: func(context.Context) error {
		return Poison(42, errors.New("decode: unexpected end of JSON input"))
	}, Failed: func(error) { failed.Add(1) }}
	healthyDone := make(chan error, 1)
	go func() {
		healthyDone <- s.Run(ctx, Component{Name: "healthy", Run: func(ctx context.Context) error {
			<-ctx.Done()
			return nil
		}})
	}()
	err := s.Run(ctx, poisoned)
	f, ok := FaultOf(err)
	if !ok || f.Seq != 42 {
		t.Fatalf("Run = %v, want the fault at 42", err)
	}
	if n := failed.Load(); n != 1 {
		t.Fatalf("Failed ran %d times, want once", n)
	}
	wait.For(t, 5*time.Second, func() error {
		for _, st := range s.Statuses() {
			if st.Name == "healthy" && st.State != StateRunning {
				return errors.New("healthy is " + string(st.State))
			}
		}
		return nil
	})
	bad := s.Failed()
	if len(bad) != 1 || bad[0].Name != "poisoned" || bad[0].Seq != 42 {
		t.Fatalf("Failed() = %+v, want only poisoned at 42", bad)
	}
	if line := bad[0].String(); !strings.Contains(line, "poisoned: failed at event 42") || !strings.Contains(line, "unexpected end of JSON") {
		t.Fatalf("status line %q names neither the component, the event nor the cause", line)
	}
	cancel()
	if err := <-healthyDone; err != nil {
		t.Fatalf("healthy component: %v", err)
	}
}

func TestAComponentRunsOnceAtATime(t *testing.T) {
	s := New(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Run(ctx, Component{Name: "one", Run: func(ctx context.Context) error {
			close(started)
			<-ctx.Done()
			return nil
		}})
	}()
	<-started
	if err := s.Run(ctx, Component{Name: "one", Run: func(context.Context) error { return nil }}); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Run = %v, want ErrRunning", err)
	}
	cancel()
	<-done
}

// An owner's stop during a backoff ends Run at once, and Report measures
// how far behind each component is.
func TestStoppingDuringABackoffReturnsAtOnceAndReportSaysHowFarBehind(t *testing.T) {
	s := New(Config{MinBackoff: time.Hour, MaxBackoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Run(ctx, Component{Name: "lagging",
			Run:    func(context.Context) error { return errors.New("nats: no responders available for request") },
			Behind: func(context.Context) (uint64, error) { return 7, nil }})
	}()
	wait.For(t, 5*time.Second, func() error {
		r := s.Report(context.Background())
		if len(r) != 1 {
			return errors.New("not registered yet")
		}
		if r[0].State != StateRetrying || !r[0].Measured || r[0].Behind != 7 {
			return errors.New("report: " + r[0].String())
		}
		if !strings.Contains(r[0].String(), "behind 7") || !strings.Contains(r[0].String(), "no responders") {
			return errors.New("line: " + r[0].String())
		}
		return nil
	})
	start := time.Now()
	cancel()
	if err := <-done; err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Run = %v after %v, want nil at once", err, time.Since(start))
	}
}
