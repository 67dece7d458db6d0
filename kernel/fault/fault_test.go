package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"weft.dev/kernel/fault"
)

func TestAKindedFaultMatchesItsSentinelAndKeepsItsCode(t *testing.T) {
	errGone := errors.New("gone")
	err := fmt.Errorf("delete: %w", fault.WithKind(errGone, fault.NotFoundf("app %q", "api")))
	if !errors.Is(err, errGone) {
		t.Errorf("%v does not match its sentinel", err)
	}
	if fault.CodeOf(err) != fault.NotFound {
		t.Errorf("code %s, want NOT_FOUND", fault.CodeOf(err))
	}
	if got := err.Error(); got != `delete: app "api" not found` {
		t.Errorf("message %q", got)
	}
}
