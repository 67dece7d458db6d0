package messageoffice

import (
	"context"
	"time"

	"weft.dev/events/clusterstate"
)

// sealFor opens a secret's values with the keyring and seals each to the
// sealing key of the agent of cluster c, reusing what it sealed before
// for the same version and key. A value is in clear only in this
// function's memory; it is never logged or written anywhere.
func (w *writer) sealFor(team string, c *Cluster, s *EnvSecret) (map[string]string, bool) {
	if w.cfg.Secrets == nil || c.SealingKey == "" {
		return nil, false
	}
	k := sealedKey{cluster: c.ID, secret: s.ID, sealingKey: c.SealingKey, version: s.Version}
	if v, ok := w.sealed[k]; ok {
		return v, true
	}
	pub, err := clusterstate.ParseSealingKey(c.SealingKey)
	if err != nil {
		w.log.Warn("a cluster's sealing key does not parse; its secrets are not sent", "cluster", c.ID, "err", err)
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	plain, err := w.cfg.Secrets.Open(ctx, team, s.ID, s.Sealed)
	if err != nil {
		// Shredded (deleted meanwhile) or the keyring unreachable: the
		// entry is left out now and written on a later change.
		w.log.Warn("a secret's values could not be opened; not sent", "secret", s.ID, "err", err)
		return nil, false
	}
	out := make(map[string]string, len(plain))
	for name, v := range plain {
		sv, err := clusterstate.SealTo(pub, []byte(v))
		if err != nil {
			w.log.Warn("seal a secret's value", "secret", s.ID, "key", name, "err", err)
			return nil, false
		}
		out[name] = sv
	}
	// Older sealings of this secret for this cluster are of no use now.
	for old := range w.sealed {
		if old.cluster == c.ID && old.secret == s.ID {
			delete(w.sealed, old)
		}
	}
	w.sealed[k] = out
	return out, true
}

// forgetSecret drops what was sealed of a deleted secret.
func (w *writer) forgetSecret(id string) {
	for k := range w.sealed {
		if k.secret == id {
			delete(w.sealed, k)
		}
	}
}
