package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"testing"
	"time"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
)

// BenchmarkGatewayOverhead sends the same one-subgraph query straight to
// the accounts subgraph and through the gateway, alternating in one loop
// so both see the same machine load, and reports the p50 of each and
// their ratio (the gateway's overhead). The cross-subgraph query
// (accounts → infra → console → infra) is reported through the gateway,
// and so is the same one-subgraph query through a bare reverse proxy
// (proxy-p50-µs): what one more loopback hop costs before any GraphQL work.
//
// Sub-benchmarks: "http" reaches the subgraphs over loopback HTTP (a
// gateway in its own process); "in-process" hands requests to the
// subgraphs' handlers (the all-in-one server).
func BenchmarkGatewayOverhead(b *testing.B) {
	b.Run("http", func(b *testing.B) { benchOverhead(b, start(b, noRateLimit)) })
	b.Run("in-process", func(b *testing.B) { benchOverhead(b, start(b, inProcess, noRateLimit)) })
}

// noRateLimit lets one principal send as fast as a benchmark can.
func noRateLimit(c *gateway.Config, _ *subgraphs) { c.Limits.Rate = -1 }

func benchOverhead(b *testing.B, h *harness) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	simple := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	cross := []byte(`{"query":"{ team(slug: \"acme\") { displayName clusters { name apps { name cluster { name } } } } }"}`)
	principal := h.sg.signer.Sign(auth.Principal{UserID: "alice", Team: "acme", Role: auth.Owner}, time.Hour)

	post := func(url string, body []byte, hdr map[string]string) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: status %d", url, resp.StatusCode)
		}
	}
	gw := h.srv.URL + "/graphql"
	direct := map[string]string{auth.Header: principal}
	// The floor of any gateway in a process of its own: a reverse proxy
	// that only forwards the request to the subgraph (one more loopback
	// hop, no GraphQL work).
	target, _ := url.Parse(h.sg.accounts.url())
	proxied := target.Path
	target.Path = ""
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 64}
	proxy := httptest.NewServer(rp)
	b.Cleanup(proxy.Close)
	// Warm up connections and the gateway's plan cache.
	for range 50 {
		post(h.sg.accounts.url(), simple, direct)
		post(proxy.URL+proxied, simple, direct)
		post(gw, simple, alice)
		post(gw, cross, alice)
	}
	var dDirect, dProxy, dGateway, dCross []time.Duration
	for b.Loop() {
		t0 := time.Now()
		post(h.sg.accounts.url(), simple, direct)
		t1 := time.Now()
		post(gw, simple, alice)
		t2 := time.Now()
		post(gw, cross, alice)
		t3 := time.Now()
		post(proxy.URL+proxied, simple, direct)
		t4 := time.Now()
		dDirect = append(dDirect, t1.Sub(t0))
		dGateway = append(dGateway, t2.Sub(t1))
		dCross = append(dCross, t3.Sub(t2))
		dProxy = append(dProxy, t4.Sub(t3))
	}
	p50 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Microseconds())
	}
	pd, pg, pc := p50(dDirect), p50(dGateway), p50(dCross)
	b.ReportMetric(pd, "direct-p50-µs")
	b.ReportMetric(pg, "gateway-p50-µs")
	b.ReportMetric(pc, "gateway-cross-p50-µs")
	b.ReportMetric(p50(dProxy), "proxy-p50-µs")
	b.ReportMetric(pg/pd, "gateway/direct")
}

// BenchmarkGatewayThroughput measures queries per second with parallel
// clients in three phases of the same run: the one-subgraph query sent
// straight to the accounts subgraph (the baseline), the same query through
// the gateway, and the cross-subgraph query through the gateway. The
// clients share the machine's cores with the gateway and the subgraphs, so
// every phase pays the same client cost and the ratio is the honest one.
func BenchmarkGatewayThroughput(b *testing.B) {
	b.Run("http", func(b *testing.B) { benchThroughput(b, start(b, noRateLimit)) })
	b.Run("in-process", func(b *testing.B) { benchThroughput(b, start(b, inProcess, noRateLimit)) })
}

func benchThroughput(b *testing.B, h *harness) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	simple := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	cross := []byte(`{"query":"{ team(slug: \"acme\") { displayName clusters { name apps { name } } } }"}`)
	principal := h.sg.signer.Sign(auth.Principal{UserID: "alice", Team: "acme", Role: auth.Owner}, time.Hour)
	direct := map[string]string{auth.Header: principal}
	gw := h.srv.URL + "/graphql"
	b.SetParallelism(4)
	rate := func(url string, body []byte, hdr map[string]string) float64 {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				for k, v := range hdr {
					req.Header.Set(k, v)
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("%s: status %d", url, resp.StatusCode)
					return
				}
			}
		})
		return float64(b.N) / time.Since(start).Seconds()
	}
	qDirect := rate(h.sg.accounts.url(), simple, direct)
	qGateway := rate(gw, simple, alice)
	qCross := rate(gw, cross, alice)
	b.ReportMetric(qDirect, "direct-q/s")
	b.ReportMetric(qGateway, "gateway-q/s")
	// The cross-subgraph rate keeps the name weft-bench's goal reads
	// ("queries/s"); "gateway/direct" pairs gateway-q/s with direct-q/s.
	b.ReportMetric(qCross, "queries/s")
	b.ReportMetric(qGateway/qDirect, "gateway/direct")
}
