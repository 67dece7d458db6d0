package command

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// SetConfigInput sets and removes keys of a config of an environment,
// creating the config when it does not exist.
type SetConfigInput struct {
	Team  string
	Env   string // the environment's name
	Name  string
	Set   map[string]string
	Unset []string
}

// SetConfig sets keys of a config (members), creating it in the
// environment when its name is free. Its name is unique among the
// environment's configs; a config is created, like an app, only in an
// environment whose cluster still exists.
func (h *Handlers) SetConfig(ctx context.Context, p auth.Principal, in SetConfigInput) (Result[cd.Config], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Config]{}, err
	}
	if err := cd.CheckConfigChange(in.Set, in.Unset); err != nil {
		return Result[cd.Config]{}, err
	}
	env, err := h.envByName(ctx, in.Team, "env", in.Env)
	if err != nil {
		return Result[cd.Config]{}, err
	}
	if len(in.Unset) > 0 {
		// A key an app's variable names may not go: its pods would no
		// longer start. Users as of now, as for DeleteConfig.
		if err := h.caughtUp(ctx); err != nil {
			return Result[cd.Config]{}, fmt.Errorf("set config %s/%s: %w", in.Env, in.Name, err)
		}
		for i, k := range in.Unset {
			if users := h.dir.SourceUsers(in.Team, env.ID, cd.Source{Kind: cd.SourceConfig, Name: in.Name}, k); len(users) > 0 {
				return Result[cd.Config]{}, &fault.Error{Code: fault.Conflict, Field: fmt.Sprintf("unset[%d]", i),
					Msg: fmt.Sprintf("key %s of config %s is the value of a variable of app(s) %s; change them first", k, in.Name, strings.Join(users, ", "))}
			}
		}
	}
	// Twice at most: a create that lost the name to a concurrent one
	// changes that one instead.
	for attempt := 0; ; attempt++ {
		res, err := h.setConfig(ctx, p, in, env)
		if attempt == 0 && errors.Is(err, errNameRace) {
			continue
		}
		if err != nil {
			return Result[cd.Config]{}, fmt.Errorf("set config %s/%s: %w", in.Env, in.Name, err)
		}
		return res, nil
	}
}

// errNameRace is a create that found its name claimed meanwhile.
var errNameRace = errors.New("the config was created meanwhile")

func (h *Handlers) setConfig(ctx context.Context, p auth.Principal, in SetConfigInput, env cd.Env) (Result[cd.Config], error) {
	id, _, err := uniq.Owner(ctx, h.store, in.Team, cd.ConfigNameKind, cd.ConfigNameKey(env.ID, in.Name))
	if err != nil {
		return Result[cd.Config]{}, err
	}
	if id != "" {
		res, err := events.Handle(ctx, h.store, events.Command[cd.Config]{
			Team: in.Team, Aggregate: events.AggregateRef{Type: cd.ConfigAggregate, ID: id}, Actor: p.Actor(),
			Evolve: cd.EvolveConfig,
			Decide: func(s cd.Config) ([]any, error) { return cd.DecideChangeConfig(s, in.Set, in.Unset) },
		})
		if err != nil {
			return Result[cd.Config]{}, err
		}
		return Result[cd.Config]{Object: res.State, Seq: res.Seq()}, nil
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.Config]{}, err
	}
	if id, err = events.NewID(); err != nil {
		return Result[cd.Config]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Config]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.ConfigAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveConfig, Guard: h.guardPlaced(in.Team, pl),
		Decide: func(s cd.Config) ([]any, error) {
			return cd.DecideCreateConfig(s, id, in.Name, pl.env.ID, pl.cluster.ID, in.Set, in.Unset)
		},
		Also: func(ctx context.Context, _ cd.Config, _ []any) ([]events.Write, error) {
			w, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), cd.ConfigNameKind, cd.ConfigNameKey(pl.env.ID, in.Name), id)
			if fault.CodeOf(err) == fault.Conflict {
				return nil, errNameRace
			}
			return []events.Write{w}, err
		},
	})
	if err != nil {
		return Result[cd.Config]{}, err
	}
	return Result[cd.Config]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteConfig deletes a config (members), freeing its name. A config an
// app takes values from is refused (CONFLICT naming the apps): its pods
// would no longer start.
func (h *Handlers) DeleteConfig(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Config], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Config]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Config]{}, err
	}
	c, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.ConfigAggregate, ID: id}, cd.EvolveConfig)
	if err != nil {
		return Result[cd.Config]{}, fmt.Errorf("delete config %s: %w", id, err)
	}
	if !c.Exists() {
		return Result[cd.Config]{}, cd.NotFound("id", "config %s", id)
	}
	// Users as of now (an app created racing this delete can slip
	// through, as for environments; its pods then wait for the config).
	if err := h.caughtUp(ctx); err != nil {
		return Result[cd.Config]{}, fmt.Errorf("delete config %s: %w", id, err)
	}
	if users := h.dir.SourceUsers(team, c.EnvID, cd.Source{Kind: cd.SourceConfig, Name: c.Name}, ""); len(users) > 0 {
		return Result[cd.Config]{}, &fault.Error{Code: fault.Conflict, Field: "id",
			Msg: fmt.Sprintf("config %s is used by app(s) %s; change them first", c.Name, strings.Join(users, ", "))}
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Config]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.ConfigAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveConfig,
		Decide: cd.DecideDeleteConfig,
		Also: func(ctx context.Context, s cd.Config, _ []any) ([]events.Write, error) {
			w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.ConfigNameKind, cd.ConfigNameKey(s.EnvID, s.Name), s.ID)
			if err != nil || !ok {
				return nil, err
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Config]{}, fmt.Errorf("delete config %s: %w", id, err)
	}
	return Result[cd.Config]{Object: res.State, Seq: res.Seq()}, nil
}

// checkSources refuses a workload that takes values from a config or
// secret its environment does not have (NOT_FOUND naming the field),
// checked against the log, or from a key it does not hold.
func (h *Handlers) checkSources(ctx context.Context, team, envID string, w *cd.Workload) error {
	if w == nil {
		return nil
	}
	// The keys of each source named, as the log has them now (a secret's
	// key names are not secret).
	sources := map[cd.Source]map[string]bool{}
	get := func(field string, s cd.Source) (map[string]bool, error) {
		if keys, ok := sources[s]; ok {
			return keys, nil
		}
		if s.Kind == cd.SourceService {
			keys, err := h.serviceKeys(ctx, team, envID, s.Name)
			if err != nil {
				return nil, err
			}
			if keys == nil {
				return nil, cd.NotFound(field, "the app's environment has no service %q that its cluster runs (create it with weft service create --version)", s.Name)
			}
			sources[s] = keys
			return keys, nil
		}
		kind, agg := cd.ConfigNameKind, cd.ConfigAggregate
		if s.Kind == cd.SourceSecret {
			kind, agg = cd.SecretNameKind, cd.SecretAggregate
		}
		id, _, err := uniq.Owner(ctx, h.store, team, kind, cd.ConfigNameKey(envID, s.Name))
		if err != nil {
			return nil, err
		}
		var keys map[string]bool
		if id != "" {
			ref := events.AggregateRef{Type: agg, ID: id}
			if s.Kind == cd.SourceSecret {
				sec, _, err := events.LoadState(ctx, h.store, team, ref, cd.EvolveSecret)
				if err != nil {
					return nil, err
				}
				if sec.Exists() {
					keys = map[string]bool{}
					for k := range sec.Values {
						keys[k] = true
					}
				}
			} else {
				c, _, err := events.LoadState(ctx, h.store, team, ref, cd.EvolveConfig)
				if err != nil {
					return nil, err
				}
				if c.Exists() {
					keys = map[string]bool{}
					for k := range c.Data {
						keys[k] = true
					}
				}
			}
		}
		if keys == nil {
			return nil, cd.NotFound(field, "the app's environment has no %s %q (create it with weft %s set)", s.Kind, s.Name, s.Kind)
		}
		sources[s] = keys
		return keys, nil
	}
	for i, e := range w.Env {
		if e.From == nil {
			continue
		}
		field := fmt.Sprintf("workload.env[%d].from", i)
		keys, err := get(field+".name", e.From.Source)
		if err != nil {
			return err
		}
		if !keys[e.From.Key] {
			return cd.NotFound(field+".key", "%s %s has no key %s", e.From.Kind, e.From.Name, e.From.Key)
		}
	}
	for i, e := range w.EnvFrom {
		if _, err := get(fmt.Sprintf("workload.envFrom[%d].name", i), e.Source); err != nil {
			return err
		}
	}
	for i, f := range w.Files {
		if _, err := get(fmt.Sprintf("workload.files[%d].name", i), f.Source); err != nil {
			return err
		}
	}
	return nil
}

// caughtUp waits until the read model has everything appended so far
// (or up to the end ctx is pinned to: what the caller's loads read).
func (h *Handlers) caughtUp(ctx context.Context) error {
	last, err := h.store.End(ctx)
	if err != nil {
		return err
	}
	return h.dir.WaitFor(ctx, last)
}

// serviceKeys are the credential keys of the run service called name in
// environment envID; nil when there is none.
func (h *Handlers) serviceKeys(ctx context.Context, team, envID, name string) (map[string]bool, error) {
	id, _, err := uniq.Owner(ctx, h.store, team, cd.AppNameKind, cd.AppNameKey(envID, name))
	if err != nil || id == "" {
		return nil, err
	}
	svc, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, cd.EvolveService)
	if err != nil || !svc.Exists() || svc.Instance == nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, k := range cd.CredentialKeys {
		keys[k] = true
	}
	return keys, nil
}
