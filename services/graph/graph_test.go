package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"weft.dev/kernel/fault"
)

func TestErrorPresenterShowsFaultsWithCodeAndFieldAndHidesInternalErrors(t *testing.T) {
	var logs bytes.Buffer
	present := ErrorPresenter(slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := context.Background()

	bad := present(ctx, fmt.Errorf("create app: %w", fault.Invalidf("spec.ports[0].port", "70000 is not a port")))
	if bad.Extensions["code"] != "BAD_USER_INPUT" || bad.Extensions["field"] != "spec.ports[0].port" || !strings.Contains(bad.Message, "70000") {
		t.Errorf("fault = %+v", bad)
	}
	missing := present(ctx, fault.NotFoundf("app %q", "web"))
	if missing.Extensions["code"] != "NOT_FOUND" || missing.Extensions["field"] != nil {
		t.Errorf("not found = %+v", missing)
	}

	secret := errors.New("dial tcp 10.1.2.3:4222: connection refused")
	internal := present(ctx, fmt.Errorf("load app: %w", secret))
	id, _ := internal.Extensions["requestId"].(string)
	if internal.Extensions["code"] != "INTERNAL" || id == "" || internal.Message != "internal error (request "+id+")" {
		t.Errorf("internal = %+v", internal)
	}
	if !strings.Contains(logs.String(), id) || !strings.Contains(logs.String(), "10.1.2.3") {
		t.Errorf("the log lacks the request id or the details: %s", logs.String())
	}

	// gqlgen's own errors (parse, validation, limits) carry no cause.
	invalid := present(ctx, &gqlerror.Error{Message: `Cannot query field "nope"`, Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}})
	if invalid.Extensions["code"] != "BAD_USER_INPUT" || invalid.Extensions["reason"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("validation error = %+v", invalid)
	}
}

func TestPaginateWalksEveryItemOnceAndRefusesForeignCursors(t *testing.T) {
	items := []int{10, 11, 12, 13, 14}
	two := 2
	var got []int
	var after *string
	for pages := 0; ; pages++ {
		if pages > len(items) {
			t.Fatal("pagination does not end")
		}
		edges, info, err := Paginate(items, &two, after, func(c string, v int) int { return v })
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, edges...)
		if !info.HasNextPage {
			break
		}
		after = info.EndCursor
	}
	if fmt.Sprint(got) != fmt.Sprint(items) {
		t.Errorf("walked %v", got)
	}

	for _, c := range []string{"nope", Cursor("s", 1)} {
		if _, _, err := Paginate(items, nil, &c, func(c string, v int) int { return v }); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("cursor %q: err %v", c, err)
		}
	}
	big := MaxFirst + 1
	if _, _, err := Paginate(items, &big, nil, func(c string, v int) int { return v }); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("first %d: err %v", big, err)
	}
}

// TestCursorIsStable: cursors handed out before must still parse, so the
// allocation-free encoding must give exactly base64(kind:i).
func TestCursorIsStable(t *testing.T) {
	for _, kind := range []string{"o", "s", strings.Repeat("k", 40)} {
		for _, i := range []uint64{0, 1, 9, 10, 499, 1 << 40, math.MaxUint64} {
			want := base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatUint(i, 10)))
			if got := Cursor(kind, i); got != want {
				t.Errorf("Cursor(%q, %d) = %q, want %q", kind, i, got, want)
			}
			if n, err := ParseCursor(kind, Cursor(kind, i)); err != nil || n != i {
				t.Errorf("ParseCursor(Cursor(%q, %d)) = %d, %v", kind, i, n, err)
			}
		}
	}
}
