package wireguard_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
)

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A rootless device is small: wireguard-go's default bind reads 128
// datagrams at a time and the device keeps a 64 KiB buffer for each
// (24 MiB, whatever the peers); the rootless device reads one at a time.
func TestARootlessDeviceHoldsNoBatchBuffers(t *testing.T) {
	before := heapAlloc()
	d, err := wireguard.OpenNetstack(wireguard.Config{Interface: "small", KeyFile: filepath.Join(t.TempDir(), "k"), ListenPort: freeUDPPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	time.Sleep(300 * time.Millisecond) // its routines allocate as they start
	if grew := int64(heapAlloc()) - int64(before); grew > 4<<20 {
		t.Fatalf("an idle rootless device holds %.1f MiB of heap; want under 4", float64(grew)/(1<<20))
	}
}

// A registered peer that never sends costs a rootless gateway little:
// wireguard-go made each peer's inbound and outbound queues with 1,024
// slots (18.5 KiB of heap a peer, 23.4 KiB in all); weft carries a patch
// with 128 (third_party/wireguard-go).
func TestAnIdlePeerOnARootlessDeviceHoldsUnder12KiBOfHeap(t *testing.T) {
	d, err := wireguard.OpenNetstack(wireguard.Config{Interface: "peers", KeyFile: filepath.Join(t.TempDir(), "k"), ListenPort: freeUDPPort(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const n = 1000
	peers := make([]clusterstate.Peer, n)
	for i := range peers {
		k, err := wgtypes.GeneratePrivateKey()
		if err != nil {
			t.Fatal(err)
		}
		peers[i] = clusterstate.Peer{ID: fmt.Sprint(i), PublicKey: k.PublicKey().String(),
			AllowedIPs: []string{fmt.Sprintf("100.64.%d.%d/32", i/256, i%256)}}
	}
	time.Sleep(300 * time.Millisecond) // the device's routines allocate as they start
	before := heapAlloc()
	if err := d.UpsertPeers(peers); err != nil {
		t.Fatal(err)
	}
	perPeer := (float64(heapAlloc()) - float64(before)) / n / 1024
	t.Logf("%.1f KiB of heap per peer", perPeer)
	if perPeer > 12 {
		t.Fatalf("an idle peer holds %.1f KiB of heap; want under 12", perPeer)
	}
}
