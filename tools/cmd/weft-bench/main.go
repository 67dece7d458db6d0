// Command weft-bench measures weft at scale beside a raw baseline taken in
// the same run, and prints one parseable line per figure:
//
//	name value unit baseline ratio
//
// fanout: one team with N clusters and M devices on a real weft-server
// (embedded NATS, every service, the message office); N agents in this
// process run the real converge loop on their own CL_ streams with their own
// credentials, with rootless netstack WireGuard devices (--appliers
// netstack) or recording appliers (--appliers record, clearly labelled).
// It reports the cold start of all agents (full state), and p50/p99 from a
// mutation's acknowledgement to every agent having applied it, beside raw
// JetStream: one publish per cluster stream to N ordered consumers.
//
// load: N clients (each a user with its own token) in T teams of a real
// weft-server for a duration, each looping over app mutations and reads
// (lists, team events, an app's history and past state); error rate,
// p50/p99 per operation and the server's RSS before and after. It has no
// raw baseline: its goals are absolute (0 errors, p99 per kind).
//
// datapath: traffic between network namespaces over three paths to the same
// backend, measured with iperf3, wrk and hey (Debian's): direct (veth and
// kernel forwarding), a raw wireguard-go tunnel set up with wg, and weft's
// path (a device's tunnel to a real weft-agent gateway, its proxy on the
// app's service IP, the backend). Throughput, UDP loss, new connections/s,
// HTTP requests/s with and without keep-alive, latency at half the raw
// tunnel's peak rate, and the agent's memory per idle proxied connection
// (on a gateway on a TUN device, and on a rootless one, --netstack).
//
// suite: runs the Go benchmarks and the above (quick sizes, or --full) and
// writes the figures into BENCHMARKS.md between its markers.
package main

import (
	"bufio"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/converge"
	"weft.dev/agent/enrol"
	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "suite" {
		if err := suite(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "weft-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && strings.HasPrefix(os.Args[1], "datapath") {
		run := map[string]func([]string) error{"datapath": datapathMain, "datapath-backend": datapathBackend, "datapath-client": datapathClient}[os.Args[1]]
		if run != nil {
			if err := run(os.Args[2:]); err != nil {
				fmt.Fprintln(os.Stderr, "weft-bench:", err)
				os.Exit(1)
			}
			return
		}
	}
	if len(os.Args) >= 2 && os.Args[1] == "gateways" {
		if err := gatewaysMain(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "weft-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "memory" {
		fs := flag.NewFlagSet("memory", flag.ExitOnError)
		teams := fs.Int("teams", 100, "teams loaded into weft-server")
		devices := fs.Int("devices-per-team", 50, "devices per team")
		apps := fs.Int("apps-per-team", 100, "apps per team")
		peers := fs.Int("agent-peers", 1000, "agent: devices (peers)")
		routes := fs.Int("agent-routes", 1000, "agent: apps homed in its cluster (routes)")
		records := fs.Int("agent-records", 10000, "agent: names in the team (records)")
		server := fs.String("server-bin", "", "a built weft-server (default: go build it)")
		agentOnly := fs.Bool("agent-only", false, "measure the agent only, not weft-server")
		heap := fs.String("agent-heapprofile", "", "write the agent's heap profile at full load to this file (its goroutines to FILE.goroutine, the runtime's figures to FILE.txt, /proc's to FILE.status)")
		memLimit := fs.String("agent-memory-limit", "", "run the agent with --memory-limit (e.g. 64MiB)")
		_ = fs.Parse(os.Args[2:])
		if *server == "" {
			dir, err := os.MkdirTemp("", "weft-bench-bin")
			if err == nil {
				defer os.RemoveAll(dir)
				*server = filepath.Join(dir, "weft-server")
				if out, berr := exec.Command("go", "build", "-o", *server, "weft.dev/services/cmd/weft-server").CombinedOutput(); berr != nil {
					fmt.Fprintf(os.Stderr, "weft-bench: build weft-server: %v\n%s", berr, out)
					os.Exit(1)
				}
			}
		}
		var err error
		if !*agentOnly {
			err = serverMemory(*server, *teams, *devices, *apps)
		}
		if err == nil {
			err = agentMemory(*server, *peers, *routes, *records, *heap, *memLimit)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "weft-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "portal" {
		fs := flag.NewFlagSet("portal", flag.ExitOnError)
		apps := fs.Int("apps", 10000, "apps in the team whose list is timed")
		changes := fs.Int("changes", 100, "apps created by the CLI while a page is open, each timed to visible")
		runs := fs.Int("runs", 15, "navigations to the apps list timed")
		server := fs.String("server-bin", "", "a built weft-server (default: go build it)")
		compare := fs.String("compare", "", "another built weft-server (whose portal is the before): load the team once, then run the browser figures against its portal and this one's in turn, --rounds times, without live changes")
		rounds := fs.Int("rounds", 3, "with --compare, the before/after pairs")
		_ = fs.Parse(os.Args[2:])
		if err := portalBench(*server, *apps, *changes, *runs, *compare, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, "weft-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) >= 2 && os.Args[1] == "load" {
		fs := flag.NewFlagSet("load", flag.ExitOnError)
		clients := fs.Int("clients", 50, "clients at once, each a user of its own")
		teams := fs.Int("teams", 5, "teams the clients are spread over")
		duration := fs.Duration("duration", time.Minute, "how long the clients run")
		server := fs.String("server-bin", "", "a built weft-server (default: go build it)")
		pace := fs.Duration("pace", 0, "each client starts an operation at most this often, as a user would (0: again as soon as answered, saturating the server)")
		var prof profiles
		fs.StringVar(&prof.server, "server-cpuprofile", "", "write weft-server's CPU profile, from the start of the load, to this file")
		fs.DurationVar(&prof.serverFor, "server-profile-for", 15*time.Second, "how long weft-server's CPU profile runs")
		_ = fs.Parse(os.Args[2:])
		if err := load(*server, *clients, *teams, *duration, *pace, prof); err != nil {
			fmt.Fprintln(os.Stderr, "weft-bench:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 || os.Args[1] != "fanout" {
		fmt.Fprintln(os.Stderr, "usage: weft-bench suite [--full] [--out BENCHMARKS.md]\n       weft-bench fanout [--clusters 50] [--devices 1000] [--changes 200] [--appliers netstack|record] [--cpuprofile F] [--mutexprofile F] [--blockprofile F] [--profile-phase fanout|cold]\n       weft-bench memory [--teams 100] [--devices-per-team 50] [--apps-per-team 100] [--agent-peers 1000] [--agent-routes 1000] [--agent-records 10000]\n       weft-bench portal [--apps 10000] [--changes 100] [--runs 15] [--compare weft-server --rounds 3]\n       weft-bench load [--clients 50] [--teams 5] [--duration 60s] [--pace 200ms]\n       weft-bench datapath [--duration 5s] [--rounds 1] [--udp-rate 300M] [--idle-conns 10000] [--idle-gateway tun|netstack|both]\n       weft-bench gateways [--only weft,apollo,hive] [--concurrency 16] [--duration 5s] [--subscribers 1000] [--changes 20] [--out BENCHMARKS.md]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("fanout", flag.ExitOnError)
	clusters := fs.Int("clusters", 50, "clusters (one agent each)")
	devices := fs.Int("devices", 1000, "devices in the team")
	changes := fs.Int("changes", 200, "changes timed for fan-out")
	appliers := fs.String("appliers", "netstack", "netstack (rootless WireGuard devices) or record (recording appliers)")
	server := fs.String("server-bin", "", "a built weft-server (default: go build it)")
	var prof profiles
	fs.StringVar(&prof.cpu, "cpuprofile", "", "write a CPU profile of the profiled phase (--profile-phase) to this file")
	fs.StringVar(&prof.mutex, "mutexprofile", "", "write a mutex contention profile of the profiled phase to this file")
	fs.StringVar(&prof.block, "blockprofile", "", "write a blocking profile of the profiled phase to this file")
	fs.StringVar(&prof.phase, "profile-phase", "fanout", "the phase the profiles cover: fanout, or cold (the agents' cold start)")
	fs.StringVar(&prof.server, "server-cpuprofile", "", "write weft-server's CPU profile, from the start of the profiled phase, to this file")
	fs.DurationVar(&prof.serverFor, "server-profile-for", 15*time.Second, "how long weft-server's CPU profile runs")
	_ = fs.Parse(os.Args[2:])
	if prof.phase != "fanout" && prof.phase != "cold" {
		fmt.Fprintln(os.Stderr, "--profile-phase: fanout or cold")
		os.Exit(2)
	}
	if *appliers != "netstack" && *appliers != "record" {
		fmt.Fprintln(os.Stderr, "--appliers: netstack or record")
		os.Exit(2)
	}
	if err := fanout(*clusters, *devices, *changes, *appliers, *server, prof); err != nil {
		fmt.Fprintln(os.Stderr, "weft-bench:", err)
		os.Exit(1)
	}
}

type weftServer struct {
	url, nats, token string
	http             string // its HTTP base URL
	pprof            string // host:port of its profiles
	cmd              *exec.Cmd
}

func startServer(bin, dir string) (*weftServer, error) { return startServerOn(bin, dir, "127.0.0.1") }

// startServerOn is startServer with its HTTP and NATS listeners on host
// (the datapath benchmark's agent reaches it from a network namespace).
func startServerOn(bin, dir, host string) (*weftServer, error) {
	if bin == "" {
		bin = filepath.Join(dir, "weft-server")
		if out, err := exec.Command("go", "build", "-o", bin, "weft.dev/services/cmd/weft-server").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build weft-server: %v\n%s", err, out)
		}
	}
	// No per-user rate limit: the benchmarks load thousands of resources
	// with the administrator's one token as fast as their workers can.
	cmd := exec.Command(bin, "--data-dir", filepath.Join(dir, "data"), "--http", host+":0", "--nats-listen", host+":0", "--dns", "", "--log-level", "warn",
		"--pprof", "127.0.0.1:0", "--rate-limit", "-1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &weftServer{cmd: cmd}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && strings.HasPrefix(f[0], "weft_"):
			s.token = f[0]
		case len(f) >= 2 && f[0] == "NATS":
			s.nats = f[1]
		case len(f) >= 2 && f[0] == "pprof":
			s.pprof = strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/debug/pprof/")
		case len(f) >= 2 && f[0] == "GraphQL":
			s.url = strings.TrimSuffix(f[1], "/graphql")
		case len(f) >= 2 && f[0] == "data":
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return s, nil
		}
	}
	_ = cmd.Process.Kill()
	return nil, errors.New("weft-server printed no banner")
}

func (s *weftServer) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

// gql sends one operation and decodes data into out.
func (s *weftServer) gql(team, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", s.url+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	if team != "" {
		req.Header.Set("Weft-Team", team)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage            `json:"data"`
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		return errors.New(r.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func newKey() string {
	k, _ := ecdh.X25519().GenerateKey(rand.Reader)
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

// agent is one in-process cluster agent.
type agent struct {
	a     *converge.Agent
	peers converge.PeerApplier
}

// profiles are the files a phase (fanout or cold) is profiled into (empty:
// none): this process's (the agents and their appliers), and with server,
// weft-server's CPU through its --pprof listener.
type profiles struct {
	cpu, mutex, block, phase string
	server                   string        // weft-server's CPU profile
	serverFor                time.Duration // how long it runs from the phase's start
	serverAddr               string        // where weft-server serves its profiles
}

// start begins profiling; the function it returns writes the profiles.
func (p profiles) start() (stop func() error, err error) {
	var cpu *os.File
	if p.cpu != "" {
		if cpu, err = os.Create(p.cpu); err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
	}
	serverDone := make(chan error, 1)
	if p.server != "" {
		go func() { serverDone <- p.fetchServer() }()
	} else {
		serverDone <- nil
	}
	if p.mutex != "" {
		runtime.SetMutexProfileFraction(5)
	}
	if p.block != "" {
		runtime.SetBlockProfileRate(int(time.Millisecond / 10))
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		write := func(name, path string) {
			if path == "" {
				return
			}
			f, err := os.Create(path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s profile: %w", name, err))
				return
			}
			errs = append(errs, pprof.Lookup(name).WriteTo(f, 0), f.Close())
		}
		write("mutex", p.mutex)
		write("block", p.block)
		errs = append(errs, <-serverDone)
		return errors.Join(errs...)
	}, nil
}

// fetchServer asks weft-server for a CPU profile of serverFor and writes it.
func (p profiles) fetchServer() error {
	if p.serverAddr == "" {
		return errors.New("server profile: weft-server serves no profiles")
	}
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.serverAddr, int(p.serverFor.Seconds())))
	if err != nil {
		return fmt.Errorf("server profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server profile: %s", resp.Status)
	}
	f, err := os.Create(p.server)
	if err != nil {
		return fmt.Errorf("server profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("server profile: %w", err)
	}
	return f.Close()
}

func fanout(nClusters, nDevices, nChanges int, appliers, serverBin string, prof profiles) error {
	dir, err := os.MkdirTemp("", "weft-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := startServer(serverBin, dir)
	if err != nil {
		return err
	}
	defer s.stop()
	prof.serverAddr = s.pprof
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if err := s.gql("", `mutation { createTeam(input: {slug: "bench", displayName: "Bench"}) { seq } }`, nil, nil); err != nil {
		return fmt.Errorf("create team: %w", err)
	}
	type cl struct{ id, secret string }
	cls := make([]cl, nClusters)
	for i := range cls {
		var r struct {
			CreateCluster struct {
				Cluster         struct{ ID string }
				EnrolmentSecret string
			}
		}
		if err := s.gql("bench", `mutation($n: String!) { createCluster(input: {name: $n}) { cluster { id } enrolmentSecret } }`,
			map[string]any{"n": fmt.Sprintf("c%03d", i)}, &r); err != nil {
			return fmt.Errorf("create cluster %d: %w", i, err)
		}
		cls[i] = cl{r.CreateCluster.Cluster.ID, r.CreateCluster.EnrolmentSecret}
	}
	createDevice := func(name string) (uint64, error) {
		var r struct{ CreateDevice struct{ Seq uint64 } }
		err := s.gql("bench", `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { seq } }`,
			map[string]any{"n": name, "k": newKey()}, &r)
		return r.CreateDevice.Seq, err
	}
	var last uint64
	for i := range nDevices {
		if last, err = createDevice(fmt.Sprintf("d%05d", i)); err != nil {
			return fmt.Errorf("create device %d: %w", i, err)
		}
	}
	fmt.Fprintf(os.Stderr, "team: %d clusters, %d devices (last seq %d); appliers: %s\n", nClusters, nDevices, last, appliers)

	// Enrolment first (a one-time step, bcrypt on the server), then the
	// cold start: every agent connects and converges to the full desired
	// state at once.
	creds := make([]enrol.Credentials, nClusters)
	for i, c := range cls {
		if creds[i], err = enrol.Enrol(ctx, s.url, c.id, c.secret); err != nil {
			return fmt.Errorf("enrol %d: %w", i, err)
		}
	}
	// The message office writes the streams behind the API; the cold start
	// is timed once it has caught up, which a probe agent on the first
	// cluster tells (the office writes every cluster for an event before
	// the next event).
	probeCtx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	probe, err := startAgent(probeCtx, s, creds[0], filepath.Join(dir, "probe"), "record")
	if err != nil {
		return err
	}
	caught := time.Now()
	if err := waitApplied(ctx, probe, last, nDevices, 10*time.Minute); err != nil {
		return fmt.Errorf("message office catching up: %w", err)
	}
	stopProbe()
	fmt.Fprintf(os.Stderr, "message office caught up %s after the last device was created\n", time.Since(caught).Round(time.Millisecond))
	agents := make([]*agent, nClusters)
	stopProf := func() error { return nil }
	if prof.phase == "cold" {
		if stopProf, err = prof.start(); err != nil {
			return err
		}
	}
	began := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, nClusters)
	for i, c := range cls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ag, err := startAgent(ctx, s, creds[i], filepath.Join(dir, c.id), appliers)
			if err != nil {
				errs <- fmt.Errorf("agent %d: %w", i, err)
				return
			}
			agents[i] = ag
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	// One limit for all, so a slow cold start still gives its figure.
	for _, ag := range agents {
		if err := waitApplied(ctx, ag, last, nDevices, time.Until(began.Add(10*time.Minute))); err != nil {
			return fmt.Errorf("cold start: %w", err)
		}
	}
	cold := time.Since(began)
	if err := stopProf(); err != nil {
		return err
	}
	stopProf = func() error { return nil }

	// Fan-out: one change at a time, timed from its acknowledgement.
	if prof.phase == "fanout" {
		if stopProf, err = prof.start(); err != nil {
			return err
		}
	}
	lat := make([]time.Duration, 0, nChanges)
	for i := range nChanges {
		seq, err := createDevice(fmt.Sprintf("f%05d", i))
		if err != nil {
			return err
		}
		acked := time.Now()
		for _, ag := range agents {
			if err := waitApplied(ctx, ag, seq, 0, 30*time.Second); err != nil {
				return fmt.Errorf("change %d: %w", i, err)
			}
		}
		lat = append(lat, time.Since(acked))
	}
	if err := stopProf(); err != nil {
		return err
	}
	raw, err := rawFanout(nClusters, nChanges)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	// The cold start's floor: as many consumers reading as many entries
	// (every agent's team-wide part) straight from JetStream.
	rawCold, err := rawColdStart(nClusters, 2*nDevices+2*nClusters)
	if err != nil {
		return fmt.Errorf("cold-start baseline: %w", err)
	}
	p50, p99 := pct(lat, 50), pct(lat, 99)
	b50, b99 := pct(raw, 50), pct(raw, 99)
	label := fmt.Sprintf("c%d_d%d_%s", nClusters, nDevices, appliers)
	fmt.Printf("fanout_p50_%s %.2f ms %.2f %.2f\n", label, ms(p50), ms(b50), ms(p50)/ms(b50))
	fmt.Printf("fanout_p99_%s %.2f ms %.2f %.2f\n", label, ms(p99), ms(b99), ms(p99)/ms(b99))
	fmt.Printf("cold_start_%s %.2f s %.2f %.2f\n", label, cold.Seconds(), rawCold.Seconds(), cold.Seconds()/rawCold.Seconds())
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func pct(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func startAgent(ctx context.Context, s *weftServer, creds enrol.Credentials, stateDir, appliers string) (*agent, error) {
	cluster := creds.Cluster
	// 50 handshakes at once on a loaded machine sometimes see the server's
	// PING before its PONG ("expected 'PONG', got 'PING'"); a real agent
	// retries its connection, so the bench does too.
	var nc *nats.Conn
	var err error
	for try := 0; ; try++ {
		nc, err = nats.Connect(s.nats, nats.UserInfo(creds.User, creds.Password), nats.CustomInboxPrefix(creds.InboxPrefix),
			nats.MaxReconnects(-1), nats.Timeout(30*time.Second))
		if err == nil {
			break
		}
		if try == 4 || ctx.Err() != nil {
			return nil, fmt.Errorf("connect: %w", err)
		}
		time.Sleep(time.Second)
	}
	// The agents' warnings (a stream read that ended, a resync) go to
	// stderr: a cold start that does not finish says why.
	cfg := converge.Config{Cluster: cluster, Team: creds.Team,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: newKey(), Endpoint: "127.0.0.1:1"})
	cfg.Peers, cfg.Routes, cfg.DNS = rec, rec, rec
	if appliers == "netstack" {
		if err := os.MkdirAll(stateDir, 0o700); err != nil {
			return nil, err
		}
		dev, err := wireguard.OpenNetstack(wireguard.Config{Interface: cluster, KeyFile: filepath.Join(stateDir, "gateway.key"), ListenPort: 0, Endpoint: "127.0.0.1:1"})
		if err != nil {
			return nil, err
		}
		go func() { <-ctx.Done(); dev.Close() }()
		cfg.Peers = dev
	}
	a, err := converge.New(cfg)
	if err != nil {
		return nil, err
	}
	go func() { _ = a.Run(ctx, nc) }()
	return &agent{a: a, peers: cfg.Peers}, nil
}

// waitApplied waits until the agent applied seq (and holds at least peers
// peers, for a cold start).
func waitApplied(ctx context.Context, ag *agent, seq uint64, peers int, within time.Duration) error {
	deadline := time.Now().Add(within)
	// Counting, not listing: the agents share this process, so a poll that
	// listed and sorted every peer would slow what it measures.
	count := func() int {
		if c, ok := ag.peers.(converge.PeerCounter); ok {
			return c.PeerCount()
		}
		return len(ag.peers.PeerIDs())
	}
	for ag.a.Applied() < seq || (peers > 0 && count() < peers) {
		if time.Now().After(deadline) {
			return fmt.Errorf("applied %d of %d, %d peers", ag.a.Applied(), seq, count())
		}
		wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_ = ag.a.WaitFor(wctx, seq)
		cancel()
	}
	return nil
}

// rawFanout is the floor: per change, one JetStream publish to a stream
// that n ordered consumers read, each receiving it. That is the delivery a
// device change needs since team-wide entries live in one stream per team.
func rawFanout(n, changes int) ([]time.Duration, error) {
	ctx := context.Background()
	raw, err := startRawJetStream(ctx)
	if err != nil {
		return nil, err
	}
	defer raw.close()
	js, st := raw.js, raw.st
	got := make([]chan struct{}, n)
	for i := range n {
		cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return nil, err
		}
		ch := make(chan struct{}, changes+1)
		got[i] = ch
		cc, err := cons.Consume(func(m jetstream.Msg) { ch <- struct{}{} })
		if err != nil {
			return nil, err
		}
		defer cc.Stop()
	}
	body := make([]byte, 200)
	out := make([]time.Duration, 0, changes)
	for c := range changes {
		start := time.Now()
		if _, err := js.Publish(ctx, fmt.Sprintf("raw.peer.%d", c), body); err != nil {
			return nil, err
		}
		for i := range n {
			<-got[i]
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// rawColdStart is the cold start's floor: n ordered consumers
// (DeliverLastPerSubject, like the agents) each reading a stream of
// `entries` 200-byte values, all at once; the time until the last has read
// the last entry.
func rawColdStart(n, entries int) (time.Duration, error) {
	ctx := context.Background()
	raw, err := startRawJetStream(ctx)
	if err != nil {
		return 0, err
	}
	defer raw.close()
	js, ns := raw.js, raw.ns
	body := make([]byte, 200)
	var futures []jetstream.PubAckFuture
	for i := range entries {
		f, err := js.PublishAsync(fmt.Sprintf("raw.peer.%d", i), body)
		if err != nil {
			return 0, err
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return 0, err
		}
	}
	// One connection per consumer, as every agent has its own.
	conns := make([]*nats.Conn, n)
	for i := range conns {
		if conns[i], err = nats.Connect(ns.ClientURL()); err != nil {
			return 0, err
		}
		defer conns[i].Close()
	}
	start := time.Now()
	errs := make(chan error, n)
	for _, c := range conns {
		go func() { errs <- readLastPerSubject(ctx, c) }()
	}
	for range n {
		if err := <-errs; err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// readLastPerSubject reads the last message of every subject of RAW, as an
// agent's cold start reads its team's stream.
func readLastPerSubject(ctx context.Context, c *nats.Conn) error {
	js, err := jetstream.New(c)
	if err != nil {
		return err
	}
	cons, err := js.OrderedConsumer(ctx, "RAW", jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return err
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return err
		}
		md, err := m.Metadata()
		if err != nil {
			return err
		}
		if md.NumPending == 0 {
			return nil
		}
	}
}

// rawJetStream is a NATS of its own for the baselines (weft's NATS admits
// weft's users only): file storage like weft's, on the same machine in the
// same run, with one stream RAW on raw.> keeping the last message per
// subject, as weft's cluster and team streams do.
type rawJetStream struct {
	ns  *server.Server
	dir string
	nc  *nats.Conn
	js  jetstream.JetStream
	st  jetstream.Stream
}

func startRawJetStream(ctx context.Context) (*rawJetStream, error) {
	dir, err := os.MkdirTemp("", "weft-bench-raw")
	if err != nil {
		return nil, err
	}
	r := &rawJetStream{dir: dir}
	if r.ns, err = server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoSigs: true, NoLog: true}); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go r.ns.Start()
	if !r.ns.ReadyForConnections(10 * time.Second) {
		r.close()
		return nil, errors.New("raw NATS did not start")
	}
	if r.nc, err = nats.Connect(r.ns.ClientURL()); err == nil {
		if r.js, err = jetstream.New(r.nc); err == nil {
			r.st, err = r.js.CreateStream(ctx, jetstream.StreamConfig{Name: "RAW", Subjects: []string{"raw.>"}, MaxMsgsPerSubject: 1, Storage: jetstream.FileStorage})
		}
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("raw NATS: %w", err)
	}
	return r, nil
}

func (r *rawJetStream) close() {
	if r.nc != nil {
		r.nc.Close()
	}
	r.ns.Shutdown()
	r.ns.WaitForShutdown()
	os.RemoveAll(r.dir)
}
