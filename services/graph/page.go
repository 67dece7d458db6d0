package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"weft.dev/kernel/fault"
)

// Page sizes of a connection.
const (
	DefaultFirst = 50
	MaxFirst     = 500
)

// PageInfo is Relay's page information (the schemas' PageInfo).
type PageInfo struct {
	HasNextPage bool    `json:"hasNextPage"`
	EndCursor   *string `json:"endCursor,omitempty"`
}

// Cursor is the opaque cursor of the item at offset i of a sorted list, or
// of the event at sequence i of the log (kind tells which).
func Cursor(kind string, i uint64) string {
	// Built in stack buffers: every edge of every page gets a cursor,
	// selected or not, so this is one allocation (the string) per edge.
	var raw [32]byte
	b := strconv.AppendUint(append(append(raw[:0], kind...), ':'), i, 10)
	var enc [48]byte // AppendEncode grows past it for a long kind
	return string(base64.RawURLEncoding.AppendEncode(enc[:0], b))
}

// ParseCursor reads a cursor made by Cursor with the same kind; anything
// else is BAD_USER_INPUT on field "after".
func ParseCursor(kind, s string) (uint64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if n, ok := strings.CutPrefix(string(b), kind+":"); ok {
			if v, err := strconv.ParseUint(n, 10, 64); err == nil {
				return v, nil
			}
		}
	}
	return 0, fault.Invalidf("after", "%q is not a cursor of this list", s)
}

// First checks a page size: DefaultFirst when nil, 0…MaxFirst otherwise.
func First(first *int) (int, error) {
	if first == nil {
		return DefaultFirst, nil
	}
	if *first < 0 || *first > MaxFirst {
		return 0, fault.Invalidf("first", "%d is outside 0…%d", *first, MaxFirst)
	}
	return *first, nil
}

// Paginate returns the page of items (sorted the same way on every call)
// that first and after select, each item made into an edge with its
// cursor, and the page info. Offset cursors are enough here: lists come
// from read models that answer one team at a time and are sorted by name
// or time, so a page boundary moves only when items are added or removed
// before it.
func Paginate[T, E any](items []T, first *int, after *string, edge func(cursor string, item T) E) ([]E, PageInfo, error) {
	n, err := First(first)
	if err != nil {
		return nil, PageInfo{}, err
	}
	start := 0
	if after != nil {
		off, err := ParseCursor("o", *after)
		if err != nil {
			return nil, PageInfo{}, err
		}
		start = int(min(off+1, uint64(len(items))))
	}
	end := min(start+n, len(items))
	edges := make([]E, 0, end-start)
	var info PageInfo
	var last string
	for i := start; i < end; i++ {
		last = Cursor("o", uint64(i))
		edges = append(edges, edge(last, items[i]))
	}
	if end > start {
		info.EndCursor = &last
	}
	info.HasNextPage = end < len(items)
	return edges, info, nil
}
