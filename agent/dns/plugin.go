package dns

import (
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"
	"github.com/miekg/dns"
)

type handler struct {
	table *Table
	zones []string
	next  plugin.Handler
}

func (h *handler) Name() string { return PluginName }

// ServeDNS answers A queries for the table's names, SRV queries for their
// ports (_80._tcp.<name>, _http._tcp.<name>) and PTR queries for their
// addresses. Inside its zones a name the table lacks is NXDOMAIN (with the
// zone's SOA), a known name asked for another type is NODATA; names outside
// go to the next plugin.
func (h *handler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	if state.QType() == dns.TypePTR {
		if a, ok := reverseAddr(qname); ok {
			if name, ok := h.table.Reverse(a); ok {
				m := new(dns.Msg)
				m.SetReply(r)
				m.Authoritative = true
				m.Answer = []dns.RR{&dns.PTR{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: h.table.ttlOf(name)}, Ptr: name}}
				if err := w.WriteMsg(m); err != nil {
					return dns.RcodeServerFailure, err
				}
				return dns.RcodeSuccess, nil
			}
		}
	}
	zone := plugin.Zones(h.zones).Matches(qname)
	if zone == "" {
		return plugin.NextOrFailure(h.Name(), h.next, ctx, w, r)
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	addrs, ttl, ok := h.table.Lookup(qname)
	target, ports, isSRV := h.table.Services(qname)
	switch {
	case isSRV && state.QType() == dns.TypeSRV:
		targetAddrs, targetTTL, _ := h.table.Lookup(target)
		for _, p := range ports {
			m.Answer = append(m.Answer, &dns.SRV{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: targetTTL},
				Priority: 0, Weight: 100, Port: uint16(p.Port), Target: target})
		}
		for _, a := range targetAddrs {
			m.Extra = append(m.Extra, &dns.A{Hdr: dns.RR_Header{Name: target, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: targetTTL}, A: net.IP(a.AsSlice())})
		}
	case isSRV:
		m.Ns = []dns.RR{soa(zone)} // NODATA: the SRV name exists
	case qname == zone && state.QType() == dns.TypeSOA:
		m.Answer = []dns.RR{soa(zone)}
	case qname == zone && state.QType() == dns.TypeNS:
		m.Answer = []dns.RR{&dns.NS{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 300}, Ns: "ns." + zone}}
	case !ok && qname != zone:
		m.Rcode = dns.RcodeNameError
		m.Ns = []dns.RR{soa(zone)}
	case ok && state.QType() == dns.TypeA:
		for _, a := range addrs {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: net.IP(a.AsSlice())})
		}
	default:
		m.Ns = []dns.RR{soa(zone)} // NODATA
	}
	if err := w.WriteMsg(m); err != nil {
		return dns.RcodeServerFailure, err
	}
	return dns.RcodeSuccess, nil
}

func soa(zone string) dns.RR {
	return &dns.SOA{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 30},
		Ns: "ns." + zone, Mbox: "hostmaster." + zone, Serial: 1, Refresh: 3600, Retry: 600, Expire: 86400, Minttl: 30}
}

// reverseAddr reads an IPv4 in-addr.arpa name.
func reverseAddr(qname string) (netip.Addr, bool) {
	rest, ok := strings.CutSuffix(strings.ToLower(qname), ".in-addr.arpa.")
	if !ok {
		return netip.Addr{}, false
	}
	p := strings.Split(rest, ".")
	if len(p) != 4 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(p[3] + "." + p[2] + "." + p[1] + "." + p[0])
	return a, err == nil && a.Is4()
}
