package proxy_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"weft.dev/agent/netstack"
	"weft.dev/agent/proxy"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// echoBackend answers each connection by sending back everything it reads,
// then ends its side when the client ends its own.
func echoBackend(t *testing.T) string {
	t.Helper()
	return echoBackendBuf(t, 32<<10)
}

// echoBackendBuf is echoBackend copying through a buffer of size bytes
// per connection.
func echoBackendBuf(t *testing.T, size int) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// Through a buffer: io.Copy from a socket to a socket
				// splices and holds a pipe of its own.
				_, _ = io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, make([]byte, size))
				_ = c.(*net.TCPConn).CloseWrite()
			}()
		}
	}()
	return l.Addr().String()
}

func proxied(t *testing.T, p *proxy.Proxy, backendAddr string) string {
	t.Helper()
	ip := "127.0.0.3"
	port := freePort(t, ip)
	if err := p.UpsertRoute(route("echo", ip, port, backendAddr)); err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort(ip, fmt.Sprint(port))
}

// 32 MiB sent through the proxy come back byte for byte, while the client
// is still writing (both directions move at once), and the client's end
// reaches the backend and the backend's end the client.
func TestBulkDataCrossesTheProxyBothWaysIntactAndEndsArePassedOn(t *testing.T) {
	p := newProxy(t)
	addr := proxied(t, p, echoBackend(t))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	data := make([]byte, 32<<20)
	_, _ = rand.Read(data)
	sent := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		sent <- err
	}()
	h := sha256.New()
	n, err := io.Copy(h, c) // ends only when the backend's end comes back
	if err != nil {
		t.Fatalf("reading the echo: %v after %d bytes", err, n)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if n != int64(len(data)) || !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatalf("echoed %d bytes of %d, equal %v", n, len(data), bytes.Equal(h.Sum(nil), want[:]))
	}
}

func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(fds)
}

// An idle proxied connection holds its two sockets and nothing more (no
// splice pipe, whose two descriptors each would double the proxy's share
// of a host's open files); a connection that moved data gives its pipe
// back.
func TestAnIdleConnectionHoldsOnlyItsSockets(t *testing.T) {
	p := newProxy(t)
	addr := proxied(t, p, echoBackend(t))
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	// One round trip first: the backend side is connected and data has
	// moved both ways through the proxy.
	echo := func(c net.Conn) {
		t.Helper()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatal(err)
		}
	}
	warm, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conns = append(conns, warm)
	echo(warm) // the proxy's pool may keep a pipe from here on
	before := openFiles(t)
	const n = 50
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		echo(c)
	}
	// Per connection, in this one process: the client's socket, the
	// proxy's two, the backend's one.
	if got := openFiles(t) - before; got > 4*n+4 {
		t.Fatalf("%d idle connections opened %d files (%.1f each); want 4 each", n, got, float64(got)/n)
	}
}

// errListener fails its first accepts as a process out of descriptors
// does, then accepts.
type errListener struct {
	net.Listener
	fail atomic.Int32
}

func (l *errListener) Accept() (net.Conn, error) {
	if l.fail.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// A listener that runs out of file descriptors keeps accepting once some
// are free again, instead of leaving the route without a listener.
func TestARouteKeepsAcceptingAfterRunningOutOfFileDescriptors(t *testing.T) {
	var el *errListener
	p := proxy.New(proxy.Config{Allow: loopback, ListenTCP: func(addr string) (net.Listener, error) {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		el = &errListener{Listener: l}
		el.fail.Store(3)
		return el, nil
	}})
	t.Cleanup(p.Close)
	addr := proxied(t, p, echoBackend(t))
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("after three failed accepts: %v", err)
	}
	if el.fail.Load() >= 0 {
		t.Fatal("the listener's failures were not met")
	}
}

// A route waiting between health checks holds a timer, not a goroutine:
// each route with a checked backend costs the one goroutine of its
// listener, whose accept loop has to block somewhere.
func TestHealthChecksBetweenProbesHoldNoGoroutines(t *testing.T) {
	p := newProxy(t)
	backendAddr := echoBackend(t)
	time.Sleep(50 * time.Millisecond)
	before := runtime.NumGoroutine()
	const n = 100
	for i := range n {
		r := route(fmt.Sprintf("r%d", i), "127.0.0.4", freePort(t, "127.0.0.4"), backendAddr)
		r.Health = &clusterstate.Health{Kind: "tcp", Interval: "1h", Timeout: "1s", Healthy: 1, Unhealthy: 1}
		if err := p.UpsertRoute(r); err != nil {
			t.Fatal(err)
		}
	}
	// The first probes run at once; wait for them to end.
	wait.ForEvery(t, 10*time.Second, 20*time.Millisecond, func() error {
		if got := runtime.NumGoroutine() - before; got > n+5 {
			return fmt.Errorf("%d routes with health checks hold %d goroutines; want about one each", n, got)
		}
		return nil
	})
}

// A dial that fails for want of this host's descriptors drops that one
// connection and leaves the backend in: before, the only backend was
// marked down and, with checks an hour apart, the app answered nothing
// for an hour after the host had descriptors again.
func TestRunningOutOfDescriptorsDoesNotTakeTheBackendOut(t *testing.T) {
	var dials atomic.Int32
	p := proxy.New(proxy.Config{Allow: loopback, Dial: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("socket", syscall.EMFILE)}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}})
	t.Cleanup(p.Close)
	addr := proxied(t, p, echoBackend(t))
	for i := range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		_, _ = c.Write([]byte("x"))
		b := make([]byte, 1)
		_, err = io.ReadFull(c, b)
		c.Close()
		if i == 0 && err == nil {
			t.Fatal("the connection whose dial failed was answered")
		}
		if i == 1 && err != nil {
			t.Fatalf("after one dial failed for want of descriptors: %v", err)
		}
	}
}

// onStack serves a route to an echo backend (on the host) on a userspace
// stack, as a rootless gateway does, and returns the stack and the
// route's address on it. The backend reads through a small buffer, so the
// heap these tests measure is the proxy's and the stack's.
func onStack(t *testing.T) (*netstack.Stack, string) {
	t.Helper()
	st, err := netstack.New(1420)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	backend := echoBackendBuf(t, 512)
	p := proxy.New(proxy.Config{Allow: loopback, ServeTCP: st.ServeTCP, ListenUDP: st.ListenUDP})
	t.Cleanup(p.Close)
	if err := p.UpsertRoute(route("echo", "100.80.0.1", 80, backend)); err != nil {
		t.Fatal(err)
	}
	return st, "100.80.0.1:80"
}

func heapAndStacks() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}

// An idle connection through a rootless gateway's proxy (the userspace
// stack's side, a kernel socket to the backend) holds no copy buffer:
// each direction held a 32 KiB buffer from the pool while blocked in
// Read, 64 KiB per idle connection (640 MiB at 10,000, weft-bench
// datapath). Measured here with both ends of each connection and the
// backend's in this process.
func TestAnIdleConnectionOnTheUserspaceStackHoldsNoCopyBuffer(t *testing.T) {
	st, addr := onStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	open := func() {
		t.Helper()
		c, err := st.DialContext(ctx, "tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Time{})
	}
	open() // the pools and the stack's own state are made
	before := heapAndStacks()
	const n = 200
	for range n {
		open()
	}
	per := float64(heapAndStacks()-before) / n / 1024
	t.Logf("%.1f KiB of heap and stacks per idle connection (both ends, the proxy's and the backend's)", per)
	if per > 48 {
		t.Fatalf("an idle connection through the userspace stack holds %.1f KiB; want under 48 (no 32 KiB copy buffers)", per)
	}
}

// 8 MiB sent through a rootless gateway's proxy come back byte for byte
// while the client is still writing, and each side's end reaches the
// other: the copy that takes its buffer only once there is something to
// read loses nothing and passes the end on.
func TestBulkDataCrossesTheUserspaceStacksProxyBothWaysIntact(t *testing.T) {
	st, addr := onStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := st.DialContext(ctx, "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	data := make([]byte, 8<<20)
	_, _ = rand.Read(data)
	sent := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(interface{ CloseWrite() error }).CloseWrite()
		}
		sent <- err
	}()
	h := sha256.New()
	n, err := io.Copy(h, c)
	if err != nil {
		t.Fatalf("reading the echo: %v after %d bytes", err, n)
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if n != int64(len(data)) || !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatalf("echoed %d bytes of %d, equal %v", n, len(data), bytes.Equal(h.Sum(nil), want[:]))
	}
}
