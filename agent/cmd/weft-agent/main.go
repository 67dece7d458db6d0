// Command weft-agent runs a cluster's agent: it enrols once with the
// cluster's one-time secret, then follows the cluster's desired state and
// applies it.
//
// With --interface it runs the cluster's WireGuard gateway (wireguard-go
// in-process); with --proxy it serves the cluster's routes on their service
// IPs (which must be addresses of this host); with --dns it serves the
// team's names through CoreDNS and the weft plugin. What it applied is
// written to state.json in its state directory. With --kubernetes it is
// also the cluster's Kubernetes controller (package kube): environments
// become namespaces, apps with a container spec Deployments and Services,
// other clusters' apps imported Services, and routes follow their
// Service's ready endpoints.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"weft.dev/agent/converge"
	"weft.dev/agent/dns"
	"weft.dev/agent/enrol"
	"weft.dev/agent/kube"
	"weft.dev/agent/memlimit"
	"weft.dev/agent/netstack"
	"weft.dev/agent/proxy"
	"weft.dev/agent/telemetry"
	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/events/connlog"
	"weft.dev/kernel/supervise"
)

// The appliers count what they hold without listing it, for the status.
var (
	_ converge.PeerCounter   = (*wireguard.Device)(nil)
	_ converge.RouteCounter  = (*proxy.Proxy)(nil)
	_ converge.RecordCounter = (*dns.Table)(nil)
)

type options struct {
	server, cluster, team, secret, stateDir, endpoint string
	natsURL                                           string
	iface                                             string
	listenPort                                        int
	proxy, netstack                                   bool
	dnsListen                                         string
	dnsForward                                        string
	httpListen, natsCreds                             string
	pprofListen                                       string
	jetstreamAPI                                      string
	kubernetes                                        bool
	kubeconfig, importAddress, secretsRole            string
	ingressClass, clusterIssuer, tlsSecret            string
	allowBackend                                      []string
	memoryLimit                                       string
}

func main() {
	if err := newRoot(os.Stderr).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "weft-agent:", err)
		os.Exit(1)
	}
}

func newRoot(stderr io.Writer) *cobra.Command {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "weft-agent",
		Short: "Run a cluster's weft agent",
		Example: "  weft-agent --server http://weft.example.com:4000 --cluster 0193… --enrolment-secret wfe_…\n" +
			"  weft-agent --cluster 0193… --state-dir /var/lib/weft-agent   # already enrolled",
		SilenceUsage: true, SilenceErrors: true,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return run(ctx, o, slog.New(slog.NewTextHandler(stderr, nil)))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "http://127.0.0.1:4000", "weft-server's HTTP address (for enrolment)")
	f.StringVar(&o.cluster, "cluster", "", "the cluster's id")
	f.StringVar(&o.team, "team", "", "the cluster's team (optional: enrolment tells the agent, and without it the agent reads it from its cluster's settings)")
	f.StringVar(&o.secret, "enrolment-secret", os.Getenv("WEFT_ENROLMENT_SECRET"), "the one-time enrolment secret (first start only)")
	f.StringVar(&o.stateDir, "state-dir", "", "where the agent keeps its credentials and state (default ./.weft/agent-<cluster>)")
	f.StringVar(&o.endpoint, "endpoint", "", "host:port where other gateways reach this one")
	f.StringVar(&o.natsURL, "nats-url", "", "override the NATS URL the server gave at enrolment")
	f.StringVar(&o.iface, "interface", "", "run the WireGuard gateway on this interface (root; empty: record peers only)")
	f.IntVar(&o.listenPort, "listen-port", 51820, "the gateway's WireGuard UDP port")
	f.BoolVar(&o.proxy, "proxy", false, "serve the cluster's routes on their service IPs (which must be local addresses)")
	f.StringVar(&o.dnsListen, "dns", "", "serve the team's names (CoreDNS with the weft plugin) on this host:port, e.g. 0.0.0.0:53 (devices ask the gateway's mesh address, port 53)")
	f.StringVar(&o.dnsForward, "dns-forward", "/etc/resolv.conf", "with --dns: where names outside weft.internal are asked (a resolv.conf file or host:port addresses; empty: refused)")
	f.BoolVar(&o.netstack, "netstack", false, "run the gateway rootless on a userspace network stack (no TUN, no root; for development): the proxy listens there")
	f.StringVar(&o.httpListen, "http", "", "serve /healthz, /metrics and /status on this host:port, e.g. :9480")
	f.StringVar(&o.pprofListen, "pprof", "", "serve Go's profiles (/debug/pprof/) on this host:port, a listener of its own (empty: off)")
	f.StringVar(&o.natsCreds, "nats-creds", "", "a NATS credentials file (user JWT and seed) for an external NATS; replaces the enrolment's user and password")
	f.StringVar(&o.jetstreamAPI, "jetstream-api", "", "where JetStream API requests go (default: weft's guard, weft.jsapi.<cluster>, the only JetStream API an agent's credentials reach); an edge agent reading mirrors on its own NATS leaf node gives '$JS.API'")
	f.BoolVar(&o.kubernetes, "kubernetes", false, "Kubernetes mode: also reconcile the cluster's namespaces, workloads and imports, and follow Services' endpoints (in-cluster config, or --kubeconfig)")
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "with --kubernetes: a kubeconfig file instead of the pod's service account")
	f.StringVar(&o.secretsRole, "kube-secrets-role", "weft-agent-secrets", "with --kubernetes: the ClusterRole the agent binds to itself in each environment's namespace it makes, to apply that environment's secrets there and nowhere else (deploy/kubernetes/agent/rbac.yaml); empty: bind nothing and use the rights the agent has")
	f.StringVar(&o.importAddress, "import-address", "", "with --kubernetes: the address imported Services' endpoints point at (default: each app's service IP, which the pod network must route to this gateway)")
	f.StringVar(&o.ingressClass, "ingress-class", "", "with --kubernetes: the ingress class of routers' Ingresses (default: the cluster's default class)")
	f.StringVar(&o.clusterIssuer, "cluster-issuer", "", "with --kubernetes: the cert-manager ClusterIssuer that signs routers' TLS certificates (each in the Secret <router>-tls)")
	f.StringVar(&o.tlsSecret, "tls-secret", "", "with --kubernetes: a Secret in each environment's namespace holding the TLS certificate every router with --tls uses (e.g. a wildcard one), instead of <router>-tls")
	f.StringSliceVar(&o.allowBackend, "allow-backend", nil, "with --proxy: also forward to backends in this CIDR (repeatable), which the proxy refuses otherwise: loopback, link-local (cloud metadata), multicast, broadcast, unspecified and weft's gateway and device addresses, whether given as addresses or as names that resolve to them")
	f.StringVar(&o.memoryLimit, "memory-limit", "", "a soft limit on the agent's Go memory (heap and stacks; not the binary's own pages), e.g. 64MiB: as the heap nears it the collector runs more often, instead of letting the heap grow to twice what is live; soft, the agent never fails for it (default: GOMEMLIMIT, else one that follows the live heap: 48MiB, or the live heap and half of it again once that is more)")
	_ = cmd.MarkFlagRequired("cluster")
	cmd.AddCommand(newRotateCmd(os.Stdout))
	return cmd
}

// meshRange is every team network's address space (DESIGN §2).
var meshRange = netip.MustParsePrefix("100.64.0.0/10")

func run(ctx context.Context, o *options, log *slog.Logger) error {
	if o.netstack && o.iface != "" {
		return errors.New("--netstack and --interface exclude each other: the gateway runs on one or the other")
	}
	if err := clusterstate.CheckToken("--cluster", o.cluster); err != nil {
		return err
	}
	if o.memoryLimit != "" {
		n, err := parseSize(o.memoryLimit)
		if err != nil {
			return fmt.Errorf("--memory-limit: %w", err)
		}
		debug.SetMemoryLimit(n)
		log.Info("soft memory limit", "bytes", n)
	}
	// bg owns every goroutine run starts; run waits for them before it
	// returns (an early return too, through the defer).
	bg := supervise.NewGroup(ctx)
	defer bg.Stop()
	if o.memoryLimit == "" && os.Getenv("GOMEMLIMIT") == "" {
		// Unless told otherwise, a soft limit that follows the live heap
		// (agent/memlimit): less resident memory at load than the
		// runtime's default, for more frequent collections.
		n := memlimit.Default.Set()
		log.Info("soft memory limit follows the live heap", "floor", memlimit.Default.Floor, "headroom", memlimit.Default.Headroom, "bytes", n)
		bg.Go(func(ctx context.Context) { memlimit.Default.Follow(ctx, time.Second) })
	}
	if o.pprofListen != "" {
		addr, stop, err := servePprof(o.pprofListen, log)
		if err != nil {
			return err
		}
		defer stop()
		log.Info("serving profiles", "pprof", "http://"+addr+"/debug/pprof/")
	}
	allow, err := parseAllow(o.allowBackend)
	if err != nil {
		return err
	}
	// Refused before anything starts: the Kubernetes flags mean nothing
	// without --kubernetes, and a bad address must not surface later.
	var importAddr netip.Addr
	if !o.kubernetes && (o.kubeconfig != "" || o.importAddress != "" || o.ingressClass != "" || o.clusterIssuer != "" || o.tlsSecret != "") {
		return errors.New("--kubeconfig, --import-address, --ingress-class, --cluster-issuer and --tls-secret need --kubernetes")
	}
	if o.importAddress != "" {
		if importAddr, err = netip.ParseAddr(o.importAddress); err != nil {
			return fmt.Errorf("--import-address: %w", err)
		}
	}
	if o.stateDir == "" {
		o.stateDir = filepath.Join(".weft", "agent-"+o.cluster)
	}
	creds, err := enrol.Load(o.stateDir)
	switch {
	case errors.Is(err, os.ErrNotExist) && o.natsCreds != "" && o.natsURL != "" && o.secret == "":
		// An external NATS in operator mode: the operator issued this
		// cluster's user (the .creds file); there is nothing to enrol for.
		creds = enrol.Credentials{Cluster: o.cluster, Team: o.team, NATSURL: o.natsURL, Stream: clusterstate.StreamName(o.cluster),
			InboxPrefix: clusterstate.InboxPrefix(o.cluster)}
		if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
			return fmt.Errorf("state directory: %w", err)
		}
	case errors.Is(err, os.ErrNotExist):
		if o.secret == "" {
			return fmt.Errorf("not enrolled yet: pass --enrolment-secret (printed once by weft cluster create)")
		}
		creds, err = enrol.Enrol(ctx, o.server, o.cluster, o.secret)
		if err != nil {
			return err
		}
		if err := enrol.Save(o.stateDir, creds); err != nil {
			return err
		}
		log.Info("enrolled", "cluster", o.cluster, "team", creds.Team)
	case err != nil:
		return err
	}
	if creds.Team == "" {
		creds.Team = o.team
	}
	if o.team != "" && creds.Team != o.team {
		return fmt.Errorf("--team %s, but the credentials are for team %s", o.team, creds.Team)
	}
	// Credentials made before team streams name no team: the agent then
	// learns it from its cluster's settings once connected.
	if creds.Team != "" {
		if err := clusterstate.CheckToken("team", creds.Team); err != nil {
			return err
		}
	}
	url := creds.NATSURL
	if o.natsURL != "" {
		url = o.natsURL
	}
	if url == "" {
		return errors.New("the server gave no NATS URL (it listens in-process only): start weft-server with --nats-listen, or pass --nats-url")
	}
	auth := nats.UserInfo(creds.User, creds.Password)
	if o.natsCreds != "" {
		if _, err := os.Stat(o.natsCreds); err != nil {
			return fmt.Errorf("--nats-creds: %w", err)
		}
		auth = nats.UserCredentials(o.natsCreds)
	}
	// A cluster cut off from the hub at start waits for it rather than
	// exit: the gateway it runs keeps the mesh of those already connected.
	// An authorization error is not final either: on an external NATS
	// weft-server answers for agents (auth callout), and a moment with no
	// replica answering refuses a reconnect the next moment accepts. Past
	// ten rounds of refusals (a deleted cluster's agent) it asks less often.
	nc, err := nats.Connect(url, append(connlog.Options(log.With("nats", "hub")), auth,
		nats.CustomInboxPrefix(creds.InboxPrefix), nats.RetryOnFailedConnect(true),
		nats.Name("weft-agent "+o.cluster), nats.MaxReconnects(-1), nats.IgnoreAuthErrorAbort(),
		nats.CustomReconnectDelay(reconnectDelay))...)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", url, err)
	}
	defer nc.Close()

	// The private key is made here and never leaves this host.
	keyFile := filepath.Join(o.stateDir, "gateway.key")
	key, err := wireguard.LoadOrCreateKey(keyFile)
	if err != nil {
		return err
	}
	// So is the sealing key pair secrets reach this agent sealed to.
	sealing, err := clusterstate.LoadOrCreateSealingKey(filepath.Join(o.stateDir, "sealing.key"))
	if err != nil {
		return err
	}
	// A key moved by rotate-gateway-key is reported with its proof.
	rotation, err := loadRotation(o.stateDir, key.PublicKey().String())
	if err != nil {
		return err
	}
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: key.PublicKey().String(), Endpoint: o.endpoint, Rotation: rotation})
	cfg := converge.Config{Cluster: o.cluster, Team: creds.Team, Peers: rec, Routes: rec, DNS: rec, Version: "dev", Logger: log,
		JetStreamAPI: o.jetstreamAPI, SealingKey: sealing.PublicString()}
	var stack *netstack.Stack
	hintsFile := filepath.Join(o.stateDir, "endpoints.json")
	switch {
	case o.netstack:
		wcfg := wireguard.Config{Interface: "netstack", KeyFile: keyFile, ListenPort: o.listenPort, Endpoint: o.endpoint, Logger: log,
			EndpointHints: loadHints(hintsFile)}
		if o.dnsListen != "" {
			// CoreDNS binds host sockets only; the mesh asks the gateway's
			// address, so relay its port 53 to the server on the host.
			wcfg.OnAddress = func(a netip.Addr) {
				bg.Go(func(ctx context.Context) { relayDNS(ctx, stack, a, o.dnsListen, log) })
			}
		}
		dev, err := wireguard.OpenNetstack(wcfg)
		if err != nil {
			return err
		}
		defer dev.Close()
		bg.Go(func(ctx context.Context) { keepHints(ctx, dev, hintsFile, log) })
		cfg.Peers, stack = dev, dev.Stack()
		log.Info("gateway on a userspace network stack (rootless)", "listen-port", o.listenPort)
	case o.iface != "":
		dev, err := wireguard.Open(wireguard.Config{Interface: o.iface, KeyFile: keyFile, ListenPort: o.listenPort, Endpoint: o.endpoint, Logger: log,
			EndpointHints: loadHints(hintsFile)})
		if err != nil {
			return err
		}
		defer dev.Close()
		bg.Go(func(ctx context.Context) { keepHints(ctx, dev, hintsFile, log) })
		cfg.Peers = dev
	default:
		log.Warn("no --interface or --netstack: peers are recorded, not programmed")
	}
	var routeStats func() []proxy.RouteStats
	if o.proxy {
		pc := proxy.Config{Logger: log, Allow: allow}
		if len(allow) > 0 {
			log.Warn("the proxy forwards to backends weft refuses by default", "allow-backend", allow)
		}
		if stack != nil {
			onStack(&pc, stack)
		}
		p := proxy.New(pc)
		defer p.Close()
		cfg.Routes = p
		routeStats = p.Stats
	} else {
		log.Warn("no --proxy: routes are recorded, not served")
	}
	if o.dnsListen != "" {
		table := dns.NewTable()
		// Devices whose wg-quick DNS line names this gateway ask it every
		// name, not only the team's.
		var extra string
		if to, why := forwardTo(o.dnsForward, o.dnsListen); why != "" {
			log.Warn("names outside weft.internal are not forwarded", "reason", why)
		} else if to != "" {
			extra = "  forward . " + to
		}
		srv, err := dns.Start(dns.Config{Listen: o.dnsListen, Table: table, Extra: extra})
		if err != nil {
			return err
		}
		defer func() { _ = srv.Stop() }()
		cfg.DNS = table
		log.Info("serving the team's names", "dns", srv.Addr())
	} else {
		log.Warn("no --dns: names are recorded, not served")
	}
	if o.kubernetes {
		ctl, version, err := kubeController(o, importAddr, nc, sealing, log)
		if err != nil {
			return err
		}
		cfg.Kube, cfg.Kubernetes = ctl, &clusterstate.Kubernetes{Version: version}
		cfg.Routes = kube.NewRoutes(ctl, cfg.Routes)
		bg.Go(func(ctx context.Context) {
			if err := ctl.Run(ctx); err != nil {
				log.Error("kubernetes controller stopped", "err", err)
			}
		})
		log.Info("kubernetes mode", "version", version)
	}
	sup := supervise.New(supervise.Config{Logger: log})
	cfg.Supervisor = sup
	a, err := converge.New(cfg)
	if err != nil {
		return err
	}
	if o.httpListen != "" {
		l, err := net.Listen("tcp", o.httpListen)
		if err != nil {
			return fmt.Errorf("--http %s: %w", o.httpListen, err)
		}
		srv := &http.Server{Handler: telemetry.Handler(telemetry.Source{Status: a.Status, Connected: nc.IsConnected, Routes: routeStats, Components: sup.Statuses}),
			ReadHeaderTimeout: 5 * time.Second}
		bg.Go(func(ctx context.Context) {
			stop := context.AfterFunc(ctx, func() { _ = srv.Close() })
			defer stop()
			_ = srv.Serve(l)
		})
		log.Info("serving health and metrics", "http", l.Addr().String())
	}
	bg.Go(func(ctx context.Context) { dumpState(ctx, a, o.stateDir, o.kubernetes, log) })
	err = a.Run(ctx, nc)
	// Before the deferred closes: the goroutines use the device, the
	// proxy and the servers.
	bg.Stop()
	return err
}

// kubeController connects to the cluster's API server (the pod's service
// account, or --kubeconfig) and makes the controller.
func kubeController(o *options, importAddr netip.Addr, nc *nats.Conn, sealing clusterstate.SealingKey, log *slog.Logger) (*kube.Controller, string, error) {
	var rc *rest.Config
	var err error
	if o.kubeconfig != "" {
		rc, err = clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	} else {
		rc, err = rest.InClusterConfig()
	}
	if err != nil {
		return nil, "", fmt.Errorf("kubernetes: %w", err)
	}
	client, err := kube.NewClient(rc)
	if err != nil {
		return nil, "", err
	}
	v, err := client.Discovery().ServerVersion()
	if err != nil {
		return nil, "", fmt.Errorf("kubernetes: ask the API server its version: %w", err)
	}
	ctl, err := kube.New(kube.Config{Client: client, Cluster: o.cluster, Report: nc, ImportAddress: importAddr, Logger: log,
		Unseal: sealing.Open, SecretsRole: o.secretsRole, IngressClass: o.ingressClass, ClusterIssuer: o.clusterIssuer, TLSSecret: o.tlsSecret})
	if err != nil {
		return nil, "", err
	}
	return ctl, v.GitVersion, nil
}

// loadHints reads the roaming peers' endpoints a previous run saw; none is
// fine (a first start, or a file from an older agent).
func loadHints(file string) map[string]string {
	hints := map[string]string{}
	if b, err := os.ReadFile(file); err == nil {
		_ = json.Unmarshal(b, &hints)
	}
	return hints
}

// keepHints saves the roaming peers' endpoints every few seconds, so that
// after a crash or restart the gateway can reach connected devices first.
func keepHints(ctx context.Context, dev *wireguard.Device, file string, log *slog.Logger) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		eps, err := dev.LearnedEndpoints()
		if err != nil || len(eps) == 0 {
			continue
		}
		b, _ := json.Marshal(eps)
		if string(b) == last {
			continue
		}
		tmp := file + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil || os.Rename(tmp, file) != nil {
			log.Warn("device endpoints not saved", "err", err)
			continue
		}
		last = string(b)
	}
}

// relayDNS answers UDP queries to the gateway's mesh address (port 53) on
// the userspace stack by asking the agent's CoreDNS on the host.
// parseSize reads a size as GOMEMLIMIT writes it: a number of bytes,
// optionally with B, KiB, MiB, GiB or TiB.
func parseSize(s string) (int64, error) {
	num, mult := s, int64(1)
	for i, unit := range []string{"TiB", "GiB", "MiB", "KiB", "B"} {
		if rest, ok := strings.CutSuffix(s, unit); ok {
			num, mult = rest, int64(1)<<(10*(4-i))
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a size such as 64MiB", s)
	}
	return n * mult, nil
}

// onStack makes the proxy serve on a userspace stack: service IPs live
// on it, intercepting devices are mesh addresses reached through it,
// backends are the host's. TCP ports are served through the stack's one
// forwarder, not a listener and an accept loop each.
func onStack(pc *proxy.Config, stack *netstack.Stack) {
	pc.ServeTCP, pc.ListenUDP = stack.ServeTCP, stack.ListenUDP
	pc.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if ap, err := netip.ParseAddrPort(addr); err == nil && meshRange.Contains(ap.Addr()) {
			return stack.DialContext(ctx, network, addr)
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
}

func relayDNS(ctx context.Context, st *netstack.Stack, gw netip.Addr, server string, log *slog.Logger) {
	pc, err := st.ListenUDP(netip.AddrPortFrom(gw, 53).String())
	if err != nil {
		log.Warn("dns on the mesh address not served", "err", err)
		return
	}
	stop := context.AfterFunc(ctx, func() { _ = pc.Close() })
	defer stop()
	var queries sync.WaitGroup // each bounded by its 2 s deadline
	defer queries.Wait()
	buf := make([]byte, 65535)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		q := append([]byte(nil), buf[:n]...)
		queries.Go(func() {
			c, err := net.DialTimeout("udp", server, 2*time.Second)
			if err != nil {
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			if _, err := c.Write(q); err != nil {
				return
			}
			ans := make([]byte, 65535)
			m, err := c.Read(ans)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(ans[:m], from)
		})
	}
}

// stateSource is what dumpState reads of the agent (*converge.Agent).
type stateSource interface {
	WaitForChanges(ctx context.Context, n uint64) error
	Changes() uint64
	Applied() uint64
	State() map[string][]byte
}

// dumpState writes what the agent converged to, for operators and tests;
// in Kubernetes mode (kube) its Kubernetes entries too.
//
// It follows the agent's count of applied changes, not its applied
// sequence: a change read from one stream after a later event's change
// from the other leaves the sequence where it was, and the file held
// what the agent no longer did (seen in the chaos test).
func dumpState(ctx context.Context, a stateSource, dir string, kube bool, log *slog.Logger) {
	var last uint64
	settled := true
	for {
		quiet := 5 * time.Second
		if !settled {
			quiet = time.Second
		}
		wctx, cancel := context.WithTimeout(ctx, quiet)
		_ = a.WaitForChanges(wctx, last+1)
		cancel()
		if ctx.Err() != nil {
			return
		}
		changes := a.Changes()
		switch {
		case changes != last:
			last, settled = changes, false
		case !settled:
			// Changes arrive one by one: once the agent is quiet, a
			// second look takes those applied after the last write.
			settled = true
		default:
			continue
		}
		if err := saveState(dir, a.Applied(), a.State(), kube); err != nil {
			log.Warn("state not written", "err", err)
		}
	}
}

// forwardTo checks --dns-forward before CoreDNS gets it: a resolv.conf
// without a nameserver would stop CoreDNS from starting, and one naming
// the agent's own listener would send queries round in a loop; then why
// says so and nothing is forwarded.
func forwardTo(spec, listen string) (to, why string) {
	if spec == "" || !strings.HasPrefix(spec, "/") {
		return spec, ""
	}
	b, err := os.ReadFile(spec)
	if err != nil {
		return "", err.Error()
	}
	servers := 0
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "nameserver" {
			continue
		}
		servers++
		if ip, err := netip.ParseAddr(f[1]); err == nil && answersOn(listen, ip) {
			return "", fmt.Sprintf("%s names %s, where this agent's --dns %s answers itself", spec, ip, listen)
		}
	}
	if servers == 0 {
		return "", spec + " names no nameserver"
	}
	return spec, ""
}

// answersOn reports whether a DNS server listening on listen receives
// what is sent to ip port 53.
func answersOn(listen string, ip netip.Addr) bool {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || port != "53" {
		return false
	}
	l, err := netip.ParseAddr(host)
	if host != "" && err != nil {
		return false
	}
	if host != "" && !l.IsUnspecified() {
		return l == ip
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && (p.Addr() == ip || p.Addr().IsLoopback() && p.Contains(ip)) {
			return true
		}
	}
	return false
}

// parseAllow reads --allow-backend's CIDRs.
func parseAllow(cidrs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, fmt.Errorf("--allow-backend %q: not a CIDR (like 127.0.0.0/8 or 169.254.0.0/16)", c)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// reconnectDelay is how long the agent waits after its attempt to reach
// every NATS server it knows failed for the round-th time in a row.
func reconnectDelay(round int) time.Duration {
	jitter := rand.N(200 * time.Millisecond)
	if round <= 10 {
		return time.Second + jitter
	}
	return 10*time.Second + jitter
}
