package messageoffice

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/kernel/supervise"
	accounts "weft.dev/services/accounts/domain"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/keyring"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// leaseTTL is how long a message office that stopped renewing keeps the
// lease: the longest a standby replica waits before taking over.
const leaseTTL = 6 * time.Second

// Module runs the message office in weft-server: it provides *Office,
// starts it once the read models have caught up, relays agents' status,
// and serves POST /agent/enrol.
var Module = fx.Module("messageoffice",
	platform.EventTypes(accounts.Register),
	platform.EventTypes(infra.Register),
	platform.EventTypes(cd.Register),
	platform.EventTypes(uniq.Register),
	fx.Provide(
		func(lc fx.Lifecycle, s *events.Store, b *platform.Broker, cfg platform.Config, m *platform.Metrics, log *slog.Logger, sup *supervise.Supervisor, _ *platform.Projections, ring *keyring.Ring) (*Office, error) {
			refused := prometheus.NewCounterVec(prometheus.CounterOpts{
				Namespace: "weft", Subsystem: "messageoffice", Name: "refused_agent_api_total",
				Help: "Agents' JetStream API requests the guard refused, by reason: reply (a reply subject outside the agent's inbox), cluster, api, stream or consumer.",
			}, []string{"reason"})
			if err := m.Registry.Register(refused); err != nil {
				return nil, fmt.Errorf("register the agent API guard's metrics: %w", err)
			}
			host, _ := os.Hostname()
			lease := &Lease{Key: "messageoffice", Holder: fmt.Sprintf("%s/%d", host, os.Getpid()), TTL: leaseTTL,
				Log: log.With("service", "messageoffice")}
			// An event the office cannot apply stops it here for good; another
			// replica may be able to, so this one lets the lease go.
			ocfg := Config{Replicas: cfg.Replicas, Logger: log.With("service", "messageoffice"),
				Supervisor: sup, Failed: func(error) { lease.Abandon() }, RefusedAgentAPI: refused, Secrets: ring}
			if b.Agents != nil {
				// A deleted cluster's agent loses its user: the embedded
				// server closes its connections at once, the callout refuses
				// its next one. A removal that fails is retried by the prune
				// at the next start.
				ocfg.ClusterDeleted = func(cluster string) {
					if err := b.Agents.RemoveAgent(AgentUser(cluster)); err != nil {
						log.Warn("the deleted cluster's agent user stays until the office's next start", "cluster", cluster, "err", err)
						return
					}
					log.Info("deleted cluster's agent user removed", "cluster", cluster)
				}
			}
			o, err := New(s, ocfg)
			if err != nil {
				return nil, err
			}
			// The office's own handlers: it runs with or without the infra
			// service in this process.
			var stopRelay func()
			// Only the lease holder writes: the office and the status
			// relay run in one replica at a time.
			start := func(ctx context.Context) error {
				if err := o.Start(ctx); err != nil {
					return err
				}
				if b.Agents != nil {
					n, err := RefreshAgentPermissions(b.Agents, o.TeamOf)
					if err != nil {
						return fmt.Errorf("message office: %w", err)
					}
					if n > 0 {
						log.Info("enrolled agents' permissions brought up to date", "agents", n)
					}
					// Not fatal: the office writes on, and the next start
					// prunes again.
					if n, err = PruneAgentUsers(b.Agents, o.TeamOf); err != nil {
						log.Warn("deleted clusters' agent users not all removed", "removed", n, "err", err)
					} else if n > 0 {
						log.Info("deleted clusters' agent users removed", "agents", n)
					}
				}
				var err error
				stopRelay, err = o.Relay(b.Conn)
				return err
			}
			stop := func(ctx context.Context) error {
				if stopRelay != nil {
					stopRelay()
					stopRelay = nil
				}
				return o.Stop(ctx)
			}
			runCtx, cancelRun := context.WithCancel(context.Background())
			var done <-chan struct{}
			lc.Append(fx.Hook{
				OnStart: func(ctx context.Context) error {
					js, err := jetstream.New(b.Conn)
					if err != nil {
						return err
					}
					if lease.KV, err = OpenLeases(ctx, js, leaseTTL, cfg.Replicas); err != nil {
						return fmt.Errorf("message office: %w", err)
					}
					done, err = lease.Go(runCtx, start, stop)
					if f, ok := supervise.FaultOf(err); ok {
						// The office failed on an event in the log: the
						// rest of weft-server serves on, /healthz names it.
						log.Error("message office not started: an event it cannot apply", "seq", f.Seq, "err", err)
						return nil
					}
					return err
				},
				OnStop: func(ctx context.Context) error {
					cancelRun()
					if done != nil {
						<-done
					}
					return nil
				},
			})
			return o, nil
		},
		platform.AsRoute(func(o *Office, s *events.Store, b *platform.Broker, cfg platform.Config, m *platform.Metrics, log *slog.Logger) (platform.Route, error) {
			refused := prometheus.NewCounter(prometheus.CounterOpts{
				Namespace: "weft", Subsystem: "messageoffice", Name: "refused_enrolments_total",
				Help: "Agent enrolments refused for an unknown cluster or a wrong enrolment secret.",
			})
			if err := m.Registry.Register(refused); err != nil {
				return platform.Route{}, fmt.Errorf("register enrolment metrics: %w", err)
			}
			js, err := jetstream.New(b.Conn)
			if err != nil {
				return platform.Route{}, fmt.Errorf("enrolment: %w", err)
			}
			e := &Enroller{Office: o, Infra: icmd.New(s), NATSURL: b.ClientURL(cfg), Log: log.With("service", "messageoffice"), Refused: refused,
				FindTeam: func(ctx context.Context, cluster string) (string, bool, error) { return TeamInLog(ctx, js, cluster) }}
			if b.Agents != nil {
				e.Issuer = b.Agents
			}
			return platform.Route{Pattern: "POST /agent/enrol", Handler: e}, nil
		}),
	),
	fx.Invoke(func(*Office) {}),
)
