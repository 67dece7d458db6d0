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

// placement is where a new app or service goes.
type placement struct {
	env     cd.Env
	cluster cluster
}

// place validates the name and finds the environment and its cluster.
func (h *Handlers) place(ctx context.Context, team, envName, name string) (placement, error) {
	if err := validate.Name("name", name); err != nil {
		return placement{}, err
	}
	env, err := h.envByName(ctx, team, "env", envName)
	if err != nil {
		return placement{}, err
	}
	c, err := h.cluster(ctx, team, env.ClusterID)
	if err != nil {
		return placement{}, err
	}
	if !c.Created || c.Deleted {
		return placement{}, &cd.Error{Kind: cd.ErrClusterGone, Fault: &fault.Error{Code: fault.Conflict, Field: "env",
			Msg: fmt.Sprintf("the cluster of environment %s was deleted; nothing new can be placed there", envName)}}
	}
	return placement{env: env, cluster: c}, nil
}

// allocate appends, in one atomic batch, the allocation of a service IP in
// the cluster's range, the creating event that build makes from that IP,
// and the name claim. The range aggregate's version check makes two
// concurrent creations pick different IPs: the loser re-decides.
func (h *Handlers) allocate(ctx context.Context, p auth.Principal, team string, pl placement, kind, id, name string,
	build func(ip string) any) (events.Result[cd.ServiceRange], error) {
	ref := events.AggregateRef{Type: kind, ID: id}
	var res events.Result[cd.ServiceRange]
	err := h.onRange(pl.cluster.ID, func(cache *events.Cached[cd.ServiceRange]) (err error) {
		res, err = h.allocateIn(ctx, p, team, pl, ref, name, id, kind, cache, build)
		return err
	})
	return res, err
}

func (h *Handlers) allocateIn(ctx context.Context, p auth.Principal, team string, pl placement, ref events.AggregateRef, name, id, kind string,
	cache *events.Cached[cd.ServiceRange], build func(ip string) any) (events.Result[cd.ServiceRange], error) {
	return events.Handle(ctx, h.store, events.Command[cd.ServiceRange]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.SvcRangeAggregate, ID: pl.cluster.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveServiceRange, Cache: cache,
		Decide: func(s cd.ServiceRange) ([]any, error) {
			return cd.DecideAllocate(s, pl.cluster.ID, pl.cluster.ServiceRange, kind, id)
		},
		Also: func(ctx context.Context, _ cd.ServiceRange, decided []any) ([]events.Write, error) {
			ip := decided[0].(cd.ServiceIPAllocated).IP
			claim, err := uniq.Claim(ctx, h.store, team, p.Actor(), cd.AppNameKind, cd.AppNameKey(pl.env.ID, name), id)
			if err != nil {
				return nil, nameTaken(err, "name", fmt.Sprintf("an app or service called %q already exists in environment %s", name, pl.env.Name))
			}
			return []events.Write{
				{Expected: 0, Events: []events.Event{{Team: team, Aggregate: ref, Actor: p.Actor(), Data: build(ip)}}},
				claim,
			}, nil
		},
	})
}

// releaseWrites frees a deleted app's or service's IP and name. It runs
// holding the cluster's range (onRange), whose cached state it brings up
// to date.
func (h *Handlers) releaseWrites(ctx context.Context, p auth.Principal, team, clusterID, ip, envID, name, owner string, cache *events.Cached[cd.ServiceRange]) ([]events.Write, error) {
	var out []events.Write
	rng, v, err := events.LoadCached(ctx, h.store, team, events.AggregateRef{Type: cd.SvcRangeAggregate, ID: clusterID}, cache, cd.ServiceRange{}, cd.EvolveServiceRange)
	if err != nil {
		return nil, fmt.Errorf("load the service range of cluster %s: %w", clusterID, err)
	}
	if evs := cd.DecideRelease(rng, ip, owner); len(evs) > 0 {
		out = append(out, events.Write{Expected: v, Events: []events.Event{{
			Team: team, Aggregate: events.AggregateRef{Type: cd.SvcRangeAggregate, ID: clusterID}, Actor: p.Actor(), Data: evs[0],
		}}})
	}
	w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.AppNameKind, cd.AppNameKey(envID, name), owner)
	if err != nil {
		return nil, err
	}
	if ok {
		out = append(out, w)
	}
	return out, nil
}

// cacheFor is the range cache held for cluster locked, if the workload is
// still in it (nil otherwise: its range is then read without a cache).
func cacheFor(cache *events.Cached[cd.ServiceRange], cluster, locked string) *events.Cached[cd.ServiceRange] {
	if cluster != locked {
		return nil
	}
	return cache
}

func created[S any](res events.Result[cd.ServiceRange], aggType string, evolve func(S, events.Recorded) S) S {
	var s S
	for _, r := range res.Events {
		if r.Aggregate.Type == aggType {
			s = evolve(s, r)
		}
	}
	return s
}

// CreateAppInput creates an app in an environment.
type CreateAppInput struct {
	Team    string
	Env     string // environment name
	Name    string
	Spec    cd.Spec
	Backing cd.Backing // a workload or an exported Service, if any
}

// CreateApp creates an app with a service IP from its environment's cluster
// (members). Its name is unique among the environment's apps and services.
func (h *Handlers) CreateApp(ctx context.Context, p auth.Principal, in CreateAppInput) (Result[cd.App], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.App]{}, err
	}
	spec, backing, err := in.Backing.Normalize(in.Spec)
	if err != nil {
		return Result[cd.App]{}, err
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.App]{}, err
	}
	id, err := newID()
	if err != nil {
		return Result[cd.App]{}, err
	}
	res, err := h.allocate(ctx, p, in.Team, pl, cd.AppAggregate, id, in.Name, func(ip string) any {
		return cd.AppCreated{ID: id, Name: in.Name, EnvID: pl.env.ID, ClusterID: pl.cluster.ID, ServiceIP: ip, Spec: spec,
			Workload: backing.Workload, Export: backing.Export}
	})
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("create app %s/%s: %w", in.Env, in.Name, err)
	}
	return Result[cd.App]{Object: created(res, cd.AppAggregate, cd.EvolveApp), Seq: res.LastSeq}, nil
}

// UpdateAppInput replaces an app's network spec and backing.
type UpdateAppInput struct {
	Team    string
	ID      string
	Spec    cd.Spec
	Backing cd.Backing
}

// UpdateApp replaces an app's spec (members); its service IP stays.
func (h *Handlers) UpdateApp(ctx context.Context, p auth.Principal, in UpdateAppInput) (Result[cd.App], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.App]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.App]{}, err
	}
	spec, backing, err := in.Backing.Normalize(in.Spec)
	if err != nil {
		return Result[cd.App]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.App]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.AppAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveApp,
		Decide: func(s cd.App) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "app %s", in.ID)
			}
			return cd.DecideUpdateApp(s, spec, backing)
		},
	})
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("update app %s: %w", in.ID, err)
	}
	return Result[cd.App]{Object: res.State, Seq: seqOf(res)}, nil
}

// ReportRolloutInput is what the agent of an app's cluster reported of its
// rollout.
type ReportRolloutInput struct {
	Team      string
	ClusterID string
	ID        string
	Rollout   cd.Rollout
}

// ReportRollout records an app's rollout when it changed. System
// principal only (the message office, for the agent of ClusterID: an
// agent reports only apps homed in its own cluster).
func (h *Handlers) ReportRollout(ctx context.Context, p auth.Principal, in ReportRolloutInput) (Result[cd.App], error) {
	if !p.System {
		return Result[cd.App]{}, fault.Forbiddenf("only the message office reports rollouts")
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.App]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[cd.App]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.App]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.AppAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveApp,
		Decide: func(s cd.App) ([]any, error) { return cd.DecideReportRollout(s, in.ClusterID, in.Rollout) },
	})
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("report rollout of app %s: %w", in.ID, err)
	}
	return Result[cd.App]{Object: res.State, Seq: seqOf(res)}, nil
}

// DeleteApp deletes an app without active intercepts (members), releasing
// its service IP and name in the same atomic append.
func (h *Handlers) DeleteApp(ctx context.Context, p auth.Principal, team, id string) (Result[cd.App], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.App]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.App]{}, err
	}
	ref := events.AggregateRef{Type: cd.AppAggregate, ID: id}
	// The release goes to the cluster's range, which creations in this
	// process take turns on: take the turn too, so they never race.
	app, _, err := load(ctx, h.store, team, ref, cd.EvolveApp)
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("delete app %s: %w", id, err)
	}
	var res events.Result[cd.App]
	err = h.onRange(app.ClusterID, func(cache *events.Cached[cd.ServiceRange]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[cd.App]{
			Team: team, Aggregate: ref, Actor: p.Actor(),
			Evolve: cd.EvolveApp,
			Decide: func(s cd.App) ([]any, error) {
				if s.ID == "" {
					return nil, cd.NotFound("id", "app %s", id)
				}
				return cd.DecideDeleteApp(s)
			},
			Also: func(ctx context.Context, s cd.App, _ []any) ([]events.Write, error) {
				return h.releaseWrites(ctx, p, team, s.ClusterID, s.ServiceIP, s.EnvID, s.Name, s.ID, cacheFor(cache, s.ClusterID, app.ClusterID))
			},
		})
		return err
	})
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("delete app %s: %w", id, err)
	}
	return Result[cd.App]{Object: res.State, Seq: seqOf(res)}, nil
}

// CreateServiceInput creates a managed service in an environment.
type CreateServiceInput struct {
	Team string
	Env  string
	Name string
	Kind cd.ServiceKind
	Spec cd.Spec
}

// CreateService creates a managed service with a service IP (members).
func (h *Handlers) CreateService(ctx context.Context, p auth.Principal, in CreateServiceInput) (Result[cd.Service], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := cd.ValidateKind("kind", in.Kind); err != nil {
		return Result[cd.Service]{}, err
	}
	spec, err := in.Spec.Normalize("spec.")
	if err != nil {
		return Result[cd.Service]{}, err
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.Service]{}, err
	}
	id, err := newID()
	if err != nil {
		return Result[cd.Service]{}, err
	}
	res, err := h.allocate(ctx, p, in.Team, pl, cd.ServiceAggregate, id, in.Name, func(ip string) any {
		return cd.ServiceCreated{ID: id, Name: in.Name, Kind: in.Kind, EnvID: pl.env.ID, ClusterID: pl.cluster.ID, ServiceIP: ip, Spec: spec}
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("create service %s/%s: %w", in.Env, in.Name, err)
	}
	return Result[cd.Service]{Object: created(res, cd.ServiceAggregate, cd.EvolveService), Seq: res.LastSeq}, nil
}

// UpdateServiceInput replaces a managed service's kind and spec.
type UpdateServiceInput struct {
	Team string
	ID   string
	Kind cd.ServiceKind
	Spec cd.Spec
}

// UpdateService replaces a managed service's kind and spec (members).
func (h *Handlers) UpdateService(ctx context.Context, p auth.Principal, in UpdateServiceInput) (Result[cd.Service], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := cd.ValidateKind("kind", in.Kind); err != nil {
		return Result[cd.Service]{}, err
	}
	spec, err := in.Spec.Normalize("spec.")
	if err != nil {
		return Result[cd.Service]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.ServiceAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveService,
		Decide: func(s cd.Service) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "service %s", in.ID)
			}
			return cd.DecideUpdateService(s, in.Kind, spec)
		},
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("update service %s: %w", in.ID, err)
	}
	return Result[cd.Service]{Object: res.State, Seq: seqOf(res)}, nil
}

// DeleteService deletes a managed service (members), releasing its IP and
// name atomically.
func (h *Handlers) DeleteService(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Service], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Service]{}, err
	}
	ref := events.AggregateRef{Type: cd.ServiceAggregate, ID: id}
	svc, _, err := load(ctx, h.store, team, ref, cd.EvolveService)
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("delete service %s: %w", id, err)
	}
	var res events.Result[cd.Service]
	err = h.onRange(svc.ClusterID, func(cache *events.Cached[cd.ServiceRange]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[cd.Service]{
			Team: team, Aggregate: ref, Actor: p.Actor(),
			Evolve: cd.EvolveService,
			Decide: func(s cd.Service) ([]any, error) {
				if s.ID == "" {
					return nil, cd.NotFound("id", "service %s", id)
				}
				return cd.DecideDeleteService(s)
			},
			Also: func(ctx context.Context, s cd.Service, _ []any) ([]events.Write, error) {
				return h.releaseWrites(ctx, p, team, s.ClusterID, s.ServiceIP, s.EnvID, s.Name, s.ID, cacheFor(cache, s.ClusterID, svc.ClusterID))
			},
		})
		return err
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("delete service %s: %w", id, err)
	}
	return Result[cd.Service]{Object: res.State, Seq: seqOf(res)}, nil
}
