// Package memlimit keeps the Go runtime's soft memory limit where an agent
// wants it by default: its Go memory stays under a floor while what it
// holds live leaves the collector room under it, and above that the limit
// follows the live heap with a fixed share of headroom, so the collector
// never runs without pause for want of room.
//
// Why not a fixed limit: at the default GOGC the heap grows to twice what
// is live between collections, half the agent's resident memory at load;
// a fixed soft limit cuts that, but an agent whose live heap outgrows it
// (a bigger team) would collect back to back, up to half its CPU. Why
// not only a lower GOGC: a small agent would pay its collections for no
// gain, as it is far below any limit that matters.
//
// The limit is computed from the runtime's own figures (runtime/metrics)
// and set again at every tick of Follow; between two settings a live heap that jumps past the
// limit is collected under the runtime's cap on GC CPU (half) until the
// next setting raises it.
package memlimit

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Policy is how the limit follows the live heap.
type Policy struct {
	// Floor is the limit while the agent's live memory (live heap and
	// the rest of its Go memory: stacks, the runtime's own) with
	// Headroom on top fits under it.
	Floor int64
	// Headroom is the share of the live heap that may be garbage
	// between two collections once the floor is reached: 0.5 collects
	// at one and a half times the live heap (as GOGC=50 does).
	Headroom float64
}

// Default is the agent's policy unless --memory-limit or GOMEMLIMIT says
// otherwise: a 48 MiB floor, and 50% headroom above it.
var Default = Policy{Floor: 48 << 20, Headroom: 0.5}

// Limit is the soft limit for a live heap of live bytes and other bytes of
// the runtime's memory that are not heap (goroutine stacks, metadata).
func (p Policy) Limit(live, other uint64) int64 {
	return max(p.Floor, int64(other)+int64(live)+int64(float64(live)*p.Headroom))
}

// A sampler reads the runtime's figures the limit is computed from.
type sampler []metrics.Sample

func newSampler() sampler {
	s := make(sampler, 6)
	for i, n := range []string{
		"/gc/heap/live:bytes",
		"/memory/classes/total:bytes",
		"/memory/classes/heap/released:bytes",
		"/memory/classes/heap/objects:bytes",
		"/memory/classes/heap/free:bytes",
		"/memory/classes/heap/unused:bytes",
	} {
		s[i].Name = n
	}
	return s
}

// read returns the live heap (as the last collection marked it) and the
// runtime's memory that is not heap: goroutine stacks, its metadata.
func (s sampler) read() (live, other uint64) {
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s[i].Value.Uint64()
	}
	live = v(0)
	heap := v(2) + v(3) + v(4) + v(5)
	if total := v(1); total > heap {
		other = total - heap
	}
	return live, other
}

// Set sets the runtime's soft limit from the runtime's figures now and
// returns it.
func (p Policy) Set() int64 { return p.set(newSampler()) }

func (p Policy) set(s sampler) int64 {
	l := p.Limit(s.read())
	debug.SetMemoryLimit(l)
	return l
}

// Follow sets the limit now and then every every until ctx ends.
func (p Policy) Follow(ctx context.Context, every time.Duration) {
	s := newSampler()
	p.set(s)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.set(s)
		}
	}
}
