// Package subgraph is the console GraphQL subgraph (schema
// schemas/graphql/console.graphqls): environments, apps, managed services,
// intercepts and access policies, and an app's status live. The resolvers
// are thin: they take the caller from the context (graph.Authenticate put
// it there), call command.Handlers and readmodel.Queries, and convert their
// results. Every read is scoped to the team the caller acts in by the
// queries themselves.
//
// A mutation answers with the read model's view at the command's sequence
// (so a new app shows its environment, cluster and timestamps); should the
// read model not catch up within its bound, it answers with the command's
// own object instead: the write happened, and seq says so.
package subgraph

//go:generate go tool gqlgen --config gqlgen.yml
//go:generate go run weft.dev/services/graph/cmd/sequential generated.go federation.go

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/schemas"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	"weft.dev/services/graph"
	"weft.dev/services/platform"
)

// Name is the subgraph's name in paths and in weft.dev/schemas.
const Name = "console"

// Resolver holds what the resolvers call.
type Resolver struct {
	Commands *command.Handlers
	Queries  *readmodel.Queries
	Store    *events.Store // for the subscriptions' Store.Watch
}

// NewHandler returns the subgraph's HTTP handler.
func NewHandler(h *command.Handlers, q *readmodel.Queries, store *events.Store, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) http.Handler {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Commands: h, Queries: q, Store: store}})
	return graph.NewHandler(Name, es, s, tp, log.With("subgraph", Name))
}

// Route mounts the subgraph at /subgraphs/console/graphql (POST, and
// graphql-transport-ws on GET).
func Route(h *command.Handlers, q *readmodel.Queries, store *events.Store, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) platform.Route {
	return platform.Route{Pattern: "/subgraphs/" + Name + "/graphql", Handler: NewHandler(h, q, store, s, tp, log)}
}

// SDLRoute serves the schema at /subgraphs/console/sdl.
func SDLRoute() platform.Route {
	return platform.Route{Pattern: "GET /subgraphs/" + Name + "/sdl", Handler: graph.SDLHandler(SDL())}
}

// SDL is the subgraph's schema.
func SDL() string {
	sdl, err := schemas.SDL(Name)
	if err != nil {
		// The schema is embedded at build time; its absence is a broken build.
		panic(err)
	}
	return sdl
}

// envByID returns one environment of the caller's team.
func (r *Resolver) envByID(ctx context.Context, id string, seq uint64) (readmodel.Env, error) {
	p := auth.From(ctx)
	envs, _, err := r.Queries.Envs(ctx, p, p.Team, "", readmodel.All, seq)
	if err != nil {
		return readmodel.Env{}, err
	}
	for _, e := range envs {
		if e.ID == id {
			return e, nil
		}
	}
	return readmodel.Env{}, cd.NotFound("id", "environment %s", id)
}

// policyByID returns one policy of the caller's team.
func (r *Resolver) policyByID(ctx context.Context, id string, seq uint64) (readmodel.Policy, error) {
	p := auth.From(ctx)
	pols, _, err := r.Queries.Policies(ctx, p, p.Team, readmodel.All, seq)
	if err != nil {
		return readmodel.Policy{}, err
	}
	for _, pol := range pols {
		if pol.ID == id {
			return pol, nil
		}
	}
	return readmodel.Policy{}, cd.NotFound("id", "policy %s", id)
}

// viewOr returns the read model's view, or fallback when it is not there.
func viewOr[T any](v T, err error, fallback T) T {
	if err != nil {
		return fallback
	}
	return v
}

func timeOut(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// inRule names a bad rule field by its path in the mutation's input, e.g.
// "rule.sources[0].id", so extensions.field points at the argument; the
// domain names rule fields from the rule itself.
func inRule(err error) error {
	f, ok := fault.As(err)
	if !ok || f.Field == "" {
		return err
	}
	for _, p := range []string{"action", "priority", "description", "sources", "targets"} {
		if strings.HasPrefix(f.Field, p) {
			return &fault.Error{Code: f.Code, Field: "rule." + f.Field, Msg: f.Msg}
		}
	}
	return err
}
