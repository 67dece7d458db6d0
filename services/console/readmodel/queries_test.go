package readmodel_test

import (
	"context"
	"fmt"
	"testing"

	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/readmodel"
)

// behind is a runner that never reaches the sequence asked for.
type behind struct{}

func (behind) WaitFor(ctx context.Context, seq uint64) error {
	return fmt.Errorf("at 0, waiting for %d: %w", seq, projection.ErrBehind)
}

func TestQueryOnAModelThatIsBehindAnswersUnavailable(t *testing.T) {
	q := readmodel.NewQueries(readmodel.New(), behind{})
	p := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	if _, _, err := q.Apps(context.Background(), p, "acme", "", "", readmodel.All, 42); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("want UNAVAILABLE, got %v", err)
	}
	// Without minSeq it answers at once, from what it has.
	if apps, _, err := q.Apps(context.Background(), p, "acme", "", "", readmodel.All, 0); err != nil || len(apps) != 0 {
		t.Fatalf("apps %v, %v", apps, err)
	}
	// Another team's caller is refused before any waiting.
	other := auth.Principal{UserID: "eve", Team: "globex", Role: auth.Owner}
	if _, _, err := q.Envs(context.Background(), other, "acme", "", readmodel.All, 42); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("want NOT_FOUND, got %v", err)
	}
}
