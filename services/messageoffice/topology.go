// Package messageoffice turns the EVENTS log into each cluster's desired
// state: it keeps every team's network topology (clusters, devices,
// environments, apps, managed services, intercepts, policies, configs) and
// writes what each cluster's agent applies: its proxy routes and
// Kubernetes objects (namespaces, workloads, exports, imports, configs) into the cluster's
// stream CL_<cluster>, the team's WireGuard peers and DNS records once
// into the team's stream TM_<team> (see weft.dev/events/clusterstate for
// the contract). It also records what agents report as events.
package messageoffice

import (
	"weft.dev/events"
	"weft.dev/events/clusterstate"
	accounts "weft.dev/services/accounts/domain"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// Topology is every team's network as the log says it is now.
type Topology struct {
	Teams map[string]*Team
}

// Team is one team's network.
type Team struct {
	Slug       string
	Clusters   map[string]*Cluster
	Devices    map[string]*Device
	Envs       map[string]*Env
	Workloads  map[string]*Workload // apps and managed services, by id
	Intercepts map[string]*Intercept
	Policies   map[string]*Policy
	Configs    map[string]*EnvConfig
	Secrets    map[string]*EnvSecret
	// Purges are run services deleted with their data whose agent has
	// not yet said the data is gone, by id.
	Purges map[string]*Purge
	// Routers are the routers of the team's environments, by id.
	Routers map[string]*cd.Router
}

// Purge is a run service deleted with its data: what its agent deletes.
type Purge struct {
	ID, Name, Kind, ClusterID, Namespace, Env string
	Labels                                    map[string]string
}

// EnvSecret is a secret of an environment: its values sealed by the
// keyring, as the log has them, and the sequence of their last change.
type EnvSecret struct {
	ID, Name, EnvID, ClusterID string
	Sealed                     map[string]string
	Version                    uint64
}

// EnvConfig is a config of an environment.
type EnvConfig struct {
	ID, Name, EnvID, ClusterID string
	Data                       map[string]string
}

// Cluster is a cluster and its gateway.
type Cluster struct {
	ID, Name, GatewayIP, ServiceRange string
	PublicKey, Endpoint               string // once its agent reported them
	// Kubernetes is the API server version of an agent in Kubernetes mode
	// (empty: not): such a cluster gets the team's imports.
	Kubernetes string
	// SealingKey is the public half of its agent's sealing key pair:
	// secrets reach the cluster sealed to it, and not before it is known.
	SealingKey string
}

// Device is a device or workspace.
type Device struct {
	ID, Name, Owner, IP, PublicKey string
}

// Env is an environment in a cluster.
type Env struct {
	ID, Name, ClusterID string
}

// Workload is an app or a managed service.
type Workload struct {
	ID, Kind, Name, EnvID, ClusterID, ServiceIP string
	Spec                                        cd.Spec
	// An app's container or exported Service, if any, and the sequence of
	// its last change of spec.
	Container  *cd.Workload
	Export     *cd.ServiceRef
	Generation uint64
	// A managed service its cluster runs, and the uid of the Secret whose
	// credentials the log holds (empty: none yet).
	Instance          *cd.Instance
	ServiceKind       cd.ServiceKind
	CredentialsSource string
}

// Intercept is an active intercept of one app port.
type Intercept struct {
	ID, AppID, DeviceID, TargetIP string
	Port                          cd.Port
	TargetPort                    int
}

// Policy is an access rule.
type Policy struct {
	ID   string
	Rule cd.Rule
}

// NewTopology returns an empty topology.
func NewTopology() *Topology { return &Topology{Teams: map[string]*Team{}} }

func (t *Topology) team(slug string) *Team {
	tm := t.Teams[slug]
	if tm == nil {
		tm = &Team{Slug: slug, Clusters: map[string]*Cluster{}, Devices: map[string]*Device{}, Envs: map[string]*Env{},
			Workloads: map[string]*Workload{}, Intercepts: map[string]*Intercept{}, Policies: map[string]*Policy{},
			Configs: map[string]*EnvConfig{}, Secrets: map[string]*EnvSecret{}, Purges: map[string]*Purge{}, Routers: map[string]*cd.Router{}}
		t.Teams[slug] = tm
	}
	return tm
}

// Handles reports whether an event type can change a cluster's desired state.
func Handles(eventType string) bool {
	switch eventType {
	case "infra.cluster.created", "infra.cluster.gateway-reported", "infra.cluster.deleted", "infra.cluster.kubernetes-reported",
		"infra.device.created", "infra.device.key-rotated", "infra.device.deleted",
		"console.env.created", "console.env.deleted",
		"console.app.created", "console.app.updated", "console.app.deleted",
		"console.service.created", "console.service.updated", "console.service.instance-changed", "console.service.deleted",
		"console.service.credentials-reported", "console.service.data-deleted",
		"console.router.created", "console.router.updated", "console.router.deleted",
		"console.intercept.started", "console.intercept.stopped",
		"console.policy.created", "console.policy.updated", "console.policy.deleted",
		"console.config.created", "console.config.changed", "console.config.deleted",
		"console.secret.created", "console.secret.changed", "console.secret.rekeyed", "console.secret.deleted",
		"infra.cluster.sealing-key-reported", "accounts.team.deleted":
		return true
	}
	return false
}

// Apply folds one event in and reports whether it changed the team's
// topology (and so possibly its clusters' desired state).
func (t *Topology) Apply(r events.Recorded) bool {
	if _, ok := r.Data.(accounts.TeamDeleted); ok {
		// Nothing of a deleted team is desired anywhere any more.
		_, had := t.Teams[r.Team]
		delete(t.Teams, r.Team)
		return had
	}
	tm := t.team(r.Team)
	switch e := r.Data.(type) {
	case infra.ClusterCreated:
		tm.Clusters[e.ID] = &Cluster{ID: e.ID, Name: e.Name, GatewayIP: e.GatewayIP, ServiceRange: e.ServiceRange}
	case infra.ClusterGatewayReported:
		c := tm.Clusters[e.ID]
		if c == nil {
			return false
		}
		c.PublicKey, c.Endpoint = e.PublicKey, e.Endpoint
	case infra.ClusterKubernetesReported:
		c := tm.Clusters[e.ID]
		if c == nil || c.Kubernetes == e.Version {
			return false
		}
		c.Kubernetes = e.Version
	case infra.ClusterDeleted:
		delete(tm.Clusters, e.ID)
	case infra.DeviceCreated:
		tm.Devices[e.ID] = &Device{ID: e.ID, Name: e.Name, Owner: e.Owner, IP: e.IP, PublicKey: e.PublicKey}
	case infra.DeviceKeyRotated:
		d := tm.Devices[e.ID]
		if d == nil {
			return false
		}
		d.PublicKey = e.PublicKey
	case infra.DeviceDeleted:
		delete(tm.Devices, e.ID)
	case cd.EnvCreated:
		tm.Envs[e.ID] = &Env{ID: e.ID, Name: e.Name, ClusterID: e.ClusterID}
	case cd.EnvDeleted:
		delete(tm.Envs, e.ID)
	case cd.AppCreated:
		tm.Workloads[e.ID] = &Workload{ID: e.ID, Kind: "app", Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, ServiceIP: e.ServiceIP, Spec: e.Spec,
			Container: e.Workload, Export: e.Export, Generation: r.Seq}
	case cd.AppUpdated:
		w := tm.Workloads[e.ID]
		if w == nil {
			return false
		}
		w.Spec, w.Container, w.Export, w.Generation = e.Spec, e.Workload, e.Export, r.Seq
	case cd.AppDeleted:
		delete(tm.Workloads, e.ID)
	case cd.ServiceCreated:
		tm.Workloads[e.ID] = &Workload{ID: e.ID, Kind: "service", Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, ServiceIP: e.ServiceIP, Spec: e.Spec,
			Instance: e.Instance, ServiceKind: e.Kind}
	case cd.ServiceCredentialsReported:
		w := tm.Workloads[e.ID]
		if w == nil || w.CredentialsSource == e.Credentials.Source {
			return false
		}
		w.CredentialsSource = e.Credentials.Source
	case cd.ServiceDataDeleted:
		if tm.Purges[e.ID] == nil {
			return false
		}
		delete(tm.Purges, e.ID)
	case cd.ServiceUpdated:
		w := tm.Workloads[e.ID]
		if w == nil {
			return false
		}
		w.Spec = e.Spec
	case cd.ServiceInstanceChanged:
		w := tm.Workloads[e.ID]
		if w == nil || w.Instance == nil {
			return false
		}
		in := *w.Instance
		in.Version, in.Storage = e.Version, e.Storage
		w.Instance = &in
	case cd.ServiceDeleted:
		if w := tm.Workloads[e.ID]; w != nil && e.DeleteData && w.Instance != nil {
			p := &Purge{ID: w.ID, Name: w.Name, Kind: string(w.ServiceKind), ClusterID: w.ClusterID}
			if env := tm.Envs[w.EnvID]; env != nil {
				p.Namespace, p.Env = clusterstate.NamespaceName(env.Name), env.Name
				p.Labels = labels(tm, env, w, clusterstate.RoleManaged)
			}
			tm.Purges[e.ID] = p
		}
		delete(tm.Workloads, e.ID)
	case cd.RouterCreated, cd.RouterUpdated:
		var cur cd.Router
		if x := tm.Routers[r.Aggregate.ID]; x != nil {
			cur = *x
		} else if _, ok := e.(cd.RouterUpdated); ok {
			return false
		}
		x := cd.EvolveRouter(cur, r)
		tm.Routers[x.ID] = &x
	case cd.RouterDeleted:
		delete(tm.Routers, e.ID)
	case cd.InterceptStarted:
		tm.Intercepts[e.ID] = &Intercept{ID: e.ID, AppID: e.AppID, DeviceID: e.DeviceID, TargetIP: e.TargetIP, Port: e.Port, TargetPort: e.TargetPort}
	case cd.InterceptStopped:
		delete(tm.Intercepts, e.ID)
	case cd.PolicyCreated:
		tm.Policies[e.ID] = &Policy{ID: e.ID, Rule: e.Rule}
	case cd.PolicyUpdated:
		p := tm.Policies[e.ID]
		if p == nil {
			return false
		}
		p.Rule = e.Rule
	case cd.PolicyDeleted:
		delete(tm.Policies, e.ID)
	case cd.ConfigCreated, cd.ConfigChanged:
		// The domain's fold, so the office's copy cannot differ from it.
		var cur cd.Config
		if c := tm.Configs[r.Aggregate.ID]; c != nil {
			cur = cd.Config{ID: c.ID, Name: c.Name, EnvID: c.EnvID, ClusterID: c.ClusterID, Data: c.Data}
		} else if _, ok := e.(cd.ConfigChanged); ok {
			return false
		}
		c := cd.EvolveConfig(cur, r)
		tm.Configs[c.ID] = &EnvConfig{ID: c.ID, Name: c.Name, EnvID: c.EnvID, ClusterID: c.ClusterID, Data: c.Data}
	case cd.ConfigDeleted:
		delete(tm.Configs, e.ID)
	case cd.SecretCreated, cd.SecretChanged, cd.SecretRekeyed:
		// A re-encryption changes the sealed values and not the version:
		// what was sealed to the agent for the version is still right, so
		// nothing is written (sealFor's cache), and a later sealing opens
		// the values under the data key that still exists.
		var cur cd.Secret
		if s := tm.Secrets[r.Aggregate.ID]; s != nil {
			cur = cd.Secret{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID, Values: s.Sealed, Version: s.Version}
		} else if _, ok := e.(cd.SecretCreated); !ok {
			return false
		}
		s := cd.EvolveSecret(cur, r)
		tm.Secrets[s.ID] = &EnvSecret{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID, Sealed: s.Values, Version: s.Version}
	case cd.SecretDeleted:
		delete(tm.Secrets, e.ID)
	case infra.ClusterSealingKeyReported:
		c := tm.Clusters[e.ID]
		if c == nil || c.SealingKey == e.SealingKey {
			return false
		}
		c.SealingKey = e.SealingKey
	default:
		return false
	}
	return true
}
