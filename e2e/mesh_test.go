package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEchoHelperProcess is not a test: mesh tests run it inside a network
// namespace as an app backend (a TCP echo server on WEFT_ECHO).
func TestEchoHelperProcess(t *testing.T) {
	addr := os.Getenv("WEFT_ECHO")
	if addr == "" {
		t.Skip("helper process")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Println("fail", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(0)
		}
		go func() { defer c.Close(); fmt.Fprintf(c, "echo from %s\n", os.Getenv("WEFT_ECHO_NAME")) }()
	}
}

// TestDialHelperProcess is not a test: it dials WEFT_DIAL from inside a
// namespace until it gets an answer (or 20 s pass) and prints it.
func TestDialHelperProcess(t *testing.T) {
	addr := os.Getenv("WEFT_DIAL")
	if addr == "" {
		t.Skip("helper process")
	}
	wait := 20 * time.Second
	if v, err := time.ParseDuration(os.Getenv("WEFT_DIAL_FOR")); err == nil {
		wait = v
	}
	deadline := time.Now().Add(wait)
	// With WEFT_DNS, names resolve through that server only (the agent's).
	d := &net.Dialer{Timeout: time.Second}
	if srv := os.Getenv("WEFT_DNS"); srv != "" {
		d.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv)
		}}
	}
	for {
		c, err := d.Dial("tcp", addr)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			b, _ := io.ReadAll(c)
			c.Close()
			if len(b) > 0 {
				fmt.Print(string(b))
				os.Exit(0)
			}
		}
		if time.Now().After(deadline) {
			fmt.Println("fail", err)
			os.Exit(1)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func sh(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// Two clusters, each a network namespace with its own weft-agent running a
// real wireguard-go gateway, the proxy and DNS, configured only from their
// streams, and a laptop joined with weft device connect: connections from
// cluster B and from the laptop to an app homed in cluster A (by service IP,
// and by name through B's agent) cross the mesh and reach the backend
// inside A; an intercept answers from the laptop until stopped; a deny
// policy refuses the laptop until removed; a second backend in cluster B
// shares the connections and takes them all when A's backend dies.
func TestAnAppIsReachableFromAnotherClusterAndAConnectedDeviceOverTheMesh(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("needs /dev/net/tun")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	rb := make([]byte, 3)
	_, _ = rand.Read(rb)
	id := hex.EncodeToString(rb)
	nsA, nsB, nsL, nsNet := "wea-"+id, "web-"+id, "wel-"+id, "wen-"+id
	for _, ns := range []string{nsA, nsB, nsL, nsNet} {
		sh(t, "ip", "netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
		sh(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
	// Control links from the host (weft-server) to each cluster, and the
	// link the two gateways' WireGuard traffic crosses.
	sh(t, "ip", "link", "add", "ca"+id, "type", "veth", "peer", "name", "ca"+id+"x", "netns", nsA)
	sh(t, "ip", "link", "add", "cb"+id, "type", "veth", "peer", "name", "cb"+id+"x", "netns", nsB)
	sh(t, "ip", "addr", "add", "198.51.100.1/30", "dev", "ca"+id)
	sh(t, "ip", "addr", "add", "198.51.100.5/30", "dev", "cb"+id)
	sh(t, "ip", "link", "set", "ca"+id, "up")
	sh(t, "ip", "link", "set", "cb"+id, "up")
	sh(t, "ip", "-n", nsA, "addr", "add", "198.51.100.2/30", "dev", "ca"+id+"x")
	sh(t, "ip", "-n", nsB, "addr", "add", "198.51.100.6/30", "dev", "cb"+id+"x")
	sh(t, "ip", "-n", nsA, "link", "set", "ca"+id+"x", "up")
	sh(t, "ip", "-n", nsB, "link", "set", "cb"+id+"x", "up")
	// The "internet" the gateways and the laptop share: a bridge in its own
	// namespace, 192.0.2.0/24.
	sh(t, "ip", "-n", nsNet, "link", "add", "br"+id, "type", "bridge")
	sh(t, "ip", "-n", nsNet, "link", "set", "br"+id, "up")
	for i, h := range []struct{ ns, dev string }{{nsA, "ma" + id}, {nsB, "mb" + id}, {nsL, "ml" + id}} {
		sh(t, "ip", "link", "add", h.dev, "netns", h.ns, "type", "veth", "peer", "name", h.dev+"x", "netns", nsNet)
		sh(t, "ip", "-n", nsNet, "link", "set", h.dev+"x", "master", "br"+id)
		sh(t, "ip", "-n", nsNet, "link", "set", h.dev+"x", "up")
		sh(t, "ip", "-n", h.ns, "addr", "add", fmt.Sprintf("192.0.2.%d/24", i+1), "dev", h.dev)
		sh(t, "ip", "-n", h.ns, "link", "set", h.dev, "up")
	}
	// The laptop's own way to weft-server's API.
	sh(t, "ip", "link", "add", "cl"+id, "type", "veth", "peer", "name", "cl"+id+"x", "netns", nsL)
	sh(t, "ip", "addr", "add", "198.51.100.9/30", "dev", "cl"+id)
	sh(t, "ip", "link", "set", "cl"+id, "up")
	sh(t, "ip", "-n", nsL, "addr", "add", "198.51.100.10/30", "dev", "cl"+id+"x")
	sh(t, "ip", "-n", nsL, "link", "set", "cl"+id+"x", "up")

	s := startServer(t, "--http", "0.0.0.0:0", "--nats-listen", "0.0.0.0:0")
	hu, _ := url.Parse(s.URL)
	nu, _ := url.Parse(s.NATS)
	c := newCLI(t)
	c.ok("login", "--server", "http://127.0.0.1:"+hu.Port(), "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	type cl struct{ id, secret, ns, ctl, endpoint string }
	clusters := map[string]*cl{"eu-1": {ns: nsA, ctl: "198.51.100.1", endpoint: "192.0.2.1:51820"}, "us-1": {ns: nsB, ctl: "198.51.100.5", endpoint: "192.0.2.2:51820"}}
	for name, k := range clusters {
		out := c.json("cluster", "create", name)
		k.id, _ = find(out, "id").(string)
		k.secret, _ = find(out, "enrolmentSecret").(string)
	}
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	app := c.json("app", "create", "echo", "--env", "prod", "--port", "80", "--backend", "127.0.0.1:7000")
	serviceIP, _ := find(app, "serviceIp").(string)

	bin := binaries(t)
	self, _ := os.Executable()
	echo := exec.Command("ip", "netns", "exec", nsA, self, "-test.run=^TestEchoHelperProcess$")
	echo.Env = append(os.Environ(), "WEFT_ECHO=127.0.0.1:7000", "WEFT_ECHO_NAME=cluster-a")
	if err := echo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = echo.Process.Kill(); _ = echo.Wait() })

	for name, k := range clusters {
		dir := t.TempDir()
		args := []string{"netns", "exec", k.ns, filepath.Join(bin, "weft-agent"),
			"--server", "http://" + k.ctl + ":" + hu.Port(), "--nats-url", "nats://" + k.ctl + ":" + nu.Port(),
			"--cluster", k.id, "--enrolment-secret", k.secret, "--state-dir", dir,
			"--interface", "wg" + name[:2] + id, "--endpoint", k.endpoint, "--proxy", "--dns", "127.0.0.1:5353"}
		agent := exec.Command("ip", args...)
		var logs strings.Builder
		agent.Stdout, agent.Stderr = &logs, &logs
		if err := agent.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = agent.Process.Signal(os.Interrupt)
			_ = agent.Wait()
			if t.Failed() {
				t.Logf("agent %s:\n%s", name, logs.String())
			}
		})
	}

	dial := exec.Command("ip", "netns", "exec", nsB, self, "-test.run=^TestDialHelperProcess$")
	dial.Env = append(os.Environ(), "WEFT_DIAL="+net.JoinHostPort(serviceIP, "80"))
	out, err := dial.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "echo from cluster-a") {
		t.Fatalf("from cluster B to %s:80: %v\n%s", serviceIP, err, out)
	}
	// A laptop joins with weft device connect (userspace WireGuard, peers
	// from the API) and reaches the app in cluster A through A's gateway.
	lc := newCLI(t)
	lc.prefix = []string{"ip", "netns", "exec", nsL}
	lc.ok("login", "--server", "http://198.51.100.9:"+hu.Port(), "--token", s.Token, "--team", "acme")
	connect := exec.Command("ip", "netns", "exec", nsL, filepath.Join(bin, "weft"), "device", "connect", "laptop", "--interface", "wl"+id, "--sync-every", "1s")
	connect.Env = append(os.Environ(), "WEFT_CONFIG="+lc.config)
	var connectOut strings.Builder
	connect.Stdout, connect.Stderr = &connectOut, &connectOut
	if err := connect.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = connect.Process.Signal(os.Interrupt)
		_ = connect.Wait()
		if t.Failed() {
			t.Logf("weft device connect:\n%s", connectOut.String())
		}
	})
	dial = exec.Command("ip", "netns", "exec", nsL, self, "-test.run=^TestDialHelperProcess$")
	dial.Env = append(os.Environ(), "WEFT_DIAL="+net.JoinHostPort(serviceIP, "80"))
	out, err = dial.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "echo from cluster-a") {
		t.Fatalf("from the laptop to %s:80: %v\n%s", serviceIP, err, out)
	}

	dialFrom := func(ns, addr, within string) string {
		t.Helper()
		d := exec.Command("ip", "netns", "exec", ns, self, "-test.run=^TestDialHelperProcess$")
		d.Env = append(os.Environ(), "WEFT_DIAL="+addr, "WEFT_DIAL_FOR="+within)
		out, _ := d.CombinedOutput()
		return string(out)
	}
	app80 := net.JoinHostPort(serviceIP, "80")

	// An intercept sends the app's traffic to a server on the laptop; stopping
	// it restores the backend.
	laptopIP, _ := find(c.json("device", "get", "laptop"), "ip").(string)
	lsrv := exec.Command("ip", "netns", "exec", nsL, self, "-test.run=^TestEchoHelperProcess$")
	lsrv.Env = append(os.Environ(), "WEFT_ECHO="+net.JoinHostPort(laptopIP, "3000"), "WEFT_ECHO_NAME=the-laptop")
	if err := lsrv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = lsrv.Process.Kill(); _ = lsrv.Wait() })
	ic := c.json("intercept", "start", "echo", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", "3000", "--wait", "--wait-timeout", "30s")
	icID, _ := find(ic, "id").(string)
	if got := dialFrom(nsB, app80, "10s"); !strings.Contains(got, "echo from the-laptop") {
		t.Fatalf("intercepted app answered from elsewhere: %s", got)
	}
	c.ok("intercept", "stop", icID, "--wait", "--wait-timeout", "30s")
	if got := dialFrom(nsB, app80, "10s"); !strings.Contains(got, "echo from cluster-a") {
		t.Fatalf("after the intercept stopped: %s", got)
	}

	// A deny policy from the laptop refuses its connections; removing it
	// lets them through again.
	c.ok("policy", "create", "no-laptop", "--deny", "--from", "device:laptop", "--to", "app:prod/echo", "--wait", "--wait-timeout", "30s")
	if got := dialFrom(nsL, app80, "2s"); strings.Contains(got, "echo from") {
		t.Fatalf("denied laptop got through: %s", got)
	}
	if got := dialFrom(nsB, app80, "10s"); !strings.Contains(got, "echo from cluster-a") {
		t.Fatalf("the policy denied cluster B too: %s", got)
	}
	c.ok("policy", "delete", "no-laptop", "--wait", "--wait-timeout", "30s")
	if got := dialFrom(nsL, app80, "10s"); !strings.Contains(got, "echo from cluster-a") {
		t.Fatalf("after the policy went: %s", got)
	}

	// By name, through cluster B's agent's DNS.
	dial = exec.Command("ip", "netns", "exec", nsB, self, "-test.run=^TestDialHelperProcess$")
	dial.Env = append(os.Environ(), "WEFT_DIAL=echo.prod.acme.weft.internal:80", "WEFT_DNS=127.0.0.1:5353")
	out, err = dial.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "echo from cluster-a") {
		t.Fatalf("from cluster B to echo.prod.acme.weft.internal: %v\n%s", err, out)
	}

	// A second backend in cluster B shares the connections round robin; when
	// cluster A's backend dies, every new connection goes to B's.
	bsrv := exec.Command("ip", "netns", "exec", nsB, self, "-test.run=^TestEchoHelperProcess$")
	bsrv.Env = append(os.Environ(), "WEFT_ECHO=192.0.2.2:7001", "WEFT_ECHO_NAME=cluster-b")
	if err := bsrv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bsrv.Process.Kill(); _ = bsrv.Wait() })
	c.ok("app", "update", "echo", "--env", "prod", "--port", "80", "--backend", "127.0.0.1:7000", "--backend", "192.0.2.2:7001", "--wait", "--wait-timeout", "30s")
	seen := map[string]int{}
	for range 6 {
		got := dialFrom(nsL, app80, "10s")
		for _, n := range []string{"cluster-a", "cluster-b"} {
			if strings.Contains(got, "echo from "+n) {
				seen[n]++
			}
		}
	}
	if seen["cluster-a"] == 0 || seen["cluster-b"] == 0 || seen["cluster-a"]+seen["cluster-b"] != 6 {
		t.Fatalf("round robin over two backends in two clusters: %v", seen)
	}
	_ = echo.Process.Kill()
	_ = echo.Wait()
	for range 6 {
		if got := dialFrom(nsL, app80, "10s"); !strings.Contains(got, "echo from cluster-b") {
			t.Fatalf("with cluster A's backend dead: %s", got)
		}
	}

	// The audit trail holds every change of the scenario, with actor and time.
	trail := c.ok("events", "--limit", "500", "-o", "json")
	for _, typ := range []string{"infra.cluster.created", "infra.cluster.enrolled", "infra.cluster.gateway-reported", "infra.device.created",
		"console.app.created", "console.app.updated", "console.intercept.started", "console.intercept.stopped",
		"console.policy.created", "console.policy.deleted", "infra.cluster.agent-reported"} {
		if !strings.Contains(trail, `"type":"`+typ+`"`) {
			t.Errorf("the audit trail lacks %s", typ)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(trail), "\n") {
		if !strings.Contains(line, `"actor":"user:`) && !strings.Contains(line, `"actor":"system:`) || !strings.Contains(line, `"time":"`) {
			t.Errorf("event without actor or time: %.200s", line)
		}
	}
}
