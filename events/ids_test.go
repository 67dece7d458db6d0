package events

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestEventIDsAreUUIDv7CarryingTheirMillisecondAndSortInTheOrderMade(t *testing.T) {
	g := newIDSource()
	start := time.Date(2026, 12, 6, 4, 0, 0, 999_999_000, time.UTC)
	seen := map[string]bool{}
	prev := ""
	// A clock that stands still for a while, then goes back a second (an
	// NTP step), then moves on: ids must stay unique and ordered anyway.
	clock := func(i int) time.Time {
		switch {
		case i < 5000:
			return start
		case i < 6000:
			return start.Add(-time.Second)
		default:
			return start.Add(time.Duration(i) * time.Microsecond)
		}
	}
	for i := range 20_000 {
		now := clock(i)
		id, err := g.next(now)
		if err != nil {
			t.Fatal(err)
		}
		u, err := uuid.Parse(id)
		if err != nil || u.String() != id {
			t.Fatalf("id %q is not a canonical UUID: %v", id, err)
		}
		if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %s: version %d variant %v, want 7 RFC 4122", id, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("id %s handed out twice", id)
		}
		seen[id] = true
		if id <= prev {
			t.Fatalf("id %d %s does not sort after %s", i, id, prev)
		}
		prev = id
		// The timestamp is the clock's millisecond, or (when the clock
		// stood still or went back) a little after the last one handed out.
		sec, nsec := u.Time().UnixTime()
		got := time.Unix(sec, nsec)
		if i == 0 || i >= 7000 {
			if want := now.Truncate(time.Millisecond); !got.Equal(want) {
				t.Fatalf("id %d %s carries %v, made at %v", i, id, got, want)
			}
		}
	}
	// 74 random bits: two sources at the same instant do not collide.
	other := newIDSource()
	a, _ := g.next(start.Add(time.Hour))
	b, _ := other.next(start.Add(time.Hour))
	if a == b || a[:18] != b[:18] {
		t.Errorf("same instant from two sources: %s and %s", a, b)
	}
}
