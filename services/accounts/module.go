// Package accounts is the accounts service: teams (unique slugs, display
// names), users (unique usernames), memberships with the roles owner, admin
// and member, API tokens (shown once, stored as hashes, revocable, with an
// optional expiry) and Authenticate, which turns a token into the
// auth.Principal every other service trusts; plus the first start's
// bootstrap admin. See package domain for the rules, command for the use
// cases and readmodel for the queries.
package accounts

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/projection"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/accounts/subgraph"
	"weft.dev/services/keyring"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// ProjectionName names the accounts read model's runner and snapshot.
const ProjectionName = "accounts"

// Module provides the accounts service: its event types, the read model
// and its runner (in the "projections" group), *readmodel.Queries,
// *command.Handlers (commands, Authenticate, Bootstrap, NewBootstrapToken),
// *command.Authenticator (tokens resolved from the read model, for gateways),
// the as-of source for team and user aggregates, and the GraphQL subgraph
// at /subgraphs/accounts/graphql (and its SDL at /subgraphs/accounts/sdl),
// and AuthenticatePath for gateways in other processes.
// It needs the platform's *events.Store, *auth.Signer and *slog.Logger.
var Module = fx.Module("accounts",
	platform.EventTypes(domain.Register),
	platform.EventTypes(uniq.Register),
	fx.Provide(
		fx.Private,
		func(s *events.Store, m *readmodel.Model, log *slog.Logger) runner {
			return runner{NewRunner(s, m, log)}
		},
	),
	fx.Provide(
		readmodel.New,
		platform.AsProjection(func(r runner) *projection.Runner { return r.Runner }),
		func(m *readmodel.Model, r runner) *readmodel.Queries { return readmodel.NewQueries(m, r.Runner) },
		func(s *events.Store, log *slog.Logger, ring *keyring.Ring) *command.Handlers {
			return command.New(s, command.WithLogger(log.With("service", "accounts")), command.WithTeardown(Teardown(ring)...))
		},
		func(h *command.Handlers, m *readmodel.Model, r runner) *command.Authenticator {
			return command.NewAuthenticator(h, m, r.Runner)
		},
		platform.AsAsOfSource(NewAsOfSource),
		platform.AsRoute(subgraph.Route),
		platform.AsRoute(subgraph.SDLRoute),
		platform.AsRoute(AuthenticateRoute),
		newReplayIssuer,
	),
	fx.Invoke(serveReplay, finishDeletions),
)

// Teardown is what deleting a team does outside the log, in the accounts
// service: destroying every key of the team in the keyring (its team keys
// and its secrets' and run services' data keys), so no value its history
// holds opens again. The rest follows TeamDeleted elsewhere: the message
// office removes the team's streams and its agents' NATS users when it
// folds the event; every read of a principal refuses the team at once.
func Teardown(ring *keyring.Ring) []command.Teardown {
	return []command.Teardown{{What: "destroy the team's keys", Run: ring.ShredTeam}}
}

// finishDeletions runs, once the read models caught up at start, the
// teardown of every deleted team again: a process that stopped between a
// team's TeamDeleted and the end of its teardown finishes it here.
func finishDeletions(lc fx.Lifecycle, h *command.Handlers, m *readmodel.Model, _ *platform.Projections, log *slog.Logger) {
	lc.Append(fx.StartHook(func(ctx context.Context) {
		if err := h.FinishDeletions(ctx, m.DeletedTeams()); err != nil {
			// The server serves on; the next start, or an owner deleting
			// the team again, tries again.
			log.Error("deleted teams' teardown did not finish", "service", "accounts", "err", err)
		}
	}))
}

// runner is accounts' own runner, kept apart from other services' in fx.
type runner struct{ *projection.Runner }

// NewRunner returns the runner feeding m.
func NewRunner(s *events.Store, m *readmodel.Model, log *slog.Logger) *projection.Runner {
	return projection.New(s, m, projection.Config{Name: ProjectionName, Logger: log})
}

// NewAsOfSource lets the audit service replay teams and users.
func NewAsOfSource() platform.AsOfSource {
	return platform.AsOfSource{
		AggregateTypes: []string{domain.TeamAggregate, domain.UserAggregate},
		New:            func() platform.AsOfModel { return readmodel.New() },
	}
}

// PrintBootstrap is an option for weft-server: once the read models have
// caught up at start, it records the bootstrap admin if the log has no
// users and writes the one-time token, and how to use it, to w. The token
// is shown only this once; `weft-server bootstrap-token` makes a new one
// (command.Handlers.NewBootstrapToken).
func PrintBootstrap(w io.Writer) fx.Option {
	return fx.Invoke(func(lc fx.Lifecycle, h *command.Handlers, cfg platform.Config, _ *platform.Projections) {
		lc.Append(fx.StartHook(func(ctx context.Context) error {
			b, err := h.Bootstrap(ctx)
			if err != nil || !b.Created {
				return err
			}
			_, err = fmt.Fprintf(w, "weft: recorded the administrator %q. Its one-time bootstrap token (not shown again):\n\n  %s\n\n"+
				"Log in and create the first team:\n\n  weft login%s --token %s\n  weft team create <slug>\n\n",
				b.Admin.Username, b.Token.Secret, loginServer(cfg), b.Token.Secret)
			return err
		}))
	})
}

// loginServer is the --server the printed login needs: none for the
// CLI's default (http://127.0.0.1:4000), else where others reach this
// server (--http-advertise, or --http with this host's address for a
// listener on all interfaces); a port picked at start (":0") is not known
// yet, so the banner's HTTP line is named instead.
func loginServer(cfg platform.Config) string {
	if cfg.HTTPAdvertise != "" {
		return " --server " + strings.TrimSuffix(cfg.HTTPAdvertise, "/")
	}
	_, port, err := net.SplitHostPort(cfg.HTTPAddr)
	switch {
	case err != nil || cfg.HTTPAddr == "127.0.0.1:4000":
		return ""
	case port == "0":
		return " --server <the HTTP address below>"
	}
	return " --server http://" + platform.Reachable(cfg.HTTPAddr)
}
