package domain

import (
	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Env is an environment's state.
type Env struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ClusterID  string `json:"clusterId"`
	Deleted    bool   `json:"deleted,omitempty"`
	ClonedFrom string `json:"clonedFrom,omitempty"` // the resource it was cloned from
	// Namespace is what the agent of its cluster last reported of its
	// Kubernetes namespace; nil before any report.
	Namespace *NamespaceState `json:"namespace,omitempty"`
}

// NamespaceState is an environment's Kubernetes namespace as reported.
type NamespaceState struct {
	Name  string `json:"name"`
	Ready bool   `json:"ready"`
	Error string `json:"error,omitempty"`
}

// Exists reports whether the environment was created and not deleted.
func (e Env) Exists() bool { return e.ID != "" && !e.Deleted }

// EvolveEnv folds one event into an environment.
func EvolveEnv(s Env, r event.Recorded) Env {
	switch e := r.Data.(type) {
	case EnvCreated:
		return Env{ID: e.ID, Name: e.Name, ClusterID: e.ClusterID, ClonedFrom: e.ClonedFrom}
	case EnvDeleted:
		s.Deleted = true
	case EnvNamespaceReported:
		s.Namespace = &NamespaceState{Name: e.Namespace, Ready: e.Ready, Error: e.Error}
	}
	return s
}

// DecideReportNamespace records what the agent of the environment's
// cluster reported of its namespace, when it changed. A report from
// another cluster is refused.
func DecideReportNamespace(s Env, clusterID string, ns NamespaceState) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "environment %s", s.ID))
	}
	if s.ClusterID != clusterID {
		return nil, fault.Forbiddenf("environment %s is not in cluster %s", s.ID, clusterID)
	}
	if s.Namespace != nil && *s.Namespace == ns {
		return nil, nil
	}
	return []any{EnvNamespaceReported{ID: s.ID, ClusterID: clusterID, Namespace: ns.Name, Ready: ns.Ready, Error: ns.Error}}, nil
}

// DecideCreateEnv creates environment id; the id must be unused.
func DecideCreateEnv(s Env, id, name, clusterID string) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("environment %s already exists", id))
	}
	return []any{EnvCreated{ID: id, Name: name, ClusterID: clusterID}}, nil
}

// DecideDeleteEnv deletes an existing environment.
func DecideDeleteEnv(s Env) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("env", "environment"))
	}
	return []any{EnvDeleted{ID: s.ID, Name: s.Name}}, nil
}
