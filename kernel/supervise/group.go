package supervise

import (
	"context"
	"sync"
)

// Group owns goroutines that run until their context ends (a ticker that
// saves state, a listener's accept loop): Go starts one under the group's
// context, Stop ends that context and returns once every one has
// returned. So whoever makes a Group and calls Stop is the owner that
// waits for them on shutdown.
type Group struct {
	ctx     context.Context
	cancel  context.CancelFunc
	mu      sync.Mutex
	wg      sync.WaitGroup
	stopped bool
}

// NewGroup returns a group whose goroutines end when ctx ends or Stop is
// called.
func NewGroup(ctx context.Context) *Group {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{ctx: ctx, cancel: cancel}
}

// Go runs f in a goroutine of the group. After Stop it runs nothing.
func (g *Group) Go(f func(ctx context.Context)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.wg.Go(func() { f(g.ctx) })
}

// Stop ends the group's context and waits for its goroutines. It may be
// called more than once.
func (g *Group) Stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
	g.cancel()
	g.wg.Wait()
}
