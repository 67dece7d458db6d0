// Package proxy is the agent's L4 proxy: for every app or managed service
// homed in the cluster it listens on the service IP's ports (TCP and UDP)
// and forwards each new connection to a healthy backend, to an intercepting
// device, or nowhere when an access rule denies the source.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/validate"
)

// Config tunes the proxy.
type Config struct {
	Logger      *slog.Logger
	DialTimeout time.Duration // default 5 s
	UDPIdle     time.Duration // a UDP flow without traffic is forgotten; default 60 s
	// The network the proxy listens and dials on; the host's by default. A
	// rootless agent listens on its userspace stack and dials mesh
	// addresses (intercepting devices) through it.
	ListenTCP func(addr string) (net.Listener, error)
	ListenUDP func(addr string) (net.PacketConn, error)
	Dial      func(ctx context.Context, network, addr string) (net.Conn, error)
	// ServeTCP, when set, takes the place of ListenTCP: the network hands
	// each new connection to handle itself, on a goroutine of its own, so
	// the proxy runs no accept loop per port. A userspace stack does this
	// with one forwarder for every route (netstack.Stack.ServeTCP).
	ServeTCP func(addr string, handle func(net.Conn)) (io.Closer, error)
	// Allow lists networks backends may be in although the proxy refuses
	// them by default (validate.UnsafeBackend: loopback, unspecified,
	// link-local such as a cloud's metadata service, multicast, broadcast,
	// weft's own gateway and device addresses); the operator's choice
	// (weft-agent --allow-backend).
	Allow []netip.Prefix
	// Resolve looks up a backend's name (default: the host's resolver).
	// The proxy dials an address it resolved and checked, never the name,
	// so a name cannot resolve to something else between check and dial.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Proxy holds every route's listeners. It implements the agent's
// RouteApplier: routes are added, changed and removed one by one, and a
// change to one route never touches another's listeners.
type Proxy struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	routes map[string]*route

	pipes pipePool  // splice pipes, held only while a connection moves data
	bufs  sync.Pool // *[]byte copy buffers for connections that cannot splice
}

// New returns an empty proxy.
func New(cfg Config) *Proxy {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.UDPIdle <= 0 {
		cfg.UDPIdle = 60 * time.Second
	}
	if cfg.ListenTCP == nil {
		cfg.ListenTCP = func(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }
	}
	if cfg.ListenUDP == nil {
		cfg.ListenUDP = func(addr string) (net.PacketConn, error) { return net.ListenPacket("udp", addr) }
	}
	if cfg.Dial == nil {
		cfg.Dial = (&net.Dialer{}).DialContext
	}
	if cfg.Resolve == nil {
		cfg.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	p := &Proxy{cfg: cfg, log: cfg.Logger, routes: map[string]*route{}}
	p.bufs.New = func() any { b := make([]byte, 32<<10); return &b }
	return p
}

// route is one app's listeners and its current settings.
type route struct {
	id        string
	settings  atomic.Pointer[settings]
	listeners map[string]io.Closer // "tcp/100.80.0.1:80"
	health    atomic.Pointer[checker]
	denied    atomic.Uint64
	refused   atomic.Uint64 // dials to backends at addresses the proxy refuses
	accepted  atomic.Uint64 // connections and UDP flows forwarded
	active    atomic.Int64  // TCP connections open now
	next      atomic.Uint64 // round robin
}

// settings is what a new connection is decided with; swapped whole.
type settings struct {
	r          clusterstate.Route
	backends   []string
	access     []rule
	intercepts map[string]string // "80/tcp" → device ip:port
}

type rule struct {
	allow bool
	from  []netip.Prefix
}

// UpsertRoute adds or changes a route.
func (p *Proxy) UpsertRoute(r clusterstate.Route) (err error) {
	s, err := compile(r)
	if err != nil {
		return fmt.Errorf("route %s: %w", r.ID, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rt := p.routes[r.ID]
	if rt == nil {
		// A route whose listeners cannot all open is not kept at all.
		rt = &route{id: r.ID, listeners: map[string]io.Closer{}}
		p.routes[r.ID] = rt
		defer func() {
			if err != nil {
				for _, l := range rt.listeners {
					_ = l.Close()
				}
				if h := rt.health.Load(); h != nil {
					h.stop()
				}
				delete(p.routes, r.ID)
			}
		}()
	}
	// Settings first: the new checker's first probes run at once and
	// name the route by them.
	rt.settings.Store(s)
	old := rt.health.Swap(startChecker(s.backends, r.Health, func(ctx context.Context, network, addr string) (net.Conn, error) {
		return p.dialBackend(ctx, rt, network, addr)
	}, p.log.With("route", r.Name)))
	if old != nil {
		old.stop()
	}
	// Listeners: open the new ports, close the ones gone, keep the rest
	// (their connections live on).
	want := map[string]clusterstate.Port{}
	for _, port := range r.Ports {
		want[listenKey(r.ServiceIP, port)] = port
	}
	for k, l := range rt.listeners {
		if _, ok := want[k]; !ok {
			_ = l.Close()
			delete(rt.listeners, k)
		}
	}
	for k, port := range want {
		if _, ok := rt.listeners[k]; ok {
			continue
		}
		l, err := p.listen(rt, r.ServiceIP, port)
		if err != nil {
			return fmt.Errorf("route %s: %w", r.ID, err)
		}
		rt.listeners[k] = l
	}
	return nil
}

// DeleteRoute closes a route's listeners.
func (p *Proxy) DeleteRoute(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt := p.routes[id]
	if rt == nil {
		return nil
	}
	for _, l := range rt.listeners {
		_ = l.Close()
	}
	if h := rt.health.Load(); h != nil {
		h.stop()
	}
	delete(p.routes, id)
	return nil
}

// RouteCount is how many routes are held.
func (p *Proxy) RouteCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.routes)
}

// RouteIDs lists the routes held.
func (p *Proxy) RouteIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.routes))
	for id := range p.routes {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Denied is how many connections to route id access rules refused.
func (p *Proxy) Denied(id string) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rt := p.routes[id]; rt != nil {
		return rt.denied.Load()
	}
	return 0
}

// RouteStats are one route's connection counts, for metrics.
type RouteStats struct {
	ID, Name string // Name is env/app
	Accepted uint64 // TCP connections and UDP flows forwarded to a backend or an intercept
	Active   int64  // TCP connections open now
	Denied   uint64 // connections and flows refused by access rules
	// RefusedBackends counts dials the proxy refused because the backend
	// was, or its name resolved only to, an address it must not reach.
	RefusedBackends uint64
}

// Stats are every route's counts, by id.
func (p *Proxy) Stats() []RouteStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]RouteStats, 0, len(p.routes))
	for id, rt := range p.routes {
		r := rt.settings.Load().r
		name := r.Name
		if r.Env != "" {
			name = r.Env + "/" + name
		}
		out = append(out, RouteStats{ID: id, Name: name, Accepted: rt.accepted.Load(), Active: rt.active.Load(), Denied: rt.denied.Load(), RefusedBackends: rt.refused.Load()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Close closes every route.
func (p *Proxy) Close() {
	for _, id := range p.RouteIDs() {
		_ = p.DeleteRoute(id)
	}
	p.pipes.close()
}

func listenKey(ip string, p clusterstate.Port) string {
	return p.Protocol + "/" + net.JoinHostPort(ip, strconv.Itoa(p.Port))
}

func portKey(port int, proto string) string { return strconv.Itoa(port) + "/" + proto }

// compile checks a route and prepares what connections are decided with.
func compile(r clusterstate.Route) (*settings, error) {
	if _, err := netip.ParseAddr(r.ServiceIP); err != nil {
		return nil, fmt.Errorf("service ip %q: %w", r.ServiceIP, err)
	}
	s := &settings{r: r, intercepts: map[string]string{}}
	for _, b := range r.Backends {
		if _, _, err := net.SplitHostPort(b); err != nil {
			return nil, fmt.Errorf("backend %q: %w", b, err)
		}
		s.backends = append(s.backends, b)
	}
	for _, p := range r.Ports {
		if p.Port < 1 || p.Port > 65535 || (p.Protocol != "tcp" && p.Protocol != "udp") {
			return nil, fmt.Errorf("port %d/%s: want 1-65535 and tcp or udp", p.Port, p.Protocol)
		}
	}
	for _, a := range r.Access {
		ru := rule{allow: a.Allow}
		for _, f := range a.From {
			pf, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("access rule %s: %w", a.PolicyID, err)
			}
			ru.from = append(ru.from, pf)
		}
		s.access = append(s.access, ru)
	}
	for _, ic := range r.Intercept {
		if _, _, err := net.SplitHostPort(ic.Target); err != nil {
			return nil, fmt.Errorf("intercept %s target %q: %w", ic.ID, ic.Target, err)
		}
		proto := ic.Protocol
		if proto == "" {
			proto = "tcp"
		}
		s.intercepts[portKey(ic.Port, proto)] = ic.Target
	}
	return s, nil
}

// dialAddr is where a connection to port goes for target t: a backend
// on the port's TargetPort when it has one (a Service with several ports
// whose endpoints listen on other numbers), else t as it is. An
// intercepting device's address is used as it is.
func (s *settings) dialAddr(t string, port clusterstate.Port) string {
	if port.TargetPort == 0 {
		return t
	}
	if ic, ok := s.intercepts[portKey(port.Port, port.Protocol)]; ok && ic == t {
		return t
	}
	host, _, err := net.SplitHostPort(t)
	if err != nil {
		return t
	}
	return net.JoinHostPort(host, strconv.Itoa(port.TargetPort))
}

// allowed decides a new connection by its source address: the rules come
// highest priority first and the first that names the source decides; a
// source no rule names is allowed.
func (s *settings) allowed(src netip.Addr) bool {
	for _, r := range s.access {
		for _, p := range r.from {
			if p.Contains(src) {
				return r.allow
			}
		}
	}
	return true
}

// target picks where a new connection to port goes: the intercepting
// device, else a healthy backend by the route's balance mode.
func (rt *route) target(s *settings, port int, proto string) (string, error) {
	if t, ok := s.intercepts[portKey(port, proto)]; ok {
		return t, nil
	}
	healthy := rt.health.Load().healthy(s.backends)
	if len(healthy) == 0 {
		return "", errors.New("no healthy backend")
	}
	switch s.r.Balance {
	case "failover":
		return healthy[0], nil
	case "random":
		return healthy[rand.IntN(len(healthy))], nil
	default:
		return healthy[int(rt.next.Add(1)-1)%len(healthy)], nil
	}
}

func (p *Proxy) listen(rt *route, ip string, port clusterstate.Port) (io.Closer, error) {
	addr := net.JoinHostPort(ip, strconv.Itoa(port.Port))
	if port.Protocol == "udp" {
		pc, err := p.cfg.ListenUDP(addr)
		if err != nil {
			return nil, fmt.Errorf("listen udp %s: %w", addr, err)
		}
		go p.serveUDP(rt, pc, port)
		return pc, nil
	}
	if p.cfg.ServeTCP != nil {
		c, err := p.cfg.ServeTCP(addr, func(c net.Conn) { p.handleTCP(rt, c, port) })
		if err != nil {
			return nil, fmt.Errorf("serve tcp %s: %w", addr, err)
		}
		return c, nil
	}
	l, err := p.cfg.ListenTCP(addr)
	if err != nil {
		return nil, fmt.Errorf("listen tcp %s: %w", addr, err)
	}
	go p.serveTCP(rt, l, port)
	return l, nil
}

func (p *Proxy) serveTCP(rt *route, l net.Listener, port clusterstate.Port) {
	var wait time.Duration
	for {
		c, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Out of file descriptors, or a connection gone before it was
			// accepted: the listener lives on. Wait a little (more each time,
			// up to a second) so a full descriptor table can drain.
			wait = min(max(2*wait, 5*time.Millisecond), time.Second)
			p.log.Warn("accept failed; retrying", "route", rt.id, "err", err, "in", wait)
			time.Sleep(wait)
			continue
		}
		wait = 0
		go p.handleTCP(rt, c, port)
	}
}

func (p *Proxy) handleTCP(rt *route, c net.Conn, port clusterstate.Port) {
	defer c.Close()
	s := rt.settings.Load()
	src := addrOf(c.RemoteAddr())
	if !s.allowed(src) {
		rt.denied.Add(1)
		p.log.Info("connection denied by policy", "route", s.r.Name, "from", src, "port", port.Port)
		return
	}
	// A backend that refuses is marked down at once (the active check
	// brings it back) and the connection tries the next one.
	var up net.Conn
	for range max(len(s.backends), 1) {
		t, err := rt.target(s, port.Port, "tcp")
		if err != nil {
			p.log.Warn("connection dropped", "route", s.r.Name, "from", src, "err", err)
			return
		}
		_, intercepted := s.intercepts[portKey(port.Port, "tcp")]
		up, err = p.dial(rt, "tcp", s.dialAddr(t, port), intercepted)
		if err == nil {
			break
		}
		if localShortage(err) {
			// This host is out of descriptors or buffers: no fault of the
			// backend's, which must not be taken out for it.
			p.log.Warn("connection dropped", "route", s.r.Name, "from", src, "err", err)
			return
		}
		p.log.Warn("backend unreachable", "route", s.r.Name, "backend", t, "err", err)
		if intercepted {
			return
		}
		rt.health.Load().markDown(t)
	}
	if up == nil {
		return
	}
	defer up.Close()
	rt.accepted.Add(1)
	rt.active.Add(1)
	defer rt.active.Add(-1)
	// Two goroutines per connection: this one carries the answers.
	done := make(chan struct{})
	go func() { p.relay(up, c); close(done) }()
	p.relay(c, up)
	<-done
}

// localShortage says a dial failed for want of this host's resources
// (open files, kernel memory), not because of where it went.
func localShortage(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}

func addrOf(a net.Addr) netip.Addr {
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// udpConn is what a kernel UDP socket offers beyond net.PacketConn:
// reads and writes that name the peer without allocating.
type udpConn interface {
	ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error)
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

// serveUDP keeps one upstream socket per client address, so replies find
// their way back, and forgets it after UDPIdle without traffic. Flows are
// keyed by address and port, not by their text: on a kernel socket a
// datagram costs no allocation.
func (p *Proxy) serveUDP(rt *route, pc net.PacketConn, port clusterstate.Port) {
	type flow struct {
		up   net.Conn
		last atomic.Int64
	}
	fast, _ := pc.(udpConn)
	read := func(b []byte) (int, netip.AddrPort, net.Addr, error) {
		if fast != nil {
			n, ap, err := fast.ReadFromUDPAddrPort(b)
			return n, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil, err
		}
		n, from, err := pc.ReadFrom(b)
		if err != nil {
			return 0, netip.AddrPort{}, nil, err
		}
		ap, _ := netip.ParseAddrPort(from.String())
		return n, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), from, nil
	}
	var mu sync.Mutex
	flows := map[netip.AddrPort]*flow{}
	buf := make([]byte, 65535)
	for {
		n, key, from, err := read(buf)
		if err != nil {
			mu.Lock()
			for _, f := range flows {
				_ = f.up.Close()
			}
			mu.Unlock()
			return
		}
		mu.Lock()
		f := flows[key]
		mu.Unlock()
		if f == nil {
			s := rt.settings.Load()
			src := key.Addr()
			if !s.allowed(src) {
				rt.denied.Add(1)
				p.log.Info("datagram denied by policy", "route", s.r.Name, "from", src, "port", port.Port)
				continue
			}
			t, err := rt.target(s, port.Port, "udp")
			if err != nil {
				continue
			}
			_, intercepted := s.intercepts[portKey(port.Port, "udp")]
			up, err := p.dial(rt, "udp", s.dialAddr(t, port), intercepted)
			if err != nil {
				continue
			}
			f = &flow{up: up}
			rt.accepted.Add(1)
			mu.Lock()
			flows[key] = f
			mu.Unlock()
			go func(key netip.AddrPort, client net.Addr) {
				rb := make([]byte, 65535)
				for {
					_ = f.up.SetReadDeadline(time.Now().Add(p.cfg.UDPIdle))
					n, err := f.up.Read(rb)
					if err != nil {
						var ne net.Error
						if errors.As(err, &ne) && ne.Timeout() && time.Since(time.Unix(0, f.last.Load())) < p.cfg.UDPIdle {
							continue
						}
						mu.Lock()
						delete(flows, key)
						mu.Unlock()
						_ = f.up.Close()
						return
					}
					f.last.Store(time.Now().UnixNano())
					if fast != nil {
						_, _ = fast.WriteToUDPAddrPort(rb[:n], key)
					} else {
						_, _ = pc.WriteTo(rb[:n], client)
					}
				}
			}(key, from)
		}
		f.last.Store(time.Now().UnixNano())
		_, _ = f.up.Write(buf[:n])
	}
}

// checker probes backends and knows which are healthy. A backend's probes
// run on a timer, not on a goroutine of their own: a thousand routes idle
// between checks hold a thousand timers, not a thousand goroutine stacks.
type checker struct {
	mu      sync.Mutex
	down    map[string]bool
	timers  []*time.Timer
	stopped bool
	cancel  context.CancelFunc
	enabled bool
}

func startChecker(backends []string, h *clusterstate.Health, dial func(context.Context, string, string) (net.Conn, error), log *slog.Logger) *checker {
	c := &checker{down: map[string]bool{}}
	if h == nil || len(backends) == 0 {
		return c
	}
	interval, err1 := time.ParseDuration(h.Interval)
	timeout, err2 := time.ParseDuration(h.Timeout)
	if err1 != nil || err2 != nil || interval <= 0 || timeout <= 0 {
		log.Warn("health check ignored: bad interval or timeout", "interval", h.Interval, "timeout", h.Timeout)
		return c
	}
	up, downN := max(h.Healthy, 1), max(h.Unhealthy, 1)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.enabled = cancel, true
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, b := range backends {
		// One probe at a time per backend: the next is armed when this one
		// is done, so the runs (and okRun, failRun) never overlap.
		okRun, failRun := 0, 0
		check := func() {
			ok := probe(ctx, dial, h, b, timeout)
			if ok {
				okRun, failRun = okRun+1, 0
			} else {
				okRun, failRun = 0, failRun+1
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			was := c.down[b]
			if !was && failRun >= downN {
				c.down[b] = true
				log.Warn("backend unhealthy", "backend", b)
			} else if was && okRun >= up {
				c.down[b] = false
				log.Info("backend healthy again", "backend", b)
			}
			if !c.stopped {
				c.timers[i].Reset(interval)
			}
		}
		// Armed under c.mu, so check finds its own timer in c.timers.
		c.timers = append(c.timers, time.AfterFunc(0, check))
	}
	return c
}

// markDown takes a backend out until a probe finds it healthy again (or,
// without active checks, until the route changes).
func (c *checker) markDown(backend string) {
	c.mu.Lock()
	c.down[backend] = true
	c.mu.Unlock()
}

func (c *checker) stop() {
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	for _, t := range c.timers {
		t.Stop()
	}
}

// healthy filters backends to the ones not marked down, in order.
func (c *checker) healthy(backends []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(backends))
	for _, b := range backends {
		if !c.down[b] {
			out = append(out, b)
		}
	}
	return out
}

// dial connects to where a new connection goes: an intercepting device's
// mesh address as it is, a backend only through dialBackend's checks.
func (p *Proxy) dial(rt *route, network, addr string, intercepted bool) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.DialTimeout)
	defer cancel()
	if intercepted {
		return p.cfg.Dial(ctx, network, addr)
	}
	return p.dialBackend(ctx, rt, network, addr)
}

// ErrBackendRefused is the error of a dial to a backend at an address the
// proxy refuses.
var ErrBackendRefused = errors.New("backend refused")

// dialBackend resolves a backend, keeps the addresses it may reach and
// dials those, in order, by address. A backend whose name resolves only to
// refused addresses is never dialled: a name of the app owner's choosing
// must not lead the proxy to its own host, a metadata service or weft's
// gateways, which the API cannot see when it accepts the name.
func (p *Proxy) dialBackend(ctx context.Context, rt *route, network, backend string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(backend)
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w", backend, err)
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = p.cfg.Resolve(ctx, host); err != nil {
		return nil, fmt.Errorf("resolve backend %s: %w", host, err)
	}
	var why string
	var lastErr error
	for _, a := range addrs {
		if w := p.refuses(a); w != "" {
			why = fmt.Sprintf("%s is %s", a, w)
			continue
		}
		c, err := p.cfg.Dial(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return c, nil
		}
		lastErr = err
	}
	if lastErr != nil {
		return nil, lastErr
	}
	if why == "" {
		return nil, fmt.Errorf("resolve backend %s: no address", host)
	}
	rt.refused.Add(1)
	p.log.Warn("backend refused, not dialled", "route", rt.settings.Load().r.Name, "backend", backend, "why", why,
		"hint", "weft-agent --allow-backend CIDR permits it")
	return nil, fmt.Errorf("backend %s: %s: %w", backend, why, ErrBackendRefused)
}

// refuses says why the proxy must not dial a ("" when it may).
func (p *Proxy) refuses(a netip.Addr) string {
	a = a.Unmap()
	for _, pf := range p.cfg.Allow {
		if pf.Contains(a) {
			return ""
		}
	}
	return validate.UnsafeBackend(a)
}

func probe(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), h *clusterstate.Health, backend string, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(ctx, "tcp", backend)
	if err != nil {
		return false
	}
	defer conn.Close()
	if h.Kind != "http" {
		return true
	}
	path := h.Path
	if path == "" {
		path = "/"
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, backend); err != nil {
		return false
	}
	status := make([]byte, 12)
	if _, err := io.ReadFull(conn, status); err != nil {
		return false
	}
	// "HTTP/1.x 2xx"
	return status[9] == '2'
}
