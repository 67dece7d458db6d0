package command

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"weft.dev/agent/wireguard"
)

// connect tries kernel WireGuard first and, where the kernel refuses (this
// machine has no module), brings up wireguard-go on the same interface name
// and says which it used; the failed kernel attempt leaves nothing behind.
func TestConnectPrefersKernelWireGuardAndFallsBackToWireguardGo(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("creating interfaces needs root")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	name := "wc" + hex.EncodeToString(b)
	d, mode, err := openTunnel(wireguard.Config{Interface: name, KeyFile: filepath.Join(t.TempDir(), "k.key")}, false)
	if err != nil {
		t.Fatalf("open tunnel: %v", err)
	}
	t.Cleanup(d.Close)
	if _, err := net.InterfaceByName(name); err != nil {
		t.Fatalf("mode %q made no interface %s: %v", mode, name, err)
	}
	// Ask the kernel directly to know which mode connect should have chosen.
	k, kerr := wireguard.OpenKernel(wireguard.Config{Interface: name + "k", KeyFile: filepath.Join(t.TempDir(), "k2.key")})
	if kerr == nil {
		k.Close()
		if mode != "kernel WireGuard" {
			t.Fatalf("the kernel has WireGuard but connect used %q", mode)
		}
	} else if !strings.HasPrefix(mode, "wireguard-go (userspace)") {
		t.Fatalf("without kernel WireGuard (%v) the mode is %q, want wireguard-go", kerr, mode)
	}
	stats, err := d.PeerStats()
	if err != nil {
		t.Fatalf("the fallback device answers no status: %v", err)
	}
	if len(stats) != 0 {
		t.Fatalf("a fresh tunnel has peers: %+v", stats)
	}
}
