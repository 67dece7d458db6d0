package wireguard_test

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"weft.dev/agent/wireguard"
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
