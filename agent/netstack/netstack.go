// Package netstack is a userspace IPv4 network for rootless WireGuard: on one
// side a tun.Device that wireguard-go reads and writes packets through, on
// the other Listen and Dial for the agent's proxy and the CLI, with no TUN
// device, no routes and no root. Unlike a fixed-address stack, addresses
// come and go at run time: the gateway's mesh address when the agent learns
// it, and each service IP while the proxy serves it.
//
// Connections to served addresses (ServeTCP) all go through one forwarder
// that dispatches by destination, so a thousand served ports cost a
// thousand map entries, not a thousand listening endpoints each with a
// goroutine blocked in Accept.
package netstack

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.zx2c4.com/wireguard/tun"
	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

const nic tcpip.NICID = 1

// A listening endpoint that met more handshakes than its backlog (4,096)
// answered with SYN cookies, holding nothing; the forwarder holds a
// goroutine for each handshake until it completes or times out. So the
// handshakes in flight are bounded, over the stack and from any one
// source address: a device sending SYNs and never completing them stalls
// its own new connections, not every device's. SYNs beyond either bound
// are dropped (the client sends them again).
const (
	maxHandshakes          = 4096
	maxHandshakesPerSource = 256
)

// Stack is one userspace network interface. It is the tun.Device handed to
// wireguard-go: packets the tunnel decrypts are written into the stack, and
// packets the stack sends are read by the tunnel.
type Stack struct {
	ep     *channel.Endpoint
	s      *stack.Stack
	mtu    int
	events chan tun.Event
	out    chan *buffer.View

	mu     sync.Mutex
	refs   map[netip.Addr]int // address → holders (the gateway, listeners)
	closed bool
	done   chan struct{}

	// served maps a destination to what handles its connections. It has
	// a lock of its own because the stack reads it while delivering a
	// packet, and st.mu is held while calling into the stack.
	smu    sync.RWMutex
	served map[netip.AddrPort]func(net.Conn)
	fwd    *tcp.Forwarder

	// handshakes in flight to served addresses, and how many per source.
	hmu        sync.Mutex
	handshakes map[stack.TransportEndpointID]struct{}
	bySource   map[tcpip.Address]int
}

// New returns a stack with no addresses; every destination routes into the
// tunnel.
func New(mtu int) (*Stack, error) {
	st := &Stack{
		ep: channel.New(1024, uint32(mtu), ""),
		s: stack.New(stack.Options{
			NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
			TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4},
			HandleLocal:        true,
		}),
		mtu:    mtu,
		events: make(chan tun.Event, 1),
		out:    make(chan *buffer.View, 256),
		refs:   map[netip.Addr]int{},
		done:   make(chan struct{}),
		served: map[netip.AddrPort]func(net.Conn){},

		handshakes: map[stack.TransportEndpointID]struct{}{},
		bySource:   map[tcpip.Address]int{},
	}
	st.fwd = tcp.NewForwarder(st.s, 0, maxHandshakes, st.forward)
	st.s.SetTransportProtocolHandler(tcp.ProtocolNumber, st.dispatchTCP)
	sack := tcpip.TCPSACKEnabled(true)
	if err := st.s.SetTransportProtocolOption(tcp.ProtocolNumber, &sack); err != nil {
		return nil, fmt.Errorf("netstack: tcp sack: %v", err)
	}
	st.ep.AddNotify(st)
	if err := st.s.CreateNIC(nic, st.ep); err != nil {
		return nil, fmt.Errorf("netstack: nic: %v", err)
	}
	st.s.AddRoute(tcpip.Route{Destination: header.IPv4EmptySubnet, NIC: nic})
	st.events <- tun.EventUp
	return st, nil
}

// AddAddress makes a local; each call needs one RemoveAddress.
func (st *Stack) AddAddress(a netip.Addr) error {
	if !a.Is4() {
		return fmt.Errorf("netstack: %s: only IPv4 addresses", a)
	}
	// Listening on every address needs none made local; a wildcard or
	// group address as a local one would make the stack answer for it.
	if a.IsUnspecified() || a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return fmt.Errorf("netstack: %s: not a unicast address", a)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed {
		return net.ErrClosed
	}
	if st.refs[a] == 0 {
		pa := tcpip.ProtocolAddress{Protocol: ipv4.ProtocolNumber, AddressWithPrefix: tcpip.AddrFrom4(a.As4()).WithPrefix()}
		if err := st.s.AddProtocolAddress(nic, pa, stack.AddressProperties{}); err != nil {
			return fmt.Errorf("netstack: add %s: %v", a, err)
		}
	}
	st.refs[a]++
	return nil
}

// RemoveAddress drops one hold on a; the last one removes it.
func (st *Stack) RemoveAddress(a netip.Addr) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.refs[a] == 0 {
		return
	}
	st.refs[a]--
	if st.refs[a] == 0 {
		delete(st.refs, a)
		_ = st.s.RemoveAddress(nic, tcpip.AddrFrom4(a.As4()))
	}
}

// Addresses are the local addresses now.
func (st *Stack) Addresses() []netip.Addr {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]netip.Addr, 0, len(st.refs))
	for a := range st.refs {
		out = append(out, a)
	}
	return out
}

func full(ap netip.AddrPort) tcpip.FullAddress {
	fa := tcpip.FullAddress{NIC: nic, Port: ap.Port()}
	if ap.Addr().IsValid() && !ap.Addr().IsUnspecified() {
		fa.Addr = tcpip.AddrFrom4(ap.Addr().As4())
	}
	return fa
}

func addrPort(network, addr string) (netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return ap, fmt.Errorf("netstack: %s address %q: %w", network, addr, err)
	}
	if !ap.Addr().Unmap().Is4() {
		return ap, fmt.Errorf("netstack: %s address %q: only IPv4", network, addr)
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
}

// heldListener releases its address hold when closed.
type heldListener struct {
	net.Listener
	release func()
	once    sync.Once
	closed  atomic.Bool
}

// Accept after Close fails with net.ErrClosed, as a kernel listener's
// does: gVisor's says "endpoint is in invalid state" (or "operation
// canceled"), and an accept loop that retries other errors (the proxy's)
// would retry it for ever.
func (l *heldListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && l.closed.Load() {
		return nil, fmt.Errorf("netstack: accept: %w", net.ErrClosed)
	}
	return c, err
}

func (l *heldListener) Close() error {
	l.closed.Store(true)
	err := l.Listener.Close()
	l.once.Do(l.release)
	return err
}

type heldPacketConn struct {
	net.PacketConn
	release func()
	once    sync.Once
}

func (c *heldPacketConn) Close() error {
	err := c.PacketConn.Close()
	c.once.Do(c.release)
	return err
}

// ListenTCP listens on ip:port, making ip local while the listener is open.
func (st *Stack) ListenTCP(addr string) (net.Listener, error) {
	ap, err := addrPort("tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := st.AddAddress(ap.Addr()); err != nil {
		return nil, err
	}
	l, err := gonet.ListenTCP(st.s, full(ap), ipv4.ProtocolNumber)
	if err != nil {
		st.RemoveAddress(ap.Addr())
		return nil, fmt.Errorf("netstack: listen tcp %s: %w", addr, err)
	}
	return &heldListener{Listener: l, release: func() { st.RemoveAddress(ap.Addr()) }}, nil
}

// ServeTCP hands every new connection to addr (ip:port) to handle, as a
// *Conn, on a goroutine of its own that ends when handle returns, until
// the returned Closer is closed; ip is local meanwhile. Closing stops new
// connections, not the ones handed over. A connection to a port nobody
// serves or listens on is reset, as the stack does for any closed port.
func (st *Stack) ServeTCP(addr string, handle func(net.Conn)) (io.Closer, error) {
	ap, err := addrPort("tcp", addr)
	if err != nil {
		return nil, err
	}
	if err := st.AddAddress(ap.Addr()); err != nil {
		return nil, err
	}
	st.smu.Lock()
	if st.served[ap] != nil {
		st.smu.Unlock()
		st.RemoveAddress(ap.Addr())
		return nil, fmt.Errorf("netstack: serve tcp %s: %w", addr, syscall.EADDRINUSE)
	}
	st.served[ap] = handle
	st.smu.Unlock()
	return &served{st: st, ap: ap}, nil
}

type served struct {
	st   *Stack
	ap   netip.AddrPort
	once sync.Once
}

func (s *served) Close() error {
	s.once.Do(func() {
		s.st.smu.Lock()
		delete(s.st.served, s.ap)
		s.st.smu.Unlock()
		s.st.RemoveAddress(s.ap.Addr())
	})
	return nil
}

func (st *Stack) handler(id stack.TransportEndpointID) func(net.Conn) {
	ap := netip.AddrPortFrom(netip.AddrFrom4(id.LocalAddress.As4()), id.LocalPort)
	st.smu.RLock()
	defer st.smu.RUnlock()
	return st.served[ap]
}

// dispatchTCP sees each TCP packet no endpoint took: those to a served
// address go to the forwarder (which takes SYNs), the rest to the stack's
// usual answer, a reset.
func (st *Stack) dispatchTCP(id stack.TransportEndpointID, pkt *stack.PacketBuffer) bool {
	if id.LocalAddress.Len() != 4 || st.handler(id) == nil {
		return false
	}
	ok, counted := st.admit(id, pkt)
	if !ok {
		return true // dropped
	}
	handled := st.fwd.HandlePacket(id, pkt)
	if counted && !handled {
		st.handshakeDone(id) // not a SYN the forwarder took (a bad checksum)
	}
	return handled
}

// admit counts a new handshake against the bounds; a SYN of one already
// counted (sent again) and any other segment pass uncounted.
func (st *Stack) admit(id stack.TransportEndpointID, pkt *stack.PacketBuffer) (ok, counted bool) {
	h := header.TCP(pkt.TransportHeader().Slice())
	if len(h) < header.TCPMinimumSize {
		return true, false
	}
	if f := h.Flags(); !f.Contains(header.TCPFlagSyn) || f.Contains(header.TCPFlagAck) {
		return true, false
	}
	st.hmu.Lock()
	defer st.hmu.Unlock()
	if _, ok := st.handshakes[id]; ok {
		return true, false
	}
	if len(st.handshakes) >= maxHandshakes || st.bySource[id.RemoteAddress] >= maxHandshakesPerSource {
		return false, false
	}
	st.handshakes[id] = struct{}{}
	st.bySource[id.RemoteAddress]++
	return true, true
}

func (st *Stack) handshakeDone(id stack.TransportEndpointID) {
	st.hmu.Lock()
	defer st.hmu.Unlock()
	if _, ok := st.handshakes[id]; !ok {
		return
	}
	delete(st.handshakes, id)
	if st.bySource[id.RemoteAddress]--; st.bySource[id.RemoteAddress] == 0 {
		delete(st.bySource, id.RemoteAddress)
	}
}

// forward completes the handshake of a connection to a served address and
// hands it over, on the goroutine the forwarder started for it.
func (st *Stack) forward(r *tcp.ForwarderRequest) {
	id := r.ID()
	handle := st.handler(id)
	if handle == nil {
		// Closed since the SYN came.
		r.Complete(true)
		st.handshakeDone(id)
		return
	}
	var wq waiter.Queue
	ep, err := r.CreateEndpoint(&wq)
	if err != nil {
		r.Complete(true)
		st.handshakeDone(id)
		return
	}
	r.Complete(false)
	st.handshakeDone(id)
	handle(&Conn{TCPConn: gonet.NewTCPConn(&wq, ep), wq: &wq, ep: ep})
}

// Conn is a connection handed over by ServeTCP. Beyond net.Conn it can
// wait for something to read without a buffer (WaitRead).
type Conn struct {
	*gonet.TCPConn
	wq *waiter.Queue
	ep tcpip.Endpoint
}

// WaitRead returns once a Read would not block: bytes have come, the peer
// ended its side, or the connection failed or was closed. It holds
// nothing while it waits, as a kernel socket's readiness costs nothing,
// so a relay can take its copy buffer only when there is something to
// copy: 10,000 idle connections then hold no buffers (package proxy's
// relay held two of 32 KiB each, 64 KiB per connection, for the
// connection's life). A read deadline does not end the wait; the Read
// after it honours the deadline.
func (c *Conn) WaitRead() error {
	if c.readable() {
		return nil
	}
	entry, ch := waiter.NewChannelEntry(waiter.ReadableEvents | waiter.EventHUp | waiter.EventErr)
	c.wq.EventRegister(&entry)
	defer c.wq.EventUnregister(&entry)
	for !c.readable() {
		<-ch
	}
	return nil
}

// readable peeks at the endpoint as Read would read it: anything but "it
// would block" (bytes, the end, an error) means Read returns now.
func (c *Conn) readable() bool {
	var b [1]byte
	w := tcpip.SliceWriter(b[:])
	_, err := c.ep.Read(&w, tcpip.ReadOptions{Peek: true})
	_, blocks := err.(*tcpip.ErrWouldBlock)
	return !blocks
}

// ListenUDP listens on ip:port, making ip local while the socket is open.
func (st *Stack) ListenUDP(addr string) (net.PacketConn, error) {
	ap, err := addrPort("udp", addr)
	if err != nil {
		return nil, err
	}
	if err := st.AddAddress(ap.Addr()); err != nil {
		return nil, err
	}
	fa := full(ap)
	c, err := gonet.DialUDP(st.s, &fa, nil, ipv4.ProtocolNumber)
	if err != nil {
		st.RemoveAddress(ap.Addr())
		return nil, fmt.Errorf("netstack: listen udp %s: %w", addr, err)
	}
	return &heldPacketConn{PacketConn: c, release: func() { st.RemoveAddress(ap.Addr()) }}, nil
}

// DialContext connects through the tunnel ("tcp" or "udp", ip:port).
func (st *Stack) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	ap, err := addrPort(network, addr)
	if err != nil {
		return nil, err
	}
	fa := full(ap)
	switch network {
	case "tcp", "tcp4":
		return gonet.DialContextTCP(ctx, st.s, fa, ipv4.ProtocolNumber)
	case "udp", "udp4":
		return gonet.DialUDP(st.s, nil, &fa, ipv4.ProtocolNumber)
	}
	return nil, fmt.Errorf("netstack: dial %s: unsupported network", network)
}

// The tun.Device side, for wireguard-go.

// Name is what wireguard-go logs.
func (st *Stack) Name() (string, error) { return "netstack", nil }

// File is nil: there is no kernel device.
func (st *Stack) File() *os.File { return nil }

// Events reports the device up once.
func (st *Stack) Events() <-chan tun.Event { return st.events }

// MTU is the stack's MTU.
func (st *Stack) MTU() (int, error) { return st.mtu, nil }

// BatchSize is one packet per read.
func (st *Stack) BatchSize() int { return 1 }

// Read hands wireguard-go the next packet the stack sends.
func (st *Stack) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	select {
	case v := <-st.out:
		n, err := v.Read(bufs[0][offset:])
		v.Release()
		if err != nil {
			return 0, err
		}
		sizes[0] = n
		return 1, nil
	case <-st.done:
		return 0, os.ErrClosed
	}
}

// Write delivers packets the tunnel decrypted into the stack.
func (st *Stack) Write(bufs [][]byte, offset int) (int, error) {
	for _, b := range bufs {
		pkt := b[offset:]
		if len(pkt) == 0 {
			continue
		}
		if pkt[0]>>4 != 4 {
			return 0, syscall.EAFNOSUPPORT
		}
		pb := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(pkt)})
		st.ep.InjectInbound(header.IPv4ProtocolNumber, pb)
		pb.DecRef()
	}
	return len(bufs), nil
}

// WriteNotify is the channel endpoint telling us the stack has a packet out.
func (st *Stack) WriteNotify() {
	pkt := st.ep.Read()
	if pkt == nil {
		return
	}
	v := pkt.ToView()
	pkt.DecRef()
	select {
	case st.out <- v:
	case <-st.done:
		v.Release()
	}
}

// Close shuts the stack; wireguard-go closes it when its device closes.
func (st *Stack) Close() error {
	st.mu.Lock()
	if st.closed {
		st.mu.Unlock()
		return nil
	}
	st.closed = true
	st.mu.Unlock()
	close(st.done)
	st.s.RemoveNIC(nic)
	st.s.Close()
	st.ep.Close()
	close(st.events)
	return nil
}
