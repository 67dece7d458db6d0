// Package console is the console service: environments, apps, managed
// services, intercepts and access policies of a team (see package domain
// for the rules, command for the use cases, readmodel for the queries).
package console

import (
	"log/slog"

	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/projection"
	accounts "weft.dev/services/accounts/domain"
	"weft.dev/services/console/command"
	"weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	"weft.dev/services/console/subgraph"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/keyring"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// ProjectionName names the console read model's runner and snapshot.
const ProjectionName = "console"

// Module provides the console: its event types, the read model and its
// runner (in the "projections" group), the queries, the command handlers,
// the as-of source, and the GraphQL subgraph at
// /subgraphs/console/graphql (and its SDL at /subgraphs/console/sdl). It
// needs the platform's *events.Store, *auth.Signer and *slog.Logger. It reads infra's clusters and devices, so it contributes
// infra's event types too (the platform registers each set once).
var Module = fx.Module("console",
	platform.EventTypes(domain.Register),
	platform.EventTypes(accounts.Register), // a deleted team leaves the read model
	platform.EventTypes(uniq.Register),
	platform.EventTypes(infra.Register),
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
		func(s *events.Store, q *readmodel.Queries, r *keyring.Ring) *command.Handlers {
			return command.New(s, q, command.WithSealer(r))
		},
		platform.AsAsOfSource(NewAsOfSource),
		platform.AsRoute(subgraph.Route),
		platform.AsRoute(subgraph.SDLRoute),
	),
)

// runner is the console's own runner, kept apart from other services'.
type runner struct{ *projection.Runner }

// NewRunner returns the runner feeding m.
func NewRunner(s *events.Store, m *readmodel.Model, log *slog.Logger) *projection.Runner {
	return projection.New(s, m, projection.Config{Name: ProjectionName, Logger: log})
}

// NewAsOfSource lets the audit service replay console resources.
func NewAsOfSource() platform.AsOfSource {
	return platform.AsOfSource{
		AggregateTypes: []string{domain.EnvAggregate, domain.AppAggregate, domain.ServiceAggregate, domain.InterceptAggregate, domain.PolicyAggregate, domain.ConfigAggregate, domain.SecretAggregate, domain.RouterAggregate},
		New:            func() platform.AsOfModel { return readmodel.New() },
	}
}
