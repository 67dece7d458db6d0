// Package dns serves a team's names: the CoreDNS plugin `weft`, which
// answers from a Table the agent keeps up to date, and an embedded CoreDNS
// server running it. Names look like <app>.<env>.<team>.weft.internal.
package dns

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"sync"

	"weft.dev/events/clusterstate"
)

// Table is the names the plugin answers, by resource id. Lookups take a
// read lock only; the agent's updates are rare next to queries.
type Table struct {
	mu     sync.RWMutex
	byName map[string][]netip.Addr // lower-case fqdn with the trailing dot
	byID   map[string]clusterstate.Record
	byAddr map[netip.Addr]string // for PTR: address → fqdn
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{byName: map[string][]netip.Addr{}, byID: map[string]clusterstate.Record{}, byAddr: map[netip.Addr]string{}}
}

func fqdn(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) + "." }

// UpsertRecord adds or replaces one resource's name; a new name for the
// same id replaces the old one.
func (t *Table) UpsertRecord(r clusterstate.Record) error {
	if r.ID == "" || r.Name == "" || len(r.Name) > 253 {
		return fmt.Errorf("dns record %q: need an id and a name of at most 253 characters", r.ID)
	}
	addrs := make([]netip.Addr, 0, len(r.IPs))
	for _, ip := range r.IPs {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			return fmt.Errorf("dns record %s: %q is not an IPv4 address", r.Name, ip)
		}
		addrs = append(addrs, a)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.byID[r.ID]; ok {
		t.forget(old)
	}
	t.byID[r.ID] = r
	t.byName[fqdn(r.Name)] = addrs
	for _, a := range addrs {
		t.byAddr[a] = fqdn(r.Name)
	}
	return nil
}

// forget drops a record's names. Lock held.
func (t *Table) forget(r clusterstate.Record) {
	delete(t.byName, fqdn(r.Name))
	for _, ip := range r.IPs {
		if a, err := netip.ParseAddr(ip); err == nil && t.byAddr[a] == fqdn(r.Name) {
			delete(t.byAddr, a)
		}
	}
}

// Reverse returns the name of an address, for PTR queries.
func (t *Table) Reverse(a netip.Addr) (string, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n, ok := t.byAddr[a]
	return n, ok
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

// Lookup returns the addresses of a fully qualified name (any case).
func (t *Table) Lookup(name string) ([]netip.Addr, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	a, ok := t.byName[fqdn(name)]
	return a, ok
}
