package command_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine running:
// every goroutine weft starts has an owner that waits for it. nats.go's
// jetstream leaves one per connection that published asynchronously
// waiting on a nil channel after the connection closed: the client's, not
// weft's.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/nats-io/nats.go/jetstream.(*jetStream).resetPendingAcksOnReconnect"))
}
