package converge

import (
	"sort"
	"sync"

	"weft.dev/events/clusterstate"
)

// Recorder is an applier that keeps the state it is given and programs
// nothing. The agent uses it where the real appliers are not available
// (dry runs, scale tests of the control plane); tests use it to see what
// the agent applied. It counts calls, so tests can prove diffs.
type Recorder struct {
	mu      sync.Mutex
	Self    clusterstate.Self
	Peers   map[string]clusterstate.Peer
	Routes  map[string]clusterstate.Route
	Records map[string]clusterstate.Record
	Calls   int // upserts and removals of any kind
	Gate    clusterstate.Gateway
}

// NewRecorder returns an empty recorder reporting gateway g.
func NewRecorder(g clusterstate.Gateway) *Recorder {
	return &Recorder{Peers: map[string]clusterstate.Peer{}, Routes: map[string]clusterstate.Route{}, Records: map[string]clusterstate.Record{}, Gate: g}
}

var (
	_ PeerApplier   = (*Recorder)(nil)
	_ PeerCounter   = (*Recorder)(nil)
	_ RouteCounter  = (*Recorder)(nil)
	_ RecordCounter = (*Recorder)(nil)
)

func (r *Recorder) lock() func() { r.mu.Lock(); return r.mu.Unlock }

// SetSelf records the interface settings.
func (r *Recorder) SetSelf(s clusterstate.Self) error {
	defer r.lock()()
	r.Self = s
	r.Calls++
	return nil
}

// UpsertPeer records a peer.
func (r *Recorder) UpsertPeer(p clusterstate.Peer) error {
	defer r.lock()()
	r.Peers[p.ID] = p
	r.Calls++
	return nil
}

// RemovePeer forgets a peer.
func (r *Recorder) RemovePeer(id string) error {
	defer r.lock()()
	delete(r.Peers, id)
	r.Calls++
	return nil
}

// PeersNow is a copy of the peers applied, safe to read while the agent runs.
func (r *Recorder) PeersNow() map[string]clusterstate.Peer {
	defer r.lock()()
	out := make(map[string]clusterstate.Peer, len(r.Peers))
	for k, v := range r.Peers {
		out[k] = v
	}
	return out
}

// PeerIDs lists the peers held.
func (r *Recorder) PeerIDs() []string { defer r.lock()(); return keys(r.Peers) }

// PeerCount is how many peers are held.
func (r *Recorder) PeerCount() int { defer r.lock()(); return len(r.Peers) }

// Gateway is the identity the recorder was given.
func (r *Recorder) Gateway() clusterstate.Gateway { return r.Gate }

// UpsertRoute records a route.
func (r *Recorder) UpsertRoute(rt clusterstate.Route) error {
	defer r.lock()()
	r.Routes[rt.ID] = rt
	r.Calls++
	return nil
}

// DeleteRoute forgets a route.
func (r *Recorder) DeleteRoute(id string) error {
	defer r.lock()()
	delete(r.Routes, id)
	r.Calls++
	return nil
}

// RouteIDs lists the routes held.
func (r *Recorder) RouteIDs() []string { defer r.lock()(); return keys(r.Routes) }

// RouteCount is how many routes are held.
func (r *Recorder) RouteCount() int { defer r.lock()(); return len(r.Routes) }

// UpsertRecord records a DNS record.
func (r *Recorder) UpsertRecord(rec clusterstate.Record) error {
	defer r.lock()()
	r.Records[rec.ID] = rec
	r.Calls++
	return nil
}

// DeleteRecord forgets a DNS record.
func (r *Recorder) DeleteRecord(id string) error {
	defer r.lock()()
	delete(r.Records, id)
	r.Calls++
	return nil
}

// RecordIDs lists the records held.
func (r *Recorder) RecordIDs() []string { defer r.lock()(); return keys(r.Records) }

// RecordCount is how many records are held.
func (r *Recorder) RecordCount() int { defer r.lock()(); return len(r.Records) }

// CallCount is the number of changes applied so far.
func (r *Recorder) CallCount() int { defer r.lock()(); return r.Calls }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Snapshot copies what the recorder holds.
func (r *Recorder) Snapshot() (clusterstate.Self, map[string]clusterstate.Peer, map[string]clusterstate.Route, map[string]clusterstate.Record) {
	defer r.lock()()
	p := make(map[string]clusterstate.Peer, len(r.Peers))
	for k, v := range r.Peers {
		p[k] = v
	}
	rt := make(map[string]clusterstate.Route, len(r.Routes))
	for k, v := range r.Routes {
		rt[k] = v
	}
	rc := make(map[string]clusterstate.Record, len(r.Records))
	for k, v := range r.Records {
		rc[k] = v
	}
	return r.Self, p, rt, rc
}
