package watermark_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"weft.dev/kernel/fault"
	"weft.dev/kernel/watermark"
)

func TestWaitForReturnsOnceTheSequenceIsAppliedAndTheMarkNeverGoesDown(t *testing.T) {
	m := watermark.New("test")
	done := make(chan error, 1)
	go func() { done <- m.WaitFor(context.Background(), 5) }()
	m.Advance(3)
	select {
	case err := <-done:
		t.Fatalf("returned %v at 3, waiting for 5", err)
	case <-time.After(20 * time.Millisecond):
	}
	m.Advance(7)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	m.Advance(4)
	if got := m.Applied(); got != 7 {
		t.Fatalf("applied %d after advancing to 7 then 4, want 7", got)
	}
}

func TestAWaitEndsWithTheFollowersErrorOrAsBehind(t *testing.T) {
	m := watermark.New("test")
	boom := errors.New("boom")
	m.Fail(boom)
	if err := m.WaitFor(context.Background(), 1); !errors.Is(err, boom) {
		t.Fatalf("WaitFor after Fail = %v, want boom", err)
	}
	m = watermark.New("test")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := m.WaitFor(ctx, 1)
	if !errors.Is(err, watermark.ErrBehind) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor past the deadline = %v, want ErrBehind and DeadlineExceeded", err)
	}
	if err := watermark.Bounded(ctx, m, 1, "the test model"); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("Bounded = %v, want UNAVAILABLE", err)
	}
	if err := watermark.Bounded(ctx, m, 0, "the test model"); err != nil {
		t.Fatalf("Bounded for 0 = %v, want nil", err)
	}
}

func TestAQuietAdvanceWakesNobodyUntilTheNextChange(t *testing.T) {
	m := watermark.New("test")
	ch := m.Changed()
	m.AdvanceQuietly(2)
	select {
	case <-ch:
		t.Fatal("a quiet advance woke a reader")
	default:
	}
	if m.Applied() != 2 {
		t.Fatalf("applied %d, want 2", m.Applied())
	}
	m.Advance(2)
	<-ch
}
