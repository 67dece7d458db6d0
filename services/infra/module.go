// Package infra is the infra service: each team's private network
// (addresses in 100.64.0.0/10, see package domain for the layout and
// guarantees), its clusters with their agent enrolment, and its devices and
// workspaces (package command for the use cases, readmodel for the queries).
package infra

import (
	"log/slog"

	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/projection"
	accounts "weft.dev/services/accounts/domain"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/infra/subgraph"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// ProjectionName names the infra read model's runner and snapshot.
const ProjectionName = "infra"

// Module provides the infra service: its event types, the read model and
// its runner (in the "projections" group), *readmodel.Queries,
// *command.Handlers, the as-of source for cluster, device and network
// aggregates, and the GraphQL subgraph at /subgraphs/infra/graphql (and
// its SDL at /subgraphs/infra/sdl). It needs the platform's *events.Store,
// *auth.Signer and *slog.Logger.
var Module = fx.Module("infra",
	platform.EventTypes(domain.Register),
	platform.EventTypes(accounts.Register), // a deleted team leaves the read model
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
		command.New,
		platform.AsAsOfSource(NewAsOfSource),
		platform.AsRoute(subgraph.Route),
		platform.AsRoute(subgraph.SDLRoute),
	),
)

// runner is infra's own runner, kept apart from other services' in fx.
type runner struct{ *projection.Runner }

// NewRunner returns the runner feeding m.
func NewRunner(s *events.Store, m *readmodel.Model, log *slog.Logger) *projection.Runner {
	return projection.New(s, m, projection.Config{Name: ProjectionName, Logger: log})
}

// NewAsOfSource lets the audit service replay infra resources.
func NewAsOfSource() platform.AsOfSource {
	return platform.AsOfSource{
		AggregateTypes: []string{domain.ClusterAggregate, domain.DeviceAggregate, domain.NetworkAggregate},
		New:            func() platform.AsOfModel { return readmodel.New() },
	}
}
