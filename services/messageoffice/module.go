package messageoffice

import (
	"context"
	"log/slog"

	"go.uber.org/fx"

	"weft.dev/events"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// Module runs the message office in weft-server: it provides *Office and
// starts it once the read models have caught up.
var Module = fx.Module("messageoffice",
	platform.EventTypes(infra.Register),
	platform.EventTypes(cd.Register),
	platform.EventTypes(uniq.Register),
	fx.Provide(func(lc fx.Lifecycle, s *events.Store, cfg platform.Config, log *slog.Logger, _ *platform.Projections) (*Office, error) {
		o, err := New(s, Config{Replicas: cfg.Replicas, Logger: log.With("service", "messageoffice")})
		if err != nil {
			return nil, err
		}
		lc.Append(fx.Hook{OnStart: o.Start, OnStop: func(ctx context.Context) error { return o.Stop(ctx) }})
		return o, nil
	}),
	fx.Invoke(func(*Office) {}),
)
