package kubetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// NewNetns creates a network namespace for t, named as `ip netns` names it
// ("kt" and random hex), with its loopback interface up, and deletes it when
// the test ends. It needs root (CAP_SYS_ADMIN) and iproute2's ip; without them
// the test is skipped, or fails when CI is set.
func NewNetns(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		cannotRun(t, "a network namespace needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		cannotRun(t, "a network namespace needs iproute2's ip (go tool task deps installs it)")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "kt" + hex.EncodeToString(b)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	if out, err := exec.Command("ip", "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip -n %s link set lo up: %v: %s", name, err, out)
	}
	return name
}

// InNetns runs fn on a thread that has entered the network namespace ns (a
// name under /run/netns, as `ip netns add` makes it), then returns the thread
// to where it was. Sockets fn creates belong to ns for their whole life, so
// a listener or connection made here keeps working after InNetns returns;
// goroutines fn starts do not run in ns.
func InNetns(ns string, fn func() error) error {
	target, err := os.Open(filepath.Join("/run/netns", ns))
	if err != nil {
		return fmt.Errorf("open network namespace %s: %w", ns, err)
	}
	defer target.Close()
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("open this thread's network namespace: %w", err)
	}
	defer orig.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter network namespace %s: %w", ns, err)
	}
	defer func() {
		// A thread that cannot go back stays locked, so the runtime ends it
		// with this goroutine instead of handing it to another.
		if unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
	}()
	return fn()
}

// ListenIn listens on addr (TCP) inside the network namespace ns.
func ListenIn(ns, addr string) (net.Listener, error) {
	var l net.Listener
	err := InNetns(ns, func() (err error) {
		l, err = net.Listen("tcp", addr)
		return err
	})
	return l, err
}

// DialIn returns a dial function whose connections start inside the
// network namespace ns, for an http.Transport or a gRPC dialer in a test
// that runs in the host's namespace.
func DialIn(ns string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var c net.Conn
		err := InNetns(ns, func() (err error) {
			var d net.Dialer
			c, err = d.DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
}
