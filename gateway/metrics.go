package gateway

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the gateway's Prometheus series, registered on the
// registry the host passes in (namespace weft, subsystem gateway).
type metrics struct {
	requests           *prometheus.CounterVec   // operation, outcome
	duration           *prometheus.HistogramVec // operation
	subgraphRequests   *prometheus.CounterVec   // subgraph, kind, outcome
	subgraphDuration   *prometheus.HistogramVec // subgraph, kind
	compositions       *prometheus.CounterVec   // outcome
	compositionFailing prometheus.Gauge
	preparedOps        *prometheus.CounterVec // result: hit, miss
	limitRefusals      *prometheus.CounterVec // limit, stage
	rateLimited        prometheus.Counter
	refusedTokens      prometheus.Counter
	rightsEnded        *prometheus.CounterVec // reason: a fault code, or role-changed
	deduplicated       prometheus.Counter
	persistedRefusals  *prometheus.CounterVec // reason: not-found, mismatch, required
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
		compositionFailing: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "composition_failing",
			Help: "1 while the last attempt to compose the subgraphs failed (before the first composition, or serving the last good one), else 0.",
		}),
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
		deduplicated: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "deduplicated_queries_total",
			Help: "Queries answered by an identical query of the same principal already in flight, without calling the subgraphs again.",
		}),
		persistedRefusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "weft", Subsystem: "gateway", Name: "persisted_refusals_total",
			Help: "Operations refused for persisted operations (reason: not-found, an unknown id; mismatch, text and id differ; required, not registered while only registered operations run).",
		}, []string{"reason"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.subgraphRequests, m.subgraphDuration, m.compositions, m.compositionFailing, m.preparedOps, m.limitRefusals, m.rateLimited, m.refusedTokens, m.rightsEnded, m.deduplicated, m.persistedRefusals} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register gateway metrics: %w", err)
		}
	}
	return m, nil
}
