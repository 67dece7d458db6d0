// Package command holds the console's use cases, one handler method each.
// Every handler checks the caller (auth.Principal.Require: members for
// apps, services and intercepts; admins for environments and policies),
// validates input at the edge (a *fault.Error naming the field, nothing
// appended), then runs events.Handle: load → decide → append atomically
// with the writes that keep team-wide invariants (names through uniq,
// service IPs through the cluster's svcrange aggregate, one intercept per
// app port through the app aggregate) → retry on conflict.
//
// References to other aggregates (clusters, devices, environments, apps)
// are checked against the log itself, not the read model, so a resource
// created a moment ago is found without waiting for a projection.
//
// Each handler returns the resulting object and Seq, the stream sequence
// of the last event appended (or the aggregate's version when nothing
// changed), for read-your-writes queries.
package command

import (
	"context"
	"hash/fnv"
	"sync"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// Directory is what handlers need from the read model: counting an
// environment's apps, services and configs before deleting it, and the
// apps that take values from a config before it or one of its keys goes.
type Directory interface {
	WaitFor(ctx context.Context, seq uint64) error
	EnvWorkloads(team, envID string) int
	// SourceUsers are the names of the apps of environment envID that
	// take values from src: any use when key is empty, else a variable
	// whose value is that key.
	SourceUsers(team, envID string, src cd.Source, key string) []string
	// RouteUsers are the names of the routers of environment envID with a
	// route to the app or service (kind cd.TargetApp or TargetService)
	// called name.
	RouteUsers(team, envID, kind, name string) []string
	// EnvContents are the ids of what environment envID holds.
	EnvContents(team, envID string) cd.EnvContents
	// TeamSecrets are the ids of the team's secrets.
	TeamSecrets(team string) []string
	// TeamRunServices are the ids of the team's services its clusters run.
	TeamRunServices(team string) []string
}

// Handlers runs the console's commands.
type Handlers struct {
	store *events.Store
	dir   Directory
	// Service IPs of one cluster are picked one at a time in this process
	// (stripes of clusters), from a cached range: concurrent creations in a
	// busy cluster otherwise each reload the whole range. Only the pick
	// holds the stripe; the append does not.
	locks  [64]sync.Mutex
	ranges [64]map[string]*clusterRange
	sealer Sealer // secrets' keyring; nil: secrets are unavailable
	// placed, when set, runs once a creation has read its cluster live,
	// before it appends: tests interleave a deletion there.
	placed func()
	// cloning, when set, runs before a clone's append with the new
	// environment's id: tests take a name there.
	cloning func(envID string)
}

// clusterRange is a cluster's range as this process last read it, and the
// addresses it is handing out now.
type clusterRange struct {
	cache events.Cached[cd.ServiceRange]
	state cd.ServiceRange // cache's state
	// loads counts the loads of the range begun, installed the number of
	// the one cache holds: loads run outside the stripe, at once, and only
	// one begun later than cache's replaces it.
	loads, installed uint64
	// pending are the addresses this process hands out: 0 while being
	// stored, else the number of the first load begun after they were
	// stored or given up, which shows them as they are.
	pending map[string]uint64
}

// onRange runs fn holding the cluster's stripe, with its cached range.
func (h *Handlers) onRange(cluster string, fn func(*clusterRange) error) error {
	f := fnv.New32a()
	_, _ = f.Write([]byte(cluster))
	i := f.Sum32() % uint32(len(h.locks))
	h.locks[i].Lock()
	defer h.locks[i].Unlock()
	if h.ranges[i] == nil {
		h.ranges[i] = map[string]*clusterRange{}
	}
	c := h.ranges[i][cluster]
	if c == nil {
		c = &clusterRange{pending: map[string]uint64{}}
		h.ranges[i][cluster] = c
	}
	return fn(c)
}

// New returns the handlers. The store's registry must hold the console's,
// uniq's and infra's event types.
func New(store *events.Store, dir Directory, opts ...Option) *Handlers {
	h := &Handlers{store: store, dir: dir}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Result is a command's resulting object and the sequence to wait for.
type Result[T any] = events.Outcome[T]

func checkID(field, id string) error {
	if id == "" {
		return fault.Invalidf(field, "is required")
	}
	if err := events.ValidateToken(field, id); err != nil {
		return fault.Invalidf(field, "%q is not an id", id)
	}
	return nil
}

// cluster and device are infra's own folds of those aggregates, read from
// the log: one fold of each fact, so a rule infra adds to what makes a
// cluster or device live holds here too.
type (
	cluster = infra.Cluster
	device  = infra.Device
)

func (h *Handlers) cluster(ctx context.Context, team, id string) (cluster, error) {
	c, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: infra.ClusterAggregate, ID: id}, infra.EvolveCluster)
	return c, err
}

func (h *Handlers) device(ctx context.Context, team, id string) (device, error) {
	d, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: infra.DeviceAggregate, ID: id}, infra.EvolveDevice)
	return d, err
}
