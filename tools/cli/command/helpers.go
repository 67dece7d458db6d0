package command

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/Khan/genqlient/graphql"
)

// pageSize is how many items a list asks for per request.
const pageSize = 100

// collect reads every page of a Relay connection. fetch gets the cursor
// to continue after (nil first) and returns the page's items, whether
// there are more, and the end cursor.
func collect[T any](ctx context.Context, fetch func(ctx context.Context, first int, after *string) ([]T, bool, *string, error)) ([]T, error) {
	var all []T
	var after *string
	for {
		items, more, end, err := fetch(ctx, pageSize, after)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if !more || end == nil {
			if all == nil {
				all = []T{} // [] rather than null in JSON
			}
			return all, nil
		}
		after = end
	}
}

// ts formats an optional time for a table.
func ts(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func str(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

func num(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// printSeq tells a human the write's sequence (useful as --min-seq and in
// the audit trail); machine formats carry it in the payload.
func seqNote(seq int) string { return fmt.Sprintf("(event sequence %d)", seq) }

// clientT is the generated operations' client type.
type clientT = graphql.Client
