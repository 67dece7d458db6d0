package wireguard

import (
	"errors"
	"net"
	"net/netip"
	"sync"

	"golang.zx2c4.com/wireguard/conn"
)

// udpBind is the rootless device's UDP socket: one datagram per read and
// per write, on one dual-stack socket.
//
// wireguard-go's default bind reads and writes 128 datagrams at a time on
// Linux, and the device keeps a 64 KiB buffer for every slot of every
// batch it reads (from each of the bind's two sockets and from the TUN
// side): 24 MiB of a rootless agent's heap, whatever its peers. The
// userspace network stack behind this device moves one packet at a time
// anyway, so a batch of one costs it little and the buffers 192 KiB.
type udpBind struct {
	mu sync.Mutex
	c  *net.UDPConn
}

var _ conn.Bind = (*udpBind)(nil)

// udpEndpoint is a peer's address.
type udpEndpoint netip.AddrPort

func (e udpEndpoint) ClearSrc()           {}
func (e udpEndpoint) SrcToString() string { return "" }
func (e udpEndpoint) DstToString() string { return netip.AddrPort(e).String() }
func (e udpEndpoint) DstIP() netip.Addr   { return netip.AddrPort(e).Addr() }
func (e udpEndpoint) SrcIP() netip.Addr   { return netip.Addr{} }
func (e udpEndpoint) DstToBytes() []byte {
	b, _ := netip.AddrPort(e).MarshalBinary()
	return b
}

func (b *udpBind) Open(port uint16) ([]conn.ReceiveFunc, uint16, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c != nil {
		return nil, 0, conn.ErrBindAlreadyOpen
	}
	c, err := net.ListenUDP("udp", &net.UDPAddr{Port: int(port)})
	if err != nil {
		return nil, 0, err
	}
	b.c = c
	recv := func(bufs [][]byte, sizes []int, eps []conn.Endpoint) (int, error) {
		n, from, err := c.ReadFromUDPAddrPort(bufs[0])
		if err != nil {
			return 0, err
		}
		sizes[0], eps[0] = n, udpEndpoint(netip.AddrPortFrom(from.Addr().Unmap(), from.Port()))
		return 1, nil
	}
	return []conn.ReceiveFunc{recv}, uint16(c.LocalAddr().(*net.UDPAddr).Port), nil
}

func (b *udpBind) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.c == nil {
		return nil
	}
	err := b.c.Close()
	b.c = nil
	return err
}

func (b *udpBind) SetMark(uint32) error { return nil }

func (b *udpBind) Send(bufs [][]byte, ep conn.Endpoint) error {
	b.mu.Lock()
	c := b.c
	b.mu.Unlock()
	if c == nil {
		return net.ErrClosed
	}
	e, ok := ep.(udpEndpoint)
	if !ok {
		return errors.New("wireguard: endpoint of another bind")
	}
	for _, buf := range bufs {
		if _, err := c.WriteToUDPAddrPort(buf, netip.AddrPort(e)); err != nil {
			return err
		}
	}
	return nil
}

func (b *udpBind) ParseEndpoint(s string) (conn.Endpoint, error) {
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		return nil, err
	}
	return udpEndpoint(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())), nil
}

func (b *udpBind) BatchSize() int { return 1 }
