// Package sorted holds Set, the ordered index a read model keeps of one
// list (a team's apps by environment and name, its devices by name) so
// that a page of the list costs what the page holds, not what the team
// holds: finding the key at an offset or the offset of a key walks the
// set's chunks (one step per hundred or so keys), reading on from there is
// in order, and an insert or a removal moves at most one chunk's keys.
//
// Guarantees: keys are unique under the set's comparison (an insert of a
// key already there changes nothing); iteration is in ascending order.
// A Set is not safe for concurrent use: read models keep it under the
// same lock as the maps it indexes (written by the projector's Apply,
// read by queries under the read lock).
package sorted

import (
	"iter"
	"slices"
	"sort"
)

// chunkMax is the most keys a chunk holds before it is split in two: an
// insert or a removal moves at most that many keys (each a few strings
// wide; the projector applies one per event), while reading from an
// offset steps over the chunks before it, one step per 64..128 keys (about
// 100 steps at 10,000 keys, a few microseconds).
const chunkMax = 128

// Set is an ordered set of keys, in chunks of at most chunkMax keys each
// sorted, and the chunks in order (every key of a chunk is below every
// key of the next).
type Set[K any] struct {
	cmp    func(a, b K) int
	chunks [][]K
	n      int
}

// New returns an empty set ordered by cmp (negative when a sorts before
// b, 0 when they are the same key).
func New[K any](cmp func(a, b K) int) *Set[K] { return &Set[K]{cmp: cmp} }

// Len is the number of keys.
func (s *Set[K]) Len() int { return s.n }

// chunkFor is the index of the first chunk whose last key is not below
// k: where k is or would go (len(s.chunks) when k is above every key).
func (s *Set[K]) chunkFor(k K) int {
	return sort.Search(len(s.chunks), func(i int) bool {
		c := s.chunks[i]
		return s.cmp(c[len(c)-1], k) >= 0
	})
}

// Insert adds k; it reports false, changing nothing, when k is there.
func (s *Set[K]) Insert(k K) bool {
	if len(s.chunks) == 0 {
		s.chunks = append(s.chunks, append(make([]K, 0, 16), k))
		s.n++
		return true
	}
	i := min(s.chunkFor(k), len(s.chunks)-1)
	c := s.chunks[i]
	j, found := slices.BinarySearchFunc(c, k, s.cmp)
	if found {
		return false
	}
	c = slices.Insert(c, j, k)
	s.n++
	if len(c) <= chunkMax {
		s.chunks[i] = c
		return true
	}
	// Split in two halves, each with room to grow.
	half := len(c) / 2
	lo := append(make([]K, 0, chunkMax), c[:half]...)
	hi := append(make([]K, 0, chunkMax), c[half:]...)
	s.chunks[i] = lo
	s.chunks = slices.Insert(s.chunks, i+1, hi)
	return true
}

// Delete removes k; it reports false when k is not there.
func (s *Set[K]) Delete(k K) bool {
	i := s.chunkFor(k)
	if i == len(s.chunks) {
		return false
	}
	c := s.chunks[i]
	j, found := slices.BinarySearchFunc(c, k, s.cmp)
	if !found {
		return false
	}
	c = slices.Delete(c, j, j+1) // which clears the freed slot
	s.n--
	switch {
	case len(c) == 0:
		s.chunks = slices.Delete(s.chunks, i, i+1)
		return true
	case len(c) < chunkMax/4 && i+1 < len(s.chunks) && len(c)+len(s.chunks[i+1]) <= chunkMax:
		// Merge a thinned chunk into its successor, so that deletions
		// cannot leave many small chunks to walk.
		c = append(c, s.chunks[i+1]...)
		s.chunks = slices.Delete(s.chunks, i+1, i+2)
	}
	s.chunks[i] = c
	return true
}

// Search is the offset of the first key not below k (Len when every key
// is below k).
func (s *Set[K]) Search(k K) int {
	i := s.chunkFor(k)
	off := 0
	for _, c := range s.chunks[:i] {
		off += len(c)
	}
	if i == len(s.chunks) {
		return off
	}
	j, _ := slices.BinarySearchFunc(s.chunks[i], k, s.cmp)
	return off + j
}

// From yields the keys at offset from and after, in order; none when
// from is Len or more. The set must not change while the sequence runs.
func (s *Set[K]) From(from int) iter.Seq[K] {
	return func(yield func(K) bool) {
		if from < 0 {
			from = 0
		}
		i := 0
		for i < len(s.chunks) && from >= len(s.chunks[i]) {
			from -= len(s.chunks[i])
			i++
		}
		for ; i < len(s.chunks); i++ {
			for _, k := range s.chunks[i][from:] {
				if !yield(k) {
					return
				}
			}
			from = 0
		}
	}
}

// Window is the part of a list a page reads: at most N keys from offset
// Start (graph.Window makes it from a Relay first and after).
type Window struct{ Start, N int }

// All is a window over a whole list.
var All = Window{Start: 0, N: int(^uint(0) >> 1)}

// Page returns the keys of s in window w, in order, and how many keys s
// holds; a nil s is an empty set.
func Page[K any](s *Set[K], w Window) (keys []K, total int) {
	if s == nil {
		return nil, 0
	}
	total = s.Len()
	start := min(max(w.Start, 0), total)
	keys = make([]K, 0, min(max(w.N, 0), total-start))
	if len(keys) == cap(keys) {
		return keys, total
	}
	for k := range s.From(start) {
		keys = append(keys, k)
		if len(keys) == cap(keys) {
			break
		}
	}
	return keys, total
}
