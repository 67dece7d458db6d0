// Command weft-server runs the weft control plane: embedded NATS JetStream
// (or a connection to an external deployment), every service, and the HTTP
// endpoint. `--only` runs a subset, for deployments that scale services apart.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"

	"weft.dev/events/broker"
	"weft.dev/gateway"
	"weft.dev/services/accounts"
	"weft.dev/services/audit"
	"weft.dev/services/console"
	"weft.dev/services/infra"
	"weft.dev/services/messageoffice"
	"weft.dev/services/platform"
)

// services are the modules weft-server can host, by name.
func services(o *options) map[string]fx.Option {
	return map[string]fx.Option{
		"accounts": accounts.Module,
		"infra":    infra.Module,
		"console":  console.Module,
		"audit":    audit.Module,
		"gateway":  gatewayModule(o),
		// The message office writes each cluster's desired state. Run one
		// per deployment: two would both write every change.
		"messageoffice": fx.Options(messageoffice.Module, publicDNS(o)),
	}
}

// hosts reports whether the selection runs the named service.
func hosts(only []string, name string) bool {
	if len(only) == 0 {
		return true
	}
	for _, n := range only {
		if strings.TrimSpace(n) == name {
			return true
		}
	}
	return false
}

type options struct {
	platform.Config
	only      []string
	subgraphs map[string]string
	// accountsURL is the accounts service's HTTP endpoint for a gateway
	// that does not host it.
	accountsURL string
	dnsListen   string
	dnsReverse  bool
	pprofListen string
	logLevel    string
	logFormat   string
	// rate and burst bound each principal's operations at the gateway
	// (gateway.Limits.Rate, Burst); 0 means the gateway's default.
	rate  float64
	burst int
	// persistedOnly makes the gateway run only the registered operations
	// of weft's CLI and portal (schemas/operations).
	persistedOnly bool
}

func main() {
	if err := newRoot(os.Stdout, os.Stderr).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "weft-server:", err)
		os.Exit(1)
	}
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	o := &options{}
	root := &cobra.Command{
		Use:           "weft-server",
		Short:         "Run the weft control plane",
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), o, stdout, stderr)
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&o.DataDir, "data-dir", broker.DefaultDataDir, "directory of the embedded NATS file store")
	f.StringVar(&o.NATSListen, "nats-listen", "127.0.0.1:4222", "where the embedded NATS accepts agents (empty: in-process only)")
	f.StringVar(&o.Remote.URL, "nats-url", "", "external NATS URL; when set, no embedded server is started")
	f.StringVar(&o.Remote.CredsFile, "nats-creds", "", "credentials file for --nats-url")
	f.StringVar(&o.Remote.User, "nats-user", "", "user for --nats-url")
	f.StringVar(&o.Remote.Password, "nats-password", "", "password for --nats-url (or WEFT_NATS_PASSWORD)")
	f.StringVar(&o.Remote.CalloutIssuerFile, "nats-callout-issuer", "", "with --nats-url: the seed file of the account the NATS configuration's auth_callout names as issuer; weft-server then issues agents' NATS users at enrolment and answers the callout for them (weft-server callout-issuer makes one)")
	f.StringVar(&o.Remote.CalloutAccount, "nats-callout-account", "", "with --nats-callout-issuer: the account agents are placed in, the one weft's own user is in (default: the global account $G)")
	f.DurationVar(&o.Remote.CalloutTTL, "nats-callout-ttl", broker.AgentJWTTTL, "with --nats-callout-issuer: how long an agent's connection is authorised before it must authenticate again; the longest a deleted cluster's agent stays connected (its reads are refused at once)")
	f.IntVar(&o.Replicas, "replicas", 1, "EVENTS stream replicas (3 on a NATS cluster)")
	f.BoolVar(&o.SyncAlways, "sync-always", false, "fsync every event (embedded server)")
	f.StringVar(&o.HTTPAddr, "http", "127.0.0.1:4000", "HTTP listen address (GraphQL, /healthz, /metrics)")
	f.StringVar(&o.HTTPAdvertise, "http-advertise", "", "URL other hosts reach HTTP at, printed in the banner (default: --http, with this host's address for 0.0.0.0 or ::)")
	f.StringVar(&o.NATSAdvertise, "nats-advertise", "", "URL agents reach NATS at, handed to them on enrolment (default: --nats-listen, with this host's address for 0.0.0.0 or ::)")
	f.StringVar(&o.CheckpointKeyFile, "checkpoint-key-file", "", "ed25519 key that signs the event log's checkpoints, made there when missing; every process hosting audit needs the same file (default: checkpoint.key in --data-dir)")
	f.DurationVar(&o.CheckpointEvery, "checkpoint-every", time.Minute, "how often each team's new events are sealed with a signed checkpoint")
	f.IntVar(&o.LogTailMiB, "log-tail-mib", platform.DefaultLogTailMiB, "MiB of the event log's newest events kept in memory, from which commands' loads and audit reads (events, history, as-of) are answered without reading them from NATS (0: none)")
	f.StringVar(&o.InternalKeyFile, "internal-key-file", "", "key (32+ bytes) the gateway signs principals with for the subgraphs; every process of a split deployment needs the same file (default: a fresh key per process)")
	f.StringSliceVar(&o.only, "only", nil, "run only these services (comma separated: accounts, infra, console, audit, gateway, messageoffice)")
	f.StringVar(&o.dnsListen, "dns", "127.0.0.1:5353", "public DNS for every team's names (host:port; empty: none)")
	f.BoolVar(&o.dnsReverse, "dns-reverse", false, "public DNS also answers reverse (PTR) queries, for addresses exactly one team holds (off: anyone who reaches it could list every team's names)")
	f.StringToStringVar(&o.subgraphs, "subgraph", nil, "a subgraph the gateway reaches elsewhere, name=URL (repeatable)")
	f.StringVar(&o.accountsURL, "accounts-url", "", "HTTP endpoint of the accounts service for a gateway without it (default: the origin of --subgraph accounts=URL)")
	f.StringVar(&o.pprofListen, "pprof", "", "serve Go's profiles (/debug/pprof/) on this host:port, a listener of its own (empty: off)")
	f.Float64Var(&o.rate, "rate-limit", 0, fmt.Sprintf("GraphQL operations a second one user may start on average, over which the gateway answers 429 with Retry-After (0: %d; negative: no limit)", gateway.DefaultRate))
	f.IntVar(&o.burst, "rate-burst", 0, fmt.Sprintf("GraphQL operations one user may start at once (0: %d, or the rate if larger)", gateway.DefaultBurst))
	f.BoolVar(&o.persistedOnly, "persisted-only", false, "the gateway runs only the registered operations of weft's CLI and portal (by id or by their exact text) and refuses any other with FORBIDDEN (extensions.persisted: required); for production")
	f.StringVar(&o.OTLPEndpoint, "otel-endpoint", os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "OpenTelemetry collector (OTLP over HTTP, e.g. http://127.0.0.1:4318) that receives traces of every GraphQL operation across the gateway, the subgraphs and the event store (default: $OTEL_EXPORTER_OTLP_ENDPOINT; empty: no tracing)")
	f.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	f.StringVar(&o.logFormat, "log-format", "text", "text or json")
	if o.Remote.Password == "" {
		o.Remote.Password = os.Getenv("WEFT_NATS_PASSWORD")
	}
	root.AddCommand(newRebuild(o, stdout, stderr), newBootstrapToken(o, stdout, stderr), newCalloutIssuer(stdout))
	return root
}

func newLogger(o *options, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	hopts := &slog.HandlerOptions{Level: lvl}
	switch o.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, hopts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, hopts)), nil
	}
	return nil, fmt.Errorf("--log-format: %q is neither text nor json", o.logFormat)
}

// selected returns the service modules to host.
func selected(o *options) ([]fx.Option, error) {
	only := o.only
	all := services(o)
	if len(only) == 0 {
		names := make([]string, 0, len(all))
		for n := range all {
			names = append(names, n)
		}
		only = names
	}
	sort.Strings(only)
	var mods []fx.Option
	for _, n := range only {
		m, ok := all[strings.TrimSpace(n)]
		if !ok {
			known := make([]string, 0, len(all))
			for k := range all {
				known = append(known, k)
			}
			sort.Strings(known)
			return nil, fmt.Errorf("--only: unknown service %q (known: %s)", n, strings.Join(known, ", "))
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// app builds the fx application; exported to tests through newApp.
func newApp(o *options, log *slog.Logger, extra ...fx.Option) (*fx.App, error) {
	mods, err := selected(o)
	if err != nil {
		return nil, err
	}
	undo := &platform.Undo{}
	opts := []fx.Option{
		fx.Supply(o.Config, log, undo),
		fx.WithLogger(func() fxevent.Logger {
			l := &fxevent.SlogLogger{Logger: log.With("component", "fx")}
			l.UseLogLevel(slog.LevelDebug)
			return l
		}),
		fx.StartTimeout(2 * time.Minute),
		fx.StopTimeout(30 * time.Second),
		platform.Module,
	}
	opts = append(opts, mods...)
	opts = append(opts, extra...)
	app := fx.New(opts...)
	if app.Err() != nil {
		undo.Run()
	}
	return app, nil
}

func serve(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	log, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	if o.LogTailMiB <= 0 { // the flag's 0 is none; the platform's is its default
		o.LogTailMiB = -1
	}
	if err := platform.CheckAdvertise("--http", o.HTTPAddr, "--http-advertise", o.HTTPAdvertise); err != nil {
		return err
	}
	if o.Remote.URL == "" { // the embedded NATS listens for agents
		if err := platform.CheckAdvertise("--nats-listen", o.NATSListen, "--nats-advertise", o.NATSAdvertise); err != nil {
			return err
		}
	}
	var h *platform.HTTP
	var b *platform.Broker
	var gw *gateway.Gateway
	extra := []fx.Option{fx.Populate(&h, &b)}
	if hosts(o.only, "accounts") {
		extra = append(extra, accounts.PrintBootstrap(stdout))
	}
	if hosts(o.only, "gateway") {
		extra = append(extra, fx.Populate(&gw))
	}
	app, err := newApp(o, log, extra...)
	if err != nil {
		return err
	}
	if err := app.Err(); err != nil {
		return err
	}
	// Before the start, so that a bad address fails at once and the
	// start-up itself (projections catching up) can be profiled.
	var pprofAddr string
	if o.pprofListen != "" {
		addr, stopPprof, err := servePprof(o.pprofListen, log)
		if err != nil {
			return err
		}
		defer stopPprof()
		pprofAddr = addr
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if gw != nil {
		// "up" means a client can be served: wait for the first composition.
		if err := gw.Ready(startCtx); err != nil {
			return fmt.Errorf("start: gateway: %w", err)
		}
	}
	printAddresses(stdout, o, h.Addr(), b.ClientURL(o.Config))
	if pprofAddr != "" {
		fmt.Fprintf(stdout, "  pprof     http://%s/debug/pprof/\n", pprofAddr)
	}
	if b.Embedded != nil {
		fmt.Fprintf(stdout, "  data      %s\n", o.DataDir)
	} else {
		fmt.Fprintf(stdout, "  data      in the NATS JetStream at %s (streams R%d)\n", o.Remote.URL, max(o.Replicas, 1))
	}
	<-ctx.Done()
	log.Info("shutting down")
	stopCtx, cancelStop := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

// printAddresses prints the banner's addresses as others reach them: an
// advertised URL, else the listen address with this host's address for a
// listener on all interfaces (nobody can dial 0.0.0.0). Which address that
// is, is a guess on a host with several networks, and the banner says so.
func printAddresses(w io.Writer, o *options, httpAddr, natsURL string) {
	base := o.HTTPAdvertise
	if base == "" {
		base = "http://" + platform.Reachable(httpAddr)
	}
	base = strings.TrimSuffix(base, "/")
	fmt.Fprintf(w, "weft-server is up\n")
	if hosts(o.only, "gateway") {
		fmt.Fprintf(w, "  portal    %s/\n", base)
		fmt.Fprintf(w, "  GraphQL   %s/graphql  (GraphiQL at %s/graphiql)\n", base, base)
	}
	fmt.Fprintf(w, "  HTTP      %s  (/healthz, /readyz, /metrics)\n", base)
	if natsURL != "" {
		fmt.Fprintf(w, "  NATS      %s\n", natsURL)
	}
	if o.dnsListen != "" && hosts(o.only, "messageoffice") {
		fmt.Fprintf(w, "  DNS       %s  (zone %s)\n", platform.Reachable(o.dnsListen), messageoffice.DefaultZone)
	}
	var all []string
	if o.HTTPAdvertise == "" && platform.Unspecified(httpAddr) {
		all = append(all, "--http "+o.HTTPAddr)
	}
	if o.NATSAdvertise == "" && o.Remote.URL == "" && platform.Unspecified(o.NATSListen) {
		all = append(all, "--nats-listen "+o.NATSListen)
	}
	if len(all) > 0 {
		fmt.Fprintf(w, "  (%s: listening on all interfaces; shown with this host's first address, which agents are given too.\n   Where they reach it at another, say so with --http-advertise and --nats-advertise.)\n", strings.Join(all, ", "))
	}
}
