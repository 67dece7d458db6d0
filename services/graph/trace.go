package graph

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceContext is the W3C Trace Context propagator: a value, not the
// process-global one.
var traceContext propagation.TraceContext

// traced wraps a subgraph's handler in a server span per request, a child
// of the span whose W3C traceparent the gateway sent (its call of this
// subgraph), so the subgraph's work joins the operation's trace.
func traced(tracer trace.Tracer, name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := traceContext.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx, sp := tracer.Start(ctx, "subgraph "+name, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(attribute.String("weft.subgraph", name)))
		defer sp.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// fieldSpans is the gqlgen extension that makes a span of each root
// field's resolver (a query, a mutation, a subscription's start, the
// gateway's _entities fetch): the resolvers' calls (the event store's
// appends and reads) are its children. Nested fields get none: a list of
// a hundred apps would be hundreds of spans that say little.
type fieldSpans struct{ tracer trace.Tracer }

var (
	_ graphql.HandlerExtension = fieldSpans{}
	_ graphql.FieldInterceptor = fieldSpans{}
)

func (fieldSpans) ExtensionName() string                   { return "WeftTracing" }
func (fieldSpans) Validate(graphql.ExecutableSchema) error { return nil }

func (f fieldSpans) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || !isRoot(fc.Object) {
		return next(ctx)
	}
	ctx, sp := f.tracer.Start(ctx, "resolve "+fc.Object+"."+fc.Field.Name)
	defer sp.End()
	res, err := next(ctx)
	if err != nil {
		sp.RecordError(err)
		sp.SetStatus(codes.Error, err.Error())
	}
	return res, err
}

func isRoot(object string) bool {
	return object == "Query" || object == "Mutation" || object == "Subscription"
}
