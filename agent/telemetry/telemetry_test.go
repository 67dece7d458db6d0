package telemetry_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"weft.dev/agent/proxy"
	"weft.dev/agent/telemetry"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Health follows the NATS connection and the first convergence; metrics
// count a real proxy's forwarded and denied connections per route.
func TestHealthAndMetricsFollowTheAgentAndItsProxy(t *testing.T) {
	backend, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	go func() {
		for {
			c, err := backend.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, "hi")
			c.Close()
		}
	}()
	l, err := net.Listen("tcp", "127.0.0.5:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	p := proxy.New(proxy.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}) // its backend is on loopback
	defer p.Close()
	route := clusterstate.Route{ID: "r1", Kind: "app", Name: "api", Env: "prod", ServiceIP: "127.0.0.5",
		Ports: []clusterstate.Port{{Port: port, Protocol: "tcp"}}, Backends: []string{backend.Addr().String()}, Balance: "round_robin"}
	if err := p.UpsertRoute(route); err != nil {
		t.Fatal(err)
	}
	var connected atomic.Bool
	var applied atomic.Uint64
	srv := httptest.NewServer(telemetry.Handler(telemetry.Source{
		Status: func() clusterstate.Status {
			return clusterstate.Status{Applied: applied.Load(), Routes: 1, Version: "test"}
		},
		Connected: connected.Load,
		Routes:    p.Stats,
	}))
	defer srv.Close()

	if code, body := get(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not connected") {
		t.Fatalf("healthz while disconnected: %d %s", code, body)
	}
	connected.Store(true)
	if code, body := get(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not converged") {
		t.Fatalf("healthz before converging: %d %s", code, body)
	}
	applied.Store(42)
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz once converged: %d", code)
	}

	addr := net.JoinHostPort("127.0.0.5", fmt.Sprint(port))
	for range 3 {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(c)
		c.Close()
	}
	route.Access = []clusterstate.AccessRule{{PolicyID: "deny", Priority: 1, From: []string{"127.0.0.0/8"}}}
	if err := p.UpsertRoute(route); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
		_, _ = io.ReadAll(c)
		c.Close()
	}
	wait.ForEvery(t, 3*time.Second, 20*time.Millisecond, func() error {
		_, m := get(t, srv.URL+"/metrics")
		for _, want := range []string{
			"weft_agent_applied_sequence 42\n", "weft_agent_connected 1\n", "weft_agent_routes 1\n",
			`weft_agent_proxy_connections_total{route="prod/api",route_id="r1"} 3` + "\n",
			`weft_agent_policy_denials_total{route="prod/api",route_id="r1"} 1` + "\n",
			`weft_agent_proxy_active_connections{route="prod/api",route_id="r1"} 0` + "\n",
		} {
			if !strings.Contains(m, want) {
				return fmt.Errorf("metrics lack %q:\n%s", want, m)
			}
		}
		return nil
	})
}
