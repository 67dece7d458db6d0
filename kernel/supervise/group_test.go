package supervise_test

import (
	"context"
	"sync/atomic"
	"testing"

	"weft.dev/kernel/supervise"
)

func TestStopEndsTheGroupsGoroutinesAndWaitsForThem(t *testing.T) {
	g := supervise.NewGroup(context.Background())
	var ended atomic.Int32
	for range 3 {
		g.Go(func(ctx context.Context) {
			<-ctx.Done()
			ended.Add(1)
		})
	}
	g.Stop()
	if n := ended.Load(); n != 3 {
		t.Fatalf("%d of 3 goroutines had returned when Stop did", n)
	}
	g.Go(func(context.Context) { ended.Add(1) })
	g.Stop()
	if n := ended.Load(); n != 3 {
		t.Fatal("Go after Stop started a goroutine")
	}
}
