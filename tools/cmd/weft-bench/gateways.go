package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nats-io/nats-server/v2/server"

	"weft.dev/kernel/auth"
	"weft.dev/schemas"
)

// The peer benchmark (issue 24): weft's gateway, Apollo Gateway and Hive
// Gateway, one after another, in front of the same four weft subgraphs (one
// weft-server hosting accounts, infra, console and audit), driven by the
// same load generator with the same concurrency. Each gateway under test
// runs alone on core 1 (taskset); this process (the load generator and
// NATS) and the subgraphs share core 0. weft's gateway is a weft-server
// with --only gateway, a process of its own like the peers.
//
// What differs, and is said in the report: weft's gateway resolves every
// request's API token (a call to the accounts service) and signs the
// principal the subgraphs trust; the peers forward a Weft-Principal header
// the load generator signed once (they have no notion of weft's tokens).

// gatewayOps are the operations, in the order they run.
var gatewayOps = []string{"mutation", "cross", "list100"}

const (
	benchTeam = "bench"
	// mutation: each worker changes an app of its own, so no two writes
	// race for one aggregate.
	opMutation = `mutation($id: ID!, $p: Int!) { updateApp(input: {id: $id, spec: {ports: [{port: $p}], backends: ["10.0.0.2:8080"]}}) { seq } }`
	// The reads take minSeq $w, a number of the worker's own (events that
	// long applied), so that no two clients send the same query at once:
	// weft's gateway would answer identical queries of one principal with
	// one execution (as Hive Gateway would deduplicate their upstream
	// requests), which is not what this compares.
	//
	// cross: accounts (team), infra (clusters), console (apps) and infra
	// again (each app's cluster, an entity fetch).
	opCross = `query($w: Int) { team(minSeq: $w) { slug displayName clusters { edges { node { name gatewayIp } } } apps(first: 10) { totalCount edges { node { name serviceIp cluster { name gatewayIp } } } } } }`
	// list100: 100 apps with nested fields from console and each app's
	// cluster from infra.
	opList100   = `query($w: Int) { apps(first: 100, minSeq: $w) { totalCount edges { node { id name serviceIp spec { ports { port } backends lb } environment { name } cluster { name gatewayIp } } } } }`
	opSubscribe = `subscription($id: ID!) { appStatus(id: $id) { seq deleted app { name spec { ports { port } } } } }`
)

type gatewaysOptions struct {
	only        []string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	subscribers int
	changes     int
	serverBin   string
	out         string
	weftProfile string // CPU profile of weft's gateway during the cross query
}

func gatewaysMain(argv []string) error {
	fs := flag.NewFlagSet("gateways", flag.ExitOnError)
	var o gatewaysOptions
	only := fs.String("only", "weft,apollo,hive", "gateways to measure, in this order")
	fs.IntVar(&o.concurrency, "concurrency", 16, "clients sending at once (each waits for its answer)")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured time per gateway and operation")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement (Node's JIT, connection pools)")
	fs.IntVar(&o.subscribers, "subscribers", 1000, "websocket subscribers of one app's status")
	fs.IntVar(&o.changes, "changes", 20, "changes of that app timed to the last subscriber")
	fs.StringVar(&o.serverBin, "server-bin", "", "a built weft-server (default: go build it)")
	fs.StringVar(&o.out, "out", "BENCHMARKS.md", "file whose peer section is rewritten (empty: none)")
	fs.StringVar(&o.weftProfile, "weft-cpuprofile", "", "write weft's gateway's CPU profile during the cross query to this file")
	_ = fs.Parse(argv)
	o.only = strings.Split(*only, ",")
	if pinned, err := pinToCore0(argv); pinned || err != nil {
		return err
	}
	return gateways(o)
}

// pinToCore0 runs this command again under taskset on core 0 (the load
// generator's), unless it already runs there or the machine has one core.
// It reports whether it did (then the child has done the work).
func pinToCore0(argv []string) (bool, error) {
	if os.Getenv("WEFT_BENCH_PINNED") != "" || onlineCores() < 2 {
		return false, nil
	}
	if _, err := exec.LookPath("taskset"); err != nil {
		return false, errors.New("taskset (util-linux) is needed to give each gateway a core of its own")
	}
	self, err := os.Executable()
	if err != nil {
		return false, err
	}
	cmd := exec.Command("taskset", append([]string{"-c", "0", self, "gateways"}, argv...)...)
	cmd.Env = append(os.Environ(), "WEFT_BENCH_PINNED=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return true, err
	}
	// Interrupted, the pinned run stops its gateways and subgraphs.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		for s := range sig {
			_ = cmd.Process.Signal(s)
		}
	}()
	return true, cmd.Wait()
}

// cleanups stop what a run started (gateways, subgraphs) when it is
// interrupted, last started first.
type cleanups struct {
	mu  sync.Mutex
	fns []func()
}

func (c *cleanups) add(f func()) {
	c.mu.Lock()
	c.fns = append(c.fns, f)
	c.mu.Unlock()
}

func (c *cleanups) onInterrupt() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		c.mu.Lock()
		for i := len(c.fns) - 1; i >= 0; i-- {
			c.fns[i]()
		}
		os.Exit(1)
	}()
}

// onlineCores counts the machine's cores, whatever this process may use.
func onlineCores() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 1
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, ok := strings.Cut(r, "-")
		a, _ := strconv.Atoi(lo)
		z := a
		if ok {
			z, _ = strconv.Atoi(hi)
		}
		n += z - a + 1
	}
	return n
}

// gatewayResult is one gateway's figures.
type gatewayResult struct {
	name, version string
	ops           map[string]opResult
	sub           *subResult // nil: not measured; sub.unsupported says why
	rssPeakMiB    float64
}

type opResult struct {
	count, errs int
	took        time.Duration
	lat         []time.Duration // sorted
	cpu         time.Duration   // the gateway process's CPU over the measurement
	firstErr    string
}

func (r opResult) qps() float64 { return float64(r.count) / r.took.Seconds() }
func (r opResult) cpuPerQuery() float64 {
	return float64(r.cpu.Microseconds()) / float64(max(1, r.count+r.errs))
}

type subResult struct {
	unsupported      string
	subscribeAll     time.Duration   // until all subscribers had their first message
	deliveries, last []time.Duration // each delivery; each change's last delivery
	missed           int
	refused          int    // subscriptions that got an error instead of their first message
	firstRefusal     string // the first such error
}

// peerEnv is what the run shares: the subgraphs, the supergraph, the
// credentials and the apps.
type peerEnv struct {
	dir        string
	services   *weftServer
	subgraphs  map[string]string // name -> URL
	token      string            // weft: the administrator's API token
	principal  string            // peers: a signed principal for the team
	signer     *auth.Signer
	apps       []string
	peers      string // tools/bench/gateways/peers
	supergraph string
	bin        string
}

func gateways(o gatewaysOptions) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	env := &peerEnv{peers: filepath.Join(root, "tools", "bench", "gateways", "peers")}
	var stops cleanups
	stops.onInterrupt()
	needNode := slices.Contains(o.only, "apollo") || slices.Contains(o.only, "hive")
	if needNode {
		if _, err := os.Stat(filepath.Join(env.peers, "node_modules", "@apollo", "gateway")); err != nil {
			return fmt.Errorf("the peer gateways are not installed: run go tool task bench-peers (npm ci in %s)", env.peers)
		}
	}
	if env.dir, err = os.MkdirTemp("", "weft-bench-gateways"); err != nil {
		return err
	}
	defer os.RemoveAll(env.dir)
	stops.add(func() { os.RemoveAll(env.dir) })
	env.bin = o.serverBin
	if env.bin == "" {
		env.bin = filepath.Join(env.dir, "weft-server")
		if out, err := exec.Command("go", "build", "-o", env.bin, "weft.dev/services/cmd/weft-server").CombinedOutput(); err != nil {
			return fmt.Errorf("build weft-server: %v\n%s", err, out)
		}
	}
	// NATS of its own, so that two weft-server processes (the subgraphs
	// and weft's gateway) share the log, as in a split deployment.
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: filepath.Join(env.dir, "nats"), NoSigs: true, NoLog: true})
	if err != nil {
		return err
	}
	go ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(10 * time.Second) {
		return errors.New("NATS did not start")
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keyHex := hex.EncodeToString(key)
	keyFile := filepath.Join(env.dir, "internal.key")
	if err := os.WriteFile(keyFile, []byte(keyHex), 0o600); err != nil {
		return err
	}
	if env.signer, err = auth.NewSigner([]byte(keyHex)); err != nil {
		return err
	}
	common := []string{"--nats-url", ns.ClientURL(), "--internal-key-file", keyFile, "--http", "127.0.0.1:0", "--dns", "", "--log-level", "warn", "--rate-limit", "-1"}
	env.services, err = startPinned(env.bin, "0", append([]string{"--only", "accounts,infra,console,audit", "--data-dir", filepath.Join(env.dir, "services")}, common...))
	if err != nil {
		return fmt.Errorf("subgraphs: %w", err)
	}
	defer env.services.stop()
	stops.add(env.services.stop)
	env.subgraphs = map[string]string{}
	for _, n := range []string{"accounts", "infra", "console", "audit"} {
		env.subgraphs[n] = env.services.http + "/subgraphs/" + n + "/graphql"
	}
	env.token = env.services.token
	gwArgs := []string{"--only", "gateway", "--data-dir", filepath.Join(env.dir, "gateway"), "--pprof", "127.0.0.1:0"}
	for n, u := range env.subgraphs {
		gwArgs = append(gwArgs, "--subgraph", n+"="+u)
	}
	gwArgs = append(gwArgs, common...)

	var results []gatewayResult
	for _, name := range o.only {
		var g *runningGateway
		switch name {
		case "weft":
			g, err = startWeftGateway(env, gwArgs)
		case "apollo":
			g, err = startApollo(env)
		case "hive":
			g, err = startHive(env)
		default:
			err = fmt.Errorf("--only: unknown gateway %q (weft, apollo, hive)", name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		stops.add(g.stop)
		if env.apps == nil {
			if err := setupPeerData(env, g); err != nil {
				g.stop()
				return fmt.Errorf("set up the team: %w", err)
			}
		}
		fmt.Fprintf(os.Stderr, "gateways: %s %s (pid %d, core 1)\n", g.name, g.version, g.pid)
		r, err := measureGateway(env, g, o)
		g.stop()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, r)
	}
	printPeerFigures(results)
	if o.out != "" {
		if err := writePeerSection(o.out, results, o); err != nil {
			return err
		}
	}
	return nil
}

// startPinned starts weft-server on core and reads its banner.
func startPinned(bin, core string, args []string) (*weftServer, error) {
	cmd := exec.Command("taskset", append([]string{"-c", core, bin}, args...)...)
	if onlineCores() < 2 {
		cmd = exec.Command(bin, args...)
	}
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
		case len(f) >= 2 && f[0] == "pprof":
			s.pprof = strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/debug/pprof/")
		case len(f) >= 2 && f[0] == "GraphQL":
			s.url = strings.TrimSuffix(f[1], "/graphql")
		case len(f) >= 2 && f[0] == "HTTP":
			s.http = f[1]
		case len(f) >= 2 && f[0] == "data":
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return s, nil
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, errors.New("weft-server printed no banner")
}

// runningGateway is a gateway under test, serving GraphQL at url.
type runningGateway struct {
	name, version string
	url           string // POST endpoint; ws(s) for subscriptions
	pid           int
	hdr           http.Header // what a client sends with every request
	wsInit        map[string]any
	wsUnsupported string
	pprof         string
	stop          func()
}

func startWeftGateway(env *peerEnv, args []string) (*runningGateway, error) {
	s, err := startPinned(env.bin, "1", args)
	if err != nil {
		return nil, err
	}
	g := &runningGateway{name: "weft", url: s.url + "/graphql", pid: s.cmd.Process.Pid, pprof: s.pprof, stop: s.stop,
		hdr:    http.Header{"Authorization": {"Bearer " + env.token}, "Weft-Team": {benchTeam}},
		wsInit: map[string]any{"Authorization": "Bearer " + env.token, "Weft-Team": benchTeam}}
	g.version = "weft gateway (graphql-go-tools " + moduleVersion("github.com/wundergraph/graphql-go-tools/v2") + ")"
	return g, waitHTTP(s.url+"/readyz", nil, 60*time.Second)
}

// moduleVersion is the version of a module the gateway's go.mod requires.
func moduleVersion(path string) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", path).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// ensureSupergraph composes the subgraphs' SDL with @apollo/composition
// once, for both peers.
func ensureSupergraph(env *peerEnv) error {
	if env.supergraph != "" {
		return nil
	}
	out := filepath.Join(env.dir, "supergraph.graphql")
	args := []string{filepath.Join(env.peers, "compose.mjs"), out}
	for _, n := range []string{"accounts", "infra", "console", "audit"} {
		sdl, err := schemas.SDL(n)
		if err != nil {
			return err
		}
		f := filepath.Join(env.dir, n+".graphqls")
		if err := os.WriteFile(f, []byte(sdl), 0o644); err != nil {
			return err
		}
		args = append(args, n+"="+env.subgraphs[n]+"="+f)
	}
	cmd := exec.Command("node", args...)
	cmd.Dir = env.peers
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("compose the supergraph: %v\n%s", err, b)
	}
	env.supergraph = out
	return nil
}

// startNode starts a Node gateway on core 1 and waits until it answers.
func startNode(env *peerEnv, name string, args []string, extraEnv ...string) (*runningGateway, error) {
	if err := ensureSupergraph(env); err != nil {
		return nil, err
	}
	// The port is picked free and bound by node later: another process
	// may take it in between (EADDRINUSE failed a suite run), so a gateway
	// that exits before it answers starts again on another.
	var err error
	for range 3 {
		var g *runningGateway
		if g, err = startNodeOnce(env, name, args, extraEnv); err == nil {
			return g, nil
		}
		if !errors.Is(err, errExited) {
			return nil, err
		}
	}
	return nil, err
}

// errExited: a gateway's process ended before it answered.
var errExited = errors.New("exited before it answered")

func startNodeOnce(env *peerEnv, name string, args, extraEnv []string) (*runningGateway, error) {
	port := strings.TrimPrefix(freeAddr(), "127.0.0.1:")
	cmd := exec.Command("taskset", append([]string{"-c", "1", "node"}, args...)...)
	cmd.Dir = env.peers
	cmd.Env = append(os.Environ(), append([]string{"NODE_ENV=production", "SUPERGRAPH=" + env.supergraph, "PORT=" + port}, extraEnv...)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	g := &runningGateway{name: name, url: "http://127.0.0.1:" + port + "/graphql", pid: cmd.Process.Pid,
		hdr:    http.Header{auth.Header: {env.principal}},
		wsInit: map[string]any{"weftPrincipal": env.principal},
		stop: func() {
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-exited
			}
		}}
	if err := waitHTTPWhile(g.url, g.hdr, 90*time.Second, exited); err != nil {
		g.stop()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g, nil
}

func npmVersion(env *peerEnv, pkg string) string {
	b, err := os.ReadFile(filepath.Join(env.peers, "node_modules", pkg, "package.json"))
	if err != nil {
		return "?"
	}
	var p struct{ Version string }
	_ = json.Unmarshal(b, &p)
	return p.Version
}

func startApollo(env *peerEnv) (*runningGateway, error) {
	g, err := startNode(env, "apollo", []string{"apollo.mjs"})
	if err != nil {
		return nil, err
	}
	g.version = fmt.Sprintf("@apollo/gateway %s, @apollo/server %s, @apollo/composition %s, Node %s",
		npmVersion(env, "@apollo/gateway"), npmVersion(env, "@apollo/server"), npmVersion(env, "@apollo/composition"), nodeVersion())
	g.wsUnsupported = "Apollo Gateway does not serve subscriptions (Apollo's answer is its Router)"
	return g, nil
}

func startHive(env *peerEnv) (*runningGateway, error) {
	if err := ensureSupergraph(env); err != nil {
		return nil, err
	}
	g, err := startNode(env, "hive", []string{"node_modules/@graphql-hive/gateway/dist/bin.js", "supergraph", env.supergraph,
		"--config-path", "gateway.config.mjs", "--host", "127.0.0.1", "--fork", "1"})
	if err != nil {
		return nil, err
	}
	g.version = fmt.Sprintf("@graphql-hive/gateway %s (supergraph from @apollo/composition %s), Node %s",
		npmVersion(env, "@graphql-hive/gateway"), npmVersion(env, "@apollo/composition"), nodeVersion())
	return g, nil
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// waitHTTP polls url until it answers 200 (a GET for /readyz, else a
// trivial query).
func waitHTTP(url string, hdr http.Header, within time.Duration) error {
	return waitHTTPWhile(url, hdr, within, nil)
}

// waitHTTPWhile is waitHTTP that gives up with errExited once exited (the
// server's process) is closed.
func waitHTTPWhile(url string, hdr http.Header, within time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(within)
	for {
		select {
		case <-exited:
			return fmt.Errorf("%s: %w", url, errExited)
		default:
		}
		var req *http.Request
		if strings.HasSuffix(url, "/readyz") {
			req, _ = http.NewRequest(http.MethodGet, url, nil)
		} else {
			req, _ = http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header = hdr.Clone()
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %s (last: %v)", url, within, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// setupPeerData creates the team, a cluster, an environment and 100 apps
// through weft's gateway (the first one started), and signs the
// principal the peers forward.
func setupPeerData(env *peerEnv, g *runningGateway) error {
	if g.name != "weft" {
		return errors.New("weft's gateway must run first: it creates the team (--only weft,...)")
	}
	c := &gqlClient{url: g.url, hdr: g.hdr, retryNotFound: true}
	teamless := &gqlClient{url: g.url, hdr: http.Header{"Authorization": g.hdr["Authorization"]}}
	if err := teamless.do(`mutation { createTeam(input: {slug: "bench", displayName: "Bench"}) { seq } }`, nil, nil); err != nil {
		return err
	}
	var me struct{ Me struct{ ID string } }
	if err := teamless.do(`{ me { id } }`, nil, &me); err != nil {
		return fmt.Errorf("me: %w", err)
	}
	var cl struct {
		CreateCluster struct{ Cluster struct{ ID string } }
	}
	if err := c.do(`mutation { createCluster(input: {name: "eu-1"}) { cluster { id } } }`, nil, &cl); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	if err := c.do(`mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": cl.CreateCluster.Cluster.ID}, nil); err != nil {
		return fmt.Errorf("environment: %w", err)
	}
	env.apps = make([]string, 100)
	err := parallel(len(env.apps), func(i int) error {
		var out struct {
			CreateApp struct{ App struct{ ID string } }
		}
		err := c.do(`mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:8080"]}}) { app { id } } }`,
			map[string]any{"n": fmt.Sprintf("app%03d", i)}, &out)
		env.apps[i] = out.CreateApp.App.ID
		return err
	})
	if err != nil {
		return err
	}
	// The last app written is visible to every later read: wait for the
	// console's read model.
	var list struct{ Apps struct{ TotalCount int } }
	for range 100 {
		if err := c.do(`{ apps(first: 1) { totalCount } }`, nil, &list); err != nil {
			return err
		}
		if list.Apps.TotalCount == len(env.apps) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	env.principal = env.signer.Sign(auth.Principal{UserID: me.Me.ID, Team: benchTeam, Role: auth.Owner}, 24*time.Hour)
	return nil
}

// gqlClient sends one operation at a time and decodes its data.
type gqlClient struct {
	url string
	hdr http.Header
	// retryNotFound: the team written a moment ago may not be in every
	// read model yet (the subgraphs apply the log on their own).
	retryNotFound bool
}

func (c *gqlClient) do(query string, vars map[string]any, out any) error {
	for i := 0; ; i++ {
		err := c.once(query, vars, out)
		if err == nil || !c.retryNotFound || i == 50 || !strings.Contains(err.Error(), "not found") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *gqlClient) once(query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	req.Header = c.hdr.Clone()
	req.Header.Set("Content-Type", "application/json")
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
		return fmt.Errorf("status %d: %w", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return errors.New(r.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func measureGateway(env *peerEnv, g *runningGateway, o gatewaysOptions) (gatewayResult, error) {
	r := gatewayResult{name: g.name, version: g.version, ops: map[string]opResult{}}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency, MaxConnsPerHost: o.concurrency}}
	defer client.CloseIdleConnections()
	for _, op := range gatewayOps {
		body := requestBody(env, op)
		_ = runLoad(client, g, body, o.concurrency, o.warmup) // warm-up
		var stopProfile func() error
		if op == "cross" && g.name == "weft" && o.weftProfile != "" {
			p := profiles{server: o.weftProfile, serverFor: o.duration, serverAddr: g.pprof}
			done := make(chan error, 1)
			go func() { done <- p.fetchServer() }()
			stopProfile = func() error { return <-done }
		}
		before, err := procCPU(g.pid)
		if err != nil {
			return r, err
		}
		res := runLoad(client, g, body, o.concurrency, o.duration)
		after, err := procCPU(g.pid)
		if err != nil {
			return r, err
		}
		res.cpu = after - before
		if stopProfile != nil {
			if err := stopProfile(); err != nil {
				return r, err
			}
		}
		if res.count == 0 {
			return r, fmt.Errorf("%s: every request failed (%d): %s", op, res.errs, res.firstErr)
		}
		if res.errs > 0 {
			fmt.Fprintf(os.Stderr, "gateways: %s %s: %d errors, first: %s\n", g.name, op, res.errs, res.firstErr)
		}
		fmt.Fprintf(os.Stderr, "gateways: %-6s %-8s %7.0f q/s  p50 %6.2f ms  p99 %6.2f ms  CPU %5.0f µs/query\n",
			g.name, op, res.qps(), ms(pct(res.lat, 50)), ms(pct(res.lat, 99)), res.cpuPerQuery())
		r.ops[op] = res
	}
	if g.wsUnsupported != "" {
		r.sub = &subResult{unsupported: g.wsUnsupported}
	} else if o.subscribers > 0 {
		s, err := fanOut(env, g, o.subscribers, o.changes)
		if err != nil {
			return r, fmt.Errorf("subscription fan-out: %w", err)
		}
		r.sub = s
	}
	peak, err := peakRSSKiB(g.pid)
	if err != nil {
		return r, err
	}
	r.rssPeakMiB = float64(peak) / 1024
	return r, nil
}

// requestBody makes the body of worker w's i-th request of op.
func requestBody(env *peerEnv, op string) func(w, i int) []byte {
	enc := func(q string, vars map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		return b
	}
	switch op {
	case "mutation":
		return func(w, i int) []byte {
			return enc(opMutation, map[string]any{"id": env.apps[w%len(env.apps)], "p": 8000 + i%1000})
		}
	case "cross":
		return perWorker(func(w int) []byte { return enc(opCross, map[string]any{"w": w + 1}) })
	default:
		return perWorker(func(w int) []byte { return enc(opList100, map[string]any{"w": w + 1}) })
	}
}

// perWorker makes each worker's body once.
func perWorker(build func(w int) []byte) func(w, i int) []byte {
	var mu sync.Mutex
	bodies := map[int][]byte{}
	return func(w, _ int) []byte {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := bodies[w]; ok {
			return b
		}
		b := build(w)
		bodies[w] = b
		return b
	}
}

// runLoad keeps n clients sending for d, each waiting for its answer; an
// answer that is not 200 with data and no errors counts as an error.
func runLoad(client *http.Client, g *runningGateway, body func(w, i int) []byte, n int, d time.Duration) opResult {
	var mu sync.Mutex
	var res opResult
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			var first string
			for i := 0; time.Now().Before(stop); i++ {
				req, _ := http.NewRequest(http.MethodPost, g.url, bytes.NewReader(body(w, i)))
				req.Header = g.hdr.Clone()
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				var b []byte
				if err == nil {
					b, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"data"`)) || bytes.Contains(b, []byte(`"errors"`))) {
						err = fmt.Errorf("status %d: %s", resp.StatusCode, shorten(string(b)))
					}
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errs += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.took = time.Since(start)
	res.count = len(res.lat)
	slices.Sort(res.lat)
	return res
}

// procCPU is a process's user and system CPU time so far, from /proc.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command (which may hold spaces) in parentheses:
	// utime and stime are the 14th and 15th of the line.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * (time.Second / clockTicks), nil
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// peakRSSKiB is a process's peak resident set (VmHWM).
func peakRSSKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmHWM")
}

// fanOut opens n websocket subscribers of one app's status through the
// gateway, then changes the app (straight at the console subgraph, the
// same for every gateway) changes times, timing each change from the
// mutation's answer to every subscriber's message.
func fanOut(env *peerEnv, g *runningGateway, n, changes int) (*subResult, error) {
	app := env.apps[len(env.apps)-1]
	wsURL := "ws" + strings.TrimPrefix(g.url, "http")
	var (
		mu      sync.Mutex
		waiting = make(chan time.Time, n*(changes+1)) // each subscriber's receipt times
	)
	subs := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range subs {
			_ = c.Close()
		}
	}()
	start := time.Now()
	dialer := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 30 * time.Second}
	var refused []string
	err := parallel(n, func(int) error {
		c, resp, err := dialer.Dial(wsURL, nil)
		if err != nil {
			if resp != nil {
				return fmt.Errorf("dial %s: %w (status %s)", wsURL, err, resp.Status)
			}
			return fmt.Errorf("dial %s: %w", wsURL, err)
		}
		mu.Lock()
		subs = append(subs, c)
		mu.Unlock()
		if err := c.WriteJSON(map[string]any{"type": "connection_init", "payload": g.wsInit}); err != nil {
			return err
		}
		if err := expectWS(c, "connection_ack", 30*time.Second); err != nil {
			return err
		}
		if err := c.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": opSubscribe, "variables": map[string]any{"id": app}}}); err != nil {
			return err
		}
		if err := expectWS(c, "next", 30*time.Second); err != nil {
			// Counted and reported: the others still run.
			mu.Lock()
			refused = append(refused, err.Error())
			subs = slices.DeleteFunc(subs, func(x *websocket.Conn) bool { return x == c })
			mu.Unlock()
			_ = c.Close()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &subResult{subscribeAll: time.Since(start), refused: len(refused)}
	if len(refused) > 0 {
		res.firstRefusal = refused[0]
		fmt.Fprintf(os.Stderr, "gateways: %s: %d of %d subscriptions refused, first: %s\n", g.name, len(refused), n, refused[0])
	}
	n = len(subs)
	if n == 0 {
		return nil, fmt.Errorf("every subscription was refused: %s", res.firstRefusal)
	}
	for _, c := range subs {
		go func() {
			for {
				_ = c.SetReadDeadline(time.Time{})
				var m struct{ Type string }
				if err := c.ReadJSON(&m); err != nil {
					return
				}
				switch m.Type {
				case "next":
					waiting <- time.Now()
				case "ping":
					_ = c.WriteJSON(map[string]any{"type": "pong"})
				}
			}
		}()
	}
	direct := &gqlClient{url: env.subgraphs["console"], hdr: http.Header{auth.Header: {env.signer.Sign(auth.Principal{UserID: "bench", Team: benchTeam, Role: auth.Owner, System: true}, time.Hour)}}}
	for i := range changes {
		if err := direct.do(opMutation, map[string]any{"id": app, "p": 9000 + i}, nil); err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		t0 := time.Now()
		timeout := time.After(30 * time.Second)
		var last time.Duration
		for got := 0; got < n; got++ {
			select {
			case t := <-waiting:
				d := t.Sub(t0)
				res.deliveries = append(res.deliveries, d)
				last = max(last, d)
			case <-timeout:
				res.missed += n - got
				got = n
			}
		}
		res.last = append(res.last, last)
	}
	slices.Sort(res.deliveries)
	slices.Sort(res.last)
	return res, nil
}

// expectWS reads until a message of type typ (answering pings), failing on
// an error or a close.
func expectWS(c *websocket.Conn, typ string, within time.Duration) error {
	_ = c.SetReadDeadline(time.Now().Add(within))
	for {
		var m struct {
			Type    string
			Payload json.RawMessage
		}
		if err := c.ReadJSON(&m); err != nil {
			return err
		}
		switch m.Type {
		case typ:
			return nil
		case "ping":
			_ = c.WriteJSON(map[string]any{"type": "pong"})
		case "error", "complete":
			return fmt.Errorf("%s: %s", m.Type, shorten(string(m.Payload)))
		}
	}
}

// printPeerFigures prints, per operation and peer, weft's figure beside
// the peer's (the baseline) and their ratio.
func printPeerFigures(rs []gatewayResult) {
	var weft *gatewayResult
	for i := range rs {
		if rs[i].name == "weft" {
			weft = &rs[i]
		}
	}
	for _, r := range rs {
		for _, op := range gatewayOps {
			x := r.ops[op]
			fmt.Printf("GatewayPeers/%s/%s/q/s %.0f q/s - -\n", op, r.name, x.qps())
		}
	}
	if weft == nil {
		return
	}
	for _, p := range rs {
		if p.name == "weft" {
			continue
		}
		for _, op := range gatewayOps {
			w, x := weft.ops[op], p.ops[op]
			fmt.Printf("GatewayPeers/%s/qps-vs-%s %.0f q/s %.0f %.3f\n", op, p.name, w.qps(), x.qps(), w.qps()/x.qps())
			wp, xp := ms(pct(w.lat, 99)), ms(pct(x.lat, 99))
			fmt.Printf("GatewayPeers/%s/p99-vs-%s %.2f ms %.2f %.3f\n", op, p.name, wp, xp, wp/xp)
			fmt.Printf("GatewayPeers/%s/cpu-vs-%s %.0f µs/query %.0f %.3f\n", op, p.name, w.cpuPerQuery(), x.cpuPerQuery(), w.cpuPerQuery()/x.cpuPerQuery())
		}
		if ws := weft.sub; ws != nil && ws.unsupported == "" && p.name == rs[len(rs)-1].name {
			fmt.Printf("GatewayPeers/fanout/weft-refused %d subscriptions - -\n", ws.refused)
		}
		if ws, ps := weft.sub, p.sub; ws != nil && ps != nil && ws.unsupported == "" && ps.unsupported == "" && len(ws.deliveries) > 0 && len(ps.deliveries) > 0 {
			a, b := ms(pct(ws.last, 99)), ms(pct(ps.last, 99))
			fmt.Printf("GatewayPeers/fanout/p99-vs-%s %.2f ms %.2f %.3f\n", p.name, a, b, a/b)
		}
	}
}

const (
	peerBegin = "<!-- weft-bench-gateways:begin (generated by `weft-bench gateways`; edit outside these markers) -->"
	peerEnd   = "<!-- weft-bench-gateways:end -->"
)

// writePeerSection rewrites the peer table in file between its markers
// (appending them at the end the first time).
func writePeerSection(file string, rs []gatewayResult, o gatewaysOptions) error {
	var b strings.Builder
	fmt.Fprintln(&b, peerBegin)
	fmt.Fprintf(&b, "\nGenerated %s: `go run weft.dev/tools/cmd/weft-bench gateways --duration %s --concurrency %d --subscribers %d` on %d cores (load average %s). Each gateway alone on core 1; the load generator (%d clients, each waiting for its answer), NATS and the four subgraphs (one weft-server) on core 0. %s of warm-up, then %s measured per operation.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), o.duration, o.concurrency, o.subscribers, onlineCores(), loadAvg(), o.concurrency, o.warmup, o.duration)
	fmt.Fprintln(&b, "| gateway | version |")
	fmt.Fprintln(&b, "|---|---|")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s |\n", r.name, r.version)
	}
	fmt.Fprintln(&b, "\n| operation | gateway | queries/s | p50 | p99 | CPU per query | errors | peak RSS |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|")
	for _, op := range gatewayOps {
		for _, r := range rs {
			x := r.ops[op]
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.2f ms | %.2f ms | %.0f µs | %d | %.0f MiB |\n", op, r.name, x.qps(), ms(pct(x.lat, 50)), ms(pct(x.lat, 99)), x.cpuPerQuery(), x.errs, r.rssPeakMiB)
		}
	}
	fmt.Fprintf(&b, "\nSubscription fan-out: %d subscribers of one app's status, each its own websocket; %d changes, each timed from the mutation's answer (straight at the console subgraph) to every subscriber's message.\n\n", o.subscribers, o.changes)
	fmt.Fprintln(&b, "| gateway | all subscribed in | delivery p50 | delivery p99 | last subscriber p50 | last subscriber p99 | missed | refused |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		switch {
		case r.sub == nil:
			fmt.Fprintf(&b, "| %s | not measured | | | | | | |\n", r.name)
		case r.sub.unsupported != "":
			fmt.Fprintf(&b, "| %s | %s | | | | | | |\n", r.name, r.sub.unsupported)
		case len(r.sub.deliveries) == 0:
			fmt.Fprintf(&b, "| %s | %.2f s | nothing delivered within 30 s of each change | | | | %d | %d |\n", r.name, r.sub.subscribeAll.Seconds(), r.sub.missed, r.sub.refused)
		default:
			s := r.sub
			refused := "0"
			if s.refused > 0 {
				refused = fmt.Sprintf("%d: %s", s.refused, strings.ReplaceAll(shorten(s.firstRefusal), "|", "/"))
			}
			fmt.Fprintf(&b, "| %s | %.2f s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %d | %s |\n", r.name, s.subscribeAll.Seconds(),
				ms(pct(s.deliveries, 50)), ms(pct(s.deliveries, 99)), ms(pct(s.last, 50)), ms(pct(s.last, 99)), s.missed, refused)
		}
	}
	var weft *gatewayResult
	for i := range rs {
		if rs[i].name == "weft" {
			weft = &rs[i]
		}
	}
	if weft != nil && len(rs) > 1 {
		fmt.Fprint(&b, "\nweft ÷ peer (throughput: higher is better; p99 and CPU: lower is better). Goals: ≥ 3× Apollo's and ≥ 1.5× Hive's throughput at an equal or lower p99.\n\n")
		fmt.Fprintln(&b, "| operation | peer | throughput | p99 | CPU per query |")
		fmt.Fprintln(&b, "|---|---|---|---|---|")
		for _, op := range gatewayOps {
			for _, p := range rs {
				if p.name == "weft" {
					continue
				}
				w, x := weft.ops[op], p.ops[op]
				fmt.Fprintf(&b, "| %s | %s | **%.2f×** | %.2f× | %.2f× |\n", op, p.name, w.qps()/x.qps(), ms(pct(w.lat, 99))/ms(pct(x.lat, 99)), w.cpuPerQuery()/x.cpuPerQuery())
			}
		}
	}
	fmt.Fprintln(&b)
	fmt.Fprint(&b, peerEnd)
	doc, err := os.ReadFile(file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(doc)
	i, j := strings.Index(s, peerBegin), strings.Index(s, peerEnd)
	if i >= 0 && j > i {
		s = s[:i] + b.String() + s[j+len(peerEnd):]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n" + b.String() + "\n"
	}
	return os.WriteFile(file, []byte(s), 0o644)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
