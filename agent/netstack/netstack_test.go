package netstack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
)

// A listener holds its address only while open, and an address the gateway
// also holds outlives the listener: the proxy closing a route must not take
// the gateway's mesh address away.
func TestListenersHoldTheirAddressOnlyWhileOpen(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gw, svc := netip.MustParseAddr("100.64.0.1"), netip.MustParseAddr("100.64.1.7")
	if err := st.AddAddress(gw); err != nil {
		t.Fatal(err)
	}

	l1, err := st.ListenTCP(svc.String() + ":80")
	if err != nil {
		t.Fatal(err)
	}
	l2, err := st.ListenTCP(gw.String() + ":53")
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Addresses(); !slices.Contains(got, gw) || !slices.Contains(got, svc) {
		t.Fatalf("addresses with listeners open = %v", got)
	}

	// A connection between two local addresses stays inside the stack.
	go func() {
		c, err := l1.Accept()
		if err != nil {
			return
		}
		fmt.Fprintln(c, "hello")
		c.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := st.DialContext(ctx, "tcp", svc.String()+":80")
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || line != "hello\n" {
		t.Fatalf("read %q, %v", line, err)
	}

	l1.Close()
	// As a kernel listener's: an accept loop ends on net.ErrClosed and
	// retries anything else (gVisor's "endpoint is in invalid state" kept
	// the proxy's loop of a deleted route retrying every second for ever).
	if _, err := l1.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("accept on a closed listener: %v, want net.ErrClosed", err)
	}
	l1.Close() // a second close must not drop another holder's address
	l2.Close()
	if got := st.Addresses(); len(got) != 1 || got[0] != gw {
		t.Fatalf("addresses after listeners closed = %v, want only %s", got, gw)
	}
	st.RemoveAddress(gw)
	if got := st.Addresses(); len(got) != 0 {
		t.Fatalf("addresses after the gateway let go = %v", got)
	}
}

// Addresses the stack cannot serve are refused with the address named.
func TestNonIPv4AddressesAreRefused(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, addr := range []string{"[fd00::1]:80", "100.64.0.1", "name:80", "0.0.0.0:80", "224.0.0.1:80", "255.255.255.255:80"} {
		if l, err := st.ListenTCP(addr); err == nil {
			l.Close()
			t.Errorf("ListenTCP(%q) accepted", addr)
		}
	}
	if _, err := st.DialContext(context.Background(), "sctp", "100.64.0.1:80"); err == nil {
		t.Error("dial sctp accepted")
	}
	if len(st.Addresses()) != 0 {
		t.Errorf("refused calls left addresses %v", st.Addresses())
	}
}

// A served address gets its connections, a port beside it is refused as a
// closed port is, and after Close the address refuses too and is no longer
// held.
func TestAServedAddressGetsItsConnectionsAndOnlyWhileServed(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := netip.MustParseAddr("100.64.1.7")
	srv, err := st.ServeTCP(svc.String()+":80", func(c net.Conn) {
		defer c.Close()
		fmt.Fprintf(c, "hello from %s\n", c.LocalAddr())
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ServeTCP(svc.String()+":80", func(net.Conn) {}); err == nil {
		t.Fatal("a second ServeTCP on the same address was accepted")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ask := func(port string) (string, error) {
		c, err := st.DialContext(ctx, "tcp", svc.String()+":"+port)
		if err != nil {
			return "", err
		}
		defer c.Close()
		return bufio.NewReader(c).ReadString('\n')
	}
	if line, err := ask("80"); err != nil || line != "hello from 100.64.1.7:80\n" {
		t.Fatalf("served port: %q, %v", line, err)
	}
	if _, err := ask("81"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("a port nobody serves: %v, want connection refused", err)
	}
	srv.Close()
	srv.Close() // a second close must not drop another holder's address
	if got := st.Addresses(); len(got) != 0 {
		t.Fatalf("addresses after serving stopped = %v", got)
	}
	// The address is not local any more: give it back to the stack as a
	// local one for another port, and the old port refuses.
	other, err := st.ServeTCP(svc.String()+":81", func(c net.Conn) { c.Close() })
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := ask("80"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("a port no longer served: %v, want connection refused", err)
	}
}

// Serving a port costs an entry in a map, not a goroutine: a thousand
// routes on a rootless gateway were a thousand listeners, each with a
// goroutine blocked in Accept.
func TestServedPortsHoldNoGoroutines(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before := runtime.NumGoroutine()
	const n = 500
	for i := range n {
		c, err := st.ServeTCP(fmt.Sprintf("100.80.%d.%d:80", i/250, 1+i%250), func(c net.Conn) { c.Close() })
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	if got := runtime.NumGoroutine() - before; got > 5 {
		t.Fatalf("%d served ports hold %d goroutines", n, got)
	}
}

// A source that sends SYNs and never completes them holds at most
// maxHandshakesPerSource handshakes: its further SYNs are dropped while
// another source's connection is still served. A listener fell back to
// SYN cookies when its backlog was full; the forwarder holds a goroutine
// per handshake, so without the bound one device could take them all.
func TestOneSourcesHalfOpenConnectionsDoNotStallAnothers(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := netip.MustParseAddrPort("100.64.1.7:80")
	srv, err := st.ServeTCP(svc.String(), func(c net.Conn) {
		fmt.Fprintln(c, "hello")
		c.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// The tunnel's side: take what the stack sends (SYN-ACKs nobody
	// answers) as wireguard-go would.
	go func() {
		bufs, sizes := [][]byte{make([]byte, 2048)}, []int{0}
		for {
			if _, err := st.Read(bufs, sizes, 0); err != nil {
				return
			}
		}
	}()
	flood := netip.MustParseAddr("100.64.9.9")
	for port := range uint16(maxHandshakesPerSource + 44) {
		if _, err := st.Write([][]byte{syn(netip.AddrPortFrom(flood, 10000+port), svc)}, 0); err != nil {
			t.Fatal(err)
		}
	}
	st.hmu.Lock()
	held := st.bySource[tcpip.AddrFrom4(flood.As4())]
	st.hmu.Unlock()
	if held != maxHandshakesPerSource {
		t.Fatalf("one source holds %d handshakes; want %d", held, maxHandshakesPerSource)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := st.DialContext(ctx, "tcp", svc.String())
	if err != nil {
		t.Fatalf("another source's connection: %v", err)
	}
	defer c.Close()
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("another source's connection read %q, %v", line, err)
	}
}

// syn is a TCP SYN from src to dst in an IPv4 packet.
func syn(src, dst netip.AddrPort) []byte {
	b := make([]byte, header.IPv4MinimumSize+header.TCPMinimumSize)
	ip := header.IPv4(b)
	ip.Encode(&header.IPv4Fields{TotalLength: uint16(len(b)), TTL: 64, Protocol: uint8(header.TCPProtocolNumber),
		SrcAddr: tcpip.AddrFrom4(src.Addr().As4()), DstAddr: tcpip.AddrFrom4(dst.Addr().As4())})
	ip.SetChecksum(^ip.CalculateChecksum())
	tcp := header.TCP(b[header.IPv4MinimumSize:])
	tcp.Encode(&header.TCPFields{SrcPort: src.Port(), DstPort: dst.Port(), SeqNum: 1, DataOffset: header.TCPMinimumSize,
		Flags: header.TCPFlagSyn, WindowSize: 65535})
	sum := header.PseudoHeaderChecksum(header.TCPProtocolNumber, ip.SourceAddress(), ip.DestinationAddress(), header.TCPMinimumSize)
	tcp.SetChecksum(^tcp.CalculateChecksum(sum))
	return b
}

// A served connection's WaitRead returns once a Read would not block: when
// bytes come (and the Read then gets them) and when the peer ends its
// side (and the Read then gets io.EOF), not before. While it waits it
// holds no buffer; the proxy's relay takes one only after it.
func TestWaitReadReturnsWhenBytesOrTheEndCome(t *testing.T) {
	st, err := New(1420)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := make(chan net.Conn, 1)
	release := make(chan struct{})
	defer close(release)
	srv, err := st.ServeTCP("100.64.1.7:80", func(c net.Conn) {
		defer c.Close()
		got <- c
		<-release
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := st.DialContext(ctx, "tcp", "100.64.1.7:80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, ok := (<-got).(*Conn)
	if !ok {
		t.Fatal("ServeTCP handed over no *Conn")
	}
	waited := make(chan error, 1)
	wait := func() { go func() { waited <- sc.WaitRead() }() }
	still := func(what string) {
		t.Helper()
		select {
		case err := <-waited:
			t.Fatalf("WaitRead returned (%v) %s", err, what)
		case <-time.After(200 * time.Millisecond):
		}
	}
	returned := func(what string) {
		t.Helper()
		select {
		case err := <-waited:
			if err != nil {
				t.Fatalf("WaitRead %s: %v", what, err)
			}
		case <-ctx.Done():
			t.Fatalf("WaitRead did not return %s", what)
		}
	}
	wait()
	still("with nothing to read")
	if _, err := c.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	returned("when bytes came")
	_ = sc.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 8)
	if n, err := sc.Read(b); err != nil || string(b[:n]) != "hi" {
		t.Fatalf("read after WaitRead: %q, %v", b[:n], err)
	}
	wait()
	still("after the bytes were read")
	if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	returned("when the peer ended its side")
	if n, err := sc.Read(b); n != 0 || !errors.Is(err, io.EOF) {
		t.Fatalf("read after the end: %d, %v; want io.EOF", n, err)
	}
}
