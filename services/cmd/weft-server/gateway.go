package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/gateway"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/supervise"
	"weft.dev/schemas"
	acccmd "weft.dev/services/accounts/command"
	accrm "weft.dev/services/accounts/readmodel"
	"weft.dev/services/platform"
)

// subgraphNames are the services that serve a GraphQL subgraph.
var subgraphNames = []string{"accounts", "infra", "console", "audit"}

// gatewayModule hosts the federated gateway on the shared HTTP endpoint at
// / (the web portal, for every path no other route takes), /graphiql and
// /graphql. Subgraphs hosted in this process are still
// spoken to as subgraphs, through their HTTP handlers; remote ones come from
// --subgraph name=URL. Tokens are resolved by the accounts service: in
// process when it is hosted here, else over HTTP (--accounts-url).
func gatewayModule(o *options) fx.Option {
	return fx.Options(
		fx.Provide(func(in gatewayDeps) (gateway.Config, error) {
			subs, err := gatewaySubgraphs(o, in.HTTP.Addr(), in.HTTP.Mux)
			if err != nil {
				return gateway.Config{}, err
			}
			authn, err := gatewayAuthenticator(o, in)
			if err != nil {
				return gateway.Config{}, err
			}
			var rights gateway.RightsFeed = in.Model
			if remote, ok := authn.(*remoteAuthenticator); ok {
				rights = &logRights{store: in.Store, auth: remote, log: in.Log.With("service", "gateway"), sup: in.Supervisor}
			}
			ops, err := schemas.Operations()
			if err != nil {
				return gateway.Config{}, fmt.Errorf("registered operations: %w", err)
			}
			persisted := make(map[string]string, len(ops))
			for _, op := range ops {
				persisted[op.ID] = op.Query
			}
			return gateway.Config{
				Subgraphs: subs, Authenticator: authn, Rights: rights, Signer: in.Signer,
				Registry: in.Metrics.Registry, Logger: in.Log.With("service", "gateway"),
				Limits:    gateway.Limits{Rate: o.rate, Burst: o.burst},
				Persisted: persisted, PersistedOnly: o.persistedOnly,
				TracerProvider: in.Tracer,
			}, nil
		}),
		gateway.Module,
		fx.Provide(
			fx.Annotate(func(h http.Handler) platform.Route {
				return platform.Route{Pattern: "/graphql", Handler: h}
			}, fx.ParamTags(`name:"gateway"`), fx.ResultTags(`group:"routes"`)),
			fx.Annotate(func(h http.Handler) platform.Route {
				return platform.Route{Pattern: "/", Handler: h}
			}, fx.ParamTags(`name:"gateway"`), fx.ResultTags(`group:"routes"`)),
			// GraphiQL's page, then its scripts and styles.
			fx.Annotate(func(h http.Handler) platform.Route {
				return platform.Route{Pattern: "GET /graphiql", Handler: h}
			}, fx.ParamTags(`name:"gateway"`), fx.ResultTags(`group:"routes"`)),
			fx.Annotate(func(h http.Handler) platform.Route {
				return platform.Route{Pattern: "GET /graphiql/", Handler: h}
			}, fx.ParamTags(`name:"gateway"`), fx.ResultTags(`group:"routes"`)),
			// /readyz waits for the first composition: before it, GraphQL
			// answers 503.
			platform.AsReadyCheck(func(g *gateway.Gateway) platform.ReadyCheck {
				return platform.ReadyCheck{Name: "gateway", Check: g.Composed}
			}),
		),
	)
}

// gatewayDeps are what the gateway needs; the accounts authenticator only
// when this process hosts accounts.
type gatewayDeps struct {
	fx.In
	HTTP     *platform.HTTP
	Metrics  *platform.Metrics
	Signer   *auth.Signer
	Log      *slog.Logger
	Accounts *acccmd.Authenticator `optional:"true"`
	Model    *accrm.Model          `optional:"true"`
	Store    *events.Store
	// Supervisor runs the rights feed of a gateway without the accounts
	// service.
	Supervisor *supervise.Supervisor
	// Tracer is nil unless --otel-endpoint is set.
	Tracer trace.TracerProvider
}

// gatewayAuthenticator is the in-process accounts service when hosted, else
// the one at --accounts-url, or at the origin of --subgraph accounts=URL.
func gatewayAuthenticator(o *options, in gatewayDeps) (gateway.Authenticator, error) {
	if in.Accounts != nil {
		return in.Accounts, nil
	}
	base := o.accountsURL
	if base == "" {
		sub, ok := o.subgraphs["accounts"]
		if !ok {
			return nil, fmt.Errorf("gateway: accounts is not hosted here; give --accounts-url or --subgraph accounts=URL")
		}
		u, err := url.Parse(sub)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("--subgraph accounts: %q is not a URL", sub)
		}
		base = u.Scheme + "://" + u.Host
	}
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, fmt.Errorf("--accounts-url: %q is not an http(s) URL", base)
	}
	return newRemoteAuthenticator(base, in.Signer), nil
}

// gatewaySubgraphs lists the subgraphs: hosted ones at this endpoint with
// their SDL read in-process and their requests handed to local (the
// endpoint's own handler, where they are mounted) without a socket, then
// --subgraph overrides. Subscriptions to hosted subgraphs still dial the
// endpoint's websocket.
func gatewaySubgraphs(o *options, addr string, local http.Handler) ([]gateway.Subgraph, error) {
	// Listening on every address: reach this process on loopback.
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
	}
	byName := map[string]gateway.Subgraph{}
	for _, n := range subgraphNames {
		if !hosts(o.only, n) {
			continue
		}
		sdl, err := schemas.SDL(n)
		if err != nil {
			return nil, fmt.Errorf("subgraph %s: %w", n, err)
		}
		byName[n] = gateway.Subgraph{
			Name: n, URL: "http://" + addr + "/subgraphs/" + n + "/graphql",
			SDL:     func(context.Context) (string, error) { return sdl, nil },
			Handler: local,
		}
	}
	for n, u := range o.subgraphs {
		if !contains(subgraphNames, n) {
			return nil, fmt.Errorf("--subgraph: unknown subgraph %q (known: %s)", n, strings.Join(subgraphNames, ", "))
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, fmt.Errorf("--subgraph %s: %q is not an http(s) URL", n, u)
		}
		byName[n] = gateway.Subgraph{Name: n, URL: u}
	}
	if len(byName) == 0 {
		return nil, fmt.Errorf("gateway: no subgraphs (host some services, or name them with --subgraph)")
	}
	out := make([]gateway.Subgraph, 0, len(byName))
	for _, s := range byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
