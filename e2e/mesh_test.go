package e2e

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEchoHelperProcess is not a test: mesh tests run it inside a network
// namespace as an app backend, an HTTP server on WEFT_ECHO answering every
// request with "echo from WEFT_ECHO_NAME".
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
	name := os.Getenv("WEFT_ECHO_NAME")
	_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "echo from %s\n", name)
	}))
	os.Exit(0)
}

// TestDialHelperProcess is not a test: from inside a namespace it sends an
// HTTP GET to WEFT_DIAL (host:port) on a new connection until it gets an
// answer (or WEFT_DIAL_FOR, default 20 s, passes) and prints the body.
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
	// With WEFT_DNS, names resolve through that server only (the agent's or
	// weft-server's).
	d := &net.Dialer{Timeout: time.Second}
	if srv := os.Getenv("WEFT_DNS"); srv != "" {
		d.Resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv)
		}}
	}
	// One connection per request: round robin and failover are decided per
	// connection by the proxy.
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	for {
		resp, err := client.Get("http://" + addr + "/")
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil && resp.StatusCode == http.StatusOK && len(b) > 0 {
				fmt.Print(string(b))
				os.Exit(0)
			}
			err = fmt.Errorf("%s: %q (%v)", resp.Status, b, rerr)
		}
		if time.Now().After(deadline) {
			fmt.Println("fail", err)
			os.Exit(1)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// helperIn runs this test binary's helper process test inside ns.
func helperIn(ns, test string, env ...string) *exec.Cmd {
	self, _ := os.Executable()
	cmd := exec.Command("ip", "netns", "exec", ns, self, "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// startEchoIn runs an echo helper in ns on addr, answering "echo from
// name", until t ends.
func startEchoIn(t *testing.T, ns, addr, name string) *exec.Cmd {
	t.Helper()
	e := helperIn(ns, "TestEchoHelperProcess", "WEFT_ECHO="+addr, "WEFT_ECHO_NAME="+name)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Process.Kill(); _ = e.Wait() })
	return e
}

// dialFrom connects from ns to addr (through dnsServer when it names a
// host) on a new connection until something answers or within passes,
// and returns the answer.
func dialFrom(ns, addr, within string, dnsServer ...string) string {
	env := []string{"WEFT_DIAL=" + addr, "WEFT_DIAL_FOR=" + within}
	if len(dnsServer) > 0 {
		env = append(env, "WEFT_DNS="+dnsServer[0])
	}
	out, _ := helperIn(ns, "TestDialHelperProcess", env...).CombinedOutput()
	return string(out)
}

func sh(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// seqOfOutput is the event sequence a mutation's output reports, in its
// JSON or, for deletes, in its sentence.
func seqOfOutput(t *testing.T, out string) uint64 {
	t.Helper()
	var v any
	if json.Unmarshal([]byte(out), &v) == nil {
		if f, ok := find(v, "seq").(float64); ok {
			return uint64(f)
		}
	}
	if m := regexp.MustCompile(`event sequence (\d+)`).FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseUint(m[1], 10, 64)
		return n
	}
	t.Fatalf("no event sequence in %q", out)
	return 0
}

// agentProc is one cluster's weft-agent, run inside the cluster's namespace.
type agentProc struct {
	name, id, secret   string
	ns, ctl, endpoint  string
	iface, dir         string
	gatewayIP, svcCIDR string
	cmd                *exec.Cmd
	logs               lockedBuffer
}

// newKey is a fresh WireGuard (X25519) public key, as a device would make.
func newKey(t *testing.T) string {
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

// objects returns every JSON object in v that has all of keys.
func objects(v any, keys ...string) []map[string]any {
	var out []map[string]any
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			has := true
			for _, k := range keys {
				if _, ok := x[k]; !ok {
					has = false
				}
			}
			if has {
				out = append(out, x)
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// wgPeers reads `wg show IFACE dump` in ns: public key → allowed IPs.
func wgPeers(ns, iface string) (map[string][]string, int, error) {
	out, err := exec.Command("ip", "netns", "exec", ns, "wg", "show", iface, "dump").CombinedOutput()
	if err != nil {
		return nil, 0, fmt.Errorf("wg show %s dump: %v: %s", iface, err, out)
	}
	peers, lines := map[string][]string{}, 0
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 4 { // the first line is the interface itself
			continue
		}
		lines++
		ips := []string{}
		if f[3] != "(none)" {
			ips = strings.Split(f[3], ",")
		}
		sort.Strings(ips)
		peers[f[0]] = ips
	}
	return peers, lines, nil
}

// dig asks server (host:port) for name's A records from inside ns.
func dig(ns, server, name string) (string, error) {
	host, port, _ := net.SplitHostPort(server)
	out, err := exec.Command("ip", "netns", "exec", ns, "dig", "+short", "+time=2", "+tries=2", "-p", port, "@"+host, name, "A").CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// digReverse asks server in ns for the name of ip (PTR).
func digReverse(ns, server, ip string) (string, error) {
	host, port, _ := net.SplitHostPort(server)
	out, err := exec.Command("ip", "netns", "exec", ns, "dig", "+short", "+time=2", "+tries=2", "-p", port, "@"+host, "-x", ip).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// cannotRun skips a test whose host lacks what it needs, saying what; in CI
// (CI set to anything, as GitHub Actions and most CI systems do) it fails
// instead, so the scenario cannot pass there by not running.
func cannotRun(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and "+format, args...)
	}
	t.Skipf(format+" (skipped; with CI set this fails)", args...)
}

// needNetns skips scenario (or, with CI set, fails it) where this host
// cannot run it: hosts as network namespaces with wireguard-go on TUN
// devices need root, /dev/net/tun, ip and the tools named.
func needNetns(t *testing.T, scenario string, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		cannotRun(t, "%s needs root for network namespaces (run as root, as CI does)", scenario)
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		cannotRun(t, "%s needs /dev/net/tun", scenario)
	}
	for _, tool := range append([]string{"ip"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			cannotRun(t, "%s needs %s (go tool task deps installs it)", scenario, tool)
		}
	}
}

// netnsID is a random suffix for a test's namespaces and links, so tests
// running side by side (other packages, other checkouts) never share one;
// short, as a link's name has at most 15 characters.
func netnsID() string {
	rb := make([]byte, 3)
	_, _ = rand.Read(rb)
	return hex.EncodeToString(rb)
}

// addNetns makes network namespaces with their loopback up; they go when
// t ends (a veth with an end in one goes with it).
func addNetns(t *testing.T, names ...string) {
	t.Helper()
	for _, ns := range names {
		if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
			cannotRun(t, "cannot create network namespaces here: %v: %s", err, out)
		}
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
		sh(t, "ip", "-n", ns, "link", "set", "lo", "up")
	}
}

// meshHosts are the network namespaces of the mesh scenario: a hub
// (weft-server), two clusters and a laptop. Hosts reach each other only
// through veth links: 198.51.100.0/24 from the hub to each host and to
// the test's own (198.51.100.13 is the hub from here; .1, .5 and .9 from
// cluster A, cluster B and the laptop), 192.0.2.0/24 between the
// gateways and the laptop (.1 A, .2 B, .3 the laptop, on a bridge of
// their own: the "internet"). Each cluster's namespace has 10.7.0.1 on
// its loopback interface for its apps' backends (weft refuses loopback
// backends).
type meshHosts struct {
	id                    string // the namespaces' and devices' random suffix
	hub, a, b, laptop, br string
}

// newMeshHosts makes the scenario's namespaces and links for t (skipped
// without root, TUN and the tools; failed instead when CI is set); they
// go when the test ends.
func newMeshHosts(t *testing.T) meshHosts {
	t.Helper()
	needNetns(t, "the mesh scenario", "wg", "dig", "ping")
	id := netnsID()
	nsH, nsA, nsB, nsL, nsNet := "weh-"+id, "wea-"+id, "web-"+id, "wel-"+id, "wen-"+id
	addNetns(t, nsH, nsA, nsB, nsL, nsNet)
	// Control links from the hub to each cluster, to the laptop, and to
	// this test's own host (the administrator's machine).
	for _, l := range []struct{ dev, ns, hub, peer string }{
		{"ca" + id, nsA, "198.51.100.1", "198.51.100.2"},
		{"cb" + id, nsB, "198.51.100.5", "198.51.100.6"},
		{"cl" + id, nsL, "198.51.100.9", "198.51.100.10"},
		{"co" + id, "", "198.51.100.13", "198.51.100.14"},
	} {
		peerNS := []string{"netns", l.ns}
		if l.ns == "" {
			peerNS = nil
		}
		sh(t, append([]string{"ip", "link", "add", l.dev, "netns", nsH, "type", "veth", "peer", "name", l.dev + "x"}, peerNS...)...)
		sh(t, "ip", "-n", nsH, "addr", "add", l.hub+"/30", "dev", l.dev)
		sh(t, "ip", "-n", nsH, "link", "set", l.dev, "up")
		in := []string{"ip"}
		if l.ns != "" {
			in = []string{"ip", "-n", l.ns}
		}
		sh(t, append(in, "addr", "add", l.peer+"/30", "dev", l.dev+"x")...)
		sh(t, append(in, "link", "set", l.dev+"x", "up")...)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", "co"+id+"x").Run() })
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
	// Each cluster's own network, where its apps' backends listen (weft
	// refuses loopback backends): 10.7.0.1 on the namespace's lo.
	for _, ns := range []string{nsA, nsB} {
		sh(t, "ip", "-n", ns, "addr", "add", "10.7.0.1/32", "dev", "lo")
	}
	return meshHosts{id: id, hub: nsH, a: nsA, b: nsB, laptop: nsL, br: nsNet}
}

// The scenario of a team network: a hub (weft-server with embedded NATS, in
// its own namespace: the control plane, not on the mesh), two
// clusters, each a network namespace with its own weft-agent running a real
// wireguard-go gateway, the proxy and DNS, configured only from their
// streams, and a laptop joined with weft device connect. Hosts reach each
// other only through veth links (198.51.100.0/24 to the hub, 192.0.2.0/24
// between gateways and the laptop); mesh traffic crosses real WireGuard.
// Each numbered step is a subtest; a failed step stops the later ones.
func TestATeamNetworkAcrossTwoClustersAndALaptopWorksEndToEnd(t *testing.T) {
	mh := newMeshHosts(t)
	id, nsH, nsA, nsB, nsL := mh.id, mh.hub, mh.a, mh.b, mh.laptop
	bin := binaries(t)
	_, dnsPort, _ := net.SplitHostPort(freeUDPAddr(t))
	// The hub: weft-server with its embedded NATS, alone in its namespace.
	s := startServerOn(t, []string{"ip", "netns", "exec", nsH}, "--http", "0.0.0.0:0", "--nats-listen", "0.0.0.0:0", "--dns", "0.0.0.0:"+dnsPort)
	hub := "http://198.51.100.13:"
	hu, _ := url.Parse(s.URL)
	nu, _ := url.Parse(s.NATS)
	c := newCLI(t)
	c.ok("login", "--server", hub+hu.Port(), "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	a := &agentProc{name: "eu-1", ns: nsA, ctl: "198.51.100.1", endpoint: "192.0.2.1:51820", iface: "wgeu" + id}
	b := &agentProc{name: "us-1", ns: nsB, ctl: "198.51.100.5", endpoint: "192.0.2.2:51820", iface: "wgus" + id}
	agents := []*agentProc{a, b}
	for _, k := range agents {
		out := c.json("cluster", "create", k.name)
		k.id, _ = find(out, "id").(string)
		k.secret, _ = find(out, "enrolmentSecret").(string)
		k.gatewayIP, _ = find(out, "gatewayIp").(string)
		k.svcCIDR, _ = find(out, "serviceRange").(string)
		k.dir = t.TempDir()
	}
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	app := c.json("app", "create", "echo", "--env", "prod", "--port", "80", "--backend", "10.7.0.1:7000")
	serviceIP, _ := find(app, "serviceIp").(string)
	const appName = "echo.prod.acme.weft.internal"
	app80 := net.JoinHostPort(serviceIP, "80")

	startEcho := func(ns, addr, name string) *exec.Cmd {
		t.Helper()
		return startEchoIn(t, ns, addr, name)
	}
	echoA := startEcho(nsA, "10.7.0.1:7000", "cluster-a")

	startAgent := func(k *agentProc) {
		args := []string{"netns", "exec", k.ns, filepath.Join(bin, "weft-agent"),
			"--server", "http://" + k.ctl + ":" + hu.Port(), "--nats-url", "nats://" + k.ctl + ":" + nu.Port(),
			"--cluster", k.id, "--state-dir", k.dir,
			"--interface", k.iface, "--endpoint", k.endpoint, "--proxy", "--dns", "0.0.0.0:5353"}
		if _, err := os.Stat(filepath.Join(k.dir, "state.json")); err != nil {
			args = append(args, "--enrolment-secret", k.secret) // the first start only
		}
		k.cmd = exec.Command("ip", args...)
		k.cmd.Stdout, k.cmd.Stderr = &k.logs, &k.logs
		if err := k.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range agents {
		startAgent(k)
		t.Cleanup(func() {
			if k.cmd != nil {
				_ = k.cmd.Process.Signal(os.Interrupt)
				_ = k.cmd.Wait()
			}
			if t.Failed() {
				t.Logf("agent %s:\n%s", k.name, k.logs.String())
			}
		})
	}
	if got := dialFrom(nsB, app80, "30s"); !strings.Contains(got, "echo from cluster-a") {
		t.Fatalf("from cluster B to %s: %s", app80, got)
	}

	// A laptop joins with weft device connect (userspace WireGuard, peers
	// from the API) and reaches the app in cluster A through A's gateway.
	lc := newCLI(t)
	lc.prefix = []string{"ip", "netns", "exec", nsL}
	lc.ok("login", "--server", "http://198.51.100.9:"+hu.Port(), "--token", s.Token, "--team", "acme")
	connect := exec.Command("ip", "netns", "exec", nsL, filepath.Join(bin, "weft"), "device", "connect", "laptop", "--interface", "wl"+id, "--sync-every", "1s")
	connect.Env = append(os.Environ(), "WEFT_CONFIG="+lc.config)
	var connectOut lockedBuffer
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
	if got := dialFrom(nsL, app80, "30s"); !strings.Contains(got, "echo from cluster-a") {
		t.Fatalf("from the laptop to %s: %s", app80, got)
	}
	laptopIP, _ := find(c.json("device", "get", "laptop"), "ip").(string)

	step := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, func(st *testing.T) {
			c.t, lc.t = st, st
			defer func() { c.t, lc.t = t, t }()
			fn(st)
		}) {
			t.FailNow()
		}
	}
	hosts := []struct{ name, ns, mesh string }{
		{"laptop", nsL, laptopIP}, {"cluster-a", nsA, a.gatewayIP}, {"cluster-b", nsB, b.gatewayIP},
	}

	step("1_every_host_pings_every_other_hosts_mesh_address", func(t *testing.T) {
		// The laptop goes first: gateways learn a roaming device's endpoint
		// from its handshake. The hub is not among the hosts: weft-server is
		// the control plane, reached over its own links, and holds no
		// WireGuard device or mesh address - no user traffic may depend on
		// it, and the mesh keeps working while it is down (step 8).
		for _, from := range hosts {
			for _, to := range hosts {
				if from.name == to.name {
					continue
				}
				if out, err := exec.Command("ip", "netns", "exec", from.ns, "ping", "-c", "1", "-w", "10", to.mesh).CombinedOutput(); err != nil {
					t.Errorf("%s cannot ping %s at %s: %v\n%s", from.name, to.name, to.mesh, err, out)
				}
			}
		}
	})

	step("2_the_app_resolves_by_name_from_the_laptop_and_cluster_b_and_answers_from_cluster_a", func(t *testing.T) {
		for _, from := range []struct{ name, ns, publicDNS string }{
			{"laptop", nsL, "198.51.100.9:" + dnsPort}, {"cluster-b", nsB, "198.51.100.5:" + dnsPort},
		} {
			// The agent's DNS: cluster B asks its own agent; the laptop asks
			// cluster A's gateway over the mesh.
			agentDNS := "127.0.0.1:5353"
			if from.ns == nsL {
				agentDNS = net.JoinHostPort(a.gatewayIP, "5353")
			}
			for _, srv := range []struct{ what, addr string }{{"agent DNS", agentDNS}, {"weft-server's public DNS", from.publicDNS}} {
				if got, err := dig(from.ns, srv.addr, appName); err != nil || got != serviceIP {
					t.Errorf("from %s through %s (%s): %s is %q (%v), want %s", from.name, srv.what, srv.addr, appName, got, err, serviceIP)
				}
				if got := dialFrom(from.ns, appName+":80", "10s", srv.addr); !strings.Contains(got, "echo from cluster-a") {
					t.Errorf("from %s to %s by name through %s: %s", from.name, appName, srv.what, got)
				}
			}
			// Reverse lookups: the team's own DNS names its address; the
			// public DNS, which anyone reaching the hub may ask, does not
			// unless its operator passed --dns-reverse.
			if got, err := digReverse(from.ns, agentDNS, serviceIP); err != nil || got != appName+"." {
				t.Errorf("from %s, the agent's PTR of %s is %q (%v), want %s.", from.name, serviceIP, got, err, appName)
			}
			if got, _ := digReverse(from.ns, from.publicDNS, serviceIP); got != "" {
				t.Errorf("from %s, weft-server's public DNS answered the PTR of %s with %q without --dns-reverse", from.name, serviceIP, got)
			}
		}
	})

	step("3_round_robin_spreads_over_a_second_backend_in_another_cluster_and_failover_moves_every_connection", func(t *testing.T) {
		startEcho(nsB, "192.0.2.2:7001", "cluster-b")
		c.ok("app", "update", "echo", "--env", "prod", "--port", "80", "--backend", "10.7.0.1:7000", "--backend", "192.0.2.2:7001", "--wait", "--wait-timeout", "30s")
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
		_ = echoA.Process.Kill()
		_ = echoA.Wait()
		for range 6 {
			if got := dialFrom(nsL, app80, "10s"); !strings.Contains(got, "echo from cluster-b") {
				t.Fatalf("with cluster A's backend dead: %s", got)
			}
		}
		// Back to one backend in cluster A for the steps after this one.
		echoA = startEcho(nsA, "10.7.0.1:7000", "cluster-a")
		c.ok("app", "update", "echo", "--env", "prod", "--port", "80", "--backend", "10.7.0.1:7000", "--wait", "--wait-timeout", "30s")
		if got := dialFrom(nsB, app80, "20s"); !strings.Contains(got, "echo from cluster-a") {
			t.Fatalf("after the backend came back: %s", got)
		}
	})

	step("4_an_intercept_answers_from_the_laptop_until_stopped", func(t *testing.T) {
		startEcho(nsL, net.JoinHostPort(laptopIP, "3000"), "the-laptop")
		ic := c.json("intercept", "start", "echo", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", "3000", "--wait", "--wait-timeout", "30s")
		icID, _ := find(ic, "id").(string)
		if got := dialFrom(nsB, app80, "10s"); !strings.Contains(got, "echo from the-laptop") {
			t.Fatalf("intercepted app answered from elsewhere: %s", got)
		}
		c.ok("intercept", "stop", icID, "--wait", "--wait-timeout", "30s")
		if got := dialFrom(nsB, app80, "10s"); !strings.Contains(got, "echo from cluster-a") {
			t.Fatalf("after the intercept stopped: %s", got)
		}
	})

	step("5_a_deny_policy_refuses_the_laptop_until_removed", func(t *testing.T) {
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
	})

	// converged waits until an agent's state.json records seq applied.
	converged := func(t *testing.T, k *agentProc, seq uint64) {
		t.Helper()
		eventually(t, k.name+" applies sequence "+fmt.Sprint(seq), func() (bool, string) {
			st, err := readAgentState(k.dir)
			return err == nil && st.Applied >= seq, fmt.Sprintf("applied %d (%v)", st.Applied, err)
		})
	}
	seqOf := func(v any) uint64 {
		f, _ := find(v, "seq").(float64)
		return uint64(f)
	}
	// matchesAPI compares what an agent's gateway and DNS serve with what
	// the API says: exactly the team's devices and the other gateway as
	// WireGuard peers with exactly their allowed IPs (no duplicate, none
	// stale), and every app's, device's and cluster's name.
	matchesAPI := func(t *testing.T, k *agentProc, absentNames ...string) {
		t.Helper()
		want := map[string][]string{}
		names := map[string]string{} // DNS name → the address the API gives
		for _, d := range objects(c.json("device", "list"), "publicKey", "ip") {
			want[d["publicKey"].(string)] = []string{d["ip"].(string) + "/32"}
			names[d["name"].(string)+".acme.weft.internal"] = d["ip"].(string)
		}
		for _, o := range agents {
			cl := c.json("cluster", "get", o.name)
			gw, _ := find(cl, "gatewayIp").(string)
			names[o.name+".acme.weft.internal"] = gw
			if o == k {
				continue
			}
			key, _ := find(cl, "publicKey").(string)
			svc, _ := find(cl, "serviceRange").(string)
			ips := []string{gw + "/32", svc}
			sort.Strings(ips)
			want[key] = ips
		}
		apps := objects(c.json("app", "list", "--env", "prod"), "name", "serviceIp")
		for _, ap := range apps {
			names[ap["name"].(string)+".prod.acme.weft.internal"] = ap["serviceIp"].(string)
		}
		if len(want) < 3 || len(apps) < 2 {
			t.Fatalf("the API lists %d peers and %d apps for %s; the scenario made more", len(want), len(apps), k.name)
		}
		eventually(t, k.name+"'s WireGuard peers match the API", func() (bool, string) {
			got, lines, err := wgPeers(k.ns, k.iface)
			if err != nil {
				return false, err.Error()
			}
			if lines != len(want) || len(got) != len(want) {
				return false, fmt.Sprintf("%d peers (%d lines), want %d: %v", len(got), lines, len(want), got)
			}
			for key, ips := range want {
				have, ok := got[key]
				if !ok {
					return false, "missing peer " + key
				}
				if strings.Join(have, ",") != strings.Join(ips, ",") {
					return false, fmt.Sprintf("peer %s allows %v, want %v", key, have, ips)
				}
			}
			return true, ""
		})
		for name, ip := range names {
			if got, err := dig(k.ns, "127.0.0.1:5353", name); err != nil || got != ip {
				t.Errorf("%s's DNS: %s is %q (%v), the API says %s", k.name, name, got, err, ip)
			}
		}
		for _, n := range absentNames {
			if got, err := dig(k.ns, "127.0.0.1:5353", n); err != nil || got != "" {
				t.Errorf("%s's DNS still answers for %s: %q (%v)", k.name, n, got, err)
			}
		}
	}

	step("6_a_killed_agent_restarts_and_converges_to_exactly_the_desired_state", func(t *testing.T) {
		last := seqOf(c.json("device", "create", "old-phone", "--public-key", newKey(t)))
		// SIGKILL the agent while changes stream in: once it applied the
		// first, so it is following the stream when it dies.
		killed := make(chan uint64, 1)
		go func(cmd *exec.Cmd, first uint64) {
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				if st, err := readAgentState(a.dir); err == nil && st.Applied >= first {
					break
				}
				time.Sleep(time.Millisecond)
			}
			_ = cmd.Process.Kill()
			st, _ := readAgentState(a.dir)
			killed <- st.Applied
		}(a.cmd, last)
		for _, args := range [][]string{
			{"app", "create", "gone", "--env", "prod", "--port", "8080", "--backend", "10.7.0.1:7100"},
			{"device", "create", "tablet", "--public-key", newKey(t)},
			{"device", "create", "phone", "--public-key", newKey(t)},
			{"app", "create", "web", "--env", "prod", "--port", "8080", "--backend", "10.7.0.1:7100"},
		} {
			last = max(last, seqOfOutput(t, c.ok(append(args, "-o", "json")...)))
		}
		appliedAtKill := <-killed
		_ = a.cmd.Wait()
		a.cmd = nil
		// These certainly happen while it is down: a stale peer, a stale
		// name and a replaced key are what a restart must not keep.
		for _, args := range [][]string{
			{"device", "delete", "old-phone"},
			{"app", "delete", "gone", "--env", "prod"},
			{"device", "rotate-key", "tablet", "--public-key", newKey(t)},
		} {
			last = max(last, seqOfOutput(t, c.ok(append(args, "-o", "json")...)))
		}
		t.Logf("cluster A's agent was killed having applied sequence %d; the desired state is at %d", appliedAtKill, last)
		restarted := time.Now()
		startAgent(a)
		converged(t, a, last)
		converged(t, b, last)
		matchesAPI(t, a, "gone.prod.acme.weft.internal", "old-phone.acme.weft.internal")
		matchesAPI(t, b, "gone.prod.acme.weft.internal", "old-phone.acme.weft.internal")
		// The connected laptop is back at once: the gateway kept the
		// laptop's last endpoint and initiates the handshake itself
		// (left to the laptop, WireGuard retries only after 15 s).
		if got := dialFrom(nsL, app80, "8s"); !strings.Contains(got, "echo from cluster-a") {
			t.Fatalf("the laptop after cluster A's agent restarted: %s", got)
		}
		t.Logf("the laptop reached the app %s after the agent restarted", time.Since(restarted).Round(time.Millisecond))
	})

	step("7_a_weft_server_restart_mid_changes_loses_no_acknowledged_change_and_agents_reconverge", func(t *testing.T) {
		var acked []string
		attempted, stepBegan := 0, time.Now()
		restarted := make(chan error, 1)
		afterRestart := 0
		for i := 0; len(restarted) == 0 || afterRestart < 5; i++ {
			attempted++
			name := fmt.Sprintf("r7-%d", i)
			if _, _, code := c.run("device", "create", name, "--public-key", newKey(t)); code == 0 {
				acked = append(acked, name)
				if len(restarted) > 0 {
					afterRestart++
				}
			}
			if i == 8 {
				go func() {
					began := time.Now()
					err := s.restart(bin)
					t.Logf("weft-server restarted in %s", time.Since(began).Round(time.Millisecond))
					restarted <- err
				}()
			}
			if i > 1000 {
				t.Fatal("weft-server did not come back")
			}
		}
		if err := <-restarted; err != nil {
			t.Fatal(err)
		}
		t.Logf("%d of %d changes acknowledged across the restart (%s)", len(acked), attempted, time.Since(stepBegan).Round(time.Millisecond))
		if len(acked) < 10 || len(acked) == attempted {
			t.Fatalf("%d of %d changes acknowledged: the restart did not happen in the middle of them", len(acked), attempted)
		}
		names := c.ok("device", "list", "-o", "json")
		for _, n := range acked {
			if !strings.Contains(names, `"name":"`+n+`"`) && !strings.Contains(names, `"name": "`+n+`"`) {
				t.Errorf("acknowledged device %s is gone after the restart", n)
			}
		}
		began := time.Now()
		last := seqOf(c.json("device", "create", "after-restart", "--public-key", newKey(t), "--wait", "--wait-timeout", "60s"))
		t.Logf("a change after the restart reached every cluster in %s", time.Since(began).Round(time.Millisecond))
		for _, k := range agents {
			converged(t, k, last)
			matchesAPI(t, k, "gone.prod.acme.weft.internal", "old-phone.acme.weft.internal")
		}
		t.Logf("agents match the API %s after the restart", time.Since(began).Round(time.Millisecond))
		if got := dialFrom(nsL, app80, "20s"); !strings.Contains(got, "echo from cluster-a") {
			t.Fatalf("the laptop after the restart: %s", got)
		}
		t.Logf("the laptop reaches the app %s after the restart", time.Since(began).Round(time.Millisecond))
	})

	step("8_the_audit_trail_lists_every_change_and_rebuilt_read_models_answer_the_same", func(t *testing.T) {
		// A managed service and a policy that stay, so that no list the
		// rebuild is checked against is empty.
		c.ok("service", "create", "db", "--env", "prod", "--kind", "postgres", "--port", "5432", "--backend", "10.7.0.1:5432")
		c.ok("policy", "create", "phone-not-web", "--deny", "--from", "device:phone", "--to", "app:prod/web")
		const limit = 5000
		trail := c.ok("events", "--limit", fmt.Sprint(limit), "-o", "json")
		lines := strings.Split(strings.TrimSpace(trail), "\n")
		if len(lines) >= limit {
			t.Fatalf("the audit trail has %d events or more; raise the limit", limit)
		}
		for _, typ := range []string{"accounts.team.created", "infra.cluster.created", "infra.cluster.enrolled", "infra.cluster.gateway-reported", "infra.device.created",
			"infra.device.deleted", "infra.device.key-rotated", "console.env.created", "console.app.created", "console.app.updated", "console.app.deleted",
			"console.intercept.started", "console.intercept.stopped", "console.policy.created", "console.policy.deleted", "console.service.created",
			"infra.cluster.agent-reported"} {
			if !strings.Contains(trail, `"type":"`+typ+`"`) {
				t.Errorf("the audit trail lacks %s", typ)
			}
		}
		// Everything the API lists was created by an event the trail shows.
		created := map[string]bool{}
		for _, line := range lines {
			var e struct{ Type, AggregateID string }
			if json.Unmarshal([]byte(line), &e) == nil && strings.HasSuffix(e.Type, ".created") {
				created[e.AggregateID] = true
			}
		}
		for _, q := range [][]string{{"cluster", "list"}, {"device", "list"}, {"env", "list"}, {"app", "list", "--env", "prod"}, {"service", "list"}, {"policy", "list"}} {
			items := objects(c.json(q...), "id", "name")
			if len(items) == 0 {
				t.Errorf("weft %s lists nothing; the scenario made some", strings.Join(q, " "))
			}
			for _, it := range items {
				if !created[fmt.Sprint(it["id"])] {
					t.Errorf("weft %s: %v has no creation event in the audit trail", strings.Join(q, " "), it["name"])
				}
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(trail), "\n") {
			if !strings.Contains(line, `"actor":"user:`) && !strings.Contains(line, `"actor":"system:`) || !strings.Contains(line, `"time":"`) {
				t.Errorf("event without actor or time: %.200s", line)
			}
		}
		// What the API answers, without what agents keep changing (their
		// heartbeats and status).
		answers := func() map[string]string {
			out := map[string]string{}
			for _, q := range [][]string{{"team", "list"}, {"member", "list"}, {"cluster", "list"}, {"device", "list"},
				{"env", "list"}, {"app", "list", "--env", "prod"}, {"policy", "list"}, {"intercept", "list"}, {"service", "list"}} {
				v := c.json(q...)
				for _, cl := range objects(v, "status") {
					delete(cl, "status")
				}
				bs, _ := json.Marshal(v)
				out[strings.Join(q, " ")] = string(bs)
			}
			return out
		}
		before := answers()
		s.stop()
		// The control plane is down; the data plane is not.
		if got := dialFrom(nsL, appName+":80", "10s", net.JoinHostPort(a.gatewayIP, "5353")); !strings.Contains(got, "echo from cluster-a") {
			t.Errorf("the laptop while weft-server is stopped: %s", got)
		}
		if out, err := exec.Command(filepath.Join(bin, "weft-server"), "rebuild", "--projection", "all", "--data-dir", s.dataDir()).CombinedOutput(); err != nil {
			t.Fatalf("weft-server rebuild --projection all: %v\n%s", err, out)
		}
		if err := s.restart(bin); err != nil {
			t.Fatal(err)
		}
		after := answers()
		for q, v := range before {
			if after[q] != v {
				t.Errorf("weft %s after rebuilding every read model:\n%s\nbefore:\n%s", q, after[q], v)
			}
		}
	})

	step("9_convergence_from_acknowledgement_to_every_agent_applied", func(t *testing.T) {
		// Mutations go straight to the GraphQL API so the clock starts at the
		// acknowledgement, not at a CLI process start; agents are watched
		// through the state.json each writes (atomically, by rename) once its
		// WireGuard device, proxy and DNS have taken the sequence. Polling
		// every millisecond adds at most that and one small file write: finer
		// than polling the API, whose appliedSeq agents report batched, at
		// most every 100 ms.
		post := func(query string, vars map[string]any) (uint64, error) {
			body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
			req, _ := http.NewRequest("POST", hub+hu.Port()+"/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.Token)
			req.Header.Set("Weft-Team", "acme")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			var r struct {
				Data   map[string]struct{ Seq uint64 } `json:"data"`
				Errors []struct{ Message string }      `json:"errors"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
				return 0, err
			}
			if len(r.Errors) > 0 {
				return 0, fmt.Errorf("%s", r.Errors[0].Message)
			}
			for _, v := range r.Data {
				return v.Seq, nil
			}
			return 0, fmt.Errorf("no data")
		}
		const changes = 100
		lat := make([]time.Duration, 0, changes)
		for i := range changes {
			seq, err := post(`mutation($in: CreateDeviceInput!) { createDevice(input: $in) { seq } }`,
				map[string]any{"in": map[string]any{"name": fmt.Sprintf("c9-%d", i), "publicKey": newKey(t)}})
			if err != nil {
				t.Fatalf("change %d: %v", i, err)
			}
			acked := time.Now()
			deadline := acked.Add(30 * time.Second) // catches a hang, nothing finer
			for _, k := range agents {
				for {
					if st, err := readAgentState(k.dir); err == nil && st.Applied >= seq {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("change %d (seq %d) not applied by %s within 30s", i, seq, k.name)
					}
					time.Sleep(time.Millisecond)
				}
			}
			lat = append(lat, time.Since(acked))
		}
		slices.Sort(lat)
		p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
		line := fmt.Sprintf("convergence_ack_to_all_agents_applied changes=%d agents=%d p50=%s p99=%s max=%s\n", changes, len(agents), p50, p99, lat[len(lat)-1])
		t.Log(line)
		dir := os.Getenv("WEFT_RESULTS_DIR")
		if dir == "" {
			dir = filepath.Join("..", ".weft", "results")
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "e2e-convergence.txt")
		if err := os.WriteFile(file, []byte(time.Now().UTC().Format(time.RFC3339)+" "+line), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("written to %s", file)
	})
}
