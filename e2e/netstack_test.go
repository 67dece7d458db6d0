package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/proxy"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/validate"
)

// A rootless agent (--netstack: wireguard-go on a userspace network, no TUN
// and no routes) serves an app to a device over the mesh: the device, itself
// a userspace WireGuard peer here, reaches the app's service IP through the
// gateway, an intercept sends the app's connections back to the device, and
// stopping it restores the backend. Nothing here needs root.
func TestARootlessAgentServesAnAppAndAnInterceptOverTheMesh(t *testing.T) {
	backend := listenOnAHostAddress(t)
	go serveEcho(backend, "the-backend")

	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	app := c.json("app", "create", "echo", "--env", "prod", "--port", "80", "--backend", backend.Addr().String())
	serviceIP, _ := find(app, "serviceIp").(string)

	// The device: a key made here, only the public half registered.
	dir := t.TempDir()
	devPort := freeUDPPortE2E(t)
	dev, err := wireguard.OpenNetstack(wireguard.Config{Interface: "laptop", KeyFile: filepath.Join(dir, "laptop.key"), ListenPort: devPort})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	reg := c.json("device", "create", "laptop", "--public-key", dev.PublicKey())
	devIP, _ := find(reg, "ip").(string)
	if err := dev.SetSelf(clusterstate.Self{Address: devIP + "/32"}); err != nil {
		t.Fatal(err)
	}

	gwPort := freeUDPPortE2E(t)
	runAgent(t, "--server", s.URL, "--cluster", clusterID,
		"--enrolment-secret", secret, "--state-dir", t.TempDir(), "--netstack", "--proxy",
		"--listen-port", fmt.Sprint(gwPort), "--endpoint", fmt.Sprintf("127.0.0.1:%d", gwPort))

	// The gateway the agent reported becomes the device's peer, as weft
	// device connect does.
	var gw map[string]any
	eventually(t, "the rootless gateway reports its key", func() (bool, string) {
		out, _, _ := c.run("cluster", "get", "eu-1", "-o", "json")
		gw = nil
		for _, o := range objects(jsonOf(out), "gatewayIp", "serviceRange", "publicKey") {
			gw = o
		}
		return gw != nil && gw["publicKey"] != nil && gw["publicKey"] != "", out
	})
	if err := dev.UpsertPeer(clusterstate.Peer{ID: clusterID, PublicKey: gw["publicKey"].(string),
		AllowedIPs: []string{gw["gatewayIp"].(string) + "/32", gw["serviceRange"].(string)},
		Endpoint:   fmt.Sprintf("127.0.0.1:%d", gwPort), Keepalive: 1}); err != nil {
		t.Fatal(err)
	}
	ask := func() string {
		cctx, ccancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer ccancel()
		conn, err := dev.Stack().DialContext(cctx, "tcp", net.JoinHostPort(serviceIP, "80"))
		if err != nil {
			return err.Error()
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
		b, _ := io.ReadAll(conn)
		return string(b)
	}
	eventually(t, "the device reaches the app through the rootless gateway", func() (bool, string) {
		got := ask()
		return strings.Contains(got, "echo from the-backend"), got
	})

	// An intercept: the gateway dials the device's mesh address through its
	// userspace stack.
	l, err := dev.Stack().ListenTCP(net.JoinHostPort(devIP, "3000"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go serveEcho(l, "the-laptop")
	ic := c.json("intercept", "start", "echo", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", "3000", "--wait", "--wait-timeout", "30s")
	eventually(t, "the intercept answers from the device", func() (bool, string) {
		got := ask()
		return strings.Contains(got, "echo from the-laptop"), got
	})
	icID, _ := find(ic, "id").(string)
	c.ok("intercept", "stop", icID, "--wait", "--wait-timeout", "30s")
	eventually(t, "stopping restores the backend", func() (bool, string) {
		got := ask()
		return strings.Contains(got, "echo from the-backend"), got
	})
	if os.Geteuid() == 0 {
		t.Log("(ran as root, but used no root-only facility: no TUN, no netlink, no namespaces)")
	}
}

// listenOnAHostAddress listens on one of this host's own non-loopback
// addresses: weft refuses loopback backends, and a rootless test cannot add
// an address of its own.
func listenOnAHostAddress(t *testing.T) net.Listener {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		p, err := netip.ParsePrefix(a.String())
		if err != nil || !p.Addr().Is4() || validate.UnsafeBackend(p.Addr()) != "" {
			continue
		}
		l, err := net.Listen("tcp", netip.AddrPortFrom(p.Addr(), 0).String())
		if err != nil {
			continue
		}
		t.Cleanup(func() { _ = l.Close() })
		return l
	}
	cannotRun(t, "this host has no IPv4 address other than loopback for a backend to listen on")
	return nil
}

func serveEcho(l net.Listener, name string) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go func() { defer conn.Close(); fmt.Fprintf(conn, "echo from %s\n", name) }()
	}
}

func freeUDPPortE2E(t *testing.T) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().(*net.UDPAddr).Port
}

func jsonOf(s string) any {
	var v any
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// weft device connect --netstack, rootless: started before any gateway
// exists, it learns the gateway from the live subscription (its poll is an
// hour away), and local programs reach the app through its SOCKS5 proxy by
// address and by name (the team's DNS, asked over the mesh); an intercept
// reaches a local server through --expose; weft device status shows it.
func TestARootlessDeviceConnectReachesAppsByNameThroughSOCKSAndServesAnIntercept(t *testing.T) {
	backend := listenOnAHostAddress(t)
	go serveEcho(backend, "the-backend")
	local, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	go serveEcho(local, "the-laptop")
	_, localPort, _ := net.SplitHostPort(local.Addr().String())

	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	app := c.json("app", "create", "echo", "--env", "prod", "--port", "80", "--backend", backend.Addr().String())
	serviceIP, _ := find(app, "serviceIp").(string)

	socksAddr := freeUDPAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	connect := exec.CommandContext(ctx, c.bin, "device", "connect", "laptop", "--netstack", "--socks", socksAddr,
		"--expose", localPort, "--sync-every", "1h")
	connect.Env = append(os.Environ(), "WEFT_CONFIG="+c.config)
	var connectOut lockedBuffer
	connect.Stdout, connect.Stderr = &connectOut, &connectOut
	if err := connect.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = connect.Process.Signal(os.Interrupt)
		_ = connect.Wait()
		if t.Failed() {
			t.Logf("weft device connect:\n%s", connectOut.String())
		}
	}()
	eventually(t, "connect comes up", func() (bool, string) {
		return strings.Contains(connectOut.String(), "SOCKS5 proxy"), connectOut.String()
	})

	// Only now does the cluster's gateway start.
	gwPort := freeUDPPortE2E(t)
	dnsAddr := freeUDPAddr(t)
	runAgent(t, "--server", s.URL, "--cluster", clusterID,
		"--enrolment-secret", secret, "--state-dir", t.TempDir(), "--netstack", "--proxy", "--dns", dnsAddr,
		"--listen-port", fmt.Sprint(gwPort), "--endpoint", fmt.Sprintf("127.0.0.1:%d", gwPort))

	client, err := proxy.SOCKS5("tcp", socksAddr, nil, proxy.Direct)
	if err != nil {
		t.Fatal(err)
	}
	via := func(addr string) string {
		conn, err := client.Dial("tcp", addr)
		if err != nil {
			return err.Error()
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
		b, _ := io.ReadAll(conn)
		return string(b)
	}
	eventually(t, "the gateway arrives by subscription and the app answers through SOCKS", func() (bool, string) {
		got := via(net.JoinHostPort(serviceIP, "80"))
		return strings.Contains(got, "echo from the-backend"), got
	})
	if got := via("echo.prod.acme.weft.internal:80"); !strings.Contains(got, "echo from the-backend") {
		t.Fatalf("by name through SOCKS: %s", got)
	}
	c.ok("intercept", "start", "echo", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", localPort, "--wait", "--wait-timeout", "30s")
	eventually(t, "the intercept answers from the local server", func() (bool, string) {
		got := via(net.JoinHostPort(serviceIP, "80"))
		return strings.Contains(got, "echo from the-laptop"), got
	})

	status := c.json("device", "status", "laptop")
	if mode, _ := find(status, "mode").(string); !strings.Contains(mode, "netstack") {
		t.Errorf("status mode %q", mode)
	}
	if sub, _ := find(status, "subscription").(string); sub != "live" {
		t.Errorf("status subscription %q", sub)
	}
	// A peer the intercept made the device apply again starts without a
	// handshake (wireguard-go keeps none across a reconfigured peer) until
	// its next packet: the status shows one once it is made.
	eventually(t, "the status shows a handshake with the gateway", func() (bool, string) {
		status = c.json("device", "status", "laptop")
		hs, _ := find(status, "lastHandshake").(string)
		return hs != "", fmt.Sprint(status)
	})
	table := c.ok("device", "status")
	mustContain(t, "device status", table, "device laptop (team acme)", "gateways: live", "eu-1", "127.0.0.1:"+fmt.Sprint(gwPort))
}
