package gateway

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"weft.dev/kernel/auth"
)

// Module provides the *Gateway and its http.Handler (named "gateway") to
// a host such as weft-server, which owns the listener and mounts the
// handler. The host supplies a Config; an Authenticator, *auth.Signer,
// *prometheus.Registry or *slog.Logger found in the graph fill the
// corresponding Config fields the host left empty.
var Module = fx.Module("gateway", fx.Provide(provide))

// Params is what Module takes from the fx graph.
type Params struct {
	fx.In

	Lifecycle     fx.Lifecycle
	Config        Config
	Authenticator Authenticator        `optional:"true"`
	Signer        *auth.Signer         `optional:"true"`
	Registry      *prometheus.Registry `optional:"true"`
	Logger        *slog.Logger         `optional:"true"`
}

// Result is what Module adds to the fx graph.
type Result struct {
	fx.Out

	Gateway *Gateway
	Handler http.Handler `name:"gateway"`
}

func provide(p Params) (Result, error) {
	cfg := p.Config
	if cfg.Authenticator == nil {
		cfg.Authenticator = p.Authenticator
	}
	if cfg.Signer == nil {
		cfg.Signer = p.Signer
	}
	if cfg.Registry == nil && p.Registry != nil {
		cfg.Registry = p.Registry
	}
	if cfg.Logger == nil {
		cfg.Logger = p.Logger
	}
	g, err := New(cfg)
	if err != nil {
		return Result{}, err
	}
	p.Lifecycle.Append(fx.Hook{
		OnStart: g.Start,
		OnStop:  func(context.Context) error { return g.Close() },
	})
	return Result{Gateway: g, Handler: g.Handler()}, nil
}
