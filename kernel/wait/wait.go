// Package wait is how weft's tests wait for an effect: For polls a
// condition until it holds or a deadline passes, and fails the test with
// the condition's last complaint, instead of sleeping for a guessed time.
// It is in the kernel so every module's tests share one (nats-server's
// checkFor is the model).
package wait

import (
	"testing"
	"time"
)

// Every is how often For polls.
const Every = 10 * time.Millisecond

// For polls cond every Every until it returns nil, and fails t with cond's
// last error when within passes first.
func For(t testing.TB, within time.Duration, cond func() error) {
	t.Helper()
	ForEvery(t, within, Every, cond)
}

// ForEvery is For polling every every: for a condition that costs a
// process or a round trip over a network, asked less often.
func ForEvery(t testing.TB, within, every time.Duration, cond func() error) {
	t.Helper()
	if err := until(within, every, cond); err != nil {
		t.Fatalf("still, after %v: %v", within, err)
	}
}

// Until polls cond every Every until it returns nil, and returns cond's
// last error when within passes first: for waits that are not a test's
// (a harness that must give up with an error of its own).
func Until(within time.Duration, cond func() error) error {
	return until(within, Every, cond)
}

func until(within, every time.Duration, cond func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(every)
	}
}
