package readmodel

import (
	"sort"
	"time"

	"weft.dev/events/clusterstate"
	cd "weft.dev/services/console/domain"
)

// Env is an environment as users see it.
type Env struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ClusterID   string    `json:"clusterId"`
	ClusterName string    `json:"clusterName"`
	ClusterGone bool      `json:"clusterGone"` // the cluster was deleted
	Apps        int       `json:"apps"`
	Services    int       `json:"services"`
	Configs     int       `json:"configs"`
	Secrets     int       `json:"secrets"`
	CreatedBy   string    `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	// Namespace is its Kubernetes namespace: the name weft gives it, and
	// what its cluster's agent last reported (nil: nothing yet).
	Namespace       string             `json:"namespace"`
	NamespaceReport *cd.NamespaceState `json:"namespaceReport,omitempty"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// App is an app as users see it.
type App struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	EnvID       string  `json:"envId"`
	EnvName     string  `json:"envName"`
	ClusterID   string  `json:"clusterId"`
	ClusterName string  `json:"clusterName"`
	ServiceIP   string  `json:"serviceIp"`
	Spec        cd.Spec `json:"spec"`
	// Workload or Export, if any; Generation is the sequence of the last
	// change of spec, Rollout the agent's last report.
	Workload   *cd.Workload   `json:"workload,omitempty"`
	Export     *cd.ServiceRef `json:"export,omitempty"`
	Generation uint64         `json:"generation"`
	Rollout    *cd.Rollout    `json:"rollout,omitempty"`
	Intercepts []Intercept    `json:"intercepts"` // active ones, by port
	CreatedBy  string         `json:"createdBy"`
	CreatedAt  time.Time      `json:"createdAt"`
	UpdatedAt  time.Time      `json:"updatedAt"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// Service is a managed service as users see it.
type Service struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Kind        cd.ServiceKind `json:"kind"`
	EnvID       string         `json:"envId"`
	EnvName     string         `json:"envName"`
	ClusterID   string         `json:"clusterId"`
	ClusterName string         `json:"clusterName"`
	ServiceIP   string         `json:"serviceIp"`
	Spec        cd.Spec        `json:"spec"`
	// Instance is set when its cluster runs it; Status is what its agent
	// last reported, and CredentialsReady whether the credentials it
	// generated are recorded (sealed).
	Instance         *Instance          `json:"instance,omitempty"`
	Status           *cd.InstanceStatus `json:"status,omitempty"`
	CredentialsReady bool               `json:"credentialsReady"`
	CreatedBy        string             `json:"createdBy"`
	CreatedAt        time.Time          `json:"createdAt"`
	UpdatedAt        time.Time          `json:"updatedAt"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// Instance is how a run service is run: never its keys.
type Instance struct {
	Version string `json:"version"`
	Storage string `json:"storage"`
}

// Intercept is an intercept as users see it.
type Intercept struct {
	cd.Intercept
	AppName    string `json:"appName"`
	EnvName    string `json:"envName"`
	DeviceName string `json:"deviceName"`
	DeviceGone bool   `json:"deviceGone"` // the target device was deleted
	Target     string `json:"target"`     // ip:port
}

// Policy is an access policy as users see it.
type Policy struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Rule      cd.Rule   `json:"rule"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Names are the names of the rule's subjects by id, as a person reads
	// them: a device's, a cluster's, an environment's, env/app for an
	// app. A deleted resource or a user (the accounts service knows
	// users) has none here.
	Names map[string]string `json:"names,omitempty"`
}

func (t *teamData) envView(e cd.Env) Env {
	c, ok := t.Clusters[e.ClusterID]
	v := Env{ID: e.ID, Name: e.Name, ClusterID: e.ClusterID, ClusterName: c.Name, ClusterGone: !ok || c.Deleted,
		CreatedBy: t.Meta[e.ID].CreatedBy, CreatedAt: t.Meta[e.ID].CreatedAt,
		Namespace: clusterstate.NamespaceName(e.Name), NamespaceReport: e.Namespace, ClonedFrom: e.ClonedFrom,
		// Counted by the lists: a count over every item of the team made
		// a page of environments cost what the team holds.
		Apps: t.lists.apps.inEnv(e.ID), Services: t.lists.services.inEnv(e.ID),
		Configs: t.lists.configs.inEnv(e.ID), Secrets: t.lists.secrets.inEnv(e.ID)}
	return v
}

// Secret is a secret as users see it: its key names, never a value.
type Secret struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	EnvID       string    `json:"envId"`
	EnvName     string    `json:"envName"`
	ClusterID   string    `json:"clusterId"`
	ClusterName string    `json:"clusterName"`
	Keys        []string  `json:"keys"`
	Version     uint64    `json:"version"`
	UsedBy      []string  `json:"usedBy"`
	CreatedBy   string    `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

func (t *teamData) secretView(s cd.Secret) Secret {
	md := t.Meta[s.ID]
	return Secret{ID: s.ID, Name: s.Name, EnvID: s.EnvID, EnvName: t.Envs[s.EnvID].Name, ClusterID: s.ClusterID,
		ClusterName: t.Clusters[s.ClusterID].Name, Keys: s.Keys(), Version: s.Version, ClonedFrom: s.ClonedFrom,
		UsedBy:    t.sourceUsers(s.EnvID, cd.Source{Kind: cd.SourceSecret, Name: s.Name}, ""),
		CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
}

// Config is a config as users see it.
type Config struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	EnvID       string `json:"envId"`
	EnvName     string `json:"envName"`
	ClusterID   string `json:"clusterId"`
	ClusterName string `json:"clusterName"`
	// Data are its keys and values, by key.
	Data map[string]string `json:"data"`
	// UsedBy are the names of the apps of its environment that take
	// values from it, sorted.
	UsedBy    []string  `json:"usedBy"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

func (t *teamData) configView(c cd.Config) Config {
	md := t.Meta[c.ID]
	data := c.Data
	if data == nil {
		data = map[string]string{}
	}
	return Config{ID: c.ID, Name: c.Name, EnvID: c.EnvID, EnvName: t.Envs[c.EnvID].Name, ClusterID: c.ClusterID,
		ClusterName: t.Clusters[c.ClusterID].Name, Data: data, ClonedFrom: c.ClonedFrom,
		UsedBy:    t.sourceUsers(c.EnvID, cd.Source{Kind: cd.SourceConfig, Name: c.Name}, ""),
		CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
}

// sourceUsers are the names of envID's apps that take values from src
// (a variable of key, when key is not empty), sorted.
func (t *teamData) sourceUsers(envID string, src cd.Source, key string) []string {
	if key == "" {
		// Kept as apps are applied: each config and secret of a page asks.
		return t.usersOf(envID, src)
	}
	out := []string{}
	// The environment's apps only (the apps' list by environment).
	for k := range t.lists.apps.inEnvKeys(envID) {
		a := t.Apps[k.id]
		if a.Workload == nil {
			continue
		}
		uses := false
		for _, e := range a.Workload.Env {
			uses = uses || e.From != nil && e.From.Source == src && e.From.Key == key
		}
		if uses {
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return out
}

func (t *teamData) appView(a cd.App) App {
	md := t.Meta[a.ID]
	v := App{ID: a.ID, Name: a.Name, EnvID: a.EnvID, EnvName: t.Envs[a.EnvID].Name, ClusterID: a.ClusterID,
		ClusterName: t.Clusters[a.ClusterID].Name, ServiceIP: a.ServiceIP, Spec: a.Spec, Intercepts: []Intercept{},
		Workload: a.Workload, Export: a.Export, Generation: a.Generation, Rollout: a.Rollout, ClonedFrom: a.ClonedFrom,
		CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
	for _, id := range a.Intercepts {
		if i, ok := t.Intercepts[id]; ok {
			v.Intercepts = append(v.Intercepts, t.interceptView(i))
		}
	}
	if len(v.Intercepts) > 1 { // sort.Slice allocates even for none: once per app of a page
		sort.Slice(v.Intercepts, func(i, j int) bool { return v.Intercepts[i].Port.String() < v.Intercepts[j].Port.String() })
	}
	return v
}

func (t *teamData) serviceView(s cd.Service) Service {
	md := t.Meta[s.ID]
	v := Service{ID: s.ID, Name: s.Name, Kind: s.Kind, EnvID: s.EnvID, EnvName: t.Envs[s.EnvID].Name, ClusterID: s.ClusterID,
		ClusterName: t.Clusters[s.ClusterID].Name, ServiceIP: s.ServiceIP, Spec: s.Spec, ClonedFrom: s.ClonedFrom,
		CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
	if s.Instance != nil {
		v.Instance = &Instance{Version: s.Instance.Version, Storage: s.Instance.Storage}
		v.Status, v.CredentialsReady = s.Status, s.Credentials != nil
	}
	return v
}

func (t *teamData) interceptView(i cd.Intercept) Intercept {
	d, ok := t.Devices[i.DeviceID]
	return Intercept{Intercept: i, AppName: t.Apps[i.AppID].Name, EnvName: t.Envs[i.EnvID].Name,
		DeviceName: d.Name, DeviceGone: !ok, Target: i.Target()}
}

func (t *teamData) policyView(p cd.Policy) Policy {
	md := t.Meta[p.ID]
	v := Policy{ID: p.ID, Name: p.Name, Rule: p.Rule, CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
	for _, s := range append(append([]cd.Subject{}, p.Rule.Sources...), p.Rule.Targets...) {
		if n := t.subjectName(s); n != "" {
			if v.Names == nil {
				v.Names = map[string]string{}
			}
			v.Names[s.ID] = n
		}
	}
	return v
}

// subjectName is what a person calls a policy subject now; "" when it is
// gone, a user, or everything.
func (t *teamData) subjectName(s cd.Subject) string {
	switch s.Kind {
	case cd.SubjectDevice:
		return t.Devices[s.ID].Name
	case cd.SubjectCluster:
		if c, ok := t.Clusters[s.ID]; ok && !c.Deleted {
			return c.Name
		}
	case cd.SubjectEnv:
		return t.Envs[s.ID].Name
	case cd.SubjectApp:
		if a, ok := t.Apps[s.ID]; ok {
			if e := t.Envs[a.EnvID].Name; e != "" {
				return e + "/" + a.Name
			}
			return a.Name
		}
	}
	return ""
}

// Router is a router as users see it.
type Router struct {
	ID          string           `json:"id"`
	Name        string           `json:"name"`
	EnvID       string           `json:"envId"`
	EnvName     string           `json:"envName"`
	ClusterID   string           `json:"clusterId"`
	ClusterName string           `json:"clusterName"`
	Domain      string           `json:"domain"`
	Routes      []cd.Route       `json:"routes"`
	TLS         bool             `json:"tls"`
	Status      *cd.RouterStatus `json:"status,omitempty"`
	CreatedBy   string           `json:"createdBy"`
	CreatedAt   time.Time        `json:"createdAt"`
	UpdatedAt   time.Time        `json:"updatedAt"`
	// ClonedFrom is the id of what it was cloned from (weft env clone).
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

func (t *teamData) routerView(r cd.Router) Router {
	md := t.Meta[r.ID]
	return Router{ID: r.ID, Name: r.Name, EnvID: r.EnvID, EnvName: t.Envs[r.EnvID].Name, ClusterID: r.ClusterID,
		ClusterName: t.Clusters[r.ClusterID].Name, Domain: r.Domain, Routes: r.Routes, TLS: r.TLS, Status: r.Status, ClonedFrom: r.ClonedFrom,
		CreatedBy: md.CreatedBy, CreatedAt: md.CreatedAt, UpdatedAt: md.UpdatedAt}
}
