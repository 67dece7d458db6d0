package command

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// CreateEnvInput creates an environment in one of the team's clusters.
type CreateEnvInput struct {
	Team      string
	Name      string
	ClusterID string
}

// CreateEnv creates an environment (admins). Its name is unique in the team.
func (h *Handlers) CreateEnv(ctx context.Context, p auth.Principal, in CreateEnvInput) (Result[cd.Env], error) {
	if err := p.Require(in.Team, auth.Admin); err != nil {
		return Result[cd.Env]{}, err
	}
	if err := validate.Name("name", in.Name); err != nil {
		return Result[cd.Env]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[cd.Env]{}, err
	}
	gone := cd.NotFound("clusterId", "cluster %s", in.ClusterID)
	c, guard, err := h.clusterGuard(ctx, in.Team, in.ClusterID, gone)
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("create environment %s: %w", in.Name, err)
	}
	id, err := events.NewID()
	if err != nil {
		return Result[cd.Env]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Env]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.EnvAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveEnv,
		// Stored only while the cluster is live (its name claim unmoved):
		// read again after a conflict.
		Guard:  h.guardFrom(in.Team, in.ClusterID, guard, gone),
		Decide: func(s cd.Env) ([]any, error) { return cd.DecideCreateEnv(s, id, in.Name, c.ID) },
		Also: func(ctx context.Context, _ cd.Env, _ []any) ([]events.Write, error) {
			w, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), cd.EnvNameKind, in.Name, id)
			if err != nil {
				return nil, nameTaken(err, "name", fmt.Sprintf("environment %q already exists", in.Name))
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("create environment %s: %w", in.Name, err)
	}
	return Result[cd.Env]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteEnv deletes an empty environment (admins), freeing its name. A
// clone (CloneEnv) is deleted with everything in it, in one atomic append.
func (h *Handlers) DeleteEnv(ctx context.Context, p auth.Principal, team, name string) (Result[cd.Env], error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return Result[cd.Env]{}, err
	}
	env, err := h.envByName(ctx, team, "name", name)
	if err != nil {
		return Result[cd.Env]{}, err
	}
	// Count apps and services as of now: wait until the read model has
	// everything appended so far. (A create racing this delete can slip
	// through; its app then shows an environment that is gone.)
	last, err := h.store.LastSeq(ctx)
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("delete environment %s: %w", name, err)
	}
	if err := h.dir.WaitFor(ctx, last); err != nil {
		return Result[cd.Env]{}, fmt.Errorf("delete environment %s: %w", name, err)
	}
	if n := h.dir.EnvWorkloads(team, env.ID); n > 0 && env.ClonedFrom != "" {
		// A clone goes with everything in it.
		res, err := h.deleteClone(ctx, p, team, env)
		if err != nil {
			return Result[cd.Env]{}, fmt.Errorf("delete environment %s: %w", name, err)
		}
		return res, nil
	} else if n > 0 {
		return Result[cd.Env]{}, fault.Conflictf("environment %s still has %d app(s), service(s), config(s), secret(s) or router(s); delete them first", name, n)
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Env]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.EnvAggregate, ID: env.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveEnv,
		Decide: cd.DecideDeleteEnv,
		Also: func(ctx context.Context, s cd.Env, _ []any) ([]events.Write, error) {
			w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.EnvNameKind, s.Name, s.ID)
			if err != nil || !ok {
				return nil, err
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("delete environment %s: %w", name, err)
	}
	return Result[cd.Env]{Object: res.State, Seq: res.Seq()}, nil
}

// envByName resolves an environment's name through its uniq claim and
// loads it; field names the input it came from.
func (h *Handlers) envByName(ctx context.Context, team, field, name string) (cd.Env, error) {
	if err := validate.Name(field, name); err != nil {
		return cd.Env{}, err
	}
	id, _, err := uniq.Owner(ctx, h.store, team, cd.EnvNameKind, name)
	if err != nil {
		return cd.Env{}, err
	}
	if id == "" {
		return cd.Env{}, cd.NotFound(field, "environment %q", name)
	}
	env, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.EnvAggregate, ID: id}, cd.EvolveEnv)
	if err != nil {
		return cd.Env{}, err
	}
	if !env.Exists() {
		return cd.Env{}, cd.NotFound(field, "environment %q", name)
	}
	return env, nil
}

// nameTaken turns uniq's conflict into one naming the field and the
// resource as users know it.
func nameTaken(err error, field, msg string) error {
	if fault.CodeOf(err) == fault.Conflict {
		return &fault.Error{Code: fault.Conflict, Field: field, Msg: msg}
	}
	return err
}

// ReportNamespaceInput is what the agent of an environment's cluster
// reported of its namespace.
type ReportNamespaceInput struct {
	Team      string
	ClusterID string
	ID        string // the environment's
	Namespace cd.NamespaceState
}

// ReportNamespace records an environment's namespace when it changed.
// System principal only (the message office, for the agent of ClusterID).
func (h *Handlers) ReportNamespace(ctx context.Context, p auth.Principal, in ReportNamespaceInput) (Result[cd.Env], error) {
	if !p.System {
		return Result[cd.Env]{}, fault.Forbiddenf("only the message office reports namespaces")
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Env]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[cd.Env]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Env]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.EnvAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveEnv,
		Decide: func(s cd.Env) ([]any, error) { return cd.DecideReportNamespace(s, in.ClusterID, in.Namespace) },
	})
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("report namespace of environment %s: %w", in.ID, err)
	}
	return Result[cd.Env]{Object: res.State, Seq: res.Seq()}, nil
}
