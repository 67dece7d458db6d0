package domain

import (
	"weft.dev/events"
	"weft.dev/services/fault"
)

// Env is an environment's state.
type Env struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ClusterID string `json:"clusterId"`
	Deleted   bool   `json:"deleted,omitempty"`
}

// Exists reports whether the environment was created and not deleted.
func (e Env) Exists() bool { return e.ID != "" && !e.Deleted }

// EvolveEnv folds one event into an environment.
func EvolveEnv(s Env, r events.Recorded) Env {
	switch e := r.Data.(type) {
	case EnvCreated:
		return Env{ID: e.ID, Name: e.Name, ClusterID: e.ClusterID}
	case EnvDeleted:
		s.Deleted = true
	}
	return s
}

// DecideCreateEnv creates environment id; the id must be unused.
func DecideCreateEnv(s Env, id, name, clusterID string) ([]any, error) {
	if s.ID != "" {
		return nil, wrap(ErrExists, fault.Conflictf("environment %s already exists", id))
	}
	return []any{EnvCreated{ID: id, Name: name, ClusterID: clusterID}}, nil
}

// DecideDeleteEnv deletes an existing environment.
func DecideDeleteEnv(s Env) ([]any, error) {
	if !s.Exists() {
		return nil, wrap(ErrNotFound, NotFound("env", "environment"))
	}
	return []any{EnvDeleted{ID: s.ID, Name: s.Name}}, nil
}
