// Package telemetry serves an agent's /healthz, /metrics and /status: what
// it applied, what it holds, and what its proxy did, for probes, Prometheus
// and operators.
package telemetry

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"weft.dev/agent/proxy"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/supervise"
)

// Source is where the numbers come from; Routes may be nil (no proxy).
type Source struct {
	Status    func() clusterstate.Status
	Connected func() bool // to NATS now
	Routes    func() []proxy.RouteStats
	// Components, when set, are the supervised loops (the converge loop):
	// one that failed on a value it cannot decode makes /healthz fail.
	Components func() []supervise.Status
}

// Handler serves /healthz (200 once connected and converged and while no
// supervised loop has failed, else 503 with the reason, a failed loop named
// with the event it stopped at), /metrics (Prometheus text) and /status
// (the heartbeat JSON).
func Handler(src Source) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collector{src}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		if reason := unhealthy(src); reason != "" {
			http.Error(w, reason, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(src.Status())
	})
	return mux
}

func unhealthy(src Source) string {
	if src.Components != nil {
		for _, st := range src.Components() {
			if st.State == supervise.StateFailed {
				return st.String()
			}
		}
	}
	if !src.Connected() {
		return "not connected to NATS"
	}
	if st := src.Status(); st.Applied == 0 {
		return "not converged yet"
	}
	return ""
}

var (
	appliedDesc   = prometheus.NewDesc("weft_agent_applied_sequence", "The EVENTS sequence the agent last applied.", nil, nil)
	peersDesc     = prometheus.NewDesc("weft_agent_peers", "WireGuard peers applied.", nil, nil)
	routesDesc    = prometheus.NewDesc("weft_agent_routes", "Proxy routes applied.", nil, nil)
	recordsDesc   = prometheus.NewDesc("weft_agent_dns_records", "DNS records served.", nil, nil)
	connectedDesc = prometheus.NewDesc("weft_agent_connected", "1 while connected to NATS.", nil, nil)
	errorDesc     = prometheus.NewDesc("weft_agent_apply_error", "1 while the last apply failed.", nil, nil)
	acceptedDesc  = prometheus.NewDesc("weft_agent_proxy_connections_total", "Connections (TCP) and flows (UDP) forwarded, by route.", []string{"route_id", "route"}, nil)
	activeDesc    = prometheus.NewDesc("weft_agent_proxy_active_connections", "TCP connections open now, by route.", []string{"route_id", "route"}, nil)
	deniedDesc    = prometheus.NewDesc("weft_agent_policy_denials_total", "Connections and flows refused by access policies, by route.", []string{"route_id", "route"}, nil)
	refusedDesc   = prometheus.NewDesc("weft_agent_proxy_backends_refused_total", "Dials the proxy refused because a backend was, or resolved only to, an address it must not reach (loopback, link-local, ...; see --allow-backend), by route.", []string{"route_id", "route"}, nil)
	infoDesc      = prometheus.NewDesc("weft_agent_info", "The agent's version.", []string{"version", "go"}, nil)
	failedDesc    = prometheus.NewDesc("weft_agent_component_failed", "1 while a supervised loop is stopped on a value it cannot decode.", []string{"component"}, nil)
	failedSeqDesc = prometheus.NewDesc("weft_agent_component_failed_event_sequence", "The EVENTS sequence of the value a failed loop stopped at.", []string{"component"}, nil)
	restartsDesc  = prometheus.NewDesc("weft_agent_component_restarts_total", "Times a supervised loop resumed after a transient error.", []string{"component"}, nil)
)

// collector reads the source at scrape time, so nothing is kept twice.
type collector struct{ src Source }

func (collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{appliedDesc, peersDesc, routesDesc, recordsDesc, connectedDesc, errorDesc, acceptedDesc, activeDesc, deniedDesc, refusedDesc, infoDesc, failedDesc, failedSeqDesc, restartsDesc} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	st := c.src.Status()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(appliedDesc, float64(st.Applied))
	gauge(peersDesc, float64(st.Peers))
	gauge(routesDesc, float64(st.Routes))
	gauge(recordsDesc, float64(st.Records))
	gauge(connectedDesc, b2f(c.src.Connected()))
	gauge(errorDesc, b2f(st.LastError != ""))
	gauge(infoDesc, 1, st.Version, runtime.Version())
	if c.src.Components != nil {
		for _, cs := range c.src.Components() {
			failed := cs.State == supervise.StateFailed
			gauge(failedDesc, b2f(failed), cs.Name)
			if failed {
				gauge(failedSeqDesc, float64(cs.Seq), cs.Name)
			}
			ch <- prometheus.MustNewConstMetric(restartsDesc, prometheus.CounterValue, float64(cs.Restarts), cs.Name)
		}
	}
	if c.src.Routes == nil {
		return
	}
	for _, r := range c.src.Routes() {
		// The id keeps series apart; the name (env/app) is for people.
		ch <- prometheus.MustNewConstMetric(acceptedDesc, prometheus.CounterValue, float64(r.Accepted), r.ID, r.Name)
		gauge(activeDesc, float64(r.Active), r.ID, r.Name)
		ch <- prometheus.MustNewConstMetric(deniedDesc, prometheus.CounterValue, float64(r.Denied), r.ID, r.Name)
		ch <- prometheus.MustNewConstMetric(refusedDesc, prometheus.CounterValue, float64(r.RefusedBackends), r.ID, r.Name)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
