package domain

import (
	"maps"
	"slices"

	"weft.dev/kernel/fault"
)

// EnvContents are the ids of what an environment holds, by kind: what a
// clone copies and what deleting a clone deletes.
type EnvContents struct {
	Apps     []string `json:"apps"`
	Services []string `json:"services"`
	Configs  []string `json:"configs"`
	Secrets  []string `json:"secrets"`
	Routers  []string `json:"routers"`
}

// Len is how many resources c names.
func (c EnvContents) Len() int {
	return len(c.Apps) + len(c.Services) + len(c.Configs) + len(c.Secrets) + len(c.Routers)
}

// Events a clone appends per resource: a creation and its name claim,
// and for what gets a service IP also the allocation and the address's
// claim. The environment adds its creation and its name claim.
const (
	cloneEventsPerAddressed = 4
	cloneEventsPerNamed     = 2
	cloneEventsOfEnv        = 2
)

// CloneEvents is how many events cloning c appends in its one atomic
// batch.
func CloneEvents(c EnvContents) int {
	return cloneEventsOfEnv + cloneEventsPerAddressed*(len(c.Apps)+len(c.Services)) +
		cloneEventsPerNamed*(len(c.Configs)+len(c.Secrets)+len(c.Routers))
}

// CheckCloneSize refuses a clone whose events exceed limit (the atomic
// batch's): it could not be stored all at once.
func CheckCloneSize(c EnvContents, limit int) error {
	if n := CloneEvents(c); n > limit {
		return fault.Invalidf("source", "the environment holds %d resources: cloning it takes %d events, more than the %d one atomic append can hold; clone a smaller environment", c.Len(), n, limit)
	}
	return nil
}

// DecideCloneEnv creates environment id in clusterID as a clone of src
// (which must exist); the id must be unused.
func DecideCloneEnv(s Env, id, name, clusterID string, src Env) ([]any, error) {
	if !src.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("source", "environment %s", src.ID))
	}
	evs, err := DecideCreateEnv(s, id, name, clusterID)
	if err != nil {
		return nil, err
	}
	e := evs[0].(EnvCreated)
	e.ClonedFrom = src.ID
	return []any{e}, nil
}

// Where a clone puts its copies: the new environment and its cluster.
type CloneTarget struct {
	EnvID     string
	ClusterID string
}

// CloneApp is the creation of a copy of a: its spec, workload and export,
// in the target with id and its own service IP. Intercepts and rollouts
// are the source's own and are not copied.
func CloneApp(a App, to CloneTarget, id, ip string) AppCreated {
	return AppCreated{ID: id, Name: a.Name, EnvID: to.EnvID, ClusterID: to.ClusterID, ServiceIP: ip, Spec: a.Spec,
		Workload: a.Workload, Export: a.Export, ClonedFrom: a.ID}
}

// CloneService is the creation of a copy of s with its own service IP. A
// run service's copy is a new, empty instance of the same kind, version
// and storage, with inst's own credentials key (nil for a service of
// fixed backends); its data and credentials are the source's.
func CloneService(s Service, to CloneTarget, id, ip string, inst *Instance) ServiceCreated {
	return ServiceCreated{ID: id, Name: s.Name, Kind: s.Kind, EnvID: to.EnvID, ClusterID: to.ClusterID, ServiceIP: ip,
		Spec: s.Spec, Instance: inst, ClonedFrom: s.ID}
}

// CloneInstance is a new instance like i (version and storage) with the
// credentials key pair given.
func CloneInstance(i Instance, credentialsKey, sealedKey string) Instance {
	return Instance{Version: i.Version, Storage: i.Storage, CredentialsKey: credentialsKey, SealedKey: sealedKey}
}

// CloneConfig is the creation of a copy of c with its keys and values.
func CloneConfig(c Config, to CloneTarget, id string) ConfigCreated {
	return ConfigCreated{ID: id, Name: c.Name, EnvID: to.EnvID, ClusterID: to.ClusterID, Data: maps.Clone(c.Data), ClonedFrom: c.ID}
}

// CloneSecret is the creation of a copy of s whose values are sealed
// again, under the copy's own key.
func CloneSecret(s Secret, to CloneTarget, id string, sealed map[string]string) SecretCreated {
	return SecretCreated{ID: id, Name: s.Name, EnvID: to.EnvID, ClusterID: to.ClusterID, Values: maps.Clone(sealed), ClonedFrom: s.ID}
}

// CloneRouter is the creation of a copy of r with its routes (the copies
// of its targets have their names) and the domain given: a domain leads
// to one router only, so a copy has none unless one is given, and its
// cluster makes no Ingress for it until it has one.
func CloneRouter(r Router, to CloneTarget, id, domain string) RouterCreated {
	return RouterCreated{ID: id, Name: r.Name, EnvID: to.EnvID, ClusterID: to.ClusterID, Domain: domain,
		Routes: slices.Clone(r.Routes), TLS: r.TLS, ClonedFrom: r.ID}
}
