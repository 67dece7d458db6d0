package proxy_test

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"weft.dev/agent/proxy"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// backend is a TCP server that answers every connection with its name.
func backend(t *testing.T, name string) (addr string, stop func()) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%s\n", name)
			c.Close()
		}
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			l.Close()
		}
	})
	return l.Addr().String(), func() { stopped = true; l.Close() }
}

// ask connects to addr and returns the first line, or "" if refused/closed.
func ask(t *testing.T, addr string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return ""
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// freePort returns a TCP port free on ip.
func freePort(t *testing.T, ip string) int {
	l, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func route(id, ip string, port int, backends ...string) clusterstate.Route {
	return clusterstate.Route{ID: id, Name: id, ServiceIP: ip, Ports: []clusterstate.Port{{Port: port, Protocol: "tcp"}}, Backends: backends, Balance: "round_robin"}
}

// loopback is where these tests' backends listen; the proxy refuses it
// unless the operator allows it, as these tests do.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}

func newProxy(t *testing.T) *proxy.Proxy {
	p := proxy.New(proxy.Config{Allow: loopback})
	t.Cleanup(p.Close)
	return p
}

// A backend's name that resolves to the agent's own host (here "localhost",
// through the host's real resolver, as an attacker's DNS name would) is
// never dialled: the backend listening there sees no connection, the
// client's is closed, and the refusal is counted for metrics. The same
// holds for a loopback literal the API would have refused, and for health
// checks. Only --allow-backend (Config.Allow) lets it through.
func TestABackendNameThatResolvesToLoopbackIsNotDialled(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			fmt.Fprintln(c, "host")
			c.Close()
		}
	}()
	_, bport, _ := net.SplitHostPort(l.Addr().String())
	if addrs, err := net.DefaultResolver.LookupNetIP(t.Context(), "ip4", "localhost"); err != nil || len(addrs) == 0 || !addrs[0].IsLoopback() {
		t.Fatalf("localhost resolves to %v, %v here; the test needs it to be loopback", addrs, err)
	}

	p := proxy.New(proxy.Config{DialTimeout: time.Second})
	t.Cleanup(p.Close)
	ip := "127.0.0.20"
	port := freePort(t, ip)
	r := route("sneaky", ip, port, "localhost:"+bport, "127.0.0.1:"+bport)
	r.Balance = "failover"
	r.Health = &clusterstate.Health{Kind: "tcp", Interval: "50ms", Timeout: "50ms", Healthy: 1, Unhealthy: 1}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	for range 3 {
		if got := ask(t, addr); got != "" {
			t.Fatalf("the proxy forwarded to its own host: %q", got)
		}
	}
	// Health checks probe through the same refusal: wait for a few.
	wait.For(t, 5*time.Second, func() error {
		if st := p.Stats(); len(st) != 1 || st[0].RefusedBackends < 10 {
			return fmt.Errorf("refusals counted: %+v", st)
		}
		return nil
	})
	if n := accepted.Load(); n != 0 {
		t.Fatalf("the loopback backend saw %d connections", n)
	}
	p.Close()

	// The operator permits loopback: the same route reaches it.
	allowed := proxy.New(proxy.Config{Allow: loopback})
	t.Cleanup(allowed.Close)
	r.Health = nil
	if err := allowed.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, addr); got != "host" {
		t.Fatalf("with 127.0.0.0/8 allowed: %q", got)
	}
}

func TestRoundRobinSpreadsConnectionsOverTheBackends(t *testing.T) {
	a, _ := backend(t, "a")
	b, _ := backend(t, "b")
	p := newProxy(t)
	ip := "127.0.0.2"
	port := freePort(t, ip)
	if err := p.UpsertRoute(route("api", ip, port, a, b)); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	got := map[string]int{}
	for range 10 {
		got[ask(t, addr)]++
	}
	if got["a"] != 5 || got["b"] != 5 {
		t.Fatalf("round robin over 10 connections: %v", got)
	}
	// Every connection is counted once, and none is left open.
	wait.For(t, 2*time.Second, func() error {
		if st := p.Stats(); len(st) != 1 || st[0].Accepted != 10 || st[0].Active != 0 || st[0].Denied != 0 || st[0].Name != "api" {
			return fmt.Errorf("stats after 10 connections: %+v", st)
		}
		return nil
	})
}

func TestAnUnhealthyBackendGetsNoNewConnectionsAndFailoverPrefersTheFirst(t *testing.T) {
	a, stopA := backend(t, "a")
	b, _ := backend(t, "b")
	p := newProxy(t)
	ip := "127.0.0.3"
	port := freePort(t, ip)
	r := route("db", ip, port, a, b)
	r.Balance = "failover"
	r.Health = &clusterstate.Health{Kind: "tcp", Interval: "50ms", Timeout: "50ms", Unhealthy: 2, Healthy: 1}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	for range 3 {
		if got := ask(t, addr); got != "a" {
			t.Fatalf("failover answered %q, want the first backend", got)
		}
	}
	stopA()
	wait.ForEvery(t, 5*time.Second, 20*time.Millisecond, func() error {
		if got := ask(t, addr); got != "b" {
			return fmt.Errorf("the dead backend still gets connections (%q answered)", got)
		}
		return nil
	})
	for range 5 {
		if got := ask(t, addr); got != "b" {
			t.Fatalf("a connection went to %q after the first backend died", got)
		}
	}
}

func TestADenyRuleRefusesTheSourceAndCountsIt(t *testing.T) {
	a, _ := backend(t, "a")
	p := newProxy(t)
	ip := "127.0.0.4"
	port := freePort(t, ip)
	r := route("api", ip, port, a)
	// Our connections come from 127.0.0.1: deny it, but allow a narrower
	// rule of lower priority to prove the first match decides.
	r.Access = []clusterstate.AccessRule{
		{PolicyID: "deny-lo", Priority: 10, Allow: false, From: []string{"127.0.0.0/8"}},
		{PolicyID: "allow-one", Priority: 1, Allow: true, From: []string{"127.0.0.1/32"}},
	}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	if got := ask(t, addr); got != "" {
		t.Fatalf("denied source got %q", got)
	}
	if n := p.Denied("api"); n != 1 {
		t.Fatalf("denied count %d, want 1", n)
	}
	if st := p.Stats(); len(st) != 1 || st[0].Denied != 1 || st[0].Accepted != 0 {
		t.Fatalf("stats after a denial: %+v", st)
	}
	r.Access = nil
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, addr); got != "a" {
		t.Fatalf("after the rule went: %q", got)
	}
}

func TestAnInterceptRedirectsNewConnectionsAndStoppingItRestoresTheBackends(t *testing.T) {
	a, _ := backend(t, "backend")
	laptop, _ := backend(t, "laptop")
	p := newProxy(t)
	ip := "127.0.0.5"
	port := freePort(t, ip)
	r := route("api", ip, port, a)
	r.Intercept = []clusterstate.Intercept{{ID: "i1", Port: port, Protocol: "tcp", Target: laptop}}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	if got := ask(t, addr); got != "laptop" {
		t.Fatalf("intercepted connection answered by %q", got)
	}
	r.Intercept = nil
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, addr); got != "backend" {
		t.Fatalf("after the intercept stopped: %q", got)
	}
}

func TestChangingOneRouteLeavesAnotherRoutesOpenConnectionAlone(t *testing.T) {
	// An echo backend that keeps the connection open.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					fmt.Fprintln(c, sc.Text())
				}
			}()
		}
	}()
	other, _ := backend(t, "other")
	p := newProxy(t)
	ip := "127.0.0.6"
	port1, port2 := freePort(t, ip), freePort(t, ip)
	if err := p.UpsertRoute(route("echo", ip, port1, l.Addr().String())); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", net.JoinHostPort(ip, fmt.Sprint(port1)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rd := bufio.NewReader(c)
	fmt.Fprintln(c, "one")
	if line, _ := rd.ReadString('\n'); strings.TrimSpace(line) != "one" {
		t.Fatalf("echo %q", line)
	}
	if err := p.UpsertRoute(route("other", ip, port2, other)); err != nil {
		t.Fatal(err)
	}
	if err := p.DeleteRoute("other"); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(c, "two")
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if line, _ := rd.ReadString('\n'); strings.TrimSpace(line) != "two" {
		t.Fatalf("the open connection broke when another route changed: %q", line)
	}
}

func TestUDPRoundTripsThroughTheServiceIP(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo([]byte("re:"+string(buf[:n])), from)
		}
	}()
	p := newProxy(t)
	ip := "127.0.0.7"
	port := freePort(t, ip)
	r := clusterstate.Route{ID: "dns", Name: "dns", ServiceIP: ip, Ports: []clusterstate.Port{{Port: port, Protocol: "udp"}}, Backends: []string{pc.LocalAddr().String()}}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("udp", net.JoinHostPort(ip, fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprint(c, "ping")
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "re:ping" {
		t.Fatalf("udp answer %q, %v", buf[:n], err)
	}
}

func TestBadRoutesAreRefusedWithTheFieldNamed(t *testing.T) {
	p := newProxy(t)
	for _, r := range []clusterstate.Route{
		{ID: "x", ServiceIP: "not-an-ip"},
		{ID: "x", ServiceIP: "127.0.0.8", Backends: []string{"no-port"}},
		{ID: "x", ServiceIP: "127.0.0.8", Ports: []clusterstate.Port{{Port: 0, Protocol: "tcp"}}},
		{ID: "x", ServiceIP: "127.0.0.8", Access: []clusterstate.AccessRule{{PolicyID: "p", From: []string{"10.0.0.1"}}}},
	} {
		if err := p.UpsertRoute(r); err == nil {
			t.Errorf("route %+v accepted", r)
		}
	}
	if ids := p.RouteIDs(); len(ids) != 0 {
		t.Fatalf("a refused route was kept: %v", ids)
	}
}

func TestARouteWhosePortIsTakenIsNotKeptHalfOpen(t *testing.T) {
	ip := "127.0.0.9"
	taken, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	p := newProxy(t)
	free := freePort(t, ip)
	r := clusterstate.Route{ID: "api", ServiceIP: ip, Backends: []string{"127.0.0.1:1"},
		Ports: []clusterstate.Port{{Port: free, Protocol: "tcp"}, {Port: taken.Addr().(*net.TCPAddr).Port, Protocol: "tcp"}}}
	if err := p.UpsertRoute(r); err == nil {
		t.Fatal("a route on a taken port was accepted")
	}
	if ids := p.RouteIDs(); len(ids) != 0 {
		t.Fatalf("route kept: %v", ids)
	}
	// Its other port was released.
	l, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(free)))
	if err != nil {
		t.Fatalf("the route's other port is still held: %v", err)
	}
	l.Close()
}

func TestARefusingBackendIsSkippedAtOnceWithoutWaitingForHealthChecks(t *testing.T) {
	alive, _ := backend(t, "alive")
	dead, stopDead := backend(t, "dead")
	stopDead()
	p := newProxy(t)
	ip := "127.0.0.10"
	port := freePort(t, ip)
	r := route("api", ip, port, dead, alive)
	r.Health = &clusterstate.Health{Kind: "tcp", Interval: "1h", Timeout: "1s", Unhealthy: 3, Healthy: 1}
	if err := p.UpsertRoute(r); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort(ip, fmt.Sprint(port))
	for range 6 {
		if got := ask(t, addr); got != "alive" {
			t.Fatalf("answer %q: the refusing backend was not skipped", got)
		}
	}
}
