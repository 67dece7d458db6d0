package wait

import (
	"errors"
	"testing"
	"time"
)

func TestUntilReturnsOnceTheConditionHoldsAndItsLastErrorOtherwise(t *testing.T) {
	n := 0
	if err := Until(time.Second, func() error {
		if n++; n < 3 {
			return errors.New("not yet")
		}
		return nil
	}); err != nil || n != 3 {
		t.Fatalf("Until = %v after %d calls, want nil after 3", err, n)
	}
	start := time.Now()
	err := Until(50*time.Millisecond, func() error { return errors.New("never") })
	if err == nil || err.Error() != "never" {
		t.Fatalf("Until = %v, want the condition's last error", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond {
		t.Fatalf("gave up after %v, before the deadline", waited)
	}
}
