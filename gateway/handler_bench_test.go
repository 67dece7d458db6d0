package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
)

// BenchmarkGatewayHandler measures one request through the gateway's
// handler with no client socket, beside the same query straight to the
// subgraph's handler: what the gateway itself costs per request.
func BenchmarkGatewayHandler(b *testing.B) {
	h := start(b, inProcess, noRateLimit)
	gw := h.gw.Handler()
	simple := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	principal := h.sg.signer.Sign(auth.Principal{UserID: "alice", Team: "acme", Role: auth.Owner}, time.Hour)
	do := func(hd http.Handler, url string, hdr map[string]string) {
		req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(simple))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		hd.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.Run("gateway", func(b *testing.B) {
		for b.Loop() {
			do(gw, "/graphql", alice)
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			do(h.sg.accounts.mux, "/subgraphs/accounts/graphql", map[string]string{auth.Header: principal})
		}
	})
}

// BenchmarkGatewayHandlerTracing is BenchmarkGatewayHandler's gateway
// without a TracerProvider (off, the default) and with one that samples
// and records every span (on; no exporter, so what is measured is the
// gateway's own tracing work): what tracing costs per request, and that
// off costs nothing beside BenchmarkGatewayHandler/gateway of a build
// without tracing.
func BenchmarkGatewayHandlerTracing(b *testing.B) {
	simple := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	run := func(b *testing.B, tune ...func(*gateway.Config, *subgraphs)) {
		h := start(b, append([]func(*gateway.Config, *subgraphs){inProcess, noRateLimit}, tune...)...)
		gw := h.gw.Handler()
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(simple))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range alice {
				req.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			gw.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	}
	b.Run("off", func(b *testing.B) { run(b) })
	b.Run("on", func(b *testing.B) {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		run(b, func(c *gateway.Config, _ *subgraphs) { c.TracerProvider = tp })
	})
}
