package query

import (
	"testing"
	"time"
)

// A read finds the latest checkpoint at or before its point, and the
// snapshots kept stay within the bound, the least recently used dropped.
func TestCheckpointsFindTheLatestAtOrBeforeAndDropTheLeastRecentlyUsed(t *testing.T) {
	c := newCheckpoints(300)
	snap := make([]byte, 100)
	c.add("a", 10, time.Time{}, snap)
	c.add("a", 30, time.Time{}, snap)
	c.add("b", 20, time.Time{}, snap)
	for _, tc := range []struct {
		key  string
		seq  uint64
		want uint64 // 0: none
	}{{"a", 9, 0}, {"a", 10, 10}, {"a", 29, 10}, {"a", 30, 30}, {"a", 99, 30}, {"b", 19, 0}, {"b", 25, 20}, {"c", 50, 0}} {
		got := uint64(0)
		if cp := c.before(tc.key, tc.seq); cp != nil {
			got = cp.seq
		}
		if got != tc.want {
			t.Errorf("before(%s, %d) = %d, want %d", tc.key, tc.seq, got, tc.want)
		}
	}
	// b/20 was used last by the lookup at 25; use both of a's after it, so
	// that b/20 is the least recently used when a fourth goes past 300.
	c.before("a", 30)
	c.before("a", 10)
	c.add("c", 5, time.Time{}, snap)
	if c.bytes > c.max {
		t.Errorf("%d bytes kept, bound %d", c.bytes, c.max)
	}
	if cp := c.before("b", 25); cp != nil {
		t.Errorf("b/20, the least recently used, is still kept")
	}
	if cp := c.before("a", 10); cp == nil || cp.seq != 10 {
		t.Errorf("a/10, used after b/20, was dropped")
	}
	if cp := c.before("a", 30); cp == nil || cp.seq != 30 {
		t.Errorf("a/30, used after b/20, was dropped")
	}
	c.add("d", 1, time.Time{}, make([]byte, 301))
	if cp := c.before("d", 1); cp != nil {
		t.Errorf("a snapshot larger than the bound was kept")
	}
}
