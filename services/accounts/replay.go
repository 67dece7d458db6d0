package accounts

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/jsguard"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/accounts/subgraph"
	"weft.dev/services/platform"
)

// replayUsers issues the NATS user behind an audit grant on the embedded
// broker: allowed to publish only to its own prefix of the guard and to
// subscribe only on its own inbox.
type replayUsers struct {
	broker *broker.Server
	url    string
}

// newReplayIssuer is nil (no replay credentials) with an external NATS,
// whose users its operator issues.
func newReplayIssuer(b *platform.Broker, cfg platform.Config) subgraph.ReplayIssuer {
	if b.Embedded == nil {
		return nil
	}
	return replayUsers{broker: b.Embedded, url: b.ClientURL(cfg)}
}

func (u replayUsers) IssueReplay(team, id string) (subgraph.ReplayUser, error) {
	if u.url == "" {
		return subgraph.ReplayUser{}, &fault.Error{Code: fault.Unavailable, Msg: "NATS listens in this process only: start weft-server with --nats-listen (and --nats-advertise) so replay clients can reach it"}
	}
	pw, err := broker.NewPassword()
	if err != nil {
		return subgraph.ReplayUser{}, err
	}
	hash, err := broker.HashPassword(pw)
	if err != nil {
		return subgraph.ReplayUser{}, err
	}
	pub, sub := jsguard.AuditorPermissions(team, id)
	user := jsguard.AuditorUser(id)
	if err := u.broker.SetAgent(broker.Agent{Name: user, PasswordHash: hash, Publish: pub, Subscribe: sub}); err != nil {
		return subgraph.ReplayUser{}, fmt.Errorf("replay user for %s: %w", team, err)
	}
	return subgraph.ReplayUser{NATSURL: u.url, User: user, Password: pw,
		APIPrefix: jsguard.AuditorAPIPrefix(team, id), InboxPrefix: jsguard.AuditorInbox(id), ConsumerPrefix: jsguard.AuditorConsumerPrefix(id),
		Stream: events.StreamName, Subjects: events.SubjectPrefix + "." + team + ".>"}, nil
}

// grantStands is the guard's check, on this process's read model: the
// grant's token stands and its user is still an auditor or owner.
func grantStands(m *readmodel.Model, now func() time.Time) func(team, id string) bool {
	return func(team, id string) bool {
		tk, ok := m.Token(id)
		if !ok {
			return false
		}
		role, member := m.Role(team, tk.UserID)
		return domain.AuditGrantStands(tk, team, role, member, now())
	}
}

// sweepEvery is how often replay users whose grant no longer stands are
// removed from the broker. They can do nothing meanwhile (the guard
// refuses every request); removing them also closes their connections.
const sweepEvery = time.Minute

// serveReplay runs the auditors' guard on every replica (it keeps no
// state, so any replica answers any request) and, with the embedded
// broker, sweeps replay users whose grant no longer stands.
func serveReplay(lc fx.Lifecycle, b *platform.Broker, m *readmodel.Model, metrics *platform.Metrics, log *slog.Logger) error {
	refused := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "weft", Subsystem: "accounts", Name: "refused_replay_requests_total",
		Help: "Auditors' replay requests (JetStream API) the guard refused, by reason: reply, grant, api, stream, subject or consumer.",
	}, []string{"reason"})
	if err := metrics.Registry.Register(refused); err != nil {
		return fmt.Errorf("register the replay guard's metrics: %w", err)
	}
	log = log.With("service", "accounts", "part", "replay")
	stands := grantStands(m, time.Now)
	g := &jsguard.Auditors{Valid: stands, Log: log, Refused: func(_, reason string) { refused.WithLabelValues(reason).Inc() }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			sub, err := g.Serve(b.Conn)
			if err != nil {
				return err
			}
			go func() {
				defer close(done)
				defer func() { _ = sub.Unsubscribe() }()
				if b.Embedded == nil {
					<-ctx.Done()
					return
				}
				t := time.NewTicker(sweepEvery)
				defer t.Stop()
				for {
					sweepReplayUsers(b.Embedded, m, stands, log)
					select {
					case <-ctx.Done():
						return
					case <-t.C:
					}
				}
			}()
			return nil
		},
		OnStop: func(context.Context) error {
			cancel()
			<-done
			return nil
		},
	})
	return nil
}

// sweepReplayUsers removes the replay users whose grant no longer stands.
// A user whose grant this replica has not applied yet is left for the
// next sweep: the grant is recorded before its user is made.
func sweepReplayUsers(b *broker.Server, m *readmodel.Model, stands func(team, id string) bool, log *slog.Logger) {
	for _, name := range b.AgentNames() {
		id, ok := strings.CutPrefix(name, jsguard.AuditorUser(""))
		if !ok {
			continue
		}
		tk, known := m.Token(id)
		if !known {
			continue
		}
		if team, ok := domain.AuditGrantTeam(tk); ok && stands(team, id) {
			continue
		}
		if err := b.RemoveAgent(name); err != nil {
			log.Warn("could not remove a replay user whose grant ended", "user", name, "err", err)
			continue
		}
		log.Info("replay user removed: its grant no longer stands", "user", name)
	}
}
