package messageoffice

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go"
	"go.uber.org/fx"

	"weft.dev/events"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// Module runs the message office in weft-server: it provides *Office,
// starts it once the read models have caught up, relays agents' status,
// and serves POST /agent/enrol.
var Module = fx.Module("messageoffice",
	platform.EventTypes(infra.Register),
	platform.EventTypes(cd.Register),
	platform.EventTypes(uniq.Register),
	fx.Provide(
		func(lc fx.Lifecycle, s *events.Store, b *platform.Broker, cfg platform.Config, log *slog.Logger, _ *platform.Projections) (*Office, error) {
			o, err := New(s, Config{Replicas: cfg.Replicas, Logger: log.With("service", "messageoffice")})
			if err != nil {
				return nil, err
			}
			// The office's own handlers: it runs with or without the infra
			// service in this process.
			ih := icmd.New(s)
			var sub *nats.Subscription
			watch, stopWatch := context.WithCancel(context.Background())
			lc.Append(fx.Hook{
				OnStart: func(ctx context.Context) error {
					if err := o.Start(ctx); err != nil {
						return err
					}
					go o.watchAgents(watch, ih)
					sub, err = o.relayStatus(b.Conn, ih)
					return err
				},
				OnStop: func(ctx context.Context) error {
					stopWatch()
					if sub != nil {
						_ = sub.Unsubscribe()
					}
					return o.Stop(ctx)
				},
			})
			return o, nil
		},
		platform.AsRoute(func(o *Office, s *events.Store, b *platform.Broker, cfg platform.Config, log *slog.Logger) platform.Route {
			e := &Enroller{Office: o, Infra: icmd.New(s), NATSURL: b.ClientURL(cfg), Log: log.With("service", "messageoffice")}
			if b.Embedded != nil {
				e.Issuer = b.Embedded
			}
			return platform.Route{Pattern: "POST /agent/enrol", Handler: e}
		}),
	),
	fx.Invoke(func(*Office) {}),
)
