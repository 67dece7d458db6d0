package platform

import (
	"fmt"
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

// CheckAdvertise refuses, at start, an address other hosts could not
// dial: an advertised URL (advertiseFlag's value) without a host, or with
// an unspecified one (0.0.0.0, ::), and a listener on every interface
// (listenFlag's value) with nothing advertised when this host has no
// address to stand for it. Agents would be handed it at enrolment and
// never reach weft-server.
func CheckAdvertise(listenFlag, listen, advertiseFlag, advertise string) error {
	return checkAdvertise(listenFlag, listen, advertiseFlag, advertise, HostAddress)
}

func checkAdvertise(listenFlag, listen, advertiseFlag, advertise string, host func() (netip.Addr, bool)) error {
	if advertise != "" {
		u, err := url.Parse(advertise)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("%s %q: not a URL like nats://weft.example.com:4222 or http://203.0.113.7:4000", advertiseFlag, advertise)
		}
		hp := u.Host
		if u.Port() == "" {
			hp = net.JoinHostPort(u.Hostname(), "0")
		}
		if Unspecified(hp) {
			return fmt.Errorf("%s %q: %s is every interface, which no other host can dial; advertise this host's name or address", advertiseFlag, advertise, u.Hostname())
		}
		return nil
	}
	if listen == "" || !Unspecified(listen) {
		return nil
	}
	if _, ok := host(); !ok {
		return fmt.Errorf("%s %s listens on every interface, but this host has no address other hosts could reach it at (no interface up with a global address): pass %s with the address or name they use", listenFlag, listen, advertiseFlag)
	}
	return nil
}
