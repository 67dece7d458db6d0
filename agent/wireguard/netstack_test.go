package wireguard_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
)

func freeUDPPort(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// Two rootless gateways (wireguard-go over userspace networking, no TUN,
// no root) configured through the same API as the kernel-facing ones carry
// TCP and UDP between their mesh addresses, and a service IP is reachable
// exactly while something listens on it.
func TestTwoNetstackGatewaysCarryTCPAndUDPWithoutRoot(t *testing.T) {
	dir := t.TempDir()
	open := func(name string, port int) *wireguard.Device {
		d, err := wireguard.OpenNetstack(wireguard.Config{Interface: name, KeyFile: filepath.Join(dir, name+".key"), ListenPort: port})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		return d
	}
	pa, pb := freeUDPPort(t), freeUDPPort(t)
	a, b := open("a", pa), open("b", pb)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.SetSelf(clusterstate.Self{Address: "100.64.0.1/32"}))
	must(b.SetSelf(clusterstate.Self{Address: "100.64.0.2/32", ServiceRange: "100.80.16.0/20"}))
	must(a.UpsertPeer(clusterstate.Peer{ID: "b", PublicKey: b.PublicKey(), AllowedIPs: []string{"100.64.0.2/32", "100.80.16.0/20"}, Endpoint: net.JoinHostPort("127.0.0.1", itoa(pb))}))
	must(b.UpsertPeer(clusterstate.Peer{ID: "a", PublicKey: a.PublicKey(), AllowedIPs: []string{"100.64.0.1/32"}, Endpoint: net.JoinHostPort("127.0.0.1", itoa(pa))}))

	echo := func(l net.Listener) {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}
	l, err := b.Stack().ListenTCP("100.64.0.2:7000")
	must(err)
	defer l.Close()
	go echo(l)
	roundTrip := func(network, addr string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := a.Stack().DialContext(ctx, network, addr)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("ping")); err != nil {
			return err
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
		if string(buf) != "ping" {
			t.Fatalf("%s %s echoed %q", network, addr, buf)
		}
		return nil
	}
	must(roundTrip("tcp", "100.64.0.2:7000"))
	stats, err := a.PeerStats()
	must(err)
	if len(stats) != 1 || stats[0].PublicKey != b.PublicKey() || stats[0].LastHandshake.IsZero() || stats[0].RxBytes == 0 || stats[0].TxBytes == 0 ||
		stats[0].Endpoint != net.JoinHostPort("127.0.0.1", itoa(pb)) || len(stats[0].AllowedIPs) != 2 {
		t.Fatalf("A's view of its peer after a round trip: %+v", stats)
	}

	// UDP to a service IP: local on B only while B listens there.
	pc, err := b.Stack().ListenUDP("100.80.16.5:53")
	must(err)
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(buf[:n], from)
		}
	}()
	must(roundTrip("udp", "100.80.16.5:53"))
	tl, err := b.Stack().ListenTCP("100.80.16.5:80")
	must(err)
	go echo(tl)
	must(roundTrip("tcp", "100.80.16.5:80"))
	pc.Close()
	tl.Close()
	for _, addr := range b.Stack().Addresses() {
		if addr.String() == "100.80.16.5" {
			t.Fatal("a service IP stayed local after its listeners closed")
		}
	}
	if err := roundTrip("tcp", "100.80.16.5:80"); err == nil {
		t.Fatal("a closed service IP still answers")
	}
	// The mesh address is still there, and so is the session.
	must(roundTrip("tcp", "100.64.0.2:7000"))
}

func itoa(n int) string { return strconv.Itoa(n) }

// A resync applies many peers in one configuration: the team's gateways
// (endpoint, keepalive) and its devices (no keepalive). Only the gateways
// get a keepalive, and with it a handshake; the devices after them in the
// same batch get none (wireguard-go would carry "keepalive on" from the
// gateway to every peer after it, and 50 agents then spent their CPU on
// handshakes with a thousand devices each). A keepalive the desired state
// drops is turned off.
func TestABatchStartsHandshakesOnlyWithPeersThatAskForKeepalives(t *testing.T) {
	dir := t.TempDir()
	d, err := wireguard.OpenNetstack(wireguard.Config{Interface: "gw", KeyFile: filepath.Join(dir, "gw.key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	// Every peer has an endpoint here, so a handshake initiation is sent
	// (and counted in the peer's tx bytes) rather than failing for want of
	// one; nothing answers.
	sink, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	endpoint := sink.LocalAddr().String()
	peer := func(id string, ip string, keepalive int) clusterstate.Peer {
		k, err := wgtypes.GeneratePrivateKey()
		if err != nil {
			t.Fatal(err)
		}
		return clusterstate.Peer{ID: id, PublicKey: k.PublicKey().String(), AllowedIPs: []string{ip + "/32"}, Endpoint: endpoint, Keepalive: keepalive}
	}
	gateway := peer("gateway", "100.64.0.2", 25)
	batch := []clusterstate.Peer{gateway}
	for i := range 20 {
		batch = append(batch, peer(fmt.Sprintf("device-%d", i), fmt.Sprintf("100.64.1.%d", i+1), 0))
	}
	if err := d.UpsertPeers(batch); err != nil {
		t.Fatal(err)
	}
	stats := func() map[string]wireguard.PeerStat {
		t.Helper()
		got, err := d.PeerStats()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]wireguard.PeerStat{}
		for _, s := range got {
			out[s.PublicKey] = s
		}
		if len(out) != len(batch) {
			t.Fatalf("the device holds %d peers, want %d", len(out), len(batch))
		}
		return out
	}
	// The gateway's keepalive (and so its handshake initiation) is sent
	// while the configuration is applied, before UpsertPeers returns.
	got := stats()
	if s := got[gateway.PublicKey]; s.Keepalive != 25 || s.TxBytes == 0 {
		t.Fatalf("the gateway (keepalive 25) got keepalive %d and %d bytes sent, want 25 and a handshake initiation", s.Keepalive, s.TxBytes)
	}
	for _, p := range batch[1:] {
		if s := got[p.PublicKey]; s.Keepalive != 0 || s.TxBytes != 0 {
			t.Errorf("device %s (no keepalive) got keepalive %d and %d bytes sent, want none", p.ID, s.Keepalive, s.TxBytes)
		}
	}

	gateway.Keepalive = 0
	if err := d.UpsertPeer(gateway); err != nil {
		t.Fatal(err)
	}
	if s := stats()[gateway.PublicKey]; s.Keepalive != 0 {
		t.Fatalf("the gateway's keepalive is %d after the desired state dropped it", s.Keepalive)
	}
}
