package gateway

import (
	"fmt"
	"testing"
	"time"
)

// A bucket refills at the rate up to the burst, and says how long until
// the next token; buckets full again are forgotten once there are many.
func TestRateLimiterRefillsAndForgetsIdleBuckets(t *testing.T) {
	now := time.Unix(0, 0)
	l := newRateLimiter(10, 5, func() time.Time { return now })
	for i := range 5 {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("take %d within the burst refused", i+1)
		}
	}
	ok, wait := l.take("a")
	if ok || wait != 100*time.Millisecond {
		t.Fatalf("over the burst: ok %v, wait %v; want refused for 100ms", ok, wait)
	}
	if ok, _ := l.take("b"); !ok {
		t.Fatal("another key was refused")
	}
	now = now.Add(250 * time.Millisecond)
	for i := range 2 {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("take %d after 250ms refused", i+1)
		}
	}
	if ok, _ := l.take("a"); ok {
		t.Fatal("a third take after 250ms at 10/s was allowed")
	}
	for i := range sweepAbove {
		l.take(fmt.Sprint("k", i))
	}
	now = now.Add(time.Hour)
	l.take("new")
	if n := len(l.buckets); n != 1 {
		t.Errorf("%d buckets kept after an hour idle, want 1 (the new one)", n)
	}
	if newRateLimiter(-1, 0, time.Now) != nil {
		t.Error("a negative rate still limits")
	}
}
