package graph

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"weft.dev/kernel/auth"
)

// ComplexityLimit bounds a query's complexity (one per field, times the
// page size asked for where a schema says so): generous for the gateway's
// plans, a wall for a client that reaches a subgraph directly.
const ComplexityLimit = 5000

// NewHandler returns the HTTP handler of the subgraph name: GraphQL over
// POST and graphql-transport-ws on one path, every request authenticated
// by s. With a TracerProvider (nil: none) each request is a span in the
// trace whose traceparent it carries, and each root field's resolver a
// span below it (trace.go).
func NewHandler(name string, es graphql.ExecutableSchema, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) http.Handler {
	srv := handler.New(es)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		InitFunc:              WebsocketInit(s),
		// Origins do not matter here: a subgraph trusts only the signed
		// assertion, never cookies, so a cross-site page gains nothing.
		Upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
	})
	srv.AddTransport(transport.POST{})
	// The gateway sends the same few subgraph operations over and over
	// (its plans are cached); without a cache gqlgen parses and validates
	// each one anew - a quarter of a subgraph's time per request.
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	srv.Use(DepthLimit{Max: MaxDepth})
	srv.SetErrorPresenter(ErrorPresenter(log))
	srv.SetRecoverFunc(Recover)
	if tp == nil {
		return Authenticate(s, log, srv)
	}
	tracer := tp.Tracer("weft.dev/services/graph")
	srv.Use(fieldSpans{tracer: tracer})
	return traced(tracer, name, Authenticate(s, log, srv))
}

// SDLHandler serves a subgraph's schema as text, for the gateway's
// re-composition. The schema is the public contract, so it needs no
// principal.
func SDLHandler(sdl string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(sdl))
	})
}
