// Package subgraph is the audit GraphQL subgraph (schema
// schemas/graphql/audit.graphqls): a team's events, a resource's history
// and past states, and the team's events live, all answered by
// query.Service from the EVENTS log itself (so no minSeq: the log is
// always current). The resolvers are thin: they take the caller from the
// context (graph.Authenticate put it there), call query.Service, which
// scopes every read to the caller's team, and convert its results.
package subgraph

// Unlike the other subgraphs, gqlgen's output is kept as it is (one
// goroutine per list element and entity): history reads the log over the
// network, so an _entities call for N apps reads their histories at once.
//go:generate go tool gqlgen --config gqlgen.yml

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net/http"

	"go.opentelemetry.io/otel/trace"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/schemas"
	"weft.dev/services/audit/query"
	"weft.dev/services/audit/seal"
	"weft.dev/services/audit/subgraph/model"
	"weft.dev/services/graph"
	"weft.dev/services/platform"
)

// Name is the subgraph's name in paths and in weft.dev/schemas.
const Name = "audit"

// Resolver holds what the resolvers call.
type Resolver struct {
	Audit *query.Service
	// Key is the public key that verifies the log's checkpoints.
	Key ed25519.PublicKey
}

// NewHandler returns the subgraph's HTTP handler.
func NewHandler(svc *query.Service, key ed25519.PublicKey, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) http.Handler {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Audit: svc, Key: key}})
	return graph.NewHandler(Name, es, s, tp, log.With("subgraph", Name))
}

// Route mounts the subgraph at /subgraphs/audit/graphql (POST, and
// graphql-transport-ws on GET).
func Route(svc *query.Service, sealer *seal.Sealer, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) platform.Route {
	return platform.Route{Pattern: "/subgraphs/" + Name + "/graphql", Handler: NewHandler(svc, sealer.PublicKey(), s, tp, log)}
}

// SDLRoute serves the schema at /subgraphs/audit/sdl.
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

func eventOut(e query.Entry) model.Event {
	return model.Event{Seq: int(e.Seq), ID: e.ID, Time: e.Time, Type: e.Type, Version: e.Version, Team: e.Team,
		AggregateType: e.Aggregate.Type, AggregateID: e.Aggregate.ID, Actor: e.Actor, ActorName: e.ActorName, ResourceName: graph.Str(e.ResourceName), CausationID: graph.Str(e.CausationID),
		CorrelationID: graph.Str(e.CorrelationID), Data: e.Data, Known: e.Known, Chain: chainOut(e.Chain)}
}

func chainOut(c *query.Chain) *model.EventChain {
	if c == nil {
		return nil
	}
	return &model.EventChain{Prev: c.Prev, Hash: c.Hash, Stored: c.Stored}
}

// history answers one page of q, newest first unless order says otherwise.
// Cursors are event sequences, so pages stay put while the log grows.
func (r *Resolver) history(ctx context.Context, q query.HistoryQuery, first *int, after *string, order *model.EventOrder) (*model.EventConnection, error) {
	n, err := graph.First(first)
	if err != nil {
		return nil, err
	}
	out := &model.EventConnection{Edges: []model.EventEdge{}}
	if n == 0 {
		return out, nil
	}
	if after != nil {
		if q.Cursor, err = graph.ParseCursor("s", *after); err != nil {
			return nil, err
		}
	}
	q.Limit = n
	if order != nil {
		q.Order = query.Order(*order)
	}
	page, err := r.Audit.History(ctx, auth.From(ctx), q)
	if err != nil {
		return nil, err
	}
	for _, e := range page.Entries {
		c := graph.Cursor("s", e.Seq)
		out.Edges = append(out.Edges, model.EventEdge{Cursor: c, Node: eventOut(e)})
		out.PageInfo.EndCursor = &c
	}
	out.PageInfo.HasNextPage = page.Next != 0
	return out, nil
}

// historyQuery is the filter of the caller's team's events.
func historyQuery(team string, f *model.EventFilter) (query.HistoryQuery, error) {
	q := query.HistoryQuery{Team: team}
	if f == nil {
		return q, nil
	}
	q.AggregateType, q.AggregateID, q.Types, q.Actor = graph.Deref(f.AggregateType), graph.Deref(f.AggregateID), f.Types, graph.Deref(f.Actor)
	q.IncludeStatus = graph.Deref(f.IncludeStatus)
	for field, v := range map[string]*int{"filter.fromSeq": f.FromSeq, "filter.toSeq": f.ToSeq} {
		if v != nil && *v < 0 {
			return q, fault.Invalidf(field, "%d is negative", *v)
		}
	}
	q.FromSeq, q.ToSeq = uint64(graph.Deref(f.FromSeq)), uint64(graph.Deref(f.ToSeq))
	if f.Since != nil {
		q.Since = *f.Since
	}
	if f.Until != nil {
		q.Until = *f.Until
	}
	return q, nil
}

// inFilter names a bad filter field by its path in the query, e.g.
// "filter.aggregateType", so extensions.field points at the argument.
func inFilter(err error) error {
	if err == nil {
		return nil
	}
	f, ok := fault.As(err)
	if !ok || f.Code != fault.Invalid {
		return err
	}
	switch f.Field {
	case "aggregateType", "aggregateId", "types", "actor", "fromSeq", "toSeq", "since", "until":
	default:
		return err
	}
	return &fault.Error{Code: f.Code, Field: "filter." + f.Field, Msg: f.Msg}
}
