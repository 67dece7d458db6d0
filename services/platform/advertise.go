package platform

import (
	"net"
	"net/netip"
	"net/url"
)

// Unspecified reports whether hostport listens on every interface
// (0.0.0.0, ::, or no host at all).
func Unspecified(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsUnspecified()
}

// Reachable is hostport as another host dials it: an unspecified host
// (0.0.0.0, ::) becomes this host's address (HostAddress); any other is
// kept. Without a usable interface it stays as it was.
func Reachable(hostport string) string {
	if !Unspecified(hostport) {
		return hostport
	}
	_, port, _ := net.SplitHostPort(hostport)
	a, ok := HostAddress()
	if !ok {
		return hostport
	}
	return net.JoinHostPort(a.String(), port)
}

// ReachableURL is Reachable for the host of a URL (nats://0.0.0.0:4222).
func ReachableURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Host = Reachable(u.Host)
	return u.String()
}

// HostAddress is the address a listener on all interfaces is most likely
// reached at: the first global unicast IPv4 address of an interface that
// is up and not loopback, else such an IPv6 address. It is a guess (a host
// with several networks has several answers), which is why the banner
// says so and --http-advertise/--nats-advertise exist.
func HostAddress() (netip.Addr, bool) {
	ifs, err := net.Interfaces()
	if err != nil {
		return netip.Addr{}, false
	}
	var v6 netip.Addr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			p, err := netip.ParsePrefix(a.String())
			if err != nil || !p.Addr().IsGlobalUnicast() {
				continue
			}
			if p.Addr().Is4() {
				return p.Addr(), true
			}
			if !v6.IsValid() {
				v6 = p.Addr()
			}
		}
	}
	return v6, v6.IsValid()
}
