// Package dns serves a team's names: the CoreDNS plugin `weft`, which
// answers from a Table the agent keeps up to date, and an embedded CoreDNS
// server running it. Names look like <app>.<env>.<team>.weft.internal.
package dns

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"weft.dev/events/clusterstate"
)

// Table is the names the plugin answers, by resource id. Lookups take a
// read lock only; the agent's updates are rare next to queries.
//
// Each record is one entry shared by every index, its name computed
// once: an agent holds every name of its team (10,000 at the scale
// weft is measured at), and keeping the record as it came, the name four
// times over and a map per address cost about twice as much.
type Table struct {
	mu     sync.RWMutex
	byName map[string]*entry // lower-case fqdn with the trailing dot
	byID   map[string]*entry
	byAddr map[netip.Addr][]*entry // for PTR
	// noReverse: PTR queries are not answered (weft-server's public DNS
	// unless its operator enables them).
	noReverse bool
}

// entry is one record: its name, what the name answers, the TTL it
// asks for, its SRV ports and who holds its addresses.
type entry struct {
	name  string // lower-case fqdn with the trailing dot
	addrs []netip.Addr
	ttl   uint32
	ports []clusterstate.Port
	owner string
}

// DefaultTTL is the TTL of a record that names none.
const DefaultTTL = 30

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{byName: map[string]*entry{}, byID: map[string]*entry{}, byAddr: map[netip.Addr][]*entry{}}
}

// SetReverse turns answers to PTR queries on (the default) or off. A table
// that serves every team's names to anyone (weft-server's public DNS) would
// otherwise list every team's names to whoever walks the address space.
func (t *Table) SetReverse(on bool) {
	t.mu.Lock()
	t.noReverse = !on
	t.mu.Unlock()
}

func fqdn(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) + "." }

// UpsertRecord adds or replaces one resource's name; a new name for the
// same id replaces the old one.
func (t *Table) UpsertRecord(r clusterstate.Record) error {
	if r.ID == "" || r.Name == "" || len(r.Name) > 253 {
		return fmt.Errorf("dns record %q: need an id and a name of at most 253 characters", r.ID)
	}
	e := &entry{name: fqdn(r.Name), addrs: make([]netip.Addr, 0, len(r.IPs)), ttl: DefaultTTL, owner: r.Owner}
	for _, ip := range r.IPs {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			return fmt.Errorf("dns record %s: %q is not an IPv4 address", r.Name, ip)
		}
		e.addrs = append(e.addrs, a)
	}
	for _, p := range r.Ports {
		if p.Port < 1 || p.Port > 65535 || (p.Protocol != "tcp" && p.Protocol != "udp") {
			return fmt.Errorf("dns record %s: port %d/%s is not a TCP or UDP port", r.Name, p.Port, p.Protocol)
		}
	}
	if len(r.Ports) > 0 {
		e.ports = r.Ports
	}
	if r.TTL > 0 {
		e.ttl = uint32(min(r.TTL, 86400))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.byID[r.ID]; ok {
		t.forget(old)
	}
	t.byID[r.ID] = e
	t.byName[e.name] = e
	for _, a := range e.addrs {
		// A name held twice at one address is one answer, as it was in a
		// map by name: the newer record's owner counts.
		t.byAddr[a] = append(slices.DeleteFunc(t.byAddr[a], func(o *entry) bool { return o.name == e.name }), e)
	}
	return nil
}

// forget drops a record's names. Lock held.
func (t *Table) forget(e *entry) {
	delete(t.byName, e.name)
	for _, a := range e.addrs {
		held := slices.DeleteFunc(t.byAddr[a], func(o *entry) bool { return o.name == e.name })
		if len(held) == 0 {
			delete(t.byAddr, a)
		} else {
			t.byAddr[a] = held
		}
	}
}

// Reverse returns the name of an address, for PTR queries: only when
// reverse answers are on and one owner (team) holds the address; of
// several names it holds, the first in order. An address two teams both
// use (each team's network is its own) has no one answer, and naming
// either would tell one team's names to the other's devices.
func (t *Table) Reverse(a netip.Addr) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.noReverse {
		return "", false
	}
	first, owner := "", ""
	for _, e := range t.byAddr[a] {
		if first != "" && e.owner != owner {
			return "", false
		}
		if first == "" || e.name < first {
			first = e.name
		}
		owner = e.owner
	}
	return first, first != ""
}

// DeleteRecord removes one resource's name.
func (t *Table) DeleteRecord(id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.byID[id]; ok {
		t.forget(old)
		delete(t.byID, id)
	}
	return nil
}

// RecordCount is how many resources have names.
func (t *Table) RecordCount() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.byID)
}

// RecordIDs lists the resources with names.
func (t *Table) RecordIDs() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]string, 0, len(t.byID))
	for id := range t.byID {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the addresses of a fully qualified name (any case) and
// the TTL its record asks for.
func (t *Table) Lookup(name string) ([]netip.Addr, uint32, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	e, ok := t.byName[fqdn(name)]
	if !ok {
		return nil, 0, false
	}
	return e.addrs, e.ttl, true
}

// ttlOf is the TTL of a known name, DefaultTTL for any other.
func (t *Table) ttlOf(name string) uint32 {
	if _, ttl, ok := t.Lookup(name); ok {
		return ttl
	}
	return DefaultTTL
}

// Services returns the ports an SRV name asks for: the name is
// _<service>._<protocol>.<record name>, where the service is a port number
// or a port's name. ok is false when the name is not an SRV name of a
// known record (NXDOMAIN); a known one may match no port (also NXDOMAIN:
// the owner name does not exist).
func (t *Table) Services(name string) (target string, ports []clusterstate.Port, ok bool) {
	labels := strings.SplitN(fqdn(name), ".", 3)
	if len(labels) < 3 || !strings.HasPrefix(labels[0], "_") || !strings.HasPrefix(labels[1], "_") {
		return "", nil, false
	}
	service, proto, target := labels[0][1:], labels[1][1:], labels[2]
	t.mu.RLock()
	defer t.mu.RUnlock()
	var held []clusterstate.Port
	if e := t.byName[target]; e != nil {
		held = e.ports
	}
	for _, p := range held {
		if p.Protocol == proto && (service == strconv.Itoa(p.Port) || (p.Name != "" && service == p.Name)) {
			ports = append(ports, p)
		}
	}
	return target, ports, len(ports) > 0
}
