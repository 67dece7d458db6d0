package gateway

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// subgraphTransport is the round tripper of every request the engine
// sends to a subgraph: it routes a request for a subgraph hosted in this
// process to that subgraph's handler (serveInProcess, no socket), every
// other one to the network, and counts and times both. The Weft-Principal
// header is put there by the engine from the gateway's own request
// headers, not here.
type subgraphTransport struct {
	next    http.RoundTripper
	names   map[string]string       // host+path -> subgraph name
	local   map[string]http.Handler // host+path -> handler of a subgraph hosted in this process
	timeout time.Duration           // bounds an in-process call as ResponseHeaderTimeout bounds a remote one
	metrics *metrics
	bufs    bufferPool   // in-process answers, reused once the engine has read them
	tracer  trace.Tracer // nil: no spans (trace.go)
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
	} else if _, ok := req.Header[subscriptionHeader]; ok {
		// Only subscriptions carry a number (see subscriptionHeader);
		// the engine sends every other request the empty template.
		req.Header.Del(subscriptionHeader)
	}
	end := t.startSubgraphCall(req, name, kind)
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
	if end != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		end(status, err)
	}
	return resp, err
}

var _ http.RoundTripper = (*subgraphTransport)(nil)
