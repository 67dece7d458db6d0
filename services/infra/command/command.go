// Package command holds the infra service's use cases, one handler method
// each: clusters (create, rotate enrolment secret, enrol, report gateway,
// delete) and devices/workspaces (create, rotate key, delete).
//
// Every handler checks the caller first (auth.Principal.Require: admins
// create and delete clusters and rotate their secrets; members create their
// own devices; a device's owner or an admin rotates or deletes it; only the
// system principal reports a gateway), then validates input at the edge (a
// *fault.Error naming the field; nothing is appended), then runs
// events.Handle.
//
// Creating and deleting clusters and devices is one atomic append of the
// team network aggregate's allocation or release, the resource's created or
// deleted event, and the uniq name claim or release, retried from a fresh
// load on a version conflict. So an address is never held twice, and a
// freed one is reusable exactly when the delete is in the log.
//
// Network commands of one team are also serialised within a process (a
// striped lock): optimistic concurrency alone stays correct, but a hundred
// concurrent creators in one process would mostly burn their retries on
// each other. Conflicts between processes are still retried: events.Handle
// retries up to events.MaxAttempts times, and the handler starts it again a
// few times when it gave up on conflicts.
//
// Each handler returns the resulting object and Seq, the stream sequence of
// the last event appended (or the aggregate's version when nothing changed),
// for read-your-writes queries.
package command

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/token"
	"weft.dev/services/infra/domain"
)

// Uniq kinds of the names infra keeps unique per team.
const (
	ClusterNameKind = domain.ClusterNameKind
	DeviceNameKind  = "device" // devices and workspaces share one namespace
)

// restarts bounds how often a handler starts events.Handle again after it
// gave up on conflicts.
const restarts = 5

// Handlers runs the infra commands.
type Handlers struct {
	store *events.Store
	locks [64]sync.Mutex // team network stripes
	// nets caches each team's network state, per stripe, read and written
	// only under that stripe's lock.
	nets [64]map[string]*events.Cached[domain.Network]
}

// New returns the handlers. The store's registry must hold infra's and
// uniq's event types.
func New(store *events.Store) *Handlers { return &Handlers{store: store} }

// Result is a command's resulting object and the sequence to wait for.
type Result[T any] = events.Outcome[T]

// ClusterWithSecret is a cluster and its new one-time enrolment secret,
// returned once by CreateCluster and RotateEnrolmentSecret; weft keeps only
// its hash.
type ClusterWithSecret struct {
	domain.Cluster
	EnrolmentSecret string
}

var networkRef = events.AggregateRef{Type: domain.NetworkAggregate, ID: domain.NetworkID}

func clusterRef(id string) events.AggregateRef {
	return events.AggregateRef{Type: domain.ClusterAggregate, ID: id}
}

func deviceRef(id string) events.AggregateRef {
	return events.AggregateRef{Type: domain.DeviceAggregate, ID: id}
}

// onNetwork runs fn, which appends to team's network aggregate, holding the
// team's stripe, and again while it gives up on conflicts.
// fn gets the team's cached network state for events.Command.Cache.
func (h *Handlers) onNetwork(team string, fn func(*events.Cached[domain.Network]) error) error {
	f := fnv.New32a()
	_, _ = f.Write([]byte(team))
	i := f.Sum32() % uint32(len(h.locks))
	h.locks[i].Lock()
	defer h.locks[i].Unlock()
	if h.nets[i] == nil {
		h.nets[i] = map[string]*events.Cached[domain.Network]{}
	}
	c := h.nets[i][team]
	if c == nil {
		c = &events.Cached[domain.Network]{}
		h.nets[i][team] = c
	}
	var err error
	for range restarts {
		if err = fn(c); !errors.Is(err, events.ErrConflict) {
			return err
		}
	}
	return err
}

// newSecret returns 256 random bits, URL-safe, with a prefix that makes a
// leaked secret easy to recognise (secret scanners, logs).
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new enrolment secret: %w", err)
	}
	return "wfe_" + base64.RawURLEncoding.EncodeToString(b), nil
}

func checkTeam(team string) error {
	if err := token.Validate("team", team); err != nil {
		return fault.Invalidf("team", "%q is not a team", team)
	}
	return nil
}

func checkID(field, id string) error {
	if id == "" {
		return fault.Invalidf(field, "is required")
	}
	if err := token.Validate(field, id); err != nil {
		return fault.Invalidf(field, "%q is not an id", id)
	}
	return nil
}

// require checks the principal, then that team is a usable token (system
// principals may name any team).
func require(p auth.Principal, team string, min auth.Role) error {
	if err := p.Require(team, min); err != nil {
		return err
	}
	return checkTeam(team)
}

// ownSeq is the sequence of agg's last event in r (else seqOf): what a
// command that also claims or frees names returns, since agents' applied
// sequences reach the events that concern them, not the names'.
// eventsOf is data as the events of agg, by actor.
func eventsOf(team string, agg events.AggregateRef, actor string, data []any) []events.Event {
	evs := make([]events.Event, len(data))
	for i, d := range data {
		evs[i] = events.Event{Team: team, Aggregate: agg, Actor: actor, Data: d}
	}
	return evs
}

func ownSeq[S any](r events.Result[S], agg events.AggregateRef) uint64 {
	var seq uint64
	for _, e := range r.Events {
		if e.Aggregate == agg {
			seq = e.Seq
		}
	}
	if seq == 0 {
		return r.Seq()
	}
	return seq
}

func loadCluster(ctx context.Context, s *events.Store, team, id string) (domain.Cluster, uint64, error) {
	return events.LoadState(ctx, s, team, clusterRef(id), domain.EvolveCluster)
}

func loadDevice(ctx context.Context, s *events.Store, team, id string) (domain.Device, uint64, error) {
	return events.LoadState(ctx, s, team, deviceRef(id), domain.EvolveDevice)
}
