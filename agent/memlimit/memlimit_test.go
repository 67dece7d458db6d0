package memlimit_test

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"weft.dev/agent/memlimit"
)

func TestTheLimitIsTheFloorUntilTheLiveHeapAndItsHeadroomOutgrowIt(t *testing.T) {
	p := memlimit.Policy{Floor: 48 << 20, Headroom: 0.5}
	tests := []struct {
		name        string
		live, other uint64
		want        int64
	}{
		{"idle", 4 << 20, 4 << 20, 48 << 20},
		{"just under", 26 << 20, 9 << 20, 48 << 20},
		{"past the floor", 40 << 20, 10 << 20, 70 << 20},
		{"a big team", 400 << 20, 30 << 20, 630 << 20},
	}
	for _, tt := range tests {
		if got := p.Limit(tt.live, tt.other); got != tt.want {
			t.Errorf("%s: Limit(%d MiB live, %d MiB other) = %d MiB; want %d", tt.name, tt.live>>20, tt.other>>20, got>>20, tt.want>>20)
		}
	}
}

// The fixed limit's failure mode is what the policy exists to avoid: a
// live heap past the floor raises the limit above it, with the headroom,
// so the collector is not left running back to back.
func TestALiveHeapPastTheFloorRaisesTheLimitAboveIt(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	p := memlimit.Policy{Floor: 16 << 20, Headroom: 0.5}
	hold := make([][]byte, 64)
	for i := range hold {
		hold[i] = make([]byte, 1<<20)
	}
	runtime.GC() // the live heap is what the last collection marked
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Follow(ctx, 10*time.Millisecond) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := debug.SetMemoryLimit(-1)
		if got >= 64<<20*3/2 && got < 1<<40 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("with 64 MiB live the limit is %d MiB; want at least 96", got>>20)
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(hold)
}
