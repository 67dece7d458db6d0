package kubetest

import (
	"testing"
	"time"
)

// Eventually calls cond every 50 ms until it returns nil, and fails the
// test with cond's last error when within has passed.
func Eventually(t testing.TB, within time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %v", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
