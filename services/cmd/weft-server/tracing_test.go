package main

import (
	"fmt"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// TestOneMutationIsOneTraceFromTheGatewayToTheEventStore records the spans
// of one createApp through the gateway and checks that they form one trace
// whose path runs gateway operation → the gateway's call of the console
// subgraph → the subgraph's request (joined by the traceparent it carried)
// → the createApp resolver → the event store's append, each the parent of
// the next.
func TestOneMutationIsOneTraceFromTheGatewayToTheEventStore(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	base, admin := startServerWith(t, func(o *options) { o.TracerProvider = tp })
	must := mustData(t)
	const team = "traced"
	must(gql(t, base, admin, "", `mutation { createTeam(input: {slug: "traced", displayName: "Traced"}) { seq } }`, nil))
	d := must(gql(t, base, admin, team, `mutation { createCluster(input: {name: "tr-eu"}) { cluster { id } } }`, nil))
	cluster := path(d, "createCluster", "cluster", "id").(string)
	must(gql(t, base, admin, team, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { environment { id } } }`, map[string]any{"c": cluster}))

	before := len(rec.Ended())
	must(gql(t, base, admin, team, `mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["10.9.9.1:8080"]}}) { app { id } } }`, nil))
	spans := rec.Ended()[before:]

	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	var op sdktrace.ReadOnlySpan
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
		if s.Name() == "graphql mutation" {
			op = s
		}
	}
	if op == nil {
		t.Fatalf("no span of the gateway's operation among %s", names(spans))
	}
	var append_ sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.SpanContext().TraceID() != op.SpanContext().TraceID() {
			t.Errorf("span %q is in trace %s, not the operation's %s", s.Name(), s.SpanContext().TraceID(), op.SpanContext().TraceID())
		}
		if s.Name() == "events.append" {
			append_ = s
		}
	}
	if append_ == nil {
		t.Fatalf("no span of the event store's append among %s", names(spans))
	}
	// From the append up to the operation, parent by parent.
	var chain []string
	for s := append_; s != nil; s = byID[s.Parent().SpanID()] {
		chain = append([]string{s.Name()}, chain...)
		if !s.Parent().IsValid() {
			break
		}
	}
	want := []string{"graphql mutation", "subgraph console", "subgraph console", "resolve Mutation.createApp", "events.append"}
	if strings.Join(chain, " → ") != strings.Join(want, " → ") {
		t.Fatalf("the append's ancestry is %q, want %q", chain, want)
	}
	kinds := map[string]trace.SpanKind{}
	for s := append_; s != nil && s.Parent().IsValid(); s = byID[s.Parent().SpanID()] {
		kinds[fmt.Sprintf("%s/%s", s.Name(), s.SpanKind())] = s.SpanKind()
	}
	for _, k := range []string{"subgraph console/client", "subgraph console/server"} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no %s span on the path (have %v): the gateway's call and the subgraph's request should both be there", k, kinds)
		}
	}
}

func names(spans []sdktrace.ReadOnlySpan) string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return strings.Join(out, ", ")
}
