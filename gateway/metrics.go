package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the gateway's Prometheus series, registered on the
// registry the host passes in (namespace weft, subsystem gateway).
type metrics struct {
	requests         *prometheus.CounterVec   // operation, outcome
	duration         *prometheus.HistogramVec // operation
	subgraphRequests *prometheus.CounterVec   // subgraph, kind, outcome
	subgraphDuration *prometheus.HistogramVec // subgraph, kind
	compositions     *prometheus.CounterVec   // outcome
	preparedOps      *prometheus.CounterVec   // result: hit, miss
	limitRefusals    *prometheus.CounterVec   // limit, stage
	rateLimited      prometheus.Counter
	refusedTokens    prometheus.Counter
	rightsEnded      *prometheus.CounterVec // reason: a fault code, or role-changed
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "requests_total",
			Help: "GraphQL operations received, by operation type and outcome.",
		}, []string{"operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "request_duration_seconds",
			Help:    "Time to answer a query or mutation, or the lifetime of a subscription.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"operation"}),
		subgraphRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "subgraph_requests_total",
			Help: "Requests sent to subgraphs (kind http: operations and entity fetches; ws: subscription connections).",
		}, []string{"subgraph", "kind", "outcome"}),
		subgraphDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "subgraph_request_duration_seconds",
			Help:    "Time until a subgraph's response headers arrived.",
			Buckets: prometheus.ExponentialBuckets(0.0002, 2, 16),
		}, []string{"subgraph", "kind"}),
		compositions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "compositions_total",
			Help: "Supergraph compositions, by outcome.",
		}, []string{"outcome"}),
		preparedOps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "prepared_operations_total",
			Help: "Queries looked up among the operations already normalised and validated (hit) or prepared now (miss).",
		}, []string{"result"}),
		limitRefusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "limit_refusals_total",
			Help: "Operations refused over a limit (tokens, aliases, nesting, fragments, depth, complexity, cost), by the stage that refused them: text (before parsing) or parsed (before normalisation).",
		}, []string{"limit", "stage"}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "rate_limited_total",
			Help: "Operations refused with 429 because their principal was over its rate.",
		}),
		refusedTokens: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "refused_credentials_total",
			Help: "Requests and websocket connections whose API token was refused (unknown, revoked or expired).",
		}),
		rightsEnded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "websocket_rights_ended_total",
			Help: "Websockets closed (reason: the fault code) or whose operations were ended (role-changed) because the principal's rights changed.",
		}, []string{"reason"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.subgraphRequests, m.subgraphDuration, m.compositions, m.preparedOps, m.limitRefusals, m.rateLimited, m.refusedTokens, m.rightsEnded} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register gateway metrics: %w", err)
		}
	}
	return m, nil
}

// subgraphTransport is the round tripper of every request the engine
// sends to a subgraph. It only measures: the Weft-Principal header is put
// there by the engine from the gateway's own request headers.
type subgraphTransport struct {
	next    http.RoundTripper
	names   map[string]string       // host+path -> subgraph name
	local   map[string]http.Handler // host+path -> handler of a subgraph hosted in this process
	timeout time.Duration           // bounds an in-process call as ResponseHeaderTimeout bounds a remote one
	metrics *metrics
	bufs    bufferPool // in-process answers, reused once the engine has read them
}

func (t *subgraphTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	at := req.URL.Host + req.URL.Path
	name := t.names[at]
	if name == "" {
		name = "unknown"
	}
	kind := "http"
	if strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
		kind = "ws"
	}
	start := time.Now()
	var (
		resp *http.Response
		err  error
	)
	if h := t.local[at]; h != nil && kind == "http" {
		resp, err = serveInProcess(h, req, t.timeout, &t.bufs)
	} else {
		resp, err = t.next.RoundTrip(req)
	}
	t.metrics.subgraphDuration.WithLabelValues(name, kind).Observe(time.Since(start).Seconds())
	outcome := "ok"
	switch {
	case err != nil:
		outcome = "error"
	case resp.StatusCode >= 400:
		outcome = fmt.Sprintf("%dxx", resp.StatusCode/100)
	}
	t.metrics.subgraphRequests.WithLabelValues(name, kind, outcome).Inc()
	return resp, err
}

var _ http.RoundTripper = (*subgraphTransport)(nil)
