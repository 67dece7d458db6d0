package query

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// checkpoints keeps, per as-of source and team, that source's model as it
// stood after some of the team's events (its snapshot), so an as-of read
// replays from the nearest one at or before its point instead of from the
// team's first event: without them every as-of read of a busy team read
// and folded its whole history up to the point, a cost that grew with the
// log (and under weft-bench load, the largest share of the events the
// server sent).
//
// A checkpoint at sequence s holds for every point from s on until the
// team's next event, and the log only grows at its end, so one stays true
// for ever; they are dropped only to bound memory, least recently used
// first.
type checkpoints struct {
	mu    sync.Mutex
	max   int // bytes of snapshots kept at most
	bytes int
	clock uint64                   // use counter, for least recently used
	byKey map[string][]*checkpoint // sorted by seq
}

type checkpoint struct {
	seq  uint64    // the team's last event the model has applied
	time time.Time // that event's time
	snap []byte
	used uint64
}

// checkpointEvery is how many events an as-of read replays between the
// checkpoints it leaves on its way (and a quarter of it, past the last,
// before it leaves one where it ends): the snapshot of a model costs about
// what replaying a few hundred events does.
const checkpointEvery = 512

// checkpointBytes bounds the snapshots kept in a process.
const checkpointBytes = 64 << 20

func bySeq(cp *checkpoint, seq uint64) int { return cmp.Compare(cp.seq, seq) }

func newCheckpoints(maxBytes int) *checkpoints {
	return &checkpoints{max: maxBytes, byKey: map[string][]*checkpoint{}}
}

// before returns the latest checkpoint of key at or before seq, or nil.
func (c *checkpoints) before(key string, seq uint64) *checkpoint {
	c.mu.Lock()
	defer c.mu.Unlock()
	cps := c.byKey[key]
	i, _ := slices.BinarySearchFunc(cps, seq+1, bySeq)
	if i == 0 {
		return nil
	}
	cp := cps[i-1]
	c.clock++
	cp.used = c.clock
	return cp
}

// add keeps a checkpoint of key at seq, dropping the least recently used
// ones while the snapshots kept exceed the bound.
func (c *checkpoints) add(key string, seq uint64, t time.Time, snap []byte) {
	if len(snap) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cps := c.byKey[key]
	i, found := slices.BinarySearchFunc(cps, seq, bySeq)
	if found {
		return
	}
	c.clock++
	c.byKey[key] = slices.Insert(cps, i, &checkpoint{seq: seq, time: t, snap: snap, used: c.clock})
	c.bytes += len(snap)
	for c.bytes > c.max {
		c.evict()
	}
}

// evict drops the least recently used checkpoint.
func (c *checkpoints) evict() {
	var oldKey string
	oldAt := -1
	var oldUsed uint64
	for k, cps := range c.byKey {
		for i, cp := range cps {
			if oldAt < 0 || cp.used < oldUsed {
				oldKey, oldAt, oldUsed = k, i, cp.used
			}
		}
	}
	if oldAt < 0 {
		c.bytes = 0
		return
	}
	cps := c.byKey[oldKey]
	c.bytes -= len(cps[oldAt].snap)
	cps = slices.Delete(cps, oldAt, oldAt+1)
	if len(cps) == 0 {
		delete(c.byKey, oldKey)
	} else {
		c.byKey[oldKey] = cps
	}
}
