package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"weft.dev/agent/netstack"
	"weft.dev/agent/proxy"
	"weft.dev/events/clusterstate"
)

// A rootless gateway's routes hold no goroutine each: its proxy serves TCP
// ports through the userspace stack's one forwarder. Before, each route
// was a gVisor listener with an accept loop, 1,000 goroutines and
// listening endpoints at 1,000 routes. Connections still reach the
// backend, and a port no route serves is still refused.
func TestARootlessGatewaysRoutesHoldNoGoroutineEach(t *testing.T) {
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
			fmt.Fprintln(c, "from the backend")
			c.Close()
		}
	}()
	st, err := netstack.New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pc := proxy.Config{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	onStack(&pc, st)
	p := proxy.New(pc)
	defer p.Close()

	before := runtime.NumGoroutine()
	const n = 300
	for i := range n {
		r := clusterstate.Route{ID: fmt.Sprintf("r%d", i), Name: fmt.Sprintf("a%d", i), ServiceIP: fmt.Sprintf("100.80.%d.%d", i/250, 1+i%250),
			Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}}, Backends: []string{backend.Addr().String()}}
		if err := p.UpsertRoute(r); err != nil {
			t.Fatal(err)
		}
	}
	if got := runtime.NumGoroutine() - before; got > 5 {
		t.Fatalf("%d routes hold %d goroutines", n, got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ask := func(addr string) (string, error) {
		c, err := st.DialContext(ctx, "tcp", addr)
		if err != nil {
			return "", err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		b, err := io.ReadAll(c)
		return string(b), err
	}
	if got, err := ask("100.80.1.7:80"); err != nil || got != "from the backend\n" {
		t.Fatalf("a route's service IP answered %q, %v", got, err)
	}
	if _, err := ask("100.80.1.7:81"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("a port no route serves: %v, want connection refused", err)
	}
	// The route moves to another port: the old one refuses at once.
	if err := p.UpsertRoute(clusterstate.Route{ID: "r256", Name: "a256", ServiceIP: "100.80.1.7",
		Ports: []clusterstate.Port{{Port: 8080, Protocol: "tcp"}}, Backends: []string{backend.Addr().String()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ask("100.80.1.7:80"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("a port the route left: %v, want connection refused", err)
	}
	if got, err := ask("100.80.1.7:8080"); err != nil || got != "from the backend\n" {
		t.Fatalf("the route's new port answered %q, %v", got, err)
	}
}
