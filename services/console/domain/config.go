package domain

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Limits of a config: a Kubernetes ConfigMap holds at most 1 MiB, and a
// config travels whole in one event and one stream entry.
const (
	MaxConfigKeys  = 256
	MaxConfigBytes = 256 << 10 // keys and values together
	maxConfigKey   = 253
)

// configKey is what Kubernetes accepts as a ConfigMap (or Secret) key,
// which is also a file name when the config is mounted.
var configKey = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

// ValidateConfigKey checks one key of a config or secret as Kubernetes
// does: letters, digits, '-', '_', '.', at most 253, not "." or "..".
func ValidateConfigKey(field, k string) error {
	if k == "" {
		return fault.Invalidf(field, "a key is required")
	}
	if len(k) > maxConfigKey || !configKey.MatchString(k) || k == "." || k == ".." {
		return fault.Invalidf(field, "%q is not a config key (letters, digits, '-', '_', '.'; at most %d; not . or ..)", k, maxConfigKey)
	}
	return nil
}

// Config is a config's state: keys and values of one environment, which
// its cluster's agent (Kubernetes mode) applies as a ConfigMap of the
// config's name in the environment's namespace.
type Config struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	EnvID      string            `json:"envId"`
	ClusterID  string            `json:"clusterId"`
	Data       map[string]string `json:"data"`
	Deleted    bool              `json:"deleted,omitempty"`
	ClonedFrom string            `json:"clonedFrom,omitempty"` // the resource it was cloned from
}

// Exists reports whether the config was created and not deleted.
func (c Config) Exists() bool { return c.ID != "" && !c.Deleted }

// ConfigCreated: a config was made in an environment with its first keys.
type ConfigCreated struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	EnvID     string            `json:"envId"`
	ClusterID string            `json:"clusterId"`
	Data      map[string]string `json:"data"`
	// ClonedFrom is the id of the resource this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// ConfigChanged: keys were set (added or given a new value) and removed.
// Only what changed is recorded, so a config's history reads key by key.
type ConfigChanged struct {
	ID    string            `json:"id"`
	Set   map[string]string `json:"set,omitempty"`
	Unset []string          `json:"unset,omitempty"`
}

// ConfigDeleted: the config is gone; its name is free.
type ConfigDeleted struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	EnvID     string `json:"envId"`
	ClusterID string `json:"clusterId"`
}

// EvolveConfig folds one event into a config. It never mutates the
// input's map.
func EvolveConfig(s Config, r event.Recorded) Config {
	switch e := r.Data.(type) {
	case ConfigCreated:
		return Config{ID: e.ID, Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, Data: maps.Clone(e.Data), ClonedFrom: e.ClonedFrom}
	case ConfigChanged:
		d := maps.Clone(s.Data)
		if d == nil {
			d = map[string]string{}
		}
		maps.Copy(d, e.Set)
		for _, k := range e.Unset {
			delete(d, k)
		}
		s.Data = d
	case ConfigDeleted:
		s.Deleted = true
	}
	return s
}

// CheckConfigChange checks keys to set and to remove at the edge: valid
// keys, values that are UTF-8 without NUL (a ConfigMap's data is text), no
// key both set and removed.
func CheckConfigChange(set map[string]string, unset []string) error {
	if len(set) == 0 && len(unset) == 0 {
		return fault.Invalidf("set", "nothing to change: give at least one KEY=VALUE or a key to remove")
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if err := ValidateConfigKey("set."+k, k); err != nil {
			return err
		}
		if v := set[k]; !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return fault.Invalidf("set."+k, "the value is not UTF-8 text (or holds a NUL); a config holds text")
		}
	}
	for i, k := range unset {
		f := fmt.Sprintf("unset[%d]", i)
		if err := ValidateConfigKey(f, k); err != nil {
			return err
		}
		if _, ok := set[k]; ok {
			return fault.Invalidf(f, "%s is both set and removed", k)
		}
	}
	return nil
}

// checkConfigSize refuses data beyond the limits.
func checkConfigSize(d map[string]string) error {
	if len(d) > MaxConfigKeys {
		return fault.Invalidf("set", "%d keys; a config holds at most %d", len(d), MaxConfigKeys)
	}
	n := 0
	for k, v := range d {
		n += len(k) + len(v)
	}
	if n > MaxConfigBytes {
		return fault.Invalidf("set", "%d bytes of keys and values; a config holds at most %d", n, MaxConfigBytes)
	}
	return nil
}

// DecideCreateConfig creates config id in env (homed in clusterID) with
// the keys of set; id must be unused and set already checked
// (CheckConfigChange). Removing keys of a config that does not exist is
// refused.
func DecideCreateConfig(s Config, id, name, envID, clusterID string, set map[string]string, unset []string) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("config %s already exists", id))
	}
	if len(unset) > 0 {
		return nil, fault.WithKind(ErrNotFound, NotFound("unset", "config %q has no key %s (it does not exist yet)", name, unset[0]))
	}
	if err := checkConfigSize(set); err != nil {
		return nil, err
	}
	return []any{ConfigCreated{ID: id, Name: name, EnvID: envID, ClusterID: clusterID, Data: maps.Clone(set)}}, nil
}

// DecideChangeConfig sets and removes keys of an existing config,
// recording only what changes (nothing when every value is already so).
// Removing a key the config does not hold is refused (most likely a
// typo).
func DecideChangeConfig(s Config, set map[string]string, unset []string) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("name", "config %s", s.ID))
	}
	e := ConfigChanged{ID: s.ID}
	after := maps.Clone(s.Data)
	if after == nil {
		after = map[string]string{}
	}
	for k, v := range set {
		if old, ok := s.Data[k]; ok && old == v {
			continue
		}
		if e.Set == nil {
			e.Set = map[string]string{}
		}
		e.Set[k] = v
		after[k] = v
	}
	for i, k := range unset {
		if _, ok := s.Data[k]; !ok {
			return nil, fault.WithKind(ErrNotFound, NotFound(fmt.Sprintf("unset[%d]", i), "config %s has no key %s", s.Name, k))
		}
		e.Unset = append(e.Unset, k)
		delete(after, k)
	}
	if e.Set == nil && e.Unset == nil {
		return nil, nil
	}
	if err := checkConfigSize(after); err != nil {
		return nil, err
	}
	slices.Sort(e.Unset)
	return []any{e}, nil
}

// DecideDeleteConfig deletes a config.
func DecideDeleteConfig(s Config) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "config %s", s.ID))
	}
	return []any{ConfigDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID}}, nil
}
