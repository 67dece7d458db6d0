package messageoffice

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net"
	"sort"
	"strconv"

	"weft.dev/events/clusterstate"
	cd "weft.dev/services/console/domain"
)

// MeshPrefix is the whole weft mesh: every team network lives in it, and a
// policy source "all" means any address in it.
const MeshPrefix = "100.64.0.0/10"

// DefaultZone is the DNS zone names are served under.
const DefaultZone = "weft.internal"

// recordTTL is short: names move when resources are recreated.
const recordTTL = 30

// Desired is one cluster's desired state: the JSON value of every subject
// of its stream.
type Desired map[string][]byte

// DesiredState computes cluster's desired state from its team's topology.
// It is a pure function of the topology, so rebuilding the topology from
// the log gives the same streams.
func DesiredState(tm *Team, clusterID, zone string) (Desired, error) {
	shared, err := sharedEntries(tm, zone)
	if err != nil {
		return nil, err
	}
	own, err := ownEntries(tm, clusterID, zone)
	if err != nil {
		return nil, err
	}
	out := Desired{}
	for _, list := range [][]entry{own, shared} {
		for _, e := range list {
			if e.owner != clusterID {
				out[clusterstate.Subject(clusterID, e.kind, e.id)] = e.data
			}
		}
	}
	return out, nil
}

// entry is one subject's value without its cluster: most of a team's
// desired state (devices, names, the other gateways) is the same in every
// cluster's stream, so it is encoded and hashed once per change, not once
// per cluster.
type entry struct {
	kind, id string
	owner    string // a cluster that must not get it (a gateway is not its own peer)
	data     []byte
	sum      [32]byte
}

func newEntry(kind, id, owner string, v any) (entry, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return entry{}, fmt.Errorf("desired state: %s %s: %w", kind, id, err)
	}
	return entry{kind: kind, id: id, owner: owner, data: b, sum: sha256.Sum256(b)}, nil
}

// sharedEntries are what every cluster of the team gets: the gateways (but
// each not to itself), every device as a peer, and the whole team's names.
func sharedEntries(tm *Team, zone string) ([]entry, error) {
	out := make([]entry, 0, len(tm.Clusters)+2*len(tm.Devices)+len(tm.Workloads))
	add := func(kind, id, owner string, v any) error {
		e, err := newEntry(kind, id, owner, v)
		out = append(out, e)
		return err
	}
	// Peers: the team's other gateways (once their agents reported a key)
	// and every device.
	for _, o := range tm.Clusters {
		if o.PublicKey == "" {
			continue
		}
		if err := add(clusterstate.KindPeer, o.ID, o.ID, clusterstate.Peer{
			ID: o.ID, Kind: "gateway", Name: o.Name, PublicKey: o.PublicKey,
			AllowedIPs: []string{o.GatewayIP + "/32", o.ServiceRange}, Endpoint: o.Endpoint, Keepalive: 25,
		}); err != nil {
			return nil, err
		}
	}
	for _, d := range tm.Devices {
		if err := add(clusterstate.KindPeer, d.ID, "", clusterstate.Peer{
			ID: d.ID, Kind: "device", Name: d.Name, PublicKey: d.PublicKey, AllowedIPs: []string{d.IP + "/32"},
		}); err != nil {
			return nil, err
		}
	}
	// DNS: the whole team's names, so every name resolves from anywhere.
	for _, r := range TeamRecords(tm, zone) {
		if err := add(clusterstate.KindDNS, r.ID, "", r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ownEntries are one cluster's own: its gateway's self and the routes of
// the apps and managed services homed there.
func ownEntries(tm *Team, clusterID, zone string) ([]entry, error) {
	c := tm.Clusters[clusterID]
	if c == nil {
		return nil, fmt.Errorf("desired state: no cluster %s in team %s", clusterID, tm.Slug)
	}
	self, err := newEntry(clusterstate.KindSelf, "", "", clusterstate.Self{
		ClusterID: c.ID, ClusterName: c.Name, Team: tm.Slug, Address: c.GatewayIP + "/32",
		ServiceRange: c.ServiceRange, MeshRoutes: []string{MeshPrefix}, Zone: zone,
	})
	if err != nil {
		return nil, err
	}
	out := []entry{self}
	for _, w := range tm.Workloads {
		if w.ClusterID != c.ID {
			continue
		}
		e, err := newEntry(clusterstate.KindRoute, w.ID, "", route(tm, w))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// TeamRecords are the team's DNS names: <app|service>.<env>.<team>.<zone>,
// <device>.<team>.<zone> and <cluster>.<team>.<zone>.
func TeamRecords(tm *Team, zone string) []clusterstate.Record {
	var out []clusterstate.Record
	for _, w := range tm.Workloads {
		env := tm.Envs[w.EnvID]
		if env == nil {
			continue
		}
		out = append(out, clusterstate.Record{ID: w.ID, Name: w.Name + "." + env.Name + "." + tm.Slug + "." + zone, IPs: []string{w.ServiceIP}, TTL: recordTTL, Ports: ports(w)})
	}
	for _, d := range tm.Devices {
		out = append(out, clusterstate.Record{ID: d.ID, Name: d.Name + "." + tm.Slug + "." + zone, IPs: []string{d.IP}, TTL: recordTTL})
	}
	for _, o := range tm.Clusters {
		out = append(out, clusterstate.Record{ID: o.ID, Name: o.Name + "." + tm.Slug + "." + zone, IPs: []string{o.GatewayIP}, TTL: recordTTL})
	}
	return out
}

// ports are a workload's ports as the proxy and DNS see them: HTTP is TCP
// to the proxy, and named "http" for SRV.
func ports(w *Workload) []clusterstate.Port {
	var out []clusterstate.Port
	for _, p := range w.Spec.Ports {
		cp := clusterstate.Port{Port: p.Port, Protocol: string(p.Protocol)}
		if p.Protocol == cd.HTTP {
			cp.Name, cp.Protocol = "http", "tcp"
		}
		out = append(out, cp)
	}
	return out
}

func route(tm *Team, w *Workload) clusterstate.Route {
	r := clusterstate.Route{
		ID: w.ID, Kind: w.Kind, Name: w.Name, ServiceIP: w.ServiceIP,
		Backends: append([]string(nil), w.Spec.Backends...), Balance: string(w.Spec.LB),
	}
	if env := tm.Envs[w.EnvID]; env != nil {
		r.Env = env.Name
	}
	for _, p := range ports(w) {
		r.Ports = append(r.Ports, clusterstate.Port{Port: p.Port, Protocol: p.Protocol})
	}
	if h := w.Spec.Health; h.Type != "" {
		r.Health = &clusterstate.Health{
			Kind: h.Type, Path: h.Path,
			Interval: strconv.Itoa(h.IntervalSeconds) + "s", Timeout: strconv.Itoa(h.TimeoutSeconds) + "s",
			Unhealthy: h.UnhealthyThreshold, Healthy: h.HealthyThreshold,
		}
	}
	for _, ic := range tm.Intercepts {
		if ic.AppID != w.ID {
			continue
		}
		port := ic.TargetPort
		if port == 0 {
			port = ic.Port.Port
		}
		proto := string(ic.Port.Protocol)
		if ic.Port.Protocol == cd.HTTP {
			proto = "tcp"
		}
		r.Intercept = append(r.Intercept, clusterstate.Intercept{
			ID: ic.ID, Port: ic.Port.Port, Protocol: proto, Target: net.JoinHostPort(ic.TargetIP, strconv.Itoa(port)), DeviceID: ic.DeviceID,
		})
	}
	sort.Slice(r.Intercept, func(i, j int) bool { return r.Intercept[i].Port < r.Intercept[j].Port })
	for _, p := range tm.Policies {
		if !targets(p.Rule, w) {
			continue
		}
		r.Access = append(r.Access, clusterstate.AccessRule{
			PolicyID: p.ID, Priority: p.Rule.Priority, Allow: p.Rule.Action == cd.Allow, From: sources(tm, p.Rule.Sources),
		})
	}
	// Highest priority first; ties broken by id so the value is stable.
	sort.Slice(r.Access, func(i, j int) bool {
		if r.Access[i].Priority != r.Access[j].Priority {
			return r.Access[i].Priority > r.Access[j].Priority
		}
		return r.Access[i].PolicyID < r.Access[j].PolicyID
	})
	return r
}

// targets reports whether a rule applies to connections to w.
func targets(rule cd.Rule, w *Workload) bool {
	for _, t := range rule.Targets {
		switch {
		case t.Kind == cd.SubjectAll,
			t.Kind == cd.SubjectApp && t.ID == w.ID,
			t.Kind == cd.SubjectEnv && t.ID == w.EnvID:
			return true
		}
	}
	return false
}

// sources resolves a rule's sources to the prefixes their traffic comes
// from, sorted and without duplicates.
func sources(tm *Team, subs []cd.Subject) []string {
	set := map[string]bool{}
	for _, s := range subs {
		switch s.Kind {
		case cd.SubjectAll:
			set[MeshPrefix] = true
		case cd.SubjectDevice:
			if d := tm.Devices[s.ID]; d != nil {
				set[d.IP+"/32"] = true
			}
		case cd.SubjectUser:
			for _, d := range tm.Devices {
				if d.Owner == s.ID {
					set[d.IP+"/32"] = true
				}
			}
		case cd.SubjectCluster:
			if c := tm.Clusters[s.ID]; c != nil {
				set[c.GatewayIP+"/32"] = true
				set[c.ServiceRange] = true
			}
		case cd.SubjectEnv:
			for _, w := range tm.Workloads {
				if w.EnvID == s.ID {
					set[w.ServiceIP+"/32"] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
