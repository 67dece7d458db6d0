package platform

import (
	"context"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
)

// newTracerProvider is the process's OpenTelemetry TracerProvider, which
// fx hands to the gateway, the subgraphs and the event store (nothing
// global is set): nil, so that none of them traces, unless
// Config.OTLPEndpoint names an OTLP/HTTP collector (or
// Config.TracerProvider is given). Spans are batched to
// it; the last batch is sent when the process stops.
func newTracerProvider(lc fx.Lifecycle, cfg Config, log *slog.Logger) (trace.TracerProvider, error) {
	if cfg.TracerProvider != nil {
		return cfg.TracerProvider, nil
	}
	if cfg.OTLPEndpoint == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(cfg.OTLPEndpoint+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("tracing to %s: %w", cfg.OTLPEndpoint, err)
	}
	res := resource.NewSchemaless(semconv.ServiceName("weft-server"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	lc.Append(fx.Hook{OnStop: func(ctx context.Context) error {
		if err := tp.Shutdown(ctx); err != nil {
			log.Warn("send the last spans", "endpoint", cfg.OTLPEndpoint, "err", err)
		}
		return nil
	}})
	log.Info("tracing", "endpoint", cfg.OTLPEndpoint)
	return tp, nil
}
