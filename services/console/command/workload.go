package command

import (
	"context"
	"errors"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

// placement is where a new app or service goes.
type placement struct {
	env     cd.Env
	cluster cluster
	// guard holds the creation to the cluster still being live when it is
	// stored (clusterGuard).
	guard *events.Guard
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
	c, g, err := h.clusterGuard(ctx, team, env.ClusterID, placedGone(env))
	if err != nil {
		return placement{}, err
	}
	return placement{env: env, cluster: c, guard: g}, nil
}

// guardPlaced is a creation's Command.Guard: the placement's cluster still
// live, read afresh on every attempt.
func (h *Handlers) guardPlaced(team string, pl placement) func(context.Context) (*events.Guard, error) {
	return h.guardFrom(team, pl.cluster.ID, pl.guard, placedGone(pl.env))
}

// guardFrom is a creation's Command.Guard starting from first, the guard
// its caller has just read: the first attempt uses it, and only an attempt
// after a conflict reads the cluster again (it may be the guard's).
func (h *Handlers) guardFrom(team, clusterID string, first *events.Guard, gone error) func(context.Context) (*events.Guard, error) {
	return func(ctx context.Context) (*events.Guard, error) {
		if g := first; g != nil {
			first = nil
			return g, nil
		}
		_, g, err := h.clusterGuard(ctx, team, clusterID, gone)
		return g, err
	}
}

// placedGone is why nothing new goes into env: its cluster was deleted.
func placedGone(env cd.Env) error {
	return fault.WithKind(cd.ErrClusterGone, &fault.Error{Code: fault.Conflict, Field: "env",
		Msg: fmt.Sprintf("the cluster of environment %s was deleted; nothing new can be placed there", env.Name)})
}

// clusterGuard reads a cluster and, if it is live, returns the guard
// that keeps a creation in it from being stored once it is deleted: the
// cluster's name claim, which its deletion releases in the same batch.
// (Not the cluster's own version: its agent's reports move it all the
// time.) Checking the cluster by reading it alone let a cluster deleted
// between the read and the append receive a new app
// (TestAnAppIsNotPlacedInAClusterDeletedWhileItWasCreated).
func (h *Handlers) clusterGuard(ctx context.Context, team, clusterID string, gone error) (cluster, *events.Guard, error) {
	c, err := h.cluster(ctx, team, clusterID)
	if err != nil {
		return c, nil, err
	}
	if !c.Live() {
		return c, nil, gone
	}
	owner, v, err := uniq.Owner(ctx, h.store, team, infra.ClusterNameKind, c.Name)
	if err != nil {
		return c, nil, err
	}
	if owner != c.ID {
		return c, nil, gone // deleted since it was read
	}
	if h.placed != nil {
		h.placed()
	}
	return c, &events.Guard{Team: team, Aggregate: uniq.Ref(infra.ClusterNameKind, c.Name), Version: v}, nil
}

// allocate appends, in one atomic batch, the allocation of a service IP in
// the cluster's range, the creating event that build makes from that IP,
// the address's claim and the name's claim. The claims keep addresses and
// names unique: two creations (in any process) that picked one address
// cannot both store it, and the loser picks again. The range itself is
// appended to without a version check, so creations and deletions in one
// cluster do not take turns on it: they commit together (events' group
// commit). This process picks addresses one at a time from a cached range,
// passing over those it is handing out, so its own creations never pick
// the same one.
func (h *Handlers) allocate(ctx context.Context, p auth.Principal, team string, pl placement, kind, id, name string,
	build func(ip string) any) (events.Result[cd.ServiceRange], error) {
	ref := events.AggregateRef{Type: kind, ID: id}
	rangeRef := events.AggregateRef{Type: cd.SvcRangeAggregate, ID: pl.cluster.ID}
	var lastErr error
	for attempt := 0; attempt < events.MaxAttempts; attempt++ {
		if err := events.Backoff(ctx, attempt); err != nil {
			return events.Result[cd.ServiceRange]{}, fmt.Errorf("allocate a service IP in cluster %s: %w (after %v)", pl.cluster.ID, err, lastErr)
		}
		if attempt > 0 {
			// The log moved past the end the reads were pinned to (the
			// conflict), and the conflict may be the guard's: read the
			// cluster afresh.
			var err error
			if ctx, err = h.store.RePin(ctx); err != nil {
				return events.Result[cd.ServiceRange]{}, fmt.Errorf("allocate a service IP in cluster %s: %w", pl.cluster.ID, err)
			}
			_, g, err := h.clusterGuard(ctx, team, pl.cluster.ID, placedGone(pl.env))
			if err != nil {
				return events.Result[cd.ServiceRange]{}, err
			}
			pl.guard = g
		}
		alloc, release, err := h.pick(ctx, team, pl, kind, id)
		if err != nil {
			return events.Result[cd.ServiceRange]{}, err
		}
		res, err := func() (events.Result[cd.ServiceRange], error) {
			defer release()
			// The two claims read different aggregates: at once.
			var nameClaim events.Write
			var nameErr error
			named := make(chan struct{})
			go func() {
				defer close(named)
				nameClaim, nameErr = uniq.Claim(ctx, h.store, team, p.Actor(), cd.AppNameKind, cd.AppNameKey(pl.env.ID, name), id)
			}()
			ipClaim, err := uniq.Claim(ctx, h.store, team, p.Actor(), cd.IPKind, cd.IPKey(pl.cluster.ID, alloc.IP), id)
			<-named
			if nameErr != nil {
				return events.Result[cd.ServiceRange]{}, nameTaken(nameErr, "name", fmt.Sprintf("an app or service called %q already exists in environment %s", name, pl.env.Name))
			}
			if err != nil {
				if f, ok := fault.As(err); ok && f.Code == fault.Conflict {
					return events.Result[cd.ServiceRange]{}, fmt.Errorf("%s: %w", alloc.IP, events.ErrConflict)
				}
				return events.Result[cd.ServiceRange]{}, err
			}
			app, err := h.store.AppendAll(ctx,
				events.Write{Expected: events.AnyVersion, Events: []events.Event{{Team: team, Aggregate: rangeRef, Actor: p.Actor(), Data: alloc}}},
				events.Write{Expected: 0, Guard: pl.guard, Events: []events.Event{{Team: team, Aggregate: ref, Actor: p.Actor(), Data: build(alloc.IP)}}},
				ipClaim, nameClaim)
			if err != nil {
				return events.Result[cd.ServiceRange]{}, err
			}
			return events.Result[cd.ServiceRange]{Events: app.Events, LastSeq: app.LastSeq}, nil
		}()
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, events.ErrConflict):
			// Another process took this address, or a claim moved, since
			// they were read: pick again.
			lastErr = err
			continue
		}
		return events.Result[cd.ServiceRange]{}, err
	}
	return events.Result[cd.ServiceRange]{}, fmt.Errorf("allocate a service IP in cluster %s: gave up after %d attempts: %w", pl.cluster.ID, events.MaxAttempts, lastErr)
}

// pick decides the address to hand out, from the cluster's cached range
// brought up to date, passing over those being handed out in this process;
// release gives it back to the pool of this process (stored or not, the
// range read next shows whether it is taken).
func (h *Handlers) pick(ctx context.Context, team string, pl placement, kind, id string) (cd.ServiceIPAllocated, func(), error) {
	allocs, release, err := h.pickMany(ctx, team, pl, []ipOwner{{kind: kind, id: id}})
	if err != nil {
		return cd.ServiceIPAllocated{}, nil, err
	}
	return allocs[0], release, nil
}

// ipOwner is an app or service to give an address.
type ipOwner struct{ kind, id string }

// pickMany is pick for several owners at once: one address each, all
// different, or none (the range has too few free). The range is brought up
// to date outside the cluster's stripe, so creations in one cluster read
// it at once instead of in turn; an address this process handed out stays
// passed over until a load begun after its append ended is in the cache.
func (h *Handlers) pickMany(ctx context.Context, team string, pl placement, owners []ipOwner) ([]cd.ServiceIPAllocated, func(), error) {
	allocs := make([]cd.ServiceIPAllocated, 0, len(owners))
	release := func() {
		_ = h.onRange(pl.cluster.ID, func(r *clusterRange) error {
			for _, a := range allocs {
				r.pending[a.IP] = r.loads + 1
			}
			return nil
		})
	}
	if len(owners) == 0 {
		return allocs, release, nil
	}
	var snap events.Cached[cd.ServiceRange]
	var begun uint64
	_ = h.onRange(pl.cluster.ID, func(r *clusterRange) error {
		r.loads++
		begun, snap = r.loads, r.cache
		return nil
	})
	// EvolveServiceRange never changes its input, so the copy loads while
	// others read the cache.
	// Unpinned: the pending addresses above are dropped once a load begun
	// after their append ended is installed, so this load must read to the
	// log's end as of its beginning, not to an end pinned earlier.
	s, _, err := events.LoadCached(events.Unpinned(ctx), h.store, team, events.AggregateRef{Type: cd.SvcRangeAggregate, ID: pl.cluster.ID}, &snap, cd.ServiceRange{}, cd.EvolveServiceRange)
	if err != nil {
		return nil, release, fmt.Errorf("load the service range of cluster %s: %w", pl.cluster.ID, err)
	}
	err = h.onRange(pl.cluster.ID, func(r *clusterRange) error {
		if begun > r.installed {
			r.cache, r.state, r.installed = snap, s, begun
		}
		avoid := make(map[string]bool, len(r.pending))
		for ip, shown := range r.pending {
			if shown != 0 && shown <= r.installed {
				delete(r.pending, ip)
				continue
			}
			avoid[ip] = true
		}
		for _, o := range owners {
			evs, err := cd.DecideAllocateAvoiding(r.state, pl.cluster.ID, pl.cluster.ServiceRange, o.kind, o.id, avoid)
			if err != nil {
				for _, a := range allocs {
					delete(r.pending, a.IP)
				}
				allocs = allocs[:0]
				return err
			}
			a := evs[0].(cd.ServiceIPAllocated)
			r.pending[a.IP], avoid[a.IP] = 0, true
			allocs = append(allocs, a)
		}
		return nil
	})
	return allocs, release, err
}

// releaseWrites frees a deleted app's or service's IP (in the range and
// its claim) and name.
func (h *Handlers) releaseWrites(ctx context.Context, p auth.Principal, team, clusterID, ip, envID, name, owner string) ([]events.Write, error) {
	var out []events.Write
	if ip != "" && clusterID != "" {
		out = append(out, events.Write{Expected: events.AnyVersion, Events: []events.Event{{
			Team: team, Aggregate: events.AggregateRef{Type: cd.SvcRangeAggregate, ID: clusterID}, Actor: p.Actor(),
			Data: cd.ServiceIPReleased{ClusterID: clusterID, IP: ip, OwnerID: owner},
		}}})
		// Addresses handed out before they were claimed have no claim to
		// release.
		w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.IPKind, cd.IPKey(clusterID, ip), owner)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, w)
		}
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
	// Every read up to the append sees the log as of now (one request for
	// its end instead of one per read); an attempt after a conflict asks
	// again (allocate).
	ctx, err = h.store.PinEnd(ctx)
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("create app %s/%s: %w", in.Env, in.Name, err)
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.App]{}, err
	}
	if err := h.checkSources(ctx, in.Team, pl.env.ID, backing.Workload); err != nil {
		return Result[cd.App]{}, err
	}
	id, err := events.NewID()
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
	if backing.Workload != nil && len(backing.Workload.Sources()) > 0 {
		// An app never changes environment: its configs are looked up in
		// the one it has.
		a, _, err := events.LoadState(ctx, h.store, in.Team, events.AggregateRef{Type: cd.AppAggregate, ID: in.ID}, cd.EvolveApp)
		if err != nil {
			return Result[cd.App]{}, fmt.Errorf("update app %s: %w", in.ID, err)
		}
		if !a.Exists() {
			return Result[cd.App]{}, cd.NotFound("id", "app %s", in.ID)
		}
		if err := h.checkSources(ctx, in.Team, a.EnvID, backing.Workload); err != nil {
			return Result[cd.App]{}, err
		}
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
	return Result[cd.App]{Object: res.State, Seq: res.Seq()}, nil
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
	return Result[cd.App]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteApp deletes an app without active intercepts that no router
// routes to (members), releasing its service IP and name in the same
// atomic append.
func (h *Handlers) DeleteApp(ctx context.Context, p auth.Principal, team, id string) (Result[cd.App], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.App]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.App]{}, err
	}
	// The check below and the command's first attempt read the log as of
	// one end (one request for it; see CreateApp).
	ctx, err := h.store.PinEnd(ctx)
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("delete app %s: %w", id, err)
	}
	if err := h.notRouted(ctx, team, cd.TargetApp, id); err != nil {
		return Result[cd.App]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.App]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.AppAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveApp,
		Decide: func(s cd.App) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "app %s", id)
			}
			return cd.DecideDeleteApp(s)
		},
		Also: func(ctx context.Context, s cd.App, _ []any) ([]events.Write, error) {
			return h.releaseWrites(ctx, p, team, s.ClusterID, s.ServiceIP, s.EnvID, s.Name, s.ID)
		},
	})
	if err != nil {
		return Result[cd.App]{}, fmt.Errorf("delete app %s: %w", id, err)
	}
	return Result[cd.App]{Object: res.State, Seq: res.Seq()}, nil
}

// CreateServiceInput creates a managed service in an environment: in
// front of fixed backends (Spec), or run by its cluster (Run).
type CreateServiceInput struct {
	Team string
	Env  string
	Name string
	Kind cd.ServiceKind
	Spec cd.Spec
	// Run: its cluster's agent runs it (Kubernetes mode), with the kind's
	// port; Spec must then have no backends.
	Run *RunInput
}

// RunInput is what a service its cluster runs is made of; empty fields
// take the kind's defaults.
type RunInput struct {
	Version string
	Storage string
}

// CreateService creates a managed service with a service IP (members).
// A run service also gets a key pair its cluster's agent seals the
// credentials it generates to; the private half is sealed by the keyring
// under the service's id (so it needs one, like secrets).
func (h *Handlers) CreateService(ctx context.Context, p auth.Principal, in CreateServiceInput) (Result[cd.Service], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := cd.ValidateKind("kind", in.Kind); err != nil {
		return Result[cd.Service]{}, err
	}
	var spec cd.Spec
	var inst *cd.Instance
	var err error
	if in.Run != nil {
		i, err := cd.NormalizeInstance(in.Kind, in.Run.Version, in.Run.Storage)
		if err != nil {
			return Result[cd.Service]{}, err
		}
		if spec, err = runSpec(in.Kind, in.Spec); err != nil {
			return Result[cd.Service]{}, err
		}
		if err := h.needSealer(); err != nil {
			return Result[cd.Service]{}, err
		}
		inst = &i
	} else if spec, err = in.Spec.Normalize("spec."); err != nil {
		return Result[cd.Service]{}, err
	}
	// As in CreateApp: the reads up to the append share one log end.
	if ctx, err = h.store.PinEnd(ctx); err != nil {
		return Result[cd.Service]{}, fmt.Errorf("create service %s/%s: %w", in.Env, in.Name, err)
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.Service]{}, err
	}
	id, err := events.NewID()
	if err != nil {
		return Result[cd.Service]{}, err
	}
	if inst != nil {
		if inst.CredentialsKey, inst.SealedKey, err = h.credentialsKey(ctx, in.Team, id); err != nil {
			return Result[cd.Service]{}, fmt.Errorf("create service %s/%s: %w", in.Env, in.Name, err)
		}
	}
	res, err := h.allocate(ctx, p, in.Team, pl, cd.ServiceAggregate, id, in.Name, func(ip string) any {
		return cd.ServiceCreated{ID: id, Name: in.Name, Kind: in.Kind, EnvID: pl.env.ID, ClusterID: pl.cluster.ID, ServiceIP: ip, Spec: spec, Instance: inst}
	})
	if err != nil {
		if inst != nil {
			h.shredUnused(ctx, in.Team, id)
		}
		return Result[cd.Service]{}, fmt.Errorf("create service %s/%s: %w", in.Env, in.Name, err)
	}
	return Result[cd.Service]{Object: created(res, cd.ServiceAggregate, cd.EvolveService), Seq: res.LastSeq}, nil
}

// runSpec is the network shape of a run service: its kind's port (a spec
// given may only say the same) and no fixed backends.
func runSpec(kind cd.ServiceKind, given cd.Spec) (cd.Spec, error) {
	if len(given.Backends) > 0 {
		return cd.Spec{}, fault.Invalidf("spec.backends", "a service its cluster runs has no fixed backends (give either --backend or --version/--storage)")
	}
	want := cd.Port{Port: cd.KindPort(kind), Protocol: cd.TCP}
	for i, p := range given.Ports {
		if p.Protocol == "" {
			p.Protocol = cd.TCP
		}
		if p != want {
			return cd.Spec{}, fault.Invalidf(fmt.Sprintf("spec.ports[%d]", i), "a %s its cluster runs listens on %s only", kind, want)
		}
	}
	return cd.InstanceSpec(kind)
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
	return Result[cd.Service]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteService deletes a managed service no app takes credentials from
// (members), releasing its IP and name atomically. A service its cluster
// ran keeps its volume and credentials there unless deleteData; either
// way the key that opens its credentials in the log is destroyed.
func (h *Handlers) DeleteService(ctx context.Context, p auth.Principal, team, id string, deleteData bool) (Result[cd.Service], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := h.serviceUnused(ctx, team, id); err != nil {
		return Result[cd.Service]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveService,
		Decide: func(s cd.Service) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "service %s", id)
			}
			return cd.DecideDeleteService(s, deleteData)
		},
		Also: func(ctx context.Context, s cd.Service, _ []any) ([]events.Write, error) {
			return h.releaseWrites(ctx, p, team, s.ClusterID, s.ServiceIP, s.EnvID, s.Name, s.ID)
		},
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("delete service %s: %w", id, err)
	}
	if res.State.Instance != nil && h.sealer != nil {
		if err := h.sealer.Shred(ctx, team, id); err != nil {
			return Result[cd.Service]{}, fmt.Errorf("delete service %s: it is deleted, but the key of its credentials could not be destroyed yet: %w", id, err)
		}
	}
	return Result[cd.Service]{Object: res.State, Seq: res.Seq()}, nil
}
