package gateway

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// OpenTelemetry tracing (Config.TracerProvider). Without a provider the
// gateway takes none of these paths: a nil tracer is checked once per
// operation and per subgraph call, nothing is allocated for it.
//
// With one, every operation is a server span (over HTTP, or on a
// websocket: a subscription's lasts as long as it does), a child of the
// client's traceparent when it sent one (in the websocket's upgrade); every subgraph call (in process, over HTTP,
// a subscription's websocket upgrade) a client span below it, whose W3C
// traceparent the request carries, so the subgraph's spans join the same
// trace.

// traceContext is the W3C Trace Context propagator: a value, not the
// process-global one.
var traceContext propagation.TraceContext

// startOperation starts an operation's span in ctx, a child of the
// traceparent in hdr if any; it returns ctx unchanged and a nil span when
// tracing is off.
func (g *Gateway) startOperation(ctx context.Context, hdr http.Header) (context.Context, trace.Span) {
	if g.tracer == nil {
		return ctx, nil
	}
	ctx = traceContext.Extract(ctx, propagation.HeaderCarrier(hdr))
	return g.tracer.Start(ctx, "graphql", trace.WithSpanKind(trace.SpanKindServer))
}

// endOperation names sp after the operation's type and ends it.
func endOperation(sp trace.Span, op, outcome string) {
	if sp == nil {
		return
	}
	sp.SetName("graphql " + op)
	sp.SetAttributes(attribute.String("graphql.operation.type", op), attribute.String("weft.outcome", outcome))
	if outcome == "error" {
		sp.SetStatus(codes.Error, outcome)
	}
	sp.End()
}

// startSubgraphCall starts a subgraph call's client span and puts its
// traceparent in req's header; end ends the span. Tracing off: nothing.
func (t *subgraphTransport) startSubgraphCall(req *http.Request, name, kind string) (end func(status int, err error)) {
	if t.tracer == nil {
		return nil
	}
	ctx, sp := t.tracer.Start(req.Context(), "subgraph "+name, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("weft.subgraph", name), attribute.String("weft.subgraph.transport", kind)))
	traceContext.Inject(ctx, propagation.HeaderCarrier(req.Header))
	return func(status int, err error) {
		switch {
		case err != nil:
			sp.RecordError(err)
			sp.SetStatus(codes.Error, err.Error())
		case status >= 500:
			sp.SetStatus(codes.Error, http.StatusText(status))
		}
		if status != 0 {
			sp.SetAttributes(attribute.Int("http.response.status_code", status))
		}
		sp.End()
	}
}
