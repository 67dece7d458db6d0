package validate

import (
	"net"
	"net/netip"
	"strings"

	"weft.dev/kernel/fault"
)

// MeshNodes is the block of weft's own gateway and device addresses in
// every team's network (infra hands them out from it). A backend there
// would make an app's service IP an alias of a gateway's own ports (its
// NATS, DNS or WireGuard) or of a device.
var MeshNodes = netip.MustParsePrefix("100.64.0.0/12")

// Backends names what a backend may be, for the refusals below.
const backendsAllowed = "a backend must be a routable unicast address or DNS name (not loopback, unspecified, link-local, multicast, broadcast or weft's gateway and device addresses in 100.64.0.0/12)"

// UnsafeBackend says why a proxy must not forward to a, or "" when it may:
// its own host (loopback, unspecified), the link (link-local, which holds
// cloud metadata services at 169.254.169.254 and fe80::/10), many hosts
// (multicast, broadcast), or weft's own gateways and devices.
func UnsafeBackend(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "not an address"
	case a.IsLoopback():
		return "loopback"
	case a.IsUnspecified() || a.Is4() && a.As4()[0] == 0:
		return "unspecified" // 0.0.0.0/8 means this host too
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast():
		return "multicast"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "broadcast"
	case MeshNodes.Contains(a):
		return "a weft gateway or device address"
	}
	return ""
}

// unsafeNames are names that always mean the host itself or a cloud's
// metadata service, refused without resolving them (the agent checks what
// any other name resolves to when it dials).
var unsafeNames = []string{"localhost", "metadata.google.internal", "metadata", "instance-data"}

// Backend checks a backend "host:port" as HostPort does, and refuses
// addresses a proxy must not forward to (UnsafeBackend) and names that
// always mean one (localhost, a cloud's metadata service).
func Backend(field, s string) error {
	if err := HostPort(field, s); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(s)
	if a, err := netip.ParseAddr(host); err == nil {
		if why := UnsafeBackend(a); why != "" {
			return fault.Invalidf(field, "%q is %s; %s", s, why, backendsAllowed)
		}
		return nil
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	for _, n := range unsafeNames {
		if name == n || strings.HasSuffix(name, "."+n) && n == "localhost" {
			return fault.Invalidf(field, "%q names the host itself or a metadata service; %s", s, backendsAllowed)
		}
	}
	return nil
}
