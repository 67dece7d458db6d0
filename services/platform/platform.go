// Package platform is what every weft service stands on inside weft-server:
// the NATS connection (embedded server or external deployment), the EVENTS
// stream, the keyring of teams' secret keys (on first use), the event registry and Store, the read-model runners, the HTTP
// endpoint with /healthz, /readyz and /metrics, the *auth.Signer with which the
// gateway signs, and the subgraphs verify, forwarded principals, and the
// OpenTelemetry trace.TracerProvider (nil unless tracing is asked for) that
// the gateway, the subgraphs and the store trace with.
//
// Services plug in through fx value groups:
//   - group "eventtypes": a RegisterFunc that registers the service's event types;
//   - group "projections": a *projection.Runner for each of its read models;
//   - group "routes": a Route mounted on the shared HTTP mux.
//
// Start order: NATS, streams, store, projections (caught up), then HTTP.
// /healthz answers as soon as HTTP serves (liveness), 503 only while a
// supervised component (a read model, the message office) is stopped on an
// event it cannot apply, naming it and the event; /readyz only once reads
// see everything appended before start, no read model is failed or waiting
// to resume while behind, and every ReadyCheck (the gateway's first
// composition) passes. Both list every component, its state and how many
// events it is behind; /metrics has the same as weft_component_*.
package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/connlog"
	"weft.dev/events/projection"
	"weft.dev/events/stream"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/supervise"
	"weft.dev/services/keyring"
)

// Config is the platform's part of weft-server's configuration.
type Config struct {
	DataDir    string // embedded file store
	NATSListen string // embedded server's client listener ("" = in-process only)
	Remote     broker.Remote
	HTTPAddr   string // /healthz, /metrics, and service routes
	Replicas   int    // EVENTS replicas: 1 embedded, 3 in a cluster
	SyncAlways bool
	// Rebuild names read models whose snapshots are dropped before the
	// start, so they replay the whole log ("all" drops every one).
	Rebuild []string
	// InternalKeyFile holds the key (at least 32 bytes) that signs the
	// principals the gateway forwards to subgraphs; every process of a split
	// deployment reads the same file. Empty: a random key made at start,
	// which is right when gateway and subgraphs share one process.
	InternalKeyFile string
	// NATSAdvertise and HTTPAdvertise are the URLs other hosts (agents,
	// the CLI elsewhere) reach NATS and HTTP at, when they differ from
	// the listen addresses (a NAT, a load balancer, a name). Empty: the
	// listen address, with this host's address for an unspecified one.
	NATSAdvertise string
	HTTPAdvertise string
	// CheckpointKeyFile holds the ed25519 key that signs the event log's
	// checkpoints (made there when missing). Empty: checkpoint.key in
	// DataDir. Every process hosting the audit service of one platform
	// reads the same file.
	CheckpointKeyFile string
	// CheckpointEvery is how often teams' new events are sealed (0: a
	// minute).
	CheckpointEvery time.Duration
	// OTLPEndpoint is the base URL of an OpenTelemetry collector's
	// OTLP/HTTP receiver (e.g. http://127.0.0.1:4318; traces go to its
	// /v1/traces). Empty: no tracing (tracing.go).
	OTLPEndpoint string
	// TracerProvider, when set, is the one used instead (a program that
	// embeds weft-server's parts, a test recording spans).
	TracerProvider trace.TracerProvider
	// LogTailMiB is how much of the log's newest events the event store
	// holds in memory for reads (events.WithTail); 0: DefaultLogTailMiB;
	// less: none, every read goes to the stream.
	LogTailMiB int
}

// RegisterFunc registers a service's event types.
type RegisterFunc func(*events.Registry)

// Route is an HTTP handler a service mounts on the shared mux.
type Route struct {
	Pattern string
	Handler http.Handler
}

// EventTypes contributes a service's event types to the shared registry.
func EventTypes(f RegisterFunc) fx.Option {
	return fx.Provide(fx.Annotate(func() RegisterFunc { return f }, fx.ResultTags(`group:"eventtypes"`)))
}

// AsProjection annotates a constructor returning *projection.Runner so its
// runner joins the "projections" group.
func AsProjection(ctor any) any {
	return fx.Annotate(ctor, fx.ResultTags(`group:"projections"`))
}

// ReadyCheck is one more condition /readyz waits for, beyond NATS and the
// read models (the gateway's first composition): nil when ready, else why
// not.
type ReadyCheck struct {
	Name  string
	Check func() error
}

// AsReadyCheck annotates a constructor returning ReadyCheck for the
// "readiness" group.
func AsReadyCheck(ctor any) any {
	return fx.Annotate(ctor, fx.ResultTags(`group:"readiness"`))
}

// AsRoute annotates a constructor returning Route for the "routes" group.
func AsRoute(ctor any) any {
	return fx.Annotate(ctor, fx.ResultTags(`group:"routes"`))
}

// Module provides the platform.
var Module = fx.Module("platform",
	fx.Provide(
		newMetrics,
		newSupervisor,
		newBroker,
		fx.Annotate(newRegistry, fx.ParamTags(`group:"eventtypes"`)),
		newTracerProvider,
		newStore,
		fx.Annotate(newProjections, fx.ParamTags(``, ``, ``, ``, ``, `group:"projections"`)),
		newHTTP,
		newSigner,
		newKeyring,
	),
	fx.Invoke(fx.Annotate(mountRoutes, fx.ParamTags(``, `group:"routes"`))),
	// Checks join after the endpoint is built (the gateway they come from
	// needs its address first) and before it serves.
	fx.Invoke(fx.Annotate(func(h *HTTP, checks []ReadyCheck) { h.checks = checks }, fx.ParamTags(``, `group:"readiness"`))),
	fx.Invoke(func(*Projections, *HTTP) {}),
)

// Broker is the running NATS connection and, when embedded, the server.
type Broker struct {
	Conn *nats.Conn
	// Readers carry the event store's reads (events.WithReaders), so a
	// command's load does not queue behind audit scans and appends on Conn.
	Readers  []*nats.Conn
	Embedded *broker.Server // nil when connected to an external deployment
	// Agents are agents' NATS users: the embedded server's, or the bucket
	// the auth callout reads on an external deployment; nil when an
	// external deployment's operator makes them (no callout configured).
	Agents broker.AgentUsers
}

// ClientURL is where other processes reach NATS: --nats-advertise, else
// the embedded server's listener (with this host's address for 0.0.0.0
// or ::, which a client elsewhere cannot dial), else the external URL.
func (b *Broker) ClientURL(cfg Config) string {
	if cfg.NATSAdvertise != "" {
		return cfg.NATSAdvertise
	}
	if b.Embedded != nil {
		return ReachableURL(b.Embedded.ClientURL())
	}
	return cfg.Remote.URL
}

// Undo holds what a constructor started before fx's lifecycle: the
// embedded NATS server, which newBroker starts because the constructors
// after it need a connection. When a later constructor fails, fx builds no
// app and runs no stop hook; the host that supplied an Undo runs it then,
// or the server runs on (a one-off command refused after the store was
// open left it running).
type Undo struct {
	mu  sync.Mutex
	fns []func()
}

// Add records f, to be run by Run.
func (u *Undo) Add(f func()) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.fns = append(u.fns, f)
}

// Run runs what was added, the last first, once.
func (u *Undo) Run() {
	u.mu.Lock()
	fns := u.fns
	u.fns = nil
	u.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

type brokerIn struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	Logger    *slog.Logger
	Undo      *Undo    `optional:"true"`
	Metrics   *Metrics `optional:"true"`
}

// readers is how many connections the event store reads over besides the
// main one: nats-server answers each connection's direct gets one after
// another, so reads need a few lanes; two cores gain nothing from many.
const readers = 4

func newBroker(in brokerIn) (*Broker, error) {
	lc, cfg, log := in.Lifecycle, in.Config, in.Logger
	b := &Broker{}
	var connect func(name string) (*nats.Conn, error) // another connection like b.Conn
	logged := func(name string) []nats.Option { return connlog.Options(log.With("nats", name)) }
	if cfg.Remote.URL != "" {
		nc, err := broker.Dial(cfg.Remote, "weft-server", logged("weft-server")...)
		if err != nil {
			return nil, err
		}
		b.Conn = nc
		connect = func(name string) (*nats.Conn, error) { return broker.Dial(cfg.Remote, name, logged(name)...) }
	} else {
		srv, err := broker.Start(broker.Config{
			DataDir: cfg.DataDir, Listen: cfg.NATSListen, SyncAlways: cfg.SyncAlways, Logger: log,
		})
		if err != nil {
			return nil, err
		}
		nc, err := srv.Connect("weft-server", logged("weft-server")...)
		if err != nil {
			srv.Shutdown()
			return nil, err
		}
		b.Conn, b.Embedded, b.Agents = nc, srv, srv
		connect = func(name string) (*nats.Conn, error) { return srv.Connect(name, logged(name)...) }
	}
	for i := range readers {
		rc, err := connect(fmt.Sprintf("weft-server reader %d", i+1))
		if err != nil {
			b.close()
			return nil, err
		}
		b.Readers = append(b.Readers, rc)
	}
	replicas := cfg.Replicas
	if replicas == 0 {
		replicas = 1
	}
	if err := stream.Ensure(b.Conn, stream.Config(replicas)); err != nil {
		b.close()
		return nil, err
	}
	if cfg.Remote.URL != "" && cfg.Remote.CalloutIssuerFile != "" {
		if err := b.serveCallout(cfg, log, in.Metrics); err != nil {
			b.close()
			return nil, err
		}
	}
	var once sync.Once
	if in.Undo != nil {
		in.Undo.Add(func() { once.Do(b.close) })
	}
	lc.Append(fx.StopHook(func(ctx context.Context) error {
		// Drain delivers what is in flight before closing; the embedded
		// server then flushes its file store.
		if err := b.Conn.Drain(); err != nil {
			log.Warn("drain NATS connection", "err", err)
		}
		for b.Conn.IsDraining() && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		once.Do(b.close)
		return nil
	}))
	return b, nil
}

// serveCallout answers the external deployment's auth callout for agents
// on every replica (a queue group), from the bucket of agents' users that
// enrolment writes to.
func (b *Broker) serveCallout(cfg Config, log *slog.Logger, m *Metrics) error {
	issuer, err := broker.LoadIssuer(cfg.Remote.CalloutIssuerFile)
	if err != nil {
		return err
	}
	js, err := jetstream.New(b.Conn)
	if err != nil {
		return fmt.Errorf("auth callout: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, err := broker.OpenAgentStore(ctx, js, max(cfg.Replicas, 1))
	if err != nil {
		return err
	}
	c := &broker.Callout{Store: store, Issuer: issuer, Account: cfg.Remote.CalloutAccount, TTL: cfg.Remote.CalloutTTL,
		Log: log.With("component", "callout")}
	if m != nil {
		refused := prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "callout", Name: "refused_total",
			Help: "Connections to the external NATS that weft's auth callout refused (unknown user, wrong password, a deleted cluster's agent).",
		})
		if err := m.Registry.Register(refused); err != nil {
			return fmt.Errorf("register the auth callout's metrics: %w", err)
		}
		c.Refused = refused.Inc
	}
	// On b.Conn: drained with it when weft-server stops.
	if _, err := c.Serve(b.Conn); err != nil {
		return err
	}
	b.Agents = store
	return nil
}

// newKeyring opens the bucket of teams' secret keys (package keyring),
// which only this process's NATS user reaches.
func newKeyring(b *Broker, cfg Config) (*keyring.Ring, error) {
	js, err := jetstream.New(b.Conn)
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return keyring.Open(ctx, js, cfg.Replicas)
}

func (b *Broker) close() {
	for _, rc := range b.Readers {
		rc.Close()
	}
	b.Conn.Close()
	if b.Embedded != nil {
		b.Embedded.Shutdown()
	}
}

// newRegistry runs every contributed RegisterFunc once. A service
// contributes, beside its own, the types of other services it reads (the
// console reads infra's clusters), so each module works on its own with
// --only; the same function contributed twice is run once, because the
// registry refuses a type registered twice.
func newRegistry(fns []RegisterFunc) *events.Registry {
	r := events.NewRegistry()
	seen := make(map[uintptr]bool, len(fns))
	for _, f := range fns {
		p := reflect.ValueOf(f).Pointer()
		if seen[p] {
			continue
		}
		seen[p] = true
		f(r)
	}
	return r
}

// DefaultLogTailMiB is the tail of the log a process holds by default:
// about 60,000 of weft's events, a busy platform's last hours.
const DefaultLogTailMiB = 64

func newStore(lc fx.Lifecycle, cfg Config, b *Broker, reg *events.Registry, tp trace.TracerProvider, log *slog.Logger) *events.Store {
	tail := cfg.LogTailMiB
	if tail == 0 {
		tail = DefaultLogTailMiB
	}
	s := events.NewStore(b.Conn, reg, events.WithLogger(log), events.WithTracerProvider(tp), events.WithReaders(b.Readers...), events.WithTail(tail<<20))
	var stop func()
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) (err error) {
			stop, err = s.StartTail(ctx)
			return err
		},
		OnStop: func(context.Context) error {
			if stop != nil {
				stop()
			}
			return nil
		},
	})
	return s
}

// Projections are the read-model runners of every hosted service.
type Projections struct {
	Runners []*projection.Runner
	ready   atomic.Bool
}

// Ready reports whether every projection caught up at start and none failed.
func (p *Projections) Ready() error {
	if !p.ready.Load() {
		return errors.New("read models catching up")
	}
	for _, r := range p.Runners {
		if err := r.Err(); err != nil {
			return err
		}
	}
	return nil
}

// newSupervisor is the process's one supervisor: every long-running loop
// of the hosted services (read models, the message office) runs under it,
// and /healthz, /readyz and /metrics report what it knows.
func newSupervisor(log *slog.Logger) *supervise.Supervisor {
	return supervise.New(supervise.Config{Logger: log})
}

func newProjections(lc fx.Lifecycle, cfg Config, log *slog.Logger, store *events.Store, sup *supervise.Supervisor, runners []*projection.Runner) (*Projections, error) {
	p := &Projections{Runners: runners}
	for _, r := range runners {
		r.Supervise(sup)
	}
	drop, err := rebuildSet(cfg.Rebuild, runners)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			for _, r := range runners {
				if drop[r.Name()] {
					if err := projection.Drop(ctx, store, r.Name()); err != nil {
						return err
					}
					log.Info("projection dropped for rebuild", "projection", r.Name())
				}
				start := time.Now()
				if err := r.CatchUp(ctx); err != nil {
					return fmt.Errorf("start projection %s: %w", r.Name(), err)
				}
				log.Info("projection caught up", "projection", r.Name(), "seq", r.Applied(), "took", time.Since(start).Round(time.Millisecond))
			}
			p.ready.Store(true)
			return nil
		},
		OnStop: func(ctx context.Context) error {
			var errs []error
			for i := len(runners) - 1; i >= 0; i-- {
				errs = append(errs, runners[i].Stop(ctx))
			}
			return errors.Join(errs...)
		},
	})
	return p, nil
}

// rebuildSet checks the names asked for against the hosted read models.
func rebuildSet(names []string, runners []*projection.Runner) (map[string]bool, error) {
	hosted := make(map[string]bool, len(runners))
	known := make([]string, 0, len(runners))
	for _, r := range runners {
		hosted[r.Name()] = true
		known = append(known, r.Name())
	}
	sort.Strings(known)
	drop := make(map[string]bool)
	for _, n := range names {
		switch {
		case n == "all":
			for h := range hosted {
				drop[h] = true
			}
		case hosted[n]:
			drop[n] = true
		default:
			return nil, fmt.Errorf("rebuild: no read model %q here (known: %s)", n, strings.Join(known, ", "))
		}
	}
	return drop, nil
}

// Metrics is the server's Prometheus registry (not the global one).
type Metrics struct{ Registry *prometheus.Registry }

func newMetrics() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Metrics{Registry: r}
}

// HTTP is the shared HTTP endpoint.
type HTTP struct {
	Mux    *http.ServeMux
	addr   atomic.Value // string, set once listening
	checks []ReadyCheck // set before serving, read-only after
}

// Addr is the address the endpoint listens on. The port is bound when the
// endpoint is constructed (so the gateway can name its in-process subgraphs'
// URLs before anything starts); requests are served once started.
func (h *HTTP) Addr() string {
	s, _ := h.addr.Load().(string)
	return s
}

func newHTTP(lc fx.Lifecycle, cfg Config, log *slog.Logger, m *Metrics, b *Broker, p *Projections, sup *supervise.Supervisor) (*HTTP, error) {
	h := &HTTP{Mux: http.NewServeMux()}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	h.addr.Store(ln.Addr().String())
	// Liveness: the process serves, and no component stopped on an event
	// it cannot apply (which only a new version, or a restart after a
	// fix, brings back). Restarting would not bring NATS back, so NATS
	// being away does not count; the body says how far behind each
	// component is.
	h.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		report := components(r.Context(), sup)
		var failed []string
		for _, st := range report {
			if st.State == supervise.StateFailed {
				failed = append(failed, fmt.Sprintf("%s at event %d", st.Name, st.Seq))
			}
		}
		if len(failed) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "failed: %s\n", strings.Join(failed, ", "))
		} else {
			fmt.Fprintln(w, "ok")
		}
		writeComponents(w, report)
	})
	// Readiness: a request sent now is answered from a complete state:
	// NATS is connected, every read model has caught up with the log as it
	// was at start (and none has failed), none is waiting to resume while
	// behind, and every ReadyCheck (the gateway's first composition)
	// passes.
	h.Mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if !b.Conn.IsConnected() {
			http.Error(w, "nats: not connected", http.StatusServiceUnavailable)
			return
		}
		if err := p.Ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		report := components(r.Context(), sup)
		reads := map[string]bool{}
		for _, pr := range p.Runners {
			reads[pr.ComponentName()] = true
		}
		for _, st := range report {
			// Only the read models answer requests; the message office or
			// a feed stopped elsewhere shows here but does not make the
			// API unready.
			if reads[st.Name] && st.State == supervise.StateRetrying && (st.Behind > 0 || !st.Measured) {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, "%s: %s\n", st.Name, st.State)
				writeComponents(w, report)
				return
			}
		}
		for _, c := range h.checks {
			if err := c.Check(); err != nil {
				http.Error(w, c.Name+": "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ready")
		writeComponents(w, report)
	})
	m.Registry.MustRegister(componentCollector{sup})
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: "weft", Name: "nats_connected", Help: "1 when weft-server is connected to NATS.",
	}, func() float64 {
		if b.Conn.IsConnected() {
			return 1
		}
		return 0
	}))
	for _, r := range p.Runners {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "weft", Subsystem: "projection", Name: "applied_sequence",
			Help: "EVENTS sequence last applied by the read model.", ConstLabels: prometheus.Labels{"projection": r.Name()},
		}, func() float64 { return float64(r.Applied()) }))
	}
	h.Mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: h.Mux, ReadHeaderTimeout: 10 * time.Second}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			go func() {
				if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("http server stopped", "err", err)
				}
			}()
			return nil
		},
		OnStop: func(ctx context.Context) error { return srv.Shutdown(ctx) },
	})
	return h, nil
}

// newSigner returns the signer of gateway-to-subgraph principals.
func newSigner(cfg Config) (*auth.Signer, error) {
	if cfg.InternalKeyFile == "" {
		return auth.RandomSigner()
	}
	key, err := os.ReadFile(cfg.InternalKeyFile)
	if err != nil {
		return nil, fmt.Errorf("read internal key: %w", err)
	}
	s, err := auth.NewSigner(bytes.TrimSpace(key))
	if err != nil {
		return nil, fmt.Errorf("internal key %s: %w", cfg.InternalKeyFile, err)
	}
	return s, nil
}

// components is every component's status and how far behind it is, asked
// of NATS for at most two seconds.
func components(ctx context.Context, sup *supervise.Supervisor) []supervise.Status {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sup.Report(ctx)
}

func writeComponents(w io.Writer, report []supervise.Status) {
	for _, st := range report {
		fmt.Fprintf(w, "  %s\n", st)
	}
}

var (
	componentStateDesc = prometheus.NewDesc("weft_component_state",
		"1 for the state each supervised component is in (idle, running, retrying after a transient error, failed on an event it cannot apply).",
		[]string{"component", "state"}, nil)
	componentRestartsDesc = prometheus.NewDesc("weft_component_restarts_total",
		"Times a supervised component resumed after a transient error.", []string{"component"}, nil)
	componentFailedDesc = prometheus.NewDesc("weft_component_failed_event_sequence",
		"The sequence of the event a failed component stopped at.", []string{"component"}, nil)
	componentBehindDesc = prometheus.NewDesc("weft_component_behind_events",
		"Events in the log a component has still to apply.", []string{"component"}, nil)
)

// componentCollector reads the supervisor at scrape time.
type componentCollector struct{ sup *supervise.Supervisor }

func (componentCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- componentStateDesc
	ch <- componentRestartsDesc
	ch <- componentFailedDesc
	ch <- componentBehindDesc
}

func (c componentCollector) Collect(ch chan<- prometheus.Metric) {
	for _, st := range components(context.Background(), c.sup) {
		for _, s := range []supervise.State{supervise.StateIdle, supervise.StateRunning, supervise.StateRetrying, supervise.StateFailed} {
			v := 0.0
			if st.State == s {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(componentStateDesc, prometheus.GaugeValue, v, st.Name, string(s))
		}
		ch <- prometheus.MustNewConstMetric(componentRestartsDesc, prometheus.CounterValue, float64(st.Restarts), st.Name)
		if st.State == supervise.StateFailed {
			ch <- prometheus.MustNewConstMetric(componentFailedDesc, prometheus.GaugeValue, float64(st.Seq), st.Name)
		}
		if st.Measured {
			ch <- prometheus.MustNewConstMetric(componentBehindDesc, prometheus.GaugeValue, float64(st.Behind), st.Name)
		}
	}
}

func mountRoutes(h *HTTP, routes []Route) {
	for _, r := range routes {
		h.Mux.Handle(r.Pattern, r.Handler)
	}
}

// AsOfModel is a read model that can answer for one resource; the audit
// service replays the log up to a past point into a fresh one to show a
// resource's state as of then, with the owning service's own code.
type AsOfModel interface {
	projection.Model
	// Resource returns the resource as the read model shows it (a value that
	// marshals to JSON), or false when it does not exist at this point.
	Resource(team string, agg events.AggregateRef) (any, bool)
}

// AsOfSource declares which aggregate types a service's model can answer for.
type AsOfSource struct {
	AggregateTypes []string
	New            func() AsOfModel
}

// AsAsOfSource annotates a constructor returning AsOfSource for the "asof" group.
func AsAsOfSource(ctor any) any {
	return fx.Annotate(ctor, fx.ResultTags(`group:"asof"`))
}
