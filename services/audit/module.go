// Package audit is the audit service: the history of a team's events, any
// resource's state as of a past sequence or time, and a team's events live,
// all answered from the EVENTS log itself (see package query), and the
// signed checkpoints of the log's hash chain (package seal, whose
// checkpoint event is its one event type). It has no read model of its own: as-of states come from the
// owning services' read models, which they contribute as
// platform.AsOfSource values to the "asof" group.
package audit

import (
	"go.uber.org/fx"

	"weft.dev/services/audit/query"
	"weft.dev/services/audit/seal"
	"weft.dev/services/audit/subgraph"
	"weft.dev/services/platform"
)

// Module provides *query.Service and the GraphQL subgraph at
// /subgraphs/audit/graphql (and its SDL at /subgraphs/audit/sdl). It needs
// the platform's *events.Store, *auth.Signer and *slog.Logger, and takes
// every platform.AsOfSource of the "asof" group.
var Module = fx.Module("audit",
	fx.Provide(
		fx.Annotate(query.New, fx.ParamTags(``, `group:"asof"`, ``)),
		platform.AsRoute(subgraph.Route),
		platform.AsRoute(subgraph.SDLRoute),
	),
	seal.Module,
)
