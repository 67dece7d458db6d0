package sorted_test

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"weft.dev/services/sorted"
)

// TestSetAgreesWithASortedSliceThroughSplitsAndMerges inserts and deletes
// thousands of random keys (enough to split chunks many times, then thin
// and merge them) and checks after every batch that Len, Search and From
// at every offset answer as a plain sorted slice does.
func TestSetAgreesWithASortedSliceThroughSplitsAndMerges(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := sorted.New(cmp.Compare[int])
	var want []int
	check := func(stage string) {
		t.Helper()
		if s.Len() != len(want) {
			t.Fatalf("%s: Len %d, want %d", stage, s.Len(), len(want))
		}
		for _, from := range []int{-1, 0, 1, len(want) / 3, len(want) - 1, len(want), len(want) + 5} {
			got := slices.Collect(s.From(from))
			exp := want[min(max(from, 0), len(want)):]
			if !slices.Equal(got, exp) {
				t.Fatalf("%s: From(%d) = %d keys, want %d", stage, from, len(got), len(exp))
			}
		}
		for range 50 {
			k := r.IntN(40000)
			w, _ := slices.BinarySearch(want, k)
			if got := s.Search(k); got != w {
				t.Fatalf("%s: Search(%d) = %d, want %d", stage, k, got, w)
			}
		}
	}
	check("empty")
	for round := range 20 {
		for range 1000 {
			k := r.IntN(40000)
			i, found := slices.BinarySearch(want, k)
			if got := s.Insert(k); got == found {
				t.Fatalf("Insert(%d) = %v with the key there: %v", k, got, found)
			}
			if !found {
				want = slices.Insert(want, i, k)
			}
		}
		check("after inserts")
		deletes := 600
		if round >= 10 {
			deletes = 1500 // thin the set out: chunks merge
		}
		for range deletes {
			var k int
			if len(want) > 0 && r.IntN(4) > 0 {
				k = want[r.IntN(len(want))]
			} else {
				k = r.IntN(40000)
			}
			i, found := slices.BinarySearch(want, k)
			if got := s.Delete(k); got != found {
				t.Fatalf("Delete(%d) = %v, key there: %v", k, got, found)
			}
			if found {
				want = slices.Delete(want, i, i+1)
			}
		}
		check("after deletes")
	}
	if s.Len() != 0 {
		// Drain what is left: the set ends empty.
		for _, k := range slices.Clone(want) {
			s.Delete(k)
		}
		want = nil
		check("drained")
	}
}

// TestFromStopsWhenTheConsumerStops reads a page from the middle: the
// sequence yields only what was taken.
func TestFromStopsWhenTheConsumerStops(t *testing.T) {
	s := sorted.New(cmp.Compare[int])
	for i := range 2000 {
		s.Insert(i)
	}
	var page []int
	for k := range s.From(1500) {
		page = append(page, k)
		if len(page) == 100 {
			break
		}
	}
	if len(page) != 100 || page[0] != 1500 || page[99] != 1599 {
		t.Fatalf("page %d..%d (%d keys)", page[0], page[len(page)-1], len(page))
	}
}

// TestPageReadsTheWindowAndCountsTheSet covers a window at the start, past
// the end, of size 0, and over a nil set.
func TestPageReadsTheWindowAndCountsTheSet(t *testing.T) {
	s := sorted.New(cmp.Compare[int])
	for i := range 1200 {
		s.Insert(i)
	}
	for _, c := range []struct {
		w           sorted.Window
		first, size int
	}{
		{sorted.Window{Start: 0, N: 100}, 0, 100},
		{sorted.Window{Start: 1150, N: 100}, 1150, 50},
		{sorted.Window{Start: 5000, N: 100}, -1, 0},
		{sorted.Window{Start: 10, N: 0}, -1, 0},
		{sorted.All, 0, 1200},
	} {
		keys, total := sorted.Page(s, c.w)
		if total != 1200 || len(keys) != c.size || (c.size > 0 && (keys[0] != c.first || keys[len(keys)-1] != c.first+c.size-1)) {
			t.Errorf("%+v: %d keys of %d", c.w, len(keys), total)
		}
	}
	if keys, total := sorted.Page[int](nil, sorted.All); len(keys) != 0 || total != 0 {
		t.Errorf("nil set: %d keys of %d", len(keys), total)
	}
}
