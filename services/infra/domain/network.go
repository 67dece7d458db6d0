package domain

import (
	"net/netip"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// NodeBlock holds the /32s of gateways and devices (see the package doc).
var NodeBlock = netip.MustParsePrefix("100.64.0.0/12")

// serviceBlocks hold the clusters' service ranges, in the order they are
// used. A team's first 256 clusters take /20s of 100.80.0.0/12, as every
// cluster always has; the next 512 take /20s of 100.96.0.0/11. Appending
// keeps every range already handed out where it is.
var serviceBlocks = [...]netip.Prefix{
	netip.MustParsePrefix("100.80.0.0/12"),
	netip.MustParsePrefix("100.96.0.0/11"),
}

// ServiceBlocks returns the blocks service ranges come from, in order.
func ServiceBlocks() []netip.Prefix { return serviceBlocks[:] }

// ServiceRangeBits is the prefix length of a cluster's service range.
const ServiceRangeBits = 20

// MaxClusters is how many service ranges, so clusters, one team can hold.
const MaxClusters = 1<<(ServiceRangeBits-12) + 1<<(ServiceRangeBits-11)

// Owner kinds recorded in AddressAllocated.
const (
	OwnerCluster = "cluster"
	OwnerDevice  = "device"
)

// Holder is who holds an address.
type Holder struct {
	Kind string
	ID   string
}

// Network is a team's allocation state. Evolve updates its maps in place:
// start every fold from the zero Network.
type Network struct {
	Addresses map[netip.Addr]Holder     // in use → holder
	Ranges    map[netip.Prefix]string   // in use → cluster id
	ByOwner   map[string][]netip.Addr   // holder id → its addresses
	RangeOf   map[string][]netip.Prefix // cluster id → its ranges
}

// EvolveNetwork folds one event into n.
func EvolveNetwork(n Network, r event.Recorded) Network {
	if n.Addresses == nil {
		n = Network{
			Addresses: map[netip.Addr]Holder{}, Ranges: map[netip.Prefix]string{},
			ByOwner: map[string][]netip.Addr{}, RangeOf: map[string][]netip.Prefix{},
		}
	}
	switch e := r.Data.(type) {
	case AddressAllocated:
		if a, err := netip.ParseAddr(e.IP); err == nil {
			n.Addresses[a] = Holder{Kind: e.OwnerKind, ID: e.OwnerID}
			n.ByOwner[e.OwnerID] = append(n.ByOwner[e.OwnerID], a)
		}
	case AddressReleased:
		if a, err := netip.ParseAddr(e.IP); err == nil {
			delete(n.Addresses, a)
			n.ByOwner[e.OwnerID] = without(n.ByOwner[e.OwnerID], a)
			if len(n.ByOwner[e.OwnerID]) == 0 {
				delete(n.ByOwner, e.OwnerID)
			}
		}
	case RangeAllocated:
		if p, err := netip.ParsePrefix(e.CIDR); err == nil {
			n.Ranges[p] = e.ClusterID
			n.RangeOf[e.ClusterID] = append(n.RangeOf[e.ClusterID], p)
		}
	case RangeReleased:
		if p, err := netip.ParsePrefix(e.CIDR); err == nil {
			delete(n.Ranges, p)
			n.RangeOf[e.ClusterID] = without(n.RangeOf[e.ClusterID], p)
			if len(n.RangeOf[e.ClusterID]) == 0 {
				delete(n.RangeOf, e.ClusterID)
			}
		}
	}
	return n
}

func without[T comparable](s []T, v T) []T {
	out := s[:0:0]
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// usableNode reports whether a may be handed to a gateway or device.
func usableNode(a netip.Addr) bool {
	last := a.As4()[3]
	return NodeBlock.Contains(a) && last != 0 && last != 255
}

// NextAddress returns the lowest free node address, or false when the block
// is full.
func NextAddress(n Network) (netip.Addr, bool) {
	for a := NodeBlock.Addr(); NodeBlock.Contains(a); a = a.Next() {
		if !usableNode(a) {
			continue
		}
		if _, used := n.Addresses[a]; !used {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// NextRange returns the lowest free service range, or false when all are
// taken.
func NextRange(n Network) (netip.Prefix, bool) {
	step := uint32(1) << (32 - ServiceRangeBits)
	for _, block := range serviceBlocks {
		base := u32(block.Addr())
		count := uint32(1) << (ServiceRangeBits - block.Bits())
		for i := range count {
			p := netip.PrefixFrom(addr(base+i*step), ServiceRangeBits)
			if _, used := n.Ranges[p]; !used {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// DecideAllocateCluster hands a new cluster the lowest free gateway address
// and the lowest free service range.
func DecideAllocateCluster(n Network, clusterID string) ([]any, error) {
	if len(n.ByOwner[clusterID]) > 0 || len(n.RangeOf[clusterID]) > 0 {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("cluster %s already holds addresses", clusterID))
	}
	a, ok := NextAddress(n)
	if !ok {
		return nil, fault.WithKind(ErrAddressesFull, fault.Conflictf("the team network has no free address"))
	}
	p, ok := NextRange(n)
	if !ok {
		return nil, fault.WithKind(ErrRangesFull, fault.Conflictf("the team network has no free service range (at most %d clusters)", MaxClusters))
	}
	return []any{
		AddressAllocated{IP: a.String(), OwnerKind: OwnerCluster, OwnerID: clusterID},
		RangeAllocated{CIDR: p.String(), ClusterID: clusterID},
	}, nil
}

// DecideAllocateDevice hands a new device or workspace the lowest free
// address.
func DecideAllocateDevice(n Network, deviceID string) ([]any, error) {
	if len(n.ByOwner[deviceID]) > 0 {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("device %s already holds an address", deviceID))
	}
	a, ok := NextAddress(n)
	if !ok {
		return nil, fault.WithKind(ErrAddressesFull, fault.Conflictf("the team network has no free address"))
	}
	return []any{AddressAllocated{IP: a.String(), OwnerKind: OwnerDevice, OwnerID: deviceID}}, nil
}

// DecideRelease frees everything ownerID holds. It fails with
// ErrNotAllocated when the owner holds nothing (already deleted).
func DecideRelease(n Network, ownerID string) ([]any, error) {
	var out []any
	for _, a := range n.ByOwner[ownerID] {
		out = append(out, AddressReleased{IP: a.String(), OwnerID: ownerID})
	}
	for _, p := range n.RangeOf[ownerID] {
		out = append(out, RangeReleased{CIDR: p.String(), ClusterID: ownerID})
	}
	if len(out) == 0 {
		return nil, fault.WithKind(ErrNotAllocated, fault.NotFoundf("addresses of %s", ownerID))
	}
	return out, nil
}

// Allocated returns the address in events (as decided) for owner, and the
// range when there is one.
func Allocated(decided []any, owner string) (ip, cidr string) {
	for _, d := range decided {
		switch e := d.(type) {
		case AddressAllocated:
			if e.OwnerID == owner {
				ip = e.IP
			}
		case RangeAllocated:
			if e.ClusterID == owner {
				cidr = e.CIDR
			}
		}
	}
	return ip, cidr
}
