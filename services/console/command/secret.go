package command

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// Sealer seals and opens secret values with keys kept outside the event
// log, and destroys them (keyring.Ring).
type Sealer interface {
	Seal(ctx context.Context, team, secret string, values map[string]string) (map[string]string, error)
	// SealGen seals under generation gen of the secret's data key.
	SealGen(ctx context.Context, team, secret string, gen int, values map[string]string) (map[string]string, error)
	Open(ctx context.Context, team, secret string, sealed map[string]string) (map[string]string, error)
	Shred(ctx context.Context, team, secret string) error
	// ShredBefore destroys the generations of the secret's data key
	// older than gen.
	ShredBefore(ctx context.Context, team, secret string, gen int) error
	Rotate(ctx context.Context, team string) (from, to string, rewrapped int, err error)
}

// Option configures Handlers.
type Option func(*Handlers)

// WithSealer gives the handlers the keyring secrets are sealed with;
// without one, secret commands are UNAVAILABLE.
func WithSealer(s Sealer) Option { return func(h *Handlers) { h.sealer = s } }

func (h *Handlers) needSealer() error {
	if h.sealer == nil {
		return &fault.Error{Code: fault.Unavailable, Msg: "secrets are not available: this process has no keyring"}
	}
	return nil
}

// SetSecretInput sets and removes keys of a secret of an environment,
// creating it when it does not exist. Set holds values in clear; they are
// sealed before anything is appended.
type SetSecretInput struct {
	Team  string
	Env   string
	Name  string
	Set   map[string]string
	Unset []string
}

// SetSecret seals the values given and sets them (members), creating the
// secret when its name is free in the environment. No value reaches the
// log, a log line or an error in clear.
func (h *Handlers) SetSecret(ctx context.Context, p auth.Principal, in SetSecretInput) (Result[cd.Secret], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Secret]{}, err
	}
	if err := h.needSealer(); err != nil {
		return Result[cd.Secret]{}, err
	}
	if err := cd.CheckSecretChange(in.Set, in.Unset); err != nil {
		return Result[cd.Secret]{}, err
	}
	env, err := h.envByName(ctx, in.Team, "env", in.Env)
	if err != nil {
		return Result[cd.Secret]{}, err
	}
	src := cd.Source{Kind: cd.SourceSecret, Name: in.Name}
	if len(in.Unset) > 0 {
		if err := h.caughtUp(ctx); err != nil {
			return Result[cd.Secret]{}, fmt.Errorf("set secret %s/%s: %w", in.Env, in.Name, err)
		}
		for i, k := range in.Unset {
			if users := h.dir.SourceUsers(in.Team, env.ID, src, k); len(users) > 0 {
				return Result[cd.Secret]{}, &fault.Error{Code: fault.Conflict, Field: fmt.Sprintf("unset[%d]", i),
					Msg: fmt.Sprintf("key %s of secret %s is the value of a variable of app(s) %s; change them first", k, in.Name, strings.Join(users, ", "))}
			}
		}
	}
	for attempt := 0; ; attempt++ {
		res, err := h.setSecret(ctx, p, in, env)
		if attempt == 0 && errors.Is(err, errNameRace) {
			continue
		}
		if err != nil {
			return Result[cd.Secret]{}, fmt.Errorf("set secret %s/%s: %w", in.Env, in.Name, err)
		}
		return res, nil
	}
}

func (h *Handlers) setSecret(ctx context.Context, p auth.Principal, in SetSecretInput, env cd.Env) (Result[cd.Secret], error) {
	id, _, err := uniq.Owner(ctx, h.store, in.Team, cd.SecretNameKind, cd.ConfigNameKey(env.ID, in.Name))
	if err != nil {
		return Result[cd.Secret]{}, err
	}
	if id != "" {
		return h.changeSecret(ctx, p, in, id)
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.Secret]{}, err
	}
	if id, err = events.NewID(); err != nil {
		return Result[cd.Secret]{}, err
	}
	sealed, err := h.sealer.Seal(ctx, in.Team, id, in.Set)
	if err != nil {
		return Result[cd.Secret]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Secret]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.SecretAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveSecret, Guard: h.guardPlaced(in.Team, pl),
		Decide: func(s cd.Secret) ([]any, error) {
			return cd.DecideCreateSecret(s, id, in.Name, pl.env.ID, pl.cluster.ID, sealed, in.Unset)
		},
		Also: func(ctx context.Context, _ cd.Secret, _ []any) ([]events.Write, error) {
			w, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), cd.SecretNameKind, cd.ConfigNameKey(pl.env.ID, in.Name), id)
			if fault.CodeOf(err) == fault.Conflict {
				return nil, errNameRace
			}
			return []events.Write{w}, err
		},
	})
	if err != nil {
		// The key made for a secret that was never recorded opens nothing
		// of the log: destroy it.
		if serr := h.sealer.Shred(ctx, in.Team, id); serr != nil {
			slog.Warn("destroy the key of a secret never created", "secret", id, "err", serr)
		}
		return Result[cd.Secret]{}, err
	}
	return Result[cd.Secret]{Object: res.State, Seq: res.Seq()}, nil
}

// keyMovedAttempts bounds how often a change or a re-encryption of one
// secret starts again because a rotation (or a change) came in between.
const keyMovedAttempts = 5

// changeSecret seals the values under the generation of the secret's
// data key it has now and records them, starting again when a rotation
// re-encrypted the secret meanwhile: a value sealed under a generation
// the rotation then destroys would never open.
func (h *Handlers) changeSecret(ctx context.Context, p auth.Principal, in SetSecretInput, id string) (Result[cd.Secret], error) {
	ref := events.AggregateRef{Type: cd.SecretAggregate, ID: id}
	for attempt := 1; ; attempt++ {
		s, _, err := events.LoadState(ctx, h.store, in.Team, ref, cd.EvolveSecret)
		if err != nil {
			return Result[cd.Secret]{}, err
		}
		sealed, err := h.sealer.SealGen(ctx, in.Team, id, s.KeyGen, in.Set)
		if err != nil {
			return Result[cd.Secret]{}, err
		}
		res, err := events.Handle(ctx, h.store, events.Command[cd.Secret]{
			Team: in.Team, Aggregate: ref, Actor: p.Actor(),
			Evolve: cd.EvolveSecret,
			Decide: func(s2 cd.Secret) ([]any, error) { return cd.DecideChangeSecretGen(s2, s.KeyGen, sealed, in.Unset) },
		})
		if errors.Is(err, cd.ErrKeyMoved) && attempt < keyMovedAttempts {
			continue
		}
		if err != nil {
			return Result[cd.Secret]{}, err
		}
		return Result[cd.Secret]{Object: res.State, Seq: res.Seq()}, nil
	}
}

// DeleteSecret deletes a secret no app uses (members), freeing its name,
// then destroys its key: its sealed values in the log can no longer be
// opened. The audit trail keeps that it existed and who changed it.
func (h *Handlers) DeleteSecret(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Secret], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Secret]{}, err
	}
	if err := h.needSealer(); err != nil {
		return Result[cd.Secret]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Secret]{}, err
	}
	s, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.SecretAggregate, ID: id}, cd.EvolveSecret)
	if err != nil {
		return Result[cd.Secret]{}, fmt.Errorf("delete secret %s: %w", id, err)
	}
	if !s.Exists() {
		if s.Deleted {
			// Deleted before: make sure its key is gone too (the erase
			// after an earlier delete may have failed).
			if err := h.sealer.Shred(ctx, team, id); err != nil {
				return Result[cd.Secret]{}, fmt.Errorf("delete secret %s: destroy its key: %w", id, err)
			}
		}
		return Result[cd.Secret]{}, cd.NotFound("id", "secret %s", id)
	}
	if err := h.caughtUp(ctx); err != nil {
		return Result[cd.Secret]{}, fmt.Errorf("delete secret %s: %w", id, err)
	}
	if users := h.dir.SourceUsers(team, s.EnvID, cd.Source{Kind: cd.SourceSecret, Name: s.Name}, ""); len(users) > 0 {
		return Result[cd.Secret]{}, &fault.Error{Code: fault.Conflict, Field: "id",
			Msg: fmt.Sprintf("secret %s is used by app(s) %s; change them first", s.Name, strings.Join(users, ", "))}
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Secret]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.SecretAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveSecret,
		Decide: cd.DecideDeleteSecret,
		Also: func(ctx context.Context, s cd.Secret, _ []any) ([]events.Write, error) {
			w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.SecretNameKind, cd.ConfigNameKey(s.EnvID, s.Name), s.ID)
			if err != nil || !ok {
				return nil, err
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Secret]{}, fmt.Errorf("delete secret %s: %w", id, err)
	}
	if err := h.sealer.Shred(ctx, team, id); err != nil {
		return Result[cd.Secret]{}, fmt.Errorf("delete secret %s: it is deleted, but its key could not be destroyed yet (deleting it again by id retries the erase): %w", id, err)
	}
	return Result[cd.Secret]{Object: res.State, Seq: res.Seq()}, nil
}

// Revealed is a secret with its values in clear.
type Revealed struct {
	Secret cd.Secret
	Values map[string]string
}

// RevealSecret returns a secret's values in clear to an owner or admin,
// and records that they did (SecretRevealed) before answering: a reveal
// that could not be recorded answers nothing.
func (h *Handlers) RevealSecret(ctx context.Context, p auth.Principal, team, id string) (Result[Revealed], error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return Result[Revealed]{}, err
	}
	if err := h.needSealer(); err != nil {
		return Result[Revealed]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[Revealed]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Secret]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.SecretAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveSecret,
		Decide: cd.DecideRevealSecret,
	})
	if err != nil {
		return Result[Revealed]{}, fmt.Errorf("reveal secret %s: %w", id, err)
	}
	values, err := h.sealer.Open(ctx, team, id, res.State.Values)
	if err != nil {
		return Result[Revealed]{}, fmt.Errorf("reveal secret %s: %w", id, err)
	}
	return Result[Revealed]{Object: Revealed{Secret: res.State, Values: values}, Seq: res.Seq()}, nil
}

// RotateSecretsKey replaces the team's secret key (admins): every
// secret's data key is wrapped again with a new team key and the old one
// destroyed; then every live secret's values are sealed again under a new
// data key (SecretRekeyed) and its old data keys destroyed, so what the
// log held of them before no longer opens. Values keep opening
// throughout, and nothing changes in the clusters: a re-encrypted
// secret's version stays. Recorded as SecretsKeyRotated. Run again after
// a failure, it finishes what is left.
func (h *Handlers) RotateSecretsKey(ctx context.Context, p auth.Principal, team string) (Result[cd.SecretsKeyRotated], error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return Result[cd.SecretsKeyRotated]{}, err
	}
	if err := h.needSealer(); err != nil {
		return Result[cd.SecretsKeyRotated]{}, err
	}
	from, to, n, err := h.sealer.Rotate(ctx, team)
	if err != nil {
		return Result[cd.SecretsKeyRotated]{}, fmt.Errorf("rotate team %s's secret key: %w", team, err)
	}
	e := cd.SecretsKeyRotated{From: from, To: to, Rewrapped: n}
	if to == "" {
		return Result[cd.SecretsKeyRotated]{Object: e}, nil // no secret was ever set: no key
	}
	// Secrets made after this point are sealed under the new team key
	// already; those before are listed once the read model has them.
	if err := h.caughtUp(ctx); err != nil {
		return Result[cd.SecretsKeyRotated]{}, fmt.Errorf("rotate team %s's secret key: %w", team, err)
	}
	for _, id := range h.dir.TeamSecrets(team) {
		done, err := h.rekeySecret(ctx, p, team, id)
		if err != nil {
			return Result[cd.SecretsKeyRotated]{}, fmt.Errorf("rotate team %s's secret key: re-encrypt secret %s (%d re-encrypted; run it again to finish): %w", team, id, e.Resealed, err)
		}
		if done {
			e.Resealed++
		}
	}
	for _, id := range h.dir.TeamRunServices(team) {
		done, err := h.rekeyServiceKey(ctx, p, team, id)
		if err != nil {
			return Result[cd.SecretsKeyRotated]{}, fmt.Errorf("rotate team %s's secret key: re-encrypt the credentials key of service %s (%d re-encrypted; run it again to finish): %w", team, id, e.Resealed, err)
		}
		if done {
			e.Resealed++
		}
	}
	app, err := h.store.Append(ctx, events.AnyVersion, events.Event{
		Team: team, Aggregate: events.AggregateRef{Type: cd.KeyringAggregate, ID: team}, Actor: p.Actor(), Data: e,
	})
	if err != nil {
		return Result[cd.SecretsKeyRotated]{}, fmt.Errorf("record the rotation of team %s's secret key: %w", team, err)
	}
	return Result[cd.SecretsKeyRotated]{Object: e, Seq: app.LastSeq}, nil
}

// rekeySecret seals secret id's values again under the next generation of
// its data key, records that (SecretRekeyed, expecting the secret as it
// was read), then destroys the older generations. It reports false for a
// secret deleted meanwhile.
func (h *Handlers) rekeySecret(ctx context.Context, p auth.Principal, team, id string) (bool, error) {
	ref := events.AggregateRef{Type: cd.SecretAggregate, ID: id}
	for attempt := 1; ; attempt++ {
		s, _, err := events.LoadState(ctx, h.store, team, ref, cd.EvolveSecret)
		if err != nil {
			return false, err
		}
		if !s.Exists() {
			return false, nil
		}
		values, err := h.sealer.Open(ctx, team, id, s.Values)
		if err != nil {
			return false, err
		}
		gen := s.KeyGen + 1
		sealed, err := h.sealer.SealGen(ctx, team, id, gen, values)
		clear(values)
		if err != nil {
			return false, err
		}
		res, err := events.Handle(ctx, h.store, events.Command[cd.Secret]{
			Team: team, Aggregate: ref, Actor: p.Actor(), Evolve: cd.EvolveSecret,
			Decide: func(cur cd.Secret) ([]any, error) { return cd.DecideRekeySecret(cur, s.Version, gen, sealed) },
		})
		if errors.Is(err, cd.ErrKeyMoved) && attempt < keyMovedAttempts {
			// Changed or re-encrypted meanwhile: what was sealed under gen
			// is of no use (a rotation at once may use gen itself, so it
			// is not destroyed here).
			continue
		}
		if err != nil {
			return false, err
		}
		if !res.State.Exists() {
			return false, nil
		}
		// The log holds the values under gen now, and a change sealed
		// under an older generation is refused (DecideChangeSecretGen):
		// nothing will need the older ones again.
		if err := h.sealer.ShredBefore(ctx, team, id, res.State.KeyGen); err != nil {
			return false, fmt.Errorf("destroy its older data keys: %w", err)
		}
		return true, nil
	}
}

// rekeyServiceKey seals run service id's private credentials key again
// under the next generation of its data key, records that
// (ServiceKeyRekeyed), then destroys the older generations. Only a
// rotation changes it, so a rotation at once is the only race.
func (h *Handlers) rekeyServiceKey(ctx context.Context, p auth.Principal, team, id string) (bool, error) {
	ref := events.AggregateRef{Type: cd.ServiceAggregate, ID: id}
	for attempt := 1; ; attempt++ {
		s, _, err := events.LoadState(ctx, h.store, team, ref, cd.EvolveService)
		if err != nil {
			return false, err
		}
		if !s.Exists() || s.Instance == nil {
			return false, nil
		}
		plain, err := h.sealer.Open(ctx, team, id, map[string]string{credentialsKeyName: s.Instance.SealedKey})
		if err != nil {
			return false, err
		}
		gen := s.Instance.KeyGen + 1
		sealed, err := h.sealer.SealGen(ctx, team, id, gen, plain)
		clear(plain)
		if err != nil {
			return false, err
		}
		res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
			Team: team, Aggregate: ref, Actor: p.Actor(), Evolve: cd.EvolveService,
			Decide: func(cur cd.Service) ([]any, error) {
				return cd.DecideRekeyServiceKey(cur, gen, sealed[credentialsKeyName])
			},
		})
		if errors.Is(err, cd.ErrKeyMoved) && attempt < keyMovedAttempts {
			continue
		}
		if err != nil {
			return false, err
		}
		if !res.State.Exists() || res.State.Instance == nil {
			return false, nil
		}
		if err := h.sealer.ShredBefore(ctx, team, id, res.State.Instance.KeyGen); err != nil {
			return false, fmt.Errorf("destroy its older data keys: %w", err)
		}
		return true, nil
	}
}
