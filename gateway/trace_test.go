package gateway_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"weft.dev/gateway"
)

// TestTracingCarriesTheOperationsTraceToEverySubgraph sends a query across
// the three test subgraphs with a client traceparent, over HTTP and in
// process: the operation's span is the client's span's child, each
// subgraph call a client span below the operation, and every request a
// subgraph got carries a traceparent naming its call's span in the
// client's trace (W3C Trace Context), entity fetches included.
func TestTracingCarriesTheOperationsTraceToEverySubgraph(t *testing.T) {
	for _, mode := range []string{"http", "in-process"} {
		t.Run(mode, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
			tune := []func(*gateway.Config, *subgraphs){func(c *gateway.Config, _ *subgraphs) { c.TracerProvider = tp }}
			if mode == "in-process" {
				tune = append(tune, inProcess)
			}
			h := start(t, tune...)
			for _, s := range h.sg.all() {
				s.reset()
			}
			const clientTrace, clientSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
			body := []byte(`{"query":"{ team(slug: \"acme\") { displayName clusters { name apps { name cluster { name } } } } }"}`)
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range alice {
				req.Header.Set(k, v)
			}
			req.Header.Set("traceparent", "00-"+clientTrace+"-"+clientSpan+"-01")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}

			spans := rec.Ended()
			byID := map[string]sdktrace.ReadOnlySpan{}
			var op sdktrace.ReadOnlySpan
			for _, s := range spans {
				byID[s.SpanContext().SpanID().String()] = s
				if s.Name() == "graphql query" {
					op = s
				}
			}
			if op == nil {
				t.Fatalf("no operation span among %d spans", len(spans))
			}
			if op.SpanContext().TraceID().String() != clientTrace || op.Parent().SpanID().String() != clientSpan {
				t.Fatalf("the operation's span is in trace %s under %s, want the client's %s under %s",
					op.SpanContext().TraceID(), op.Parent().SpanID(), clientTrace, clientSpan)
			}
			requests := 0
			for _, s := range h.sg.all() {
				for _, r := range s.seen() {
					requests++
					parts := strings.Split(r.parent, "-")
					if len(parts) != 4 || parts[1] != clientTrace {
						t.Errorf("%s got traceparent %q, want one in trace %s", s.name, r.parent, clientTrace)
						continue
					}
					call := byID[parts[2]]
					switch {
					case call == nil:
						t.Errorf("%s's traceparent names span %s, which the gateway did not record", s.name, parts[2])
					case call.Name() != "subgraph "+s.name || call.SpanKind() != trace.SpanKindClient:
						t.Errorf("%s's traceparent names span %q (%s), want the gateway's call of it", s.name, call.Name(), call.SpanKind())
					case call.Parent().SpanID() != op.SpanContext().SpanID():
						t.Errorf("the call of %s is not the operation's child", s.name)
					}
				}
			}
			if requests < 3 {
				t.Fatalf("the query reached %d subgraph requests, want at least 3 (one per subgraph)", requests)
			}
		})
	}
}

// TestNoTracerProviderSendsNoTraceparent: without Config.TracerProvider the
// gateway sends subgraphs no traceparent, not even the client's.
func TestNoTracerProviderSendsNoTraceparent(t *testing.T) {
	h := start(t)
	h.sg.accounts.reset()
	body := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range alice {
		req.Header.Set(k, v)
	}
	req.Header.Set("traceparent", fmt.Sprintf("00-%032x-%016x-01", 1, 2))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, r := range h.sg.accounts.seen() {
		if r.parent != "" {
			t.Fatalf("the subgraph got traceparent %q from a gateway without tracing", r.parent)
		}
	}
}
