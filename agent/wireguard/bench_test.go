package wireguard_test

import (
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"golang.zx2c4.com/wireguard/wgctrl"
	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
)

// BenchmarkApplyPeers applies 1,000 peers through the agent's applier as its
// full resync does (one batch, after checking each peer) and, in the same run, all at once with one raw
// wgctrl ConfigureDevice on another wireguard-go device; then one change at
// 1,000 peers. WEFT_BENCH_PEERS changes the count.
func BenchmarkApplyPeers(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root for TUN devices")
	}
	n := 1000
	if v := os.Getenv("WEFT_BENCH_PEERS"); v != "" {
		_, _ = fmt.Sscan(v, &n)
	}
	peers := make([]clusterstate.Peer, n)
	raw := make([]wgtypes.PeerConfig, n)
	for i := range n {
		k, _ := wgtypes.GeneratePrivateKey()
		ip := fmt.Sprintf("100.%d.%d.%d", 64+i/65536, (i/256)%256, i%256)
		peers[i] = clusterstate.Peer{ID: fmt.Sprint(i), PublicKey: k.PublicKey().String(), AllowedIPs: []string{ip + "/32"}}
		raw[i] = wgtypes.PeerConfig{PublicKey: k.PublicKey(), ReplaceAllowedIPs: true, AllowedIPs: []net.IPNet{{IP: net.ParseIP(ip).To4(), Mask: net.CIDRMask(32, 32)}}}
	}
	wg, err := wgctrl.New()
	if err != nil {
		b.Fatal(err)
	}
	defer wg.Close()
	var tWeft, tRaw, tOne time.Duration
	runs := 0
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		d, err := wireguard.Open(wireguard.Config{Interface: fmt.Sprintf("wfbw%d", runs), KeyFile: dir + "/w.key", ListenPort: 0})
		if err != nil {
			b.Fatal(err)
		}
		r, err := wireguard.Open(wireguard.Config{Interface: fmt.Sprintf("wfbr%d", runs), KeyFile: dir + "/r.key", ListenPort: 0})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := d.UpsertPeers(peers); err != nil { // the agent's full resync
			b.Fatal(err)
		}
		tWeft += time.Since(start)
		start = time.Now()
		if err := wg.ConfigureDevice(fmt.Sprintf("wfbr%d", runs), wgtypes.Config{Peers: raw}); err != nil {
			b.Fatal(err)
		}
		tRaw += time.Since(start)
		changed := peers[n/2]
		changed.AllowedIPs = append(changed.AllowedIPs, "100.127.255.1/32")
		start = time.Now()
		if err := d.UpsertPeer(changed); err != nil {
			b.Fatal(err)
		}
		tOne += time.Since(start)
		b.StopTimer()
		d.Close()
		r.Close()
		b.StartTimer()
		runs++
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(tWeft.Seconds()/float64(runs)*1000, "weft-full-ms")
	b.ReportMetric(tRaw.Seconds()/float64(runs)*1000, "raw-full-ms")
	b.ReportMetric(tWeft.Seconds()/tRaw.Seconds(), "ratio")
	b.ReportMetric(float64(tOne.Microseconds())/float64(runs)/1000, "one-change-ms")
}
