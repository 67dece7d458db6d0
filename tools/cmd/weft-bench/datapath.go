package main

import (
	"bufio"
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The datapath benchmark's hosts are network namespaces on this machine,
// linked by veth pairs (all names carry the run's random id):
//
//	host ── 198.18.0.0/30 ── dp-gw (the cluster's gateway)
//	dp-dev (a device) ── 198.18.1.0/24 ── dp-gw ── 10.7.0.0/24 ── dp-be (a backend)
//
// The three paths end at the same backend processes in dp-be (iperf3, an
// HTTP server and a one-byte echo), from the same clients in dp-dev:
//
//   - direct: dev → gw (kernel forwarding) → 10.7.0.2;
//   - raw: dev → a wireguard-go tunnel set up with wg, no weft → gw
//     (kernel forwarding) → 10.7.0.3 (the backend's second address);
//   - weft: dev → wireguard-go configured as a weft device (its key
//     registered through the API, its peer the gateway's reported key) →
//     weft-agent's gateway (in-process wireguard-go on a TUN) → weft's
//     proxy on the app's service IP → 10.7.0.2.
//
// So raw and weft differ only by what weft adds on the gateway: its own
// wireguard-go device and the proxy that terminates each connection and
// dials the backend.
//
// The idle connections also go through a second cluster's gateway in gw
// (--idle-gateway): weft-agent --netstack, rootless, wireguard-go on
// gVisor's userspace stack, where the proxy's side of the device's
// connection is a gVisor endpoint rather than a socket, so it takes one
// descriptor per connection (to the backend) instead of two.
const (
	dpHostIP   = "198.18.0.1" // weft-server listens here (RFC 2544's range)
	dpGwCtl    = "198.18.0.2"
	dpGwNet    = "198.18.1.1" // the gateway's endpoint side
	dpDevNet   = "198.18.1.2"
	dpBackend  = "10.7.0.2" // direct and weft
	dpBackend2 = "10.7.0.3" // raw tunnel (routed into it on the device)
)

type dpOptions struct {
	duration time.Duration
	rounds   int
	udpRate  string
	idle     int
	// Which gateways' agents hold the idle connections: "tun", "netstack"
	// or "both".
	idleGateway string
	serverBin   string
	// The agent's CPU profile while weft's path runs profileFigure.
	cpuProfile, profileFigure string
}

func datapathMain(argv []string) error {
	fs := flag.NewFlagSet("datapath", flag.ExitOnError)
	o := dpOptions{}
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "how long each measurement runs")
	fs.IntVar(&o.rounds, "rounds", 1, "measurements per figure and path (the median is reported); the paths alternate within a round")
	fs.StringVar(&o.udpRate, "udp-rate", "100M", "UDP offered rate (iperf3 -b), the same on every path")
	fs.IntVar(&o.idle, "idle-conns", 10000, "idle TCP connections held open through weft's proxy")
	fs.StringVar(&o.idleGateway, "idle-gateway", "both", "whose proxy holds the idle connections: tun (weft-agent --interface, as every other figure), netstack (--netstack, rootless, a cluster of its own) or both, one after the other")
	fs.StringVar(&o.serverBin, "server-bin", "", "a built weft-server (default: go build it)")
	fs.StringVar(&o.cpuProfile, "agent-cpuprofile", "", "write weft-agent's CPU profile, taken while weft's path runs --profile-figure, to this file")
	fs.StringVar(&o.profileFigure, "profile-figure", "new_conns", "the figure profiled: tcp_1stream, tcp_8streams, udp, new_conns, http_keepalive or http_close")
	_ = fs.Parse(argv)
	if !slices.Contains([]string{"tun", "netstack", "both"}, o.idleGateway) {
		return fmt.Errorf("--idle-gateway %q: tun, netstack or both", o.idleGateway)
	}
	return datapath(o)
}

// dpRun is one run: its namespaces, processes and files, undone in
// reverse order by close.
type dpRun struct {
	id          string
	gw, dev, be string
	dir         string
	self        string
	undo        []func()
	gateways    []*dpGateway // weft's: the TUN gateway first, then the rootless one if asked for
	backendPID  int
	weft        struct{ web, echo, iperf string } // service IP:port
	raw, direct struct{ web, echo, iperf string }
}

func (r *dpRun) later(f func()) { r.undo = append(r.undo, f) }

func (r *dpRun) close() {
	for i := len(r.undo) - 1; i >= 0; i-- {
		r.undo[i]()
	}
}

func ipCmd(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func inNS(ns string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
}

func runIn(ns string, args ...string) (string, error) {
	out, err := inNS(ns, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s in %s: %v: %s", args[0], ns, err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// startIn starts a long-running process in ns whose output goes to a file
// in the run's directory, and stops it when the run closes.
func (r *dpRun) startIn(ns, name string, args ...string) (*exec.Cmd, error) {
	logf, err := os.Create(filepath.Join(r.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := inNS(ns, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	r.later(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	})
	return cmd, nil
}

// logTail is the end of a process's log, for an error.
func (r *dpRun) logTail(name string) string {
	b, _ := os.ReadFile(filepath.Join(r.dir, name+".log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// dpHosts makes the namespaces and links. Everything it makes goes when
// the run closes (deleting a namespace deletes its end of every veth pair,
// and so the pair).
func dpHosts(r *dpRun) error {
	if os.Geteuid() != 0 {
		return errors.New("datapath needs root (network namespaces, TUN devices)")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return errors.New("datapath needs /dev/net/tun")
	}
	for _, tool := range []string{"ip", "wg", "iperf3", "wrk", "hey"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("datapath needs %s (go tool task deps installs it)", tool)
		}
	}
	for _, ns := range []string{r.gw, r.dev, r.be} {
		if err := ipCmd("netns", "add", ns); err != nil {
			return err
		}
		r.later(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
		if err := ipCmd("-n", ns, "link", "set", "lo", "up"); err != nil {
			return err
		}
		// Short connections by the ten thousand: reuse ports in TIME_WAIT
		// for new outgoing connections, and use the whole port range.
		if _, err := runIn(ns, "sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1", "net.ipv4.ip_local_port_range=1024 65000"); err != nil {
			return err
		}
	}
	id := r.id
	steps := [][]string{
		{"link", "add", "dpc" + id, "type", "veth", "peer", "name", "dpc" + id + "x", "netns", r.gw},
		{"addr", "add", dpHostIP + "/30", "dev", "dpc" + id},
		{"link", "set", "dpc" + id, "up"},
		{"-n", r.gw, "addr", "add", dpGwCtl + "/30", "dev", "dpc" + id + "x"},
		{"-n", r.gw, "link", "set", "dpc" + id + "x", "up"},
		{"link", "add", "dpi" + id, "netns", r.dev, "type", "veth", "peer", "name", "dpi" + id + "x", "netns", r.gw},
		{"-n", r.dev, "addr", "add", dpDevNet + "/24", "dev", "dpi" + id},
		{"-n", r.dev, "link", "set", "dpi" + id, "up"},
		{"-n", r.gw, "addr", "add", dpGwNet + "/24", "dev", "dpi" + id + "x"},
		{"-n", r.gw, "link", "set", "dpi" + id + "x", "up"},
		{"link", "add", "dpb" + id, "netns", r.gw, "type", "veth", "peer", "name", "dpb" + id + "x", "netns", r.be},
		{"-n", r.gw, "addr", "add", "10.7.0.1/24", "dev", "dpb" + id},
		{"-n", r.gw, "link", "set", "dpb" + id, "up"},
		{"-n", r.be, "addr", "add", dpBackend + "/24", "dev", "dpb" + id + "x"},
		{"-n", r.be, "addr", "add", dpBackend2 + "/24", "dev", "dpb" + id + "x"},
		{"-n", r.be, "link", "set", "dpb" + id + "x", "up"},
		{"-n", r.be, "route", "add", "default", "via", "10.7.0.1"},
		{"-n", r.dev, "route", "add", "10.7.0.0/24", "via", dpGwNet},
	}
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			return err
		}
	}
	r.later(func() { _ = exec.Command("ip", "link", "del", "dpc"+id).Run() })
	_, err := runIn(r.gw, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	return err
}

// wgKey makes a WireGuard key pair, base64 as wg writes them.
func wgKey() (private, public string) {
	k, _ := ecdh.X25519().GenerateKey(rand.Reader)
	return base64.StdEncoding.EncodeToString(k.Bytes()), base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

// wireguardGo starts the wireguard-go command (upstream's, at the module
// version weft's agent links: see upstreamWireGuardGo) on iface in ns and gives it a key; wg configures the
// rest.
func (r *dpRun) wireguardGo(bin, ns, iface, private string, port int) error {
	if _, err := r.startIn(ns, iface, bin, "-f", iface); err != nil {
		return err
	}
	sock := "/var/run/wireguard/" + iface + ".sock"
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("wireguard-go %s: no socket: %s", iface, r.logTail(iface))
		}
		time.Sleep(50 * time.Millisecond)
	}
	keyFile := filepath.Join(r.dir, iface+".key")
	if err := os.WriteFile(keyFile, []byte(private+"\n"), 0o600); err != nil {
		return err
	}
	_, err := runIn(ns, "wg", "set", iface, "listen-port", strconv.Itoa(port), "private-key", keyFile)
	return err
}

// rawTunnel is the baseline tunnel: wireguard-go on both sides, set up
// with wg and ip only.
func (r *dpRun) rawTunnel(wgBin string) error {
	gwPriv, gwPub := wgKey()
	devPriv, devPub := wgKey()
	gi, di := "dprg"+r.id, "dprd"+r.id
	if err := r.wireguardGo(wgBin, r.gw, gi, gwPriv, 51900); err != nil {
		return err
	}
	if err := r.wireguardGo(wgBin, r.dev, di, devPriv, 51901); err != nil {
		return err
	}
	if _, err := runIn(r.gw, "wg", "set", gi, "peer", devPub, "allowed-ips", "10.99.0.2/32"); err != nil {
		return err
	}
	if _, err := runIn(r.dev, "wg", "set", di, "peer", gwPub, "endpoint", dpGwNet+":51900", "allowed-ips", "10.99.0.0/24,"+dpBackend2+"/32"); err != nil {
		return err
	}
	for _, s := range [][]string{
		{"-n", r.gw, "addr", "add", "10.99.0.1/24", "dev", gi},
		{"-n", r.gw, "link", "set", gi, "up"},
		{"-n", r.dev, "addr", "add", "10.99.0.2/24", "dev", di},
		{"-n", r.dev, "link", "set", di, "up"},
		{"-n", r.dev, "route", "add", dpBackend2 + "/32", "dev", di},
	} {
		if err := ipCmd(s...); err != nil {
			return err
		}
	}
	return nil
}

// dpGateway is one cluster's gateway agent on weft's path, in dp-gw.
type dpGateway struct {
	mode     string // "tun" (--interface) or "netstack" (--netstack, rootless)
	pid      int
	pprof    string // the agent's profiles, host:port
	echo     string // the echo app's service IP:port on this gateway
	key      string // the gateway's WireGuard public key, as reported
	endpoint string
	// What the device routes to this gateway.
	gatewayIP, serviceRange string
}

// weftPath runs weft-server on the host and in gw a weft-agent (gateway
// and proxy) for each gateway mode asked for: on a TUN device (the path
// every figure measures) and, for the idle connections, also on the
// userspace network stack, each its own cluster whose apps' backends are
// the benchmark's servers. Then it registers a device and brings its
// tunnel up in dev, with both gateways as peers.
func (r *dpRun) weftPath(serverBin, wgBin string, withNetstack bool) error {
	agentBin := filepath.Join(r.dir, "weft-agent")
	if out, err := exec.Command("go", "build", "-o", agentBin, "weft.dev/agent/cmd/weft-agent").CombinedOutput(); err != nil {
		return fmt.Errorf("build weft-agent: %v\n%s", err, out)
	}
	s, err := startServerOn(serverBin, r.dir, dpHostIP)
	if err != nil {
		return err
	}
	r.later(s.stop)
	if err := s.gql("", `mutation { createTeam(input: {slug: "dp", displayName: "Datapath"}) { seq } }`, nil, nil); err != nil {
		return err
	}
	app := func(env, name, backend string, ports ...map[string]any) (string, error) {
		var out struct {
			CreateApp struct{ App struct{ ServiceIP string } }
		}
		// A long health interval: iperf3's server takes every connection
		// as a test's.
		err := s.gql("dp", `mutation($e: String!, $n: String!, $p: [PortInput!]!, $b: String!) { createApp(input: {env: $e, name: $n,
			spec: {ports: $p, backends: [$b], health: {intervalSeconds: 3600}}}) { app { serviceIp } } }`,
			map[string]any{"e": env, "n": name, "p": ports, "b": backend}, &out)
		if err != nil {
			return "", fmt.Errorf("create app %s: %w", name, err)
		}
		return out.CreateApp.App.ServiceIP, nil
	}
	_, natsPort, _ := net.SplitHostPort(strings.TrimPrefix(s.nats, "nats://"))
	_, httpPort, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "http://"))
	// gateway makes a cluster with an environment, whose apps apps makes,
	// and starts its agent in gw with the mode's flags.
	gateway := func(mode, name, env string, port, pprofPort int, apps func(env string) error, modeArgs ...string) (*dpGateway, error) {
		var cl struct {
			CreateCluster struct {
				Cluster struct {
					ID, GatewayIP, ServiceRange string
				}
				EnrolmentSecret string
			}
		}
		if err := s.gql("dp", `mutation($n: String!) { createCluster(input: {name: $n}) { cluster { id gatewayIp serviceRange } enrolmentSecret } }`,
			map[string]any{"n": name}, &cl); err != nil {
			return nil, err
		}
		c := cl.CreateCluster.Cluster
		if err := s.gql("dp", `mutation($e: String!, $c: ID!) { createEnvironment(input: {name: $e, clusterId: $c}) { seq } }`,
			map[string]any{"e": env, "c": c.ID}, nil); err != nil {
			return nil, err
		}
		if err := apps(env); err != nil {
			return nil, err
		}
		g := &dpGateway{mode: mode, pprof: net.JoinHostPort(dpGwCtl, strconv.Itoa(pprofPort)), endpoint: net.JoinHostPort(dpGwNet, strconv.Itoa(port)),
			gatewayIP: c.GatewayIP, serviceRange: c.ServiceRange}
		if g.echo, err = app(env, "echo", dpBackend+":7007", map[string]any{"port": 7}); err != nil {
			return nil, err
		}
		g.echo += ":7"
		agent, err := r.startIn(r.gw, "weft-agent-"+mode, append([]string{agentBin, "--server", "http://" + dpHostIP + ":" + httpPort,
			"--nats-url", "nats://" + dpHostIP + ":" + natsPort, "--cluster", c.ID, "--enrolment-secret", cl.CreateCluster.EnrolmentSecret,
			"--state-dir", filepath.Join(r.dir, "agent-"+mode), "--endpoint", g.endpoint, "--listen-port", strconv.Itoa(port), "--proxy",
			"--pprof", g.pprof}, modeArgs...)...)
		if err != nil {
			return nil, err
		}
		g.pid = agent.Process.Pid // ip netns exec execs the agent in place
		for deadline := time.Now().Add(60 * time.Second); ; {
			var q struct {
				Cluster struct{ PublicKey *string }
			}
			if err := s.gql("dp", `query($c: ID!) { cluster(id: $c) { publicKey } }`, map[string]any{"c": c.ID}, &q); err == nil && q.Cluster.PublicKey != nil {
				g.key = *q.Cluster.PublicKey
				return g, nil
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("the %s agent reported no gateway key within 60 s:\n%s", mode, r.logTail("weft-agent-"+mode))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	tun, err := gateway("tun", "gw", "prod", 51820, 6060, func(env string) error {
		ip, err := app(env, "iperf", dpBackend+":5201", map[string]any{"port": 5201}, map[string]any{"port": 5201, "protocol": "UDP"})
		r.weft.iperf = ip
		if err == nil {
			ip, err = app(env, "web", dpBackend+":8080", map[string]any{"port": 80})
			r.weft.web = ip + ":80"
		}
		return err
	}, "--interface", "dpw"+r.id)
	if err != nil {
		return err
	}
	r.weft.echo = tun.echo
	r.gateways = []*dpGateway{tun}
	if withNetstack {
		ns, err := gateway("netstack", "gw-ns", "prod-ns", 51821, 6061, func(string) error { return nil }, "--netstack")
		if err != nil {
			return err
		}
		r.gateways = append(r.gateways, ns)
	}
	devPriv, devPub := wgKey()
	var dv struct {
		CreateDevice struct{ Device struct{ IP string } }
	}
	if err := s.gql("dp", `mutation($k: String!) { createDevice(input: {name: "bench", publicKey: $k}) { device { ip } } }`, map[string]any{"k": devPub}, &dv); err != nil {
		return err
	}
	di := "dpwd" + r.id
	if err := r.wireguardGo(wgBin, r.dev, di, devPriv, 51902); err != nil {
		return err
	}
	steps := [][]string{{"-n", r.dev, "addr", "add", dv.CreateDevice.Device.IP + "/32", "dev", di}, {"-n", r.dev, "link", "set", di, "up"}}
	for _, g := range r.gateways {
		if _, err := runIn(r.dev, "wg", "set", di, "peer", g.key, "endpoint", g.endpoint, "allowed-ips", g.gatewayIP+"/32,"+g.serviceRange,
			"persistent-keepalive", "25"); err != nil {
			return err
		}
		steps = append(steps, []string{"-n", r.dev, "route", "add", g.gatewayIP + "/32", "dev", di}, []string{"-n", r.dev, "route", "add", g.serviceRange, "dev", di})
	}
	for _, st := range steps {
		if err := ipCmd(st...); err != nil {
			return err
		}
	}
	return nil
}

// datapath measures the three paths and prints the figures.
func datapath(o dpOptions) error {
	// n connections through the proxy take 2n sockets there (and n in the
	// client and the backend): ask for room for them, inherited by every
	// process this starts, and settle for the hard limit where the machine
	// allows no more (no CAP_SYS_RESOURCE).
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("open files limit: %w", err)
	}
	if want := uint64(2*o.idle + 1000); lim.Max < want {
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: want, Max: want}) == nil {
			lim.Max = want
		} else {
			fmt.Fprintf(os.Stderr, "datapath: the open files limit is %d here (no room for %d idle connections' %d sockets in the proxy)\n", lim.Max, o.idle, 2*o.idle)
		}
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("open files limit: %w", err)
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	r := &dpRun{id: id, gw: "dp-gw-" + id, dev: "dp-dev-" + id, be: "dp-be-" + id}
	defer r.close()
	var err error
	if r.dir, err = os.MkdirTemp("", "weft-bench-dp"); err != nil {
		return err
	}
	r.later(func() { _ = os.RemoveAll(r.dir) })
	if r.self, err = os.Executable(); err != nil {
		return err
	}
	if err := dpHosts(r); err != nil {
		return err
	}
	wgBin := filepath.Join(r.dir, "wireguard-go")
	if err := upstreamWireGuardGo(wgBin); err != nil {
		return err
	}
	// The backend's servers, shared by every path.
	// One iperf3 server per address: a UDP test's answers must come from
	// the address the client sent to.
	for _, a := range []string{dpBackend, dpBackend2} {
		if _, err := r.startIn(r.be, "iperf3-"+a, "iperf3", "-s", "-B", a); err != nil {
			return err
		}
	}
	be, err := r.startIn(r.be, "backend", r.self, "datapath-backend", "--http", ":8080", "--echo", ":7007")
	if err != nil {
		return err
	}
	r.backendPID = be.Process.Pid
	if err := r.rawTunnel(wgBin); err != nil {
		return err
	}
	if err := r.weftPath(o.serverBin, wgBin, o.idleGateway != "tun"); err != nil {
		return err
	}
	r.direct.iperf, r.direct.web, r.direct.echo = dpBackend, dpBackend+":8080", dpBackend+":7007"
	r.raw.iperf, r.raw.web, r.raw.echo = dpBackend2, dpBackend2+":8080", dpBackend2+":7007"
	probes := []struct{ name, addr string }{{"direct", r.direct.echo}, {"raw", r.raw.echo}}
	for _, g := range r.gateways {
		probes = append(probes, struct{ name, addr string }{"weft-" + g.mode, g.echo})
	}
	for _, p := range probes {
		if out, err := runIn(r.dev, r.self, "datapath-client", "probe", p.addr, "60s"); err != nil {
			return fmt.Errorf("the %s path does not answer: %v\n%s\nagents:\n%s\n%s", p.name, err, out, r.logTail("weft-agent-tun"), r.logTail("weft-agent-netstack"))
		}
	}
	fmt.Fprintf(os.Stderr, "datapath: namespaces %s %s %s ready; %v per measurement, %d round(s)\n", r.dev, r.gw, r.be, o.duration, o.rounds)
	// The idle connections first: a fresh agent's memory, before the
	// throughput tests grow wireguard-go's buffer pools. One gateway at a
	// time: the backend holds a descriptor per connection too.
	for _, g := range r.gateways {
		if g.mode == "tun" && o.idleGateway == "netstack" {
			continue
		}
		if err := r.idleConns(g, o.idle); err != nil {
			return err
		}
	}
	return r.measure(o)
}

// dpPaths are the paths in the order they are measured within a round.
var dpPaths = []string{"direct", "raw", "weft"}

func (r *dpRun) addrs(path string) struct{ web, echo, iperf string } {
	switch path {
	case "direct":
		return r.direct
	case "raw":
		return r.raw
	}
	return r.weft
}

// samples holds each path's measurements of one figure.
type samples map[string][]float64

func (s samples) median(path string) float64 {
	v := slices.Clone(s[path])
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func (r *dpRun) measure(o dpOptions) error {
	secs := strconv.Itoa(max(1, int(o.duration.Seconds())))
	iperf := func(addr string, extra ...string) (map[string]any, error) {
		// iperf3 3.12 sometimes loses a UDP test's start ("unable to read
		// from stream socket"): such a test is run again, up to twice.
		var out string
		var err error
		for try := 0; try < 3; try++ {
			if out, err = runIn(r.dev, append([]string{"iperf3", "-c", addr, "-t", secs, "-J"}, extra...)...); err == nil {
				break
			}
			time.Sleep(time.Second)
		}
		if err != nil {
			return nil, err
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			return nil, fmt.Errorf("iperf3 output: %w", err)
		}
		if e, ok := v["error"].(string); ok {
			return nil, fmt.Errorf("iperf3: %s", e)
		}
		return v, nil
	}
	tcp := func(streams string) func(a struct{ web, echo, iperf string }) ([]float64, error) {
		return func(a struct{ web, echo, iperf string }) ([]float64, error) {
			v, err := iperf(a.iperf, "-P", streams)
			if err != nil {
				return nil, err
			}
			return []float64{jsonNum(v, "end", "sum_received", "bits_per_second") / 1e6}, nil
		}
	}
	udp := func(a struct{ web, echo, iperf string }) ([]float64, error) {
		v, err := iperf(a.iperf, "-u", "-b", o.udpRate, "-l", "1300")
		if err != nil {
			return nil, err
		}
		bps := jsonNum(v, "end", "sum_received", "bits_per_second")
		if bps == 0 {
			bps = jsonNum(v, "end", "sum", "bits_per_second")
		}
		return []float64{bps / 1e6, jsonNum(v, "end", "sum", "lost_percent")}, nil
	}
	cps := func(a struct{ web, echo, iperf string }) ([]float64, error) {
		out, err := runIn(r.dev, r.self, "datapath-client", "cps", a.echo, o.duration.String(), "8")
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
		return []float64{n}, err
	}
	wrk := func(close bool) func(a struct{ web, echo, iperf string }) ([]float64, error) {
		return func(a struct{ web, echo, iperf string }) ([]float64, error) {
			args := []string{"wrk", "-t", "2", "-c", "32", "-d", secs + "s"}
			if close {
				args = append(args, "-H", "Connection: close")
			}
			out, err := runIn(r.dev, append(args, "http://"+a.web+"/")...)
			if err != nil {
				return nil, err
			}
			for line := range strings.Lines(out) {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Requests/sec:"); ok {
					n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					return []float64{n}, err
				}
			}
			return nil, fmt.Errorf("wrk printed no rate: %s", out)
		}
	}
	type figure struct {
		name string
		run  func(a struct{ web, echo, iperf string }) ([]float64, error)
	}
	figures := []figure{
		{"tcp_1stream", tcp("1")},
		{"tcp_8streams", tcp("8")},
		{"udp", udp},
		{"new_conns", cps},
		{"http_keepalive", wrk(false)},
		{"http_close", wrk(true)},
	}
	got := map[string]samples{}
	for _, f := range figures {
		got[f.name] = samples{}
		got[f.name+"_loss"] = samples{}
	}
	for round := range o.rounds {
		for _, f := range figures {
			for _, p := range dpPaths {
				var profiled chan error
				if p == "weft" && f.name == o.profileFigure && o.cpuProfile != "" && round == 0 {
					profiled = make(chan error, 1)
					go func() {
						profiled <- fetchTo(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", r.gateways[0].pprof, max(1, int(o.duration.Seconds())-1)), o.cpuProfile)
					}()
				}
				v, err := f.run(r.addrs(p))
				if profiled != nil {
					if perr := <-profiled; perr != nil {
						fmt.Fprintln(os.Stderr, "datapath: agent CPU profile:", perr)
					}
				}
				if err != nil {
					return fmt.Errorf("%s over %s (round %d): %w\niperf3 servers:\n%s\n%s\nagent:\n%s", f.name, p, round+1, err,
						r.logTail("iperf3-"+dpBackend), r.logTail("iperf3-"+dpBackend2), r.logTail("weft-agent-tun"))
				}
				fmt.Fprintf(os.Stderr, "datapath: %s %s %v\n", f.name, p, v)
				got[f.name][p] = append(got[f.name][p], v[0])
				if len(v) > 1 {
					got[f.name+"_loss"][p] = append(got[f.name+"_loss"][p], v[1])
				}
			}
		}
	}
	units := map[string]string{"tcp_1stream": "Mbit/s", "tcp_8streams": "Mbit/s", "udp": "Mbit/s", "udp_loss": "%loss",
		"new_conns": "conns/s", "http_keepalive": "req/s", "http_close": "req/s"}
	for _, f := range append(figures, figure{name: "udp_loss"}) {
		s, unit := got[f.name], units[f.name]
		d, raw, weft := s.median("direct"), s.median("raw"), s.median("weft")
		if f.name == "udp_loss" {
			// Loss has no ratio: the baselines stand beside it.
			fmt.Printf("datapath_udp_loss_raw %.2f %s %.2f -\n", raw, unit, d)
			fmt.Printf("datapath_udp_loss_weft %.2f %s %.2f -\n", weft, unit, raw)
			continue
		}
		fmt.Printf("datapath_%s_raw %.0f %s %.0f %.3f\n", f.name, raw, unit, d, raw/d)
		fmt.Printf("datapath_%s_weft %.0f %s %.0f %.3f\n", f.name, weft, unit, raw, weft/raw)
	}
	// Latency per request at half the raw tunnel's peak rate (its HTTP
	// keep-alive figure), on each path at that same rate.
	rate := got["http_keepalive"].median("raw") / 2
	lat := samples{}
	lat99 := samples{}
	for range o.rounds {
		for _, p := range dpPaths {
			p50, p99, err := r.latency(r.addrs(p).web, rate, o.duration)
			if err != nil {
				return fmt.Errorf("latency over %s: %w", p, err)
			}
			fmt.Fprintf(os.Stderr, "datapath: latency at %.0f req/s %s p50 %.0f µs p99 %.0f µs\n", rate, p, p50, p99)
			lat[p] = append(lat[p], p50)
			lat99[p] = append(lat99[p], p99)
		}
	}
	fmt.Printf("datapath_rate_for_latency %.0f req/s - -\n", rate)
	for _, q := range []struct {
		name string
		s    samples
	}{{"p50", lat}, {"p99", lat99}} {
		d, raw, weft := q.s.median("direct"), q.s.median("raw"), q.s.median("weft")
		fmt.Printf("datapath_%s_raw %.0f µs %.0f %.3f\n", q.name, raw, d, raw/d)
		fmt.Printf("datapath_%s_weft %.0f µs %.0f %.3f\n", q.name, weft, raw, weft/raw)
		fmt.Printf("datapath_%s_added_weft %.0f µs-over-raw - -\n", q.name, weft-raw)
	}
	return nil
}

// latency drives addr at rate requests per second for d (hey, 16
// workers, keep-alive) and returns p50 and p99 in µs.
func (r *dpRun) latency(addr string, rate float64, d time.Duration) (p50, p99 float64, err error) {
	const workers = 16
	out, err := inNS(r.dev, "hey", "-z", d.String(), "-c", strconv.Itoa(workers), "-q", fmt.Sprintf("%.1f", rate/workers), "-o", "csv", "http://"+addr+"/").Output()
	if err != nil {
		return 0, 0, fmt.Errorf("hey: %w", err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return 0, 0, fmt.Errorf("hey output: %w", err)
	}
	var v []float64
	for _, row := range rows[min(1, len(rows)):] {
		if len(row) < 7 || row[6] != "200" {
			continue
		}
		if s, err := strconv.ParseFloat(row[0], 64); err == nil {
			v = append(v, s*1e6)
		}
	}
	if len(v) < 100 {
		return 0, 0, fmt.Errorf("hey: only %d answers", len(v))
	}
	slices.Sort(v)
	return v[len(v)/2], v[len(v)*99/100], nil
}

// idleConns holds n idle connections through gateway g's proxy and
// reports the agent's resident memory, and its heap and goroutine stacks,
// per connection. The TUN gateway's lines keep their names; the rootless
// gateway's end in _netstack.
func (r *dpRun) idleConns(g *dpGateway, n int) error {
	if n <= 0 {
		return nil
	}
	// The previous gateway's connections must be gone from the backend,
	// which holds a descriptor for each too.
	if err := waitForFewerFiles(r.backendPID, 100, 60*time.Second); err != nil {
		return fmt.Errorf("idle connections through the %s gateway: %w", g.mode, err)
	}
	before, err := settledRSS(g.pid)
	if err != nil {
		return err
	}
	heapBefore, err := agentHeap(g.pprof)
	if err != nil {
		return err
	}
	cl := inNS(r.dev, r.self, "datapath-client", "idle", g.echo, strconv.Itoa(n))
	stdin, err := cl.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cl.StdoutPipe()
	if err != nil {
		return err
	}
	cl.Stderr = os.Stderr
	if err := cl.Start(); err != nil {
		return err
	}
	defer func() { stdin.Close(); _ = cl.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "open ") {
		return fmt.Errorf("idle connections through the %s gateway: %q %v", g.mode, line, err)
	}
	open, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "open ")))
	after, err := settledRSS(g.pid)
	if err != nil {
		return err
	}
	heapAfter, err := agentHeap(g.pprof)
	if err != nil {
		return err
	}
	sfx := "weft"
	if g.mode != "tun" {
		sfx += "_" + g.mode
	}
	fmt.Printf("datapath_idle_conns_%s %d conns - -\n", sfx, open)
	fmt.Printf("datapath_idle_rss_%s %.1f MiB %.1f -\n", sfx, float64(after)/1024, float64(before)/1024)
	fmt.Printf("datapath_idle_rss_per_conn_%s %.2f KiB - -\n", sfx, float64(after-before)/float64(max(open, 1)))
	fmt.Printf("datapath_idle_heap_stack_per_conn_%s %.2f KiB - -\n", sfx, float64(heapAfter-heapBefore)/1024/float64(max(open, 1)))
	return nil
}

// waitForFewerFiles waits until process pid has fewer than n open files.
func waitForFewerFiles(pid, n int, within time.Duration) error {
	for deadline := time.Now().Add(within); ; {
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			return fmt.Errorf("open files of %d: %w", pid, err)
		}
		if len(fds) < n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d still has %d files open after %v", pid, len(fds), within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// agentHeap is an agent's live heap and goroutine stacks in bytes, after
// a collection, from its profiles at pprof (host:port): what its
// connections hold, without the heap's headroom that RSS also counts.
func agentHeap(pprof string) (int64, error) {
	resp, err := http.Get("http://" + pprof + "/debug/pprof/heap?gc=1&debug=1")
	if err != nil {
		return 0, fmt.Errorf("agent heap: %w", err)
	}
	defer resp.Body.Close()
	var heap, stack int64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "# HeapAlloc = "); ok {
			heap, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(sc.Text(), "# StackInuse = "); ok {
			stack, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if heap == 0 {
		return 0, errors.New("agent heap: no HeapAlloc in its profile")
	}
	return heap + stack, nil
}

// jsonNum reads a number at path in decoded JSON (0 when absent).
func jsonNum(v any, path ...string) float64 {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = m[k]
	}
	f, _ := v.(float64)
	return f
}

// datapathBackend is the benchmark's backend (run inside dp-be): a small
// HTTP answer and a one-byte echo.
func datapathBackend(argv []string) error {
	fs := flag.NewFlagSet("datapath-backend", flag.ExitOnError)
	httpAddr := fs.String("http", ":8080", "HTTP listen address")
	echoAddr := fs.String("echo", ":7007", "echo listen address")
	_ = fs.Parse(argv)
	hl, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return err
	}
	el, err := net.Listen("tcp", *echoAddr)
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := el.Accept()
			if err != nil {
				return
			}
			// Through a small buffer: io.Copy from a socket to itself
			// splices and holds a pipe (two more descriptors) per
			// connection, which would make the backend, not the proxy, the
			// limit of the idle connections.
			go func() {
				defer c.Close()
				_, _ = io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, make([]byte, 512))
			}()
		}
	}()
	body := []byte("ok\n")
	return http.Serve(hl, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(body) }))
}

// echoOnce writes a byte on c and reads it back.
func echoOnce(c net.Conn) error {
	b := []byte{'x'}
	if _, err := c.Write(b); err != nil {
		return err
	}
	_, err := io.ReadFull(c, b)
	return err
}

// datapathClient is the benchmark's own client (run inside dp-dev) for what
// iperf3 and wrk do not measure:
//
//	probe ADDR WITHIN   until an echo answers
//	cps ADDR DUR N      new connections per second, N at once, each one echo
//	idle ADDR N         open N connections (each one echo), print "open N",
//	                    hold them until stdin closes
func datapathClient(argv []string) error {
	if len(argv) < 3 {
		return errors.New("usage: datapath-client probe|cps|idle ADDR ARGS")
	}
	addr := argv[1]
	d := net.Dialer{Timeout: 2 * time.Second}
	switch argv[0] {
	case "probe":
		within, err := time.ParseDuration(argv[2])
		if err != nil {
			return err
		}
		deadline := time.Now().Add(within)
		for {
			c, err := d.Dial("tcp", addr)
			if err == nil {
				_ = c.SetDeadline(time.Now().Add(2 * time.Second))
				err = echoOnce(c)
				c.Close()
				if err == nil {
					return nil
				}
			}
			if time.Now().After(deadline) {
				return err
			}
			time.Sleep(200 * time.Millisecond)
		}
	case "cps":
		if len(argv) < 4 {
			return errors.New("datapath-client cps ADDR DURATION WORKERS")
		}
		dur, err := time.ParseDuration(argv[2])
		if err != nil {
			return err
		}
		workers, err := strconv.Atoi(argv[3])
		if err != nil {
			return err
		}
		var n, failed atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		end := start.Add(dur)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(end) {
					c, err := d.Dial("tcp", addr)
					if err != nil {
						failed.Add(1)
						continue
					}
					_ = c.SetDeadline(time.Now().Add(5 * time.Second))
					if echoOnce(c) == nil {
						n.Add(1)
					} else {
						failed.Add(1)
					}
					c.Close()
				}
			}()
		}
		wg.Wait()
		if f := failed.Load(); f > n.Load()/100 {
			return fmt.Errorf("%d of %d connections failed", f, f+n.Load())
		}
		fmt.Printf("%.0f\n", float64(n.Load())/time.Since(start).Seconds())
		return nil
	case "idle":
		n, err := strconv.Atoi(argv[2])
		if err != nil {
			return err
		}
		conns := make([]net.Conn, n)
		var failed atomic.Int64
		var wg sync.WaitGroup
		next := make(chan int)
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// On a loaded machine a dial or an answer may take seconds:
				// each connection has three tries of ten.
				d := net.Dialer{Timeout: 10 * time.Second}
				for i := range next {
					var err error
					for range 3 {
						var c net.Conn
						if c, err = d.Dial("tcp", addr); err != nil {
							continue
						}
						_ = c.SetDeadline(time.Now().Add(10 * time.Second))
						if err = echoOnce(c); err != nil {
							c.Close()
							continue
						}
						_ = c.SetDeadline(time.Time{})
						conns[i] = c
						break
					}
					if err != nil {
						failed.Add(1)
					}
				}
			}()
		}
		// Past a few failures the proxy has run out of something (open
		// files, most likely): stop rather than wait out every dial.
		for i := range n {
			if failed.Load() > 20 {
				break
			}
			next <- i
		}
		close(next)
		wg.Wait()
		if f := failed.Load(); f > 0 {
			fmt.Fprintf(os.Stderr, "datapath-client: %d idle connections failed (of %d wanted)\n", f, n)
		}
		open := 0
		for _, c := range conns {
			if c != nil {
				open++
			}
		}
		fmt.Printf("open %d\n", open)
		_, _ = io.Copy(io.Discard, os.Stdin)
		return nil
	}
	return fmt.Errorf("datapath-client: unknown mode %q", argv[0])
}

// upstreamWireGuardGo builds the wireguard-go command as released, at the
// module version weft links, without the patch weft's workspace carries
// (third_party/wireguard-go, smaller per-peer queues): the raw tunnel is
// the baseline, so it must not change with weft. Outside the workspace
// (GOWORK=off) only the tools module's own go.mod counts, and it has no
// replace for wireguard-go.
func upstreamWireGuardGo(out string) error {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "weft.dev/tools").Output()
	if err != nil {
		return fmt.Errorf("find the tools module: %w", err)
	}
	build := exec.Command("go", "build", "-o", out, "golang.zx2c4.com/wireguard")
	build.Dir = strings.TrimSpace(string(dir))
	build.Env = append(os.Environ(), "GOWORK=off")
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build wireguard-go: %w\n%s", err, b)
	}
	return nil
}
