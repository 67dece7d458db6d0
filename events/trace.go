package events

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// WithTracerProvider makes the store record a span for each append, load
// and read, as a child of the span in the caller's context (the
// subgraph's resolver, the gateway's operation above it). Without it the
// store records nothing and costs nothing for it.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(s *Store) {
		if tp != nil {
			s.tracer = tp.Tracer("weft.dev/events")
		}
	}
}

// span starts a span named name when the store traces; end ends it,
// recording *errp when it is an error. Use: ctx, end := s.span(...);
// defer end(&err).
func (s *Store) span(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, func(*error)) {
	if s.tracer == nil {
		return ctx, func(*error) {}
	}
	ctx, sp := s.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx, func(errp *error) {
		if errp != nil && *errp != nil {
			sp.RecordError(*errp)
			sp.SetStatus(codes.Error, (*errp).Error())
		}
		sp.End()
	}
}
