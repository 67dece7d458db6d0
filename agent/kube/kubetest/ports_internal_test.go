package kubetest

import (
	"net"
	"testing"
)

// A port taken between its pick and the API server's bind (another test's
// listener got it first, as in a CI run) makes Start try again on new
// ports, not fail the test.
func TestAPortTakenBeforeTheAPIServerBindsItIsTriedAgainOnNewOnes(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	picks := 0
	pick := func(n int) ([]int, error) {
		picks++
		ports, err := freePorts(n)
		if err == nil && picks == 1 {
			ports[2] = taken.Addr().(*net.TCPAddr).Port // the API server's
		}
		return ports, err
	}
	c := Start(t, func(o *options) { o.ports = pick })
	if picks != 2 {
		t.Fatalf("ports picked %d times, want 2", picks)
	}
	if _, err := c.Client.Discovery().ServerVersion(); err != nil {
		t.Fatalf("the control plane of the second attempt does not answer: %v", err)
	}
}
