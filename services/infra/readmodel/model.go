// Package readmodel is the infra projection: an in-memory Model of every
// team's network (addresses and service ranges in use), clusters and
// devices, fed in stream order by a projection.Runner; and Queries over it.
//
// Guarantees: every query is scoped to the caller's team (another team's
// resources are never returned and look like missing ones); a query given
// minSeq answers only after the model applied that sequence, waiting at most
// MaxWait, then fails with UNAVAILABLE. The model never holds enrolment
// secret hashes: enrolment checks the secret against the cluster aggregate
// in the log. A model rebuilt from the log snapshots to the same bytes as
// the live one (maps are serialised with sorted keys). Clusters and
// devices are kept by name as events are applied, so a page of either
// costs what the page holds (lists.go).
package readmodel

import (
	"strings"

	"encoding/json"
	"sync"
	"time"

	"weft.dev/events/event"
	accounts "weft.dev/services/accounts/domain"
	"weft.dev/services/infra/domain"
)

// Allocation is an address in use and who holds it.
type Allocation struct {
	IP        string `json:"ip"`
	OwnerKind string `json:"ownerKind"`
	OwnerID   string `json:"ownerId"`
}

// RangeAllocation is a service range in use and its cluster.
type RangeAllocation struct {
	CIDR      string `json:"cidr"`
	ClusterID string `json:"clusterId"`
}

// Network is a team's allocations, in address order.
type Network struct {
	Addresses []Allocation      `json:"addresses"`
	Ranges    []RangeAllocation `json:"ranges"`
}

// Cluster is a cluster as users see it.
type Cluster struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	GatewayIP    string     `json:"gatewayIp"`
	ServiceRange string     `json:"serviceRange"`
	Enrolled     bool       `json:"enrolled"`
	EnrolledAt   *time.Time `json:"enrolledAt,omitempty"` // the latest enrolment
	PublicKey    string     `json:"publicKey,omitempty"`
	Endpoint     string     `json:"endpoint,omitempty"`
	CreatedBy    string     `json:"createdBy"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
	Seq          uint64     `json:"seq"` // stream sequence of its last event
	// The agent as the message office last recorded it.
	Online          bool       `json:"online,omitempty"`
	AppliedSeq      uint64     `json:"appliedSeq,omitempty"`
	AgentReportedAt *time.Time `json:"agentReportedAt,omitempty"`
	// Kubernetes is the API server version its agent reported in
	// Kubernetes mode; empty when it does not run in it.
	Kubernetes string `json:"kubernetes,omitempty"`
}

// Device is a device or workspace as users see it.
type Device struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Kind      domain.DeviceKind `json:"kind"`
	Owner     string            `json:"owner"`
	PublicKey string            `json:"publicKey"`
	IP        string            `json:"ip"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
	Seq       uint64            `json:"seq"`
}

type teamData struct {
	Addresses map[string]Allocation `json:"addresses"` // by ip
	Ranges    map[string]string     `json:"ranges"`    // cidr → cluster id
	Clusters  map[string]Cluster    `json:"clusters"`  // by id
	Devices   map[string]Device     `json:"devices"`   // by id

	// lists keep clusters and devices in list order (lists.go); not part
	// of a snapshot.
	lists *lists
}

func newTeam() *teamData {
	return &teamData{
		Addresses: map[string]Allocation{}, Ranges: map[string]string{},
		Clusters: map[string]Cluster{}, Devices: map[string]Device{},
		lists: newLists(),
	}
}

// Model is the infra read model. Safe for concurrent queries while one
// goroutine applies events.
type Model struct {
	mu    sync.RWMutex
	teams map[string]*teamData
}

// New returns an empty model.
func New() *Model { return &Model{teams: map[string]*teamData{}} }

func (m *Model) team(name string) *teamData {
	t, ok := m.teams[name]
	if !ok {
		t = newTeam()
		m.teams[name] = t
	}
	return t
}

// Handles tells the projection runner which events to decode: infra's own.
func (m *Model) Handles(eventType string) bool {
	return strings.HasPrefix(eventType, "infra.") || eventType == "accounts.team.deleted"
}

// Apply folds one event in; events of other services are ignored.
func (m *Model) Apply(r event.Recorded) error {
	switch r.Data.(type) {
	case domain.AddressAllocated, domain.AddressReleased, domain.RangeAllocated, domain.RangeReleased,
		domain.ClusterCreated, domain.ClusterEnrolmentSecretRotated, domain.ClusterEnrolled,
		domain.ClusterGatewayReported, domain.ClusterDeleted, domain.ClusterAgentReported, domain.ClusterAgentApplied,
		domain.ClusterKubernetesReported, domain.DeviceCreated, domain.DeviceKeyRotated, domain.DeviceDeleted,
		accounts.TeamDeleted:
	default:
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := r.Data.(accounts.TeamDeleted); ok {
		// A deleted team's clusters, devices and addresses are nobody's
		// to list: the model forgets them (the log keeps them).
		delete(m.teams, r.Team)
		return nil
	}
	t := m.team(r.Team)
	switch e := r.Data.(type) {
	case domain.AddressAllocated:
		t.Addresses[e.IP] = Allocation{IP: e.IP, OwnerKind: e.OwnerKind, OwnerID: e.OwnerID}
	case domain.AddressReleased:
		if t.Addresses[e.IP].OwnerID == e.OwnerID {
			delete(t.Addresses, e.IP)
		}
	case domain.RangeAllocated:
		t.Ranges[e.CIDR] = e.ClusterID
	case domain.RangeReleased:
		if t.Ranges[e.CIDR] == e.ClusterID {
			delete(t.Ranges, e.CIDR)
		}
	case domain.ClusterCreated:
		t.Clusters[e.ID] = Cluster{
			ID: e.ID, Name: e.Name, GatewayIP: e.GatewayIP, ServiceRange: e.ServiceRange,
			CreatedBy: r.Actor, CreatedAt: r.Time, UpdatedAt: r.Time, Seq: r.Seq,
		}
		t.indexCluster(e.ID)
	case domain.ClusterEnrolmentSecretRotated:
		m.updateCluster(t, e.ID, r, func(*Cluster) {})
	case domain.ClusterEnrolled:
		m.updateCluster(t, e.ID, r, func(c *Cluster) {
			at := r.Time
			c.Enrolled, c.EnrolledAt = true, &at
		})
	case domain.ClusterAgentReported:
		at := r.Time
		m.updateCluster(t, e.ID, r, func(c *Cluster) { c.Online, c.AppliedSeq, c.AgentReportedAt = e.Online, e.AppliedSeq, &at })
	case domain.ClusterAgentApplied:
		at := r.Time
		m.updateCluster(t, e.ID, r, func(c *Cluster) { c.AppliedSeq, c.AgentReportedAt = e.AppliedSeq, &at })
	case domain.ClusterGatewayReported:
		m.updateCluster(t, e.ID, r, func(c *Cluster) { c.PublicKey, c.Endpoint = e.PublicKey, e.Endpoint })
	case domain.ClusterKubernetesReported:
		m.updateCluster(t, e.ID, r, func(c *Cluster) { c.Kubernetes = e.Version })
	case domain.ClusterDeleted:
		delete(t.Clusters, e.ID)
		t.indexCluster(e.ID)
	case domain.DeviceCreated:
		t.Devices[e.ID] = Device{
			ID: e.ID, Name: e.Name, Kind: e.Kind, Owner: e.Owner, PublicKey: e.PublicKey, IP: e.IP,
			CreatedAt: r.Time, UpdatedAt: r.Time, Seq: r.Seq,
		}
		t.indexDevice(e.ID)
	case domain.DeviceKeyRotated:
		if d, ok := t.Devices[e.ID]; ok {
			d.PublicKey, d.UpdatedAt, d.Seq = e.PublicKey, r.Time, r.Seq
			t.Devices[e.ID] = d
		}
	case domain.DeviceDeleted:
		delete(t.Devices, e.ID)
		t.indexDevice(e.ID)
	}
	return nil
}

func (m *Model) updateCluster(t *teamData, id string, r event.Recorded, fn func(*Cluster)) {
	c, ok := t.Clusters[id]
	if !ok {
		return
	}
	fn(&c)
	c.UpdatedAt, c.Seq = r.Time, r.Seq
	t.Clusters[id] = c
	t.indexCluster(id) // enrolled moves it between the filter's lists
}

// Snapshot serialises the model; equal models give equal bytes.
func (m *Model) Snapshot() ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return json.Marshal(m.teams)
}

// Restore replaces the model with a snapshot.
func (m *Model) Restore(b []byte) error {
	teams := map[string]*teamData{}
	if err := json.Unmarshal(b, &teams); err != nil {
		return err
	}
	for _, t := range teams {
		fresh := newTeam()
		if t.Addresses == nil {
			t.Addresses = fresh.Addresses
		}
		if t.Ranges == nil {
			t.Ranges = fresh.Ranges
		}
		if t.Clusters == nil {
			t.Clusters = fresh.Clusters
		}
		if t.Devices == nil {
			t.Devices = fresh.Devices
		}
		t.reindex()
	}
	m.mu.Lock()
	m.teams = teams
	m.mu.Unlock()
	return nil
}

// Resource returns a cluster, device or the team network as the model shows
// it, for as-of queries.
func (m *Model) Resource(team string, agg event.AggregateRef) (any, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.teams[team]
	if !ok {
		return nil, false
	}
	switch agg.Type {
	case domain.ClusterAggregate:
		c, ok := t.Clusters[agg.ID]
		return c, ok
	case domain.DeviceAggregate:
		d, ok := t.Devices[agg.ID]
		return d, ok
	case domain.NetworkAggregate:
		if agg.ID != domain.NetworkID {
			return nil, false
		}
		return t.network(), true
	}
	return nil, false
}

func (t *teamData) network() Network {
	n := Network{Addresses: make([]Allocation, 0, len(t.Addresses)), Ranges: make([]RangeAllocation, 0, len(t.Ranges))}
	for _, a := range t.Addresses {
		n.Addresses = append(n.Addresses, a)
	}
	for cidr, id := range t.Ranges {
		n.Ranges = append(n.Ranges, RangeAllocation{CIDR: cidr, ClusterID: id})
	}
	sortByAddr(n.Addresses, func(a Allocation) string { return a.IP })
	sortByAddr(n.Ranges, func(r RangeAllocation) string { return r.CIDR })
	return n
}
