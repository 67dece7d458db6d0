package command

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// CloneEnvInput copies an environment into a new one.
type CloneEnvInput struct {
	Team   string
	Source string // the environment's name
	Name   string // the clone's
	// ClusterID is where the clone goes; empty: the source's cluster.
	ClusterID string
	// Domains gives copies of routers (by name) a domain; a copy has none
	// otherwise (a domain leads to one router).
	Domains map[string]string
}

// contents are the states of what an environment holds, read from the
// log, each kind in the order of its ids.
type contents struct {
	apps     []cd.App
	services []cd.Service
	configs  []cd.Config
	secrets  []cd.Secret
	routers  []cd.Router
	versions map[string]uint64 // by id: the version read
}

// CloneEnv copies environment Source into a new environment Name
// (admins): its apps, configs, secrets (sealed again under the copies'
// own keys; the message office seals them to the target cluster's agent),
// managed services (a run one as a new, empty instance with its own
// credentials key) and routers (without their domains unless given),
// each with a new id, its own service IP and its name. Everything is
// appended in one atomic batch, held to the target cluster being live:
// all of it is stored or none. Every creation names its source
// (ClonedFrom).
func (h *Handlers) CloneEnv(ctx context.Context, p auth.Principal, in CloneEnvInput) (Result[cd.Env], error) {
	if err := p.Require(in.Team, auth.Admin); err != nil {
		return Result[cd.Env]{}, err
	}
	if err := validate.Name("name", in.Name); err != nil {
		return Result[cd.Env]{}, err
	}
	if in.ClusterID != "" {
		if err := checkID("clusterId", in.ClusterID); err != nil {
			return Result[cd.Env]{}, err
		}
	}
	domains := make(map[string]string, len(in.Domains))
	for _, name := range slices.Sorted(maps.Keys(in.Domains)) {
		field := "domains." + name
		if err := validate.Name(field, name); err != nil {
			return Result[cd.Env]{}, err
		}
		d, err := cd.NormalizeDomain(field, in.Domains[name])
		if err != nil {
			return Result[cd.Env]{}, err
		}
		domains[name] = d
	}
	src, err := h.envByName(ctx, in.Team, "source", in.Source)
	if err != nil {
		return Result[cd.Env]{}, err
	}
	clusterID := in.ClusterID
	if clusterID == "" {
		clusterID = src.ClusterID
	}
	// What the source holds as of now, each read from the log.
	if err := h.caughtUp(ctx); err != nil {
		return Result[cd.Env]{}, fmt.Errorf("clone environment %s: %w", in.Source, err)
	}
	ids := h.dir.EnvContents(in.Team, src.ID)
	if err := cd.CheckCloneSize(ids, events.MaxBatch); err != nil {
		return Result[cd.Env]{}, err
	}
	set, err := h.loadContents(ctx, in.Team, ids)
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("clone environment %s: %w", in.Source, err)
	}
	for _, name := range slices.Sorted(maps.Keys(domains)) {
		if !slices.ContainsFunc(set.routers, func(r cd.Router) bool { return r.Name == name }) {
			return Result[cd.Env]{}, cd.NotFound("domains."+name, "environment %s has no router %q", in.Source, name)
		}
	}
	if len(set.secrets) > 0 || slices.ContainsFunc(set.services, func(s cd.Service) bool { return s.Instance != nil }) {
		if err := h.needSealer(); err != nil {
			return Result[cd.Env]{}, err
		}
	}
	gone := cd.NotFound("clusterId", "cluster %s", clusterID)
	c, guard, err := h.clusterGuard(ctx, in.Team, clusterID, gone)
	if err != nil {
		return Result[cd.Env]{}, fmt.Errorf("clone environment %s: %w", in.Source, err)
	}
	envID, err := events.NewID()
	if err != nil {
		return Result[cd.Env]{}, err
	}
	plan, err := h.planClone(ctx, in.Team, set, cd.CloneTarget{EnvID: envID, ClusterID: c.ID}, domains)
	if err != nil {
		h.shredUnusedAll(ctx, in.Team, plan.keyed)
		return Result[cd.Env]{}, fmt.Errorf("clone environment %s: %w", in.Source, err)
	}
	pl := placement{env: cd.Env{ID: envID, Name: in.Name, ClusterID: c.ID}, cluster: c, guard: guard}
	app, err := h.appendClone(ctx, p, in, src, pl, gone, plan)
	if err != nil {
		h.shredUnusedAll(ctx, in.Team, plan.keyed)
		return Result[cd.Env]{}, fmt.Errorf("clone environment %s to %s: %w", in.Source, in.Name, err)
	}
	env := events.FoldOf(app.Events, events.AggregateRef{Type: cd.EnvAggregate, ID: envID}, cd.Env{}, cd.EvolveEnv)
	return Result[cd.Env]{Object: env, Seq: app.LastSeq}, nil
}

// loadContents reads the resources ids names from the log, leaving out
// any deleted meanwhile.
func (h *Handlers) loadContents(ctx context.Context, team string, ids cd.EnvContents) (contents, error) {
	set := contents{versions: map[string]uint64{}}
	var err error
	if set.apps, err = loadAll(ctx, h.store, team, cd.AppAggregate, ids.Apps, cd.EvolveApp, cd.App.Exists, set.versions); err != nil {
		return set, err
	}
	if set.services, err = loadAll(ctx, h.store, team, cd.ServiceAggregate, ids.Services, cd.EvolveService, cd.Service.Exists, set.versions); err != nil {
		return set, err
	}
	if set.configs, err = loadAll(ctx, h.store, team, cd.ConfigAggregate, ids.Configs, cd.EvolveConfig, cd.Config.Exists, set.versions); err != nil {
		return set, err
	}
	if set.secrets, err = loadAll(ctx, h.store, team, cd.SecretAggregate, ids.Secrets, cd.EvolveSecret, cd.Secret.Exists, set.versions); err != nil {
		return set, err
	}
	set.routers, err = loadAll(ctx, h.store, team, cd.RouterAggregate, ids.Routers, cd.EvolveRouter, cd.Router.Exists, set.versions)
	return set, err
}

func loadAll[S any](ctx context.Context, s *events.Store, team, aggType string, ids []string, evolve func(S, events.Recorded) S,
	exists func(S) bool, versions map[string]uint64) ([]S, error) {
	out := make([]S, 0, len(ids))
	for _, id := range ids {
		st, v, err := events.LoadState(ctx, s, team, events.AggregateRef{Type: aggType, ID: id}, evolve)
		if err != nil {
			return nil, err
		}
		if exists(st) {
			out = append(out, st)
			versions[id] = v
		}
	}
	return out, nil
}

// clonePlan is a clone decided up to the service IPs: the copies' ids,
// their creations but for the addresses, and the keys made for them.
type clonePlan struct {
	to       cd.CloneTarget
	apps     []cd.App // sources, with appIDs the copies' ids
	appIDs   []string
	services []cd.Service
	svcIDs   []string
	insts    []*cd.Instance
	named    []namedCreation // configs, secrets and routers
	keyed    []string        // ids the keyring made a key for
}

// namedCreation is a copy without a service IP: its creation and the name
// it claims.
type namedCreation struct {
	kind, name, id string // uniq kind and name
	aggType        string
	data           any
}

// planClone gives every copy an id, seals the source secrets' values
// again under their copies' ids and makes run services' copies their
// credentials keys. keyed holds every key made, also when it fails.
func (h *Handlers) planClone(ctx context.Context, team string, set contents, to cd.CloneTarget, domains map[string]string) (clonePlan, error) {
	plan := clonePlan{to: to, apps: set.apps, services: set.services}
	for range set.apps {
		id, err := events.NewID()
		if err != nil {
			return plan, err
		}
		plan.appIDs = append(plan.appIDs, id)
	}
	for _, s := range set.services {
		id, err := events.NewID()
		if err != nil {
			return plan, err
		}
		plan.svcIDs = append(plan.svcIDs, id)
		var inst *cd.Instance
		if s.Instance != nil {
			plan.keyed = append(plan.keyed, id)
			pub, priv, err := h.credentialsKey(ctx, team, id)
			if err != nil {
				return plan, fmt.Errorf("service %s: %w", s.Name, err)
			}
			i := cd.CloneInstance(*s.Instance, pub, priv)
			inst = &i
		}
		plan.insts = append(plan.insts, inst)
	}
	for _, c := range set.configs {
		id, err := events.NewID()
		if err != nil {
			return plan, err
		}
		plan.named = append(plan.named, namedCreation{kind: cd.ConfigNameKind, name: c.Name, id: id, aggType: cd.ConfigAggregate,
			data: cd.CloneConfig(c, to, id)})
	}
	for _, s := range set.secrets {
		id, err := events.NewID()
		if err != nil {
			return plan, err
		}
		plan.keyed = append(plan.keyed, id)
		sealed, err := h.reseal(ctx, team, s.ID, id, s.Values)
		if err != nil {
			return plan, fmt.Errorf("secret %s: %w", s.Name, err)
		}
		plan.named = append(plan.named, namedCreation{kind: cd.SecretNameKind, name: s.Name, id: id, aggType: cd.SecretAggregate,
			data: cd.CloneSecret(s, to, id, sealed)})
	}
	for _, r := range set.routers {
		id, err := events.NewID()
		if err != nil {
			return plan, err
		}
		plan.named = append(plan.named, namedCreation{kind: cd.RouterNameKind, name: r.Name, id: id, aggType: cd.RouterAggregate,
			data: cd.CloneRouter(r, to, id, domains[r.Name])})
	}
	return plan, nil
}

// reseal opens the values of secret from (sealed) and seals them under
// secret to's own key; the values in clear stay in this function.
func (h *Handlers) reseal(ctx context.Context, team, from, to string, sealed map[string]string) (map[string]string, error) {
	if len(sealed) == 0 {
		return map[string]string{}, nil
	}
	values, err := h.sealer.Open(ctx, team, from, sealed)
	if err != nil {
		return nil, err
	}
	return h.sealer.Seal(ctx, team, to, values)
}

// shredUnusedAll destroys the keys made for copies that were never
// recorded.
func (h *Handlers) shredUnusedAll(ctx context.Context, team string, ids []string) {
	for _, id := range ids {
		if err := h.sealer.Shred(ctx, team, id); err != nil {
			slog.Warn("destroy the key of a clone's copy never created", "id", id, "err", err)
		}
	}
}

// appendClone stores the clone in one atomic batch: the environment (held
// to its cluster being live) and its name, the copies' service IPs in the
// cluster's range and their claims, and every copy with its name. An
// address another process took meanwhile is picked again; a name taken,
// a range without room or a cluster gone refuses it.
func (h *Handlers) appendClone(ctx context.Context, p auth.Principal, in CloneEnvInput, src cd.Env, pl placement, gone error, plan clonePlan) (events.Appended, error) {
	owners := make([]ipOwner, 0, len(plan.appIDs)+len(plan.svcIDs))
	for _, id := range plan.appIDs {
		owners = append(owners, ipOwner{kind: cd.AppAggregate, id: id})
	}
	for _, id := range plan.svcIDs {
		owners = append(owners, ipOwner{kind: cd.ServiceAggregate, id: id})
	}
	var lastErr error
	for attempt := 0; attempt < events.MaxAttempts; attempt++ {
		if err := events.Backoff(ctx, attempt); err != nil {
			return events.Appended{}, fmt.Errorf("%w (after %v)", err, lastErr)
		}
		if attempt > 0 {
			// A conflict may be the guard's: read the cluster afresh.
			_, g, err := h.clusterGuard(ctx, in.Team, pl.cluster.ID, gone)
			if err != nil {
				return events.Appended{}, err
			}
			pl.guard = g
		}
		allocs, release, err := h.pickMany(ctx, in.Team, pl, owners)
		if err != nil {
			return events.Appended{}, err
		}
		app, err := func() (events.Appended, error) {
			defer release()
			writes, err := h.cloneWrites(ctx, p, in, src, pl, plan, allocs)
			if err != nil {
				return events.Appended{}, err
			}
			if h.cloning != nil {
				h.cloning(pl.env.ID)
			}
			return h.store.AppendAll(ctx, writes...)
		}()
		switch {
		case err == nil:
			return app, nil
		case errors.Is(err, events.ErrConflict):
			lastErr = err
			continue
		}
		return events.Appended{}, err
	}
	return events.Appended{}, fmt.Errorf("gave up after %d attempts: %w", events.MaxAttempts, lastErr)
}

// cloneWrites are the writes of one attempt at storing the clone.
func (h *Handlers) cloneWrites(ctx context.Context, p auth.Principal, in CloneEnvInput, src cd.Env, pl placement, plan clonePlan, allocs []cd.ServiceIPAllocated) ([]events.Write, error) {
	team, actor, envID := in.Team, p.Actor(), pl.env.ID
	create := func(aggType, id string, data any) events.Write {
		return events.Write{Expected: 0, Events: []events.Event{{Team: team, Aggregate: events.AggregateRef{Type: aggType, ID: id}, Actor: actor, Data: data}}}
	}
	evs, err := cd.DecideCloneEnv(cd.Env{}, envID, in.Name, pl.cluster.ID, src)
	if err != nil {
		return nil, err
	}
	envWrite := create(cd.EnvAggregate, envID, evs[0])
	envWrite.Guard = pl.guard
	envName, err := uniq.Claim(ctx, h.store, team, actor, cd.EnvNameKind, in.Name, envID)
	if err != nil {
		return nil, nameTaken(err, "name", fmt.Sprintf("environment %q already exists", in.Name))
	}
	writes := []events.Write{envWrite, envName}
	if len(allocs) > 0 {
		rng := events.Write{Expected: events.AnyVersion}
		for _, a := range allocs {
			rng.Events = append(rng.Events, events.Event{Team: team, Aggregate: events.AggregateRef{Type: cd.SvcRangeAggregate, ID: pl.cluster.ID}, Actor: actor, Data: a})
		}
		writes = append(writes, rng)
	}
	addressed := func(aggType, id, name string, data any, ip string) error {
		ipClaim, err := uniq.Claim(ctx, h.store, team, actor, cd.IPKind, cd.IPKey(pl.cluster.ID, ip), id)
		if err != nil {
			if fault.CodeOf(err) == fault.Conflict {
				return fmt.Errorf("%s: %w", ip, events.ErrConflict) // taken meanwhile: pick again
			}
			return err
		}
		nameClaim, err := uniq.Claim(ctx, h.store, team, actor, cd.AppNameKind, cd.AppNameKey(envID, name), id)
		if err != nil {
			return nameTaken(err, "name", fmt.Sprintf("an app or service called %q already exists in environment %s", name, in.Name))
		}
		writes = append(writes, create(aggType, id, data), ipClaim, nameClaim)
		return nil
	}
	for i, a := range plan.apps {
		ip := allocs[i].IP
		if err := addressed(cd.AppAggregate, plan.appIDs[i], a.Name, cd.CloneApp(a, plan.to, plan.appIDs[i], ip), ip); err != nil {
			return nil, err
		}
	}
	for i, s := range plan.services {
		ip := allocs[len(plan.apps)+i].IP
		if err := addressed(cd.ServiceAggregate, plan.svcIDs[i], s.Name, cd.CloneService(s, plan.to, plan.svcIDs[i], ip, plan.insts[i]), ip); err != nil {
			return nil, err
		}
	}
	for _, n := range plan.named {
		claim, err := uniq.Claim(ctx, h.store, team, actor, n.kind, cd.ConfigNameKey(envID, n.name), n.id)
		if err != nil {
			return nil, nameTaken(err, "name", fmt.Sprintf("a %s called %q already exists in environment %s", n.kind, n.name, in.Name))
		}
		writes = append(writes, create(n.aggType, n.id, n.data), claim)
	}
	return writes, nil
}

// deleteClone deletes a cloned environment with everything it holds, in
// one atomic batch (each resource expecting the version read): its apps
// and services (a run one with its data: the clone's instances are its
// own), configs, secrets and routers, their names and addresses, and the
// environment. Its cluster's agent then deletes the namespace and all in
// it. The keys of its secrets and run services are destroyed after.
func (h *Handlers) deleteClone(ctx context.Context, p auth.Principal, team string, env cd.Env) (Result[cd.Env], error) {
	var lastErr error
	for attempt := 0; attempt < events.MaxAttempts; attempt++ {
		if err := events.Backoff(ctx, attempt); err != nil {
			return Result[cd.Env]{}, fmt.Errorf("%w (after %v)", err, lastErr)
		}
		if err := h.caughtUp(ctx); err != nil {
			return Result[cd.Env]{}, err
		}
		ids := h.dir.EnvContents(team, env.ID)
		if err := cd.CheckCloneSize(ids, events.MaxBatch); err != nil {
			return Result[cd.Env]{}, &fault.Error{Code: fault.Conflict, Field: "name",
				Msg: fmt.Sprintf("environment %s holds too much to delete in one atomic step (%d resources): delete some of them first", env.Name, ids.Len())}
		}
		set, err := h.loadContents(ctx, team, ids)
		if err != nil {
			return Result[cd.Env]{}, err
		}
		writes, err := h.deleteCloneWrites(ctx, p, team, env, set)
		if err != nil {
			return Result[cd.Env]{}, err
		}
		app, err := h.store.AppendAll(ctx, writes...)
		if errors.Is(err, events.ErrConflict) {
			lastErr = err // something in it changed since it was read
			continue
		}
		if err != nil {
			return Result[cd.Env]{}, err
		}
		var shredErr error
		for _, id := range keyedIDs(set) {
			if h.sealer == nil {
				break // no keyring, no keys
			}
			if err := h.sealer.Shred(ctx, team, id); err != nil {
				shredErr = errors.Join(shredErr, err)
			}
		}
		if shredErr != nil {
			return Result[cd.Env]{}, fmt.Errorf("it is deleted, but keys of its secrets or services could not be destroyed yet: %w", shredErr)
		}
		out := events.FoldOf(app.Events, events.AggregateRef{Type: cd.EnvAggregate, ID: env.ID}, env, cd.EvolveEnv)
		return Result[cd.Env]{Object: out, Seq: app.LastSeq}, nil
	}
	return Result[cd.Env]{}, fmt.Errorf("gave up after %d attempts: %w", events.MaxAttempts, lastErr)
}

// keyedIDs are the resources of set the keyring holds a key for.
func keyedIDs(set contents) []string {
	var out []string
	for _, s := range set.services {
		if s.Instance != nil {
			out = append(out, s.ID)
		}
	}
	for _, s := range set.secrets {
		out = append(out, s.ID)
	}
	return out
}

// deleteCloneWrites are the writes deleting env and set.
func (h *Handlers) deleteCloneWrites(ctx context.Context, p auth.Principal, team string, env cd.Env, set contents) ([]events.Write, error) {
	actor := p.Actor()
	var writes []events.Write
	ranges := map[string]*events.Write{} // by cluster: one write per subject
	var rangeOrder []string
	del := func(aggType, id string, decided []any, err error) error {
		if err != nil {
			return err
		}
		w := events.Write{Expected: set.versions[id]}
		for _, d := range decided {
			w.Events = append(w.Events, events.Event{Team: team, Aggregate: events.AggregateRef{Type: aggType, ID: id}, Actor: actor, Data: d})
		}
		writes = append(writes, w)
		return nil
	}
	release := func(kind, name, owner string) error {
		w, ok, err := uniq.Release(ctx, h.store, team, actor, kind, name, owner)
		if err == nil && ok {
			writes = append(writes, w)
		}
		return err
	}
	addressed := func(clusterID, ip, name, owner string) error {
		if ip != "" && clusterID != "" {
			w := ranges[clusterID]
			if w == nil {
				w = &events.Write{Expected: events.AnyVersion}
				ranges[clusterID] = w
				rangeOrder = append(rangeOrder, clusterID)
			}
			w.Events = append(w.Events, events.Event{Team: team, Aggregate: events.AggregateRef{Type: cd.SvcRangeAggregate, ID: clusterID}, Actor: actor,
				Data: cd.ServiceIPReleased{ClusterID: clusterID, IP: ip, OwnerID: owner}})
			if err := release(cd.IPKind, cd.IPKey(clusterID, ip), owner); err != nil {
				return err
			}
		}
		return release(cd.AppNameKind, cd.AppNameKey(env.ID, name), owner)
	}
	for _, a := range set.apps {
		evs, err := cd.DecideDeleteApp(a)
		if err := del(cd.AppAggregate, a.ID, evs, err); err != nil {
			return nil, err
		}
		if err := addressed(a.ClusterID, a.ServiceIP, a.Name, a.ID); err != nil {
			return nil, err
		}
	}
	for _, s := range set.services {
		evs, err := cd.DecideDeleteService(s, s.Instance != nil)
		if err := del(cd.ServiceAggregate, s.ID, evs, err); err != nil {
			return nil, err
		}
		if err := addressed(s.ClusterID, s.ServiceIP, s.Name, s.ID); err != nil {
			return nil, err
		}
	}
	for _, c := range set.configs {
		evs, err := cd.DecideDeleteConfig(c)
		if err := del(cd.ConfigAggregate, c.ID, evs, err); err != nil {
			return nil, err
		}
		if err := release(cd.ConfigNameKind, cd.ConfigNameKey(env.ID, c.Name), c.ID); err != nil {
			return nil, err
		}
	}
	for _, s := range set.secrets {
		evs, err := cd.DecideDeleteSecret(s)
		if err := del(cd.SecretAggregate, s.ID, evs, err); err != nil {
			return nil, err
		}
		if err := release(cd.SecretNameKind, cd.ConfigNameKey(env.ID, s.Name), s.ID); err != nil {
			return nil, err
		}
	}
	for _, r := range set.routers {
		evs, err := cd.DecideDeleteRouter(r)
		if err := del(cd.RouterAggregate, r.ID, evs, err); err != nil {
			return nil, err
		}
		if err := release(cd.RouterNameKind, cd.ConfigNameKey(env.ID, r.Name), r.ID); err != nil {
			return nil, err
		}
	}
	for _, c := range rangeOrder {
		writes = append(writes, *ranges[c])
	}
	cur, v, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.EnvAggregate, ID: env.ID}, cd.EvolveEnv)
	if err != nil {
		return nil, err
	}
	set.versions[env.ID] = v
	evs, err := cd.DecideDeleteEnv(cur)
	if err := del(cd.EnvAggregate, env.ID, evs, err); err != nil {
		return nil, err
	}
	if err := release(cd.EnvNameKind, cur.Name, cur.ID); err != nil {
		return nil, err
	}
	return writes, nil
}
