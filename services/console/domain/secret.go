package domain

import (
	"errors"
	"maps"
	"slices"
	"strconv"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// SourceSecret is a workload source that is a secret of the app's
// environment.
const SourceSecret = "secret"

// Secret is a secret's state. Values are sealed (keyring.Sealed): the
// log, and so this state, never holds a value in clear; the keyring that
// opens them keeps its keys outside the log. Version is the sequence of
// the last change of its values: what its cluster's Kubernetes Secret and
// the pods that use it are applied from.
type Secret struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	EnvID     string            `json:"envId"`
	ClusterID string            `json:"clusterId"`
	Values    map[string]string `json:"values"` // key → sealed value
	Version   uint64            `json:"version"`
	// KeyGen is the generation of the secret's data key its values are
	// sealed under (keyring.SealGen): 0 until weft secret rotate-key
	// re-encrypts them. A set seals under it, so the log never gets a
	// value under a generation already destroyed.
	KeyGen     int    `json:"keyGen,omitempty"`
	Deleted    bool   `json:"deleted,omitempty"`
	ClonedFrom string `json:"clonedFrom,omitempty"` // the resource it was cloned from
}

// Exists reports whether the secret was created and not deleted.
func (s Secret) Exists() bool { return s.ID != "" && !s.Deleted }

// Keys are the secret's key names, sorted (names are not secret).
func (s Secret) Keys() []string { return slices.Sorted(maps.Keys(s.Values)) }

// SecretCreated: a secret was made in an environment; Values are sealed.
type SecretCreated struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	EnvID     string            `json:"envId"`
	ClusterID string            `json:"clusterId"`
	Values    map[string]string `json:"values"`
	// ClonedFrom is the id of the resource this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// SecretChanged: keys were set (sealed values) and removed.
type SecretChanged struct {
	ID    string            `json:"id"`
	Set   map[string]string `json:"set,omitempty"`
	Unset []string          `json:"unset,omitempty"`
}

// SecretRevealed: someone (the event's actor) read the values of Keys in
// clear. Nothing else changes.
type SecretRevealed struct {
	ID   string   `json:"id"`
	Keys []string `json:"keys"`
}

// SecretDeleted: the secret is gone, its name free, and its key destroyed
// (its sealed values in the log can no longer be opened).
type SecretDeleted struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	EnvID     string `json:"envId"`
	ClusterID string `json:"clusterId"`
}

// SecretRekeyed: the secret's values were sealed again, unchanged, under
// a new generation KeyGen of its data key (weft secret rotate-key); the
// older generations are destroyed after, so the values this secret's
// earlier events hold can no longer be opened. Its Version stays: the
// values are the same, nothing in its cluster changes.
type SecretRekeyed struct {
	ID     string `json:"id"`
	KeyGen int    `json:"keyGen"` // the data key's generation the values are sealed under now
	// Values are every key of the secret with its value sealed under
	// KeyGen (keyring.Sealed, "v2.<gen>.…"): never a value in clear.
	Values map[string]string `json:"values"`
}

// SecretsKeyRotated: the team's secret key was replaced (aggregate
// keyring/<team>); every secret's data key was wrapped again with the new
// one and the old one destroyed, and the values of Resealed secrets were
// sealed again under new data keys (SecretRekeyed each), their old data
// keys destroyed. Key ids only, never key material.
type SecretsKeyRotated struct {
	From      string `json:"from"`
	To        string `json:"to"`
	Rewrapped int    `json:"rewrapped"` // data keys wrapped again with the new team key
	Resealed  int    `json:"resealed"`  // secrets, and run services' credentials keys, sealed again under a new data key
}

// KeyringAggregate records the team's key rotations (id: the team's slug).
const KeyringAggregate = "keyring"

// EvolveSecret folds one event into a secret. It never mutates the
// input's map.
func EvolveSecret(s Secret, r event.Recorded) Secret {
	switch e := r.Data.(type) {
	case SecretCreated:
		return Secret{ID: e.ID, Name: e.Name, EnvID: e.EnvID, ClusterID: e.ClusterID, Values: maps.Clone(e.Values), Version: r.Seq, ClonedFrom: e.ClonedFrom}
	case SecretChanged:
		v := maps.Clone(s.Values)
		if v == nil {
			v = map[string]string{}
		}
		maps.Copy(v, e.Set)
		for _, k := range e.Unset {
			delete(v, k)
		}
		s.Values, s.Version = v, r.Seq
	case SecretRekeyed:
		s.Values, s.KeyGen = maps.Clone(e.Values), e.KeyGen
	case SecretDeleted:
		s.Deleted = true
	}
	return s
}

// CheckSecretChange checks keys to set (plain values, before sealing)
// and to remove, as CheckConfigChange; secret values may be any bytes but
// NUL-free text is what Kubernetes variables take, so they are checked as
// config values are.
func CheckSecretChange(set map[string]string, unset []string) error {
	if err := CheckConfigChange(set, unset); err != nil {
		// The message never quotes a value (CheckConfigChange names keys
		// only).
		return err
	}
	return checkConfigSize(set)
}

// DecideCreateSecret creates secret id with sealed values.
func DecideCreateSecret(s Secret, id, name, envID, clusterID string, sealed map[string]string, unset []string) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("secret %s already exists", id))
	}
	if len(unset) > 0 {
		return nil, fault.WithKind(ErrNotFound, NotFound("unset", "secret %q has no key %s (it does not exist yet)", name, unset[0]))
	}
	return []any{SecretCreated{ID: id, Name: name, EnvID: envID, ClusterID: clusterID, Values: maps.Clone(sealed)}}, nil
}

// DecideChangeSecret sets sealed values and removes keys. Every set is
// recorded (a sealed value cannot be compared with the one before);
// removing a key the secret lacks is refused.
func DecideChangeSecret(s Secret, sealed map[string]string, unset []string) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("name", "secret %s", s.ID))
	}
	for i, k := range unset {
		if _, ok := s.Values[k]; !ok {
			return nil, fault.WithKind(ErrNotFound, NotFound("unset["+strconv.Itoa(i)+"]", "secret %s has no key %s", s.Name, k))
		}
	}
	if len(s.Values)+len(sealed) > MaxConfigKeys {
		return nil, fault.Invalidf("set", "a secret holds at most %d keys", MaxConfigKeys)
	}
	e := SecretChanged{ID: s.ID, Set: maps.Clone(sealed), Unset: slices.Sorted(slices.Values(unset))}
	if len(e.Set) == 0 {
		e.Set = nil
	}
	if len(e.Unset) == 0 {
		e.Unset = nil
	}
	if e.Set == nil && e.Unset == nil {
		return nil, nil
	}
	return []any{e}, nil
}

// ErrKeyMoved is a change sealed under a generation of the secret's data
// key that is no longer its current one (a rotation re-encrypted it
// meanwhile): seal again under the current one.
var ErrKeyMoved = errors.New("the secret's data key moved to a new generation meanwhile")

// DecideChangeSecretGen is DecideChangeSecret for values sealed under
// generation gen of the secret's data key, refused with ErrKeyMoved when
// that is not the secret's current one.
func DecideChangeSecretGen(s Secret, gen int, sealed map[string]string, unset []string) ([]any, error) {
	if s.Exists() && len(sealed) > 0 && s.KeyGen != gen {
		return nil, ErrKeyMoved
	}
	return DecideChangeSecret(s, sealed, unset)
}

// DecideRekeySecret records the values of a secret at version, sealed
// again under generation gen of its data key; ErrKeyMoved when the
// secret changed or was re-encrypted since they were read.
func DecideRekeySecret(s Secret, version uint64, gen int, sealed map[string]string) ([]any, error) {
	if !s.Exists() {
		return nil, nil // deleted meanwhile: its keys are gone anyway
	}
	if s.Version != version || s.KeyGen != gen-1 || len(sealed) != len(s.Values) {
		return nil, ErrKeyMoved
	}
	return []any{SecretRekeyed{ID: s.ID, KeyGen: gen, Values: maps.Clone(sealed)}}, nil
}

// DecideRevealSecret records that the values of a secret were read.
func DecideRevealSecret(s Secret) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "secret %s", s.ID))
	}
	return []any{SecretRevealed{ID: s.ID, Keys: s.Keys()}}, nil
}

// DecideDeleteSecret deletes a secret.
func DecideDeleteSecret(s Secret) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("id", "secret %s", s.ID))
	}
	return []any{SecretDeleted{ID: s.ID, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID}}, nil
}
