// Package readmodel is the console's projection: an in-memory Model of
// every team's environments, apps, managed services, intercepts, access
// policies and configs, plus the infra clusters and devices they refer to, fed in
// stream order by a projection.Runner; and Queries over it.
//
// Guarantees: every query is scoped to the caller's team (another team's
// resources are never returned, and look like missing ones); a query given
// minSeq answers only after the model applied that sequence, waiting at
// most MaxWait, then fails with UNAVAILABLE. A model rebuilt from the log
// snapshots to the same bytes as the live one (maps are serialised with
// sorted keys). Lists (environments, apps, services, configs, secrets,
// routers) are kept in their order as events are applied, so a page of
// one costs what the page holds, not what the team holds (lists.go).
//
// When a cluster is deleted its environments remain and show ClusterGone;
// when a device is deleted, intercepts pointing at it show DeviceGone.
package readmodel

import (
	"strings"

	"encoding/json"
	"sync"
	"time"

	"weft.dev/events/event"
	accounts "weft.dev/services/accounts/domain"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// Cluster is what the console knows of an infra cluster.
type Cluster struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ServiceRange string `json:"serviceRange"`
	Deleted      bool   `json:"deleted,omitempty"`
}

// Device is what the console knows of an infra device.
type Device struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
	IP    string `json:"ip"`
}

type meta struct {
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

type teamData struct {
	Clusters   map[string]Cluster      `json:"clusters"`
	Devices    map[string]Device       `json:"devices"`
	Envs       map[string]cd.Env       `json:"envs"`
	Apps       map[string]cd.App       `json:"apps"`
	Services   map[string]cd.Service   `json:"services"`
	Intercepts map[string]cd.Intercept `json:"intercepts"` // active and stopped
	Policies   map[string]cd.Policy    `json:"policies"`
	Routers    map[string]cd.Router    `json:"routers"`
	Configs    map[string]cd.Config    `json:"configs"`
	// Secrets hold key names and versions only: the model never keeps a
	// value, not even sealed.
	Secrets map[string]cd.Secret `json:"secrets"`
	Meta    map[string]meta      `json:"meta"` // by resource id

	// lists keep the maps' items in list order (lists.go); not part of
	// a snapshot.
	lists *lists
}

func newTeam() *teamData {
	return &teamData{
		Clusters: map[string]Cluster{}, Devices: map[string]Device{}, Envs: map[string]cd.Env{},
		Apps: map[string]cd.App{}, Services: map[string]cd.Service{}, Intercepts: map[string]cd.Intercept{},
		Policies: map[string]cd.Policy{}, Routers: map[string]cd.Router{}, Configs: map[string]cd.Config{}, Secrets: map[string]cd.Secret{}, Meta: map[string]meta{},
		lists: newLists(),
	}
}

// Model is the console read model. Safe for concurrent queries while one
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

// Handles tells the projection runner which events to decode: the
// console's own, and infra's cluster and device lifecycles it refers to.
func (m *Model) Handles(eventType string) bool {
	switch eventType {
	case "infra.cluster.created", "infra.cluster.deleted", "infra.device.created", "infra.device.deleted",
		"accounts.team.deleted":
		return true
	}
	// A cluster's service range is the commands' (they load it from the
	// log); the model shows each address on its app or service.
	return strings.HasPrefix(eventType, "console.") && !strings.HasPrefix(eventType, "console.svcrange.")
}

// Apply folds one event in; events of other services are ignored.
func (m *Model) Apply(r event.Recorded) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := r.Data.(type) {
	case accounts.TeamDeleted:
		// A deleted team's environments, apps, services, configs,
		// secrets and routers are nobody's to list: the model forgets
		// them (the log keeps them).
		delete(m.teams, r.Team)
	case infra.ClusterCreated:
		m.team(r.Team).Clusters[e.ID] = Cluster{ID: e.ID, Name: e.Name, ServiceRange: e.ServiceRange}
	case infra.ClusterDeleted:
		t := m.team(r.Team)
		c := t.Clusters[e.ID]
		c.ID, c.Deleted = e.ID, true
		if c.Name == "" {
			c.Name = e.Name
		}
		t.Clusters[e.ID] = c
	case infra.DeviceCreated:
		m.team(r.Team).Devices[e.ID] = Device{ID: e.ID, Name: e.Name, Owner: e.Owner, IP: e.IP}
	case infra.DeviceDeleted:
		delete(m.team(r.Team).Devices, e.ID)

	case cd.EnvCreated, cd.EnvDeleted, cd.EnvNamespaceReported:
		t := m.team(r.Team)
		id := r.Aggregate.ID
		before := t.Envs[id].Name
		v := cd.EvolveEnv(t.Envs[id], r)
		put(t, t.Envs, r, v, v.Deleted)
		t.indexEnv(id)
		if t.Envs[id].Name != before {
			t.indexEnvContents(id)
		}
	case cd.AppCreated, cd.AppUpdated, cd.AppDeleted, cd.AppInterceptAttached, cd.AppInterceptDetached:
		t := m.team(r.Team)
		v := cd.EvolveApp(t.Apps[r.Aggregate.ID], r)
		put(t, t.Apps, r, v, v.Deleted)
		t.indexApp(r.Aggregate.ID)
	case cd.AppRolloutReported:
		// A report is not a change of the app: its updatedAt stays.
		t := m.team(r.Team)
		if a, ok := t.Apps[r.Aggregate.ID]; ok {
			t.Apps[r.Aggregate.ID] = cd.EvolveApp(a, r)
			t.indexApp(r.Aggregate.ID) // moves nothing unless a report ever renames
		}
	case cd.RouterCreated, cd.RouterUpdated, cd.RouterDeleted:
		t := m.team(r.Team)
		v := cd.EvolveRouter(t.Routers[r.Aggregate.ID], r)
		put(t, t.Routers, r, v, v.Deleted)
		t.indexRouter(r.Aggregate.ID)
	case cd.RouterStatusReported:
		t := m.team(r.Team)
		if x, ok := t.Routers[r.Aggregate.ID]; ok {
			t.Routers[r.Aggregate.ID] = cd.EvolveRouter(x, r)
			t.indexRouter(r.Aggregate.ID)
		}
	case cd.ServiceStatusReported, cd.ServiceCredentialsReported:
		// A report is not a change of the service: its updatedAt stays.
		t := m.team(r.Team)
		if s, ok := t.Services[r.Aggregate.ID]; ok {
			t.Services[r.Aggregate.ID] = cd.EvolveService(s, r)
			t.indexService(r.Aggregate.ID)
		}
	case cd.ServiceCreated, cd.ServiceUpdated, cd.ServiceInstanceChanged, cd.ServiceKeyRekeyed, cd.ServiceDeleted:
		t := m.team(r.Team)
		v := cd.EvolveService(t.Services[r.Aggregate.ID], r)
		put(t, t.Services, r, v, v.Deleted)
		t.indexService(r.Aggregate.ID)
	case cd.InterceptStarted, cd.InterceptStopped:
		t := m.team(r.Team)
		v := cd.EvolveIntercept(t.Intercepts[r.Aggregate.ID], r)
		put(t, t.Intercepts, r, v, false) // stopped intercepts stay: history
		t.indexIntercept(r.Aggregate.ID)
	case cd.PolicyCreated, cd.PolicyUpdated, cd.PolicyDeleted:
		t := m.team(r.Team)
		v := cd.EvolvePolicy(t.Policies[r.Aggregate.ID], r)
		put(t, t.Policies, r, v, v.Deleted)
		t.indexPolicy(r.Aggregate.ID)
	case cd.ConfigCreated, cd.ConfigChanged, cd.ConfigDeleted:
		t := m.team(r.Team)
		v := cd.EvolveConfig(t.Configs[r.Aggregate.ID], r)
		put(t, t.Configs, r, v, v.Deleted)
		t.indexConfig(r.Aggregate.ID)
	case cd.SecretCreated, cd.SecretChanged, cd.SecretDeleted:
		t := m.team(r.Team)
		v := cd.EvolveSecret(t.Secrets[r.Aggregate.ID], r)
		for k := range v.Values {
			v.Values[k] = "" // keys only
		}
		put(t, t.Secrets, r, v, v.Deleted)
		t.indexSecret(r.Aggregate.ID)
	}
	return nil
}

// put stores v (or removes it when gone) and keeps its creation metadata.
func put[V any](t *teamData, into map[string]V, r event.Recorded, v V, gone bool) {
	id := r.Aggregate.ID
	if gone {
		delete(into, id)
		delete(t.Meta, id)
		return
	}
	into[id] = v
	md, ok := t.Meta[id]
	if !ok {
		md = meta{CreatedBy: r.Actor, CreatedAt: r.Time}
	}
	md.UpdatedAt = r.Time
	t.Meta[id] = md
}

// Snapshot serialises the model.
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
		fill(t)
		t.reindex()
	}
	m.mu.Lock()
	m.teams = teams
	m.mu.Unlock()
	return nil
}

// fill replaces maps a snapshot left null.
func fill(t *teamData) {
	n := newTeam()
	if t.Clusters == nil {
		t.Clusters = n.Clusters
	}
	if t.Devices == nil {
		t.Devices = n.Devices
	}
	if t.Envs == nil {
		t.Envs = n.Envs
	}
	if t.Apps == nil {
		t.Apps = n.Apps
	}
	if t.Services == nil {
		t.Services = n.Services
	}
	if t.Intercepts == nil {
		t.Intercepts = n.Intercepts
	}
	if t.Policies == nil {
		t.Policies = n.Policies
	}
	if t.Routers == nil {
		t.Routers = n.Routers
	}
	if t.Configs == nil {
		t.Configs = n.Configs
	}
	if t.Secrets == nil {
		t.Secrets = n.Secrets
	}
	if t.Meta == nil {
		t.Meta = n.Meta
	}
}

// Resource returns the view of one console resource (env, app, service,
// intercept or policy) in team, for as-of queries.
func (m *Model) Resource(teamName string, agg event.AggregateRef) (any, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.teams[teamName]
	if !ok {
		return nil, false
	}
	switch agg.Type {
	case cd.EnvAggregate:
		e, ok := t.Envs[agg.ID]
		if !ok {
			return nil, false
		}
		return t.envView(e), true
	case cd.AppAggregate:
		a, ok := t.Apps[agg.ID]
		if !ok {
			return nil, false
		}
		return t.appView(a), true
	case cd.ServiceAggregate:
		s, ok := t.Services[agg.ID]
		if !ok {
			return nil, false
		}
		return t.serviceView(s), true
	case cd.InterceptAggregate:
		i, ok := t.Intercepts[agg.ID]
		if !ok {
			return nil, false
		}
		return t.interceptView(i), true
	case cd.RouterAggregate:
		x, ok := t.Routers[agg.ID]
		if !ok {
			return nil, false
		}
		return t.routerView(x), true
	case cd.PolicyAggregate:
		p, ok := t.Policies[agg.ID]
		if !ok {
			return nil, false
		}
		return t.policyView(p), true
	case cd.ConfigAggregate:
		c, ok := t.Configs[agg.ID]
		if !ok {
			return nil, false
		}
		return t.configView(c), true
	case cd.SecretAggregate:
		s, ok := t.Secrets[agg.ID]
		if !ok {
			return nil, false
		}
		return t.secretView(s), true
	}
	return nil, false
}
