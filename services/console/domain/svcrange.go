package domain

import (
	"maps"
	"net/netip"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// ServiceRange is the allocation state of one cluster's service range.
type ServiceRange struct {
	ClusterID string            `json:"clusterId"`
	CIDR      string            `json:"cidr"` // recorded by the first allocation
	Used      map[string]string `json:"used"` // ip → owner id
}

// EvolveServiceRange folds one event into a range. It never mutates the
// input's map.
func EvolveServiceRange(s ServiceRange, r event.Recorded) ServiceRange {
	switch e := r.Data.(type) {
	case ServiceIPAllocated:
		s.ClusterID, s.CIDR = e.ClusterID, e.CIDR
		s.Used = maps.Clone(s.Used)
		if s.Used == nil {
			s.Used = map[string]string{}
		}
		s.Used[e.IP] = e.OwnerID
	case ServiceIPReleased:
		s.Used = maps.Clone(s.Used)
		delete(s.Used, e.IP)
	}
	return s
}

// DecideAllocate hands the lowest free address of the range to owner. cidr
// is the cluster's range as infra created it; once recorded, the recorded
// one is used (a cluster's range never changes in its life). The network
// address, and for IPv4 ranges larger than /31 the broadcast address, are
// never handed out.
func DecideAllocate(s ServiceRange, clusterID, cidr, ownerKind, ownerID string) ([]any, error) {
	return DecideAllocateAvoiding(s, clusterID, cidr, ownerKind, ownerID, nil)
}

// DecideAllocateAvoiding is DecideAllocate that also passes over the
// addresses in avoid: those being handed out by allocations not stored yet.
func DecideAllocateAvoiding(s ServiceRange, clusterID, cidr, ownerKind, ownerID string, avoid map[string]bool) ([]any, error) {
	if s.CIDR != "" {
		cidr = s.CIDR
	}
	p, err := netip.ParsePrefix(cidr)
	if err != nil || p.Masked() != p {
		return nil, fault.WithKind(ErrRangeMismatch, &fault.Error{Code: fault.Internal, Msg: "cluster " + clusterID + " has no valid service range (" + cidr + ")"})
	}
	for ip, o := range s.Used {
		if o == ownerID {
			return nil, fault.WithKind(ErrExists, fault.Conflictf("%s %s already holds %s", ownerKind, ownerID, ip))
		}
	}
	first, last := p.Addr(), lastAddr(p)
	skipEdges := p.Addr().Is4() && p.Bits() < 31 || p.Addr().Is6() && p.Bits() < 127
	for a := first; ; a = a.Next() {
		edge := skipEdges && (a == first || (a == last && a.Is4()))
		if _, used := s.Used[a.String()]; !edge && !used && !avoid[a.String()] {
			return []any{ServiceIPAllocated{ClusterID: clusterID, CIDR: cidr, IP: a.String(), OwnerKind: ownerKind, OwnerID: ownerID}}, nil
		}
		if a == last {
			break
		}
	}
	return nil, fault.WithKind(ErrRangeExhausted, fault.Conflictf("service range %s of cluster %s has no free address", cidr, clusterID))
}

// DecideRelease frees ip if owner holds it; nothing otherwise.
func DecideRelease(s ServiceRange, ip, ownerID string) []any {
	if s.Used[ip] != ownerID || ownerID == "" {
		return nil
	}
	return []any{ServiceIPReleased{ClusterID: s.ClusterID, IP: ip, OwnerID: ownerID}}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
