package dns_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine running:
// every goroutine weft starts has an owner that waits for it (a server's
// Stop runs the plugins' shutdown hooks). CoreDNS's forward plugin stops a
// proxy without stopping its transport, whose connection manager then
// runs on (plugin/pkg/proxy, Proxy.Stop): CoreDNS's, not weft's.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/coredns/coredns/plugin/pkg/proxy.(*Transport).connManager"))
}
