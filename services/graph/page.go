package graph

import (
	"encoding/base64"
	"math"
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
	start, n, err := Window(first, after)
	if err != nil {
		return nil, PageInfo{}, err
	}
	start = min(start, len(items))
	edges, info := Edges(items[start:min(start+n, len(items))], start, len(items), edge)
	return edges, info, nil
}

// Window is the offset and the size of the page that first and after
// select, for a read model that keeps its list in order and reads only
// the page (Edges then makes it into edges); Paginate is the same over a
// whole list.
func Window(first *int, after *string) (start, n int, err error) {
	n, err = First(first)
	if err != nil {
		return 0, 0, err
	}
	if after != nil {
		off, err := ParseCursor("o", *after)
		if err != nil {
			return 0, 0, err
		}
		// off+1 as Paginate always counted it (a cursor of the largest
		// offset wraps to the start), held within an int.
		start = int(min(off+1, uint64(math.MaxInt)))
	}
	return start, n, nil
}

// Edges makes page, the items read at offset start (Window's, past the
// end when total is less) of a list of total items, into edges with their
// cursors, and the page info.
func Edges[T, E any](page []T, start, total int, edge func(cursor string, item T) E) ([]E, PageInfo) {
	start = min(start, total)
	edges := make([]E, 0, len(page))
	var info PageInfo
	var last string
	for i, item := range page {
		last = Cursor("o", uint64(start+i))
		edges = append(edges, edge(last, item))
	}
	if len(page) > 0 {
		info.EndCursor = &last
	}
	info.HasNextPage = start+len(page) < total
	return edges, info
}
