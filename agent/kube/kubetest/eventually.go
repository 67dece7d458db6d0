package kubetest

import (
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// Eventually fails the test unless cond returns nil within the time given
// (weft.dev/kernel/wait.For, under the name this package's users know).
func Eventually(t testing.TB, within time.Duration, cond func() error) {
	t.Helper()
	wait.For(t, within, cond)
}
