package readmodel

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/watermark"
	"weft.dev/services/infra/domain"
	"weft.dev/services/sorted"
)

// MaxWait bounds how long a query waits for its minSeq.
const MaxWait = watermark.MaxWait

// Waiter is the runner feeding the model (a *projection.Runner).
type Waiter = watermark.Waiter

// Queries answers the infra reads, each scoped to the caller's team.
type Queries struct {
	m *Model
	w Waiter
}

// NewQueries returns the queries over m, fed by w.
func NewQueries(m *Model, w Waiter) *Queries { return &Queries{m: m, w: w} }

// Ref picks one resource by ID or by Name; exactly one must be set.
type Ref struct {
	ID   string
	Name string
}

func (r Ref) check() error {
	if (r.ID == "") == (r.Name == "") {
		return fault.Invalidf("id", "give either an id or a name")
	}
	return nil
}

func (r Ref) String() string {
	if r.ID != "" {
		return r.ID
	}
	return r.Name
}

// WaitFor waits, at most MaxWait, until the model applied seq.
func (q *Queries) WaitFor(ctx context.Context, seq uint64) error {
	return watermark.Bounded(ctx, q.w, seq, "the infra read model")
}

// read checks the caller, waits for minSeq and runs fn on the team's data
// under the read lock (an empty team when it has no data yet).
func (q *Queries) read(ctx context.Context, p auth.Principal, team string, minSeq uint64, fn func(*teamData)) error {
	if err := p.Require(team, auth.Member); err != nil {
		return err
	}
	if err := q.WaitFor(ctx, minSeq); err != nil {
		return err
	}
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[team]
	if !ok {
		t = newTeam()
	}
	fn(t)
	return nil
}

// Network returns the team's addresses and service ranges in use.
func (q *Queries) Network(ctx context.Context, p auth.Principal, team string, minSeq uint64) (Network, error) {
	var out Network
	err := q.read(ctx, p, team, minSeq, func(t *teamData) { out = t.network() })
	return out, err
}

// Window is the part of a list a page reads (sorted.Window).
type Window = sorted.Window

// All is a window over a whole list.
var All = sorted.All

// Clusters returns window w of the team's clusters by name, only those
// enrolled or not when enrolled is not nil, and how many those are.
func (q *Queries) Clusters(ctx context.Context, p auth.Principal, team string, enrolled *bool, w Window, minSeq uint64) ([]Cluster, int, error) {
	var group *string
	if enrolled != nil {
		g := strconv.FormatBool(*enrolled)
		group = &g
	}
	var (
		out   []Cluster
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t.lists.clusters.pick(group), w, t.Clusters)
	})
	return out, total, err
}

// page reads window w of set s, each item from byID; and how many items
// s holds. It costs the page and a step per chunk of the list.
func page[V any](s *sorted.Set[nameKey], w Window, byID map[string]V) ([]V, int) {
	keys, total := sorted.Page(s, w)
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, byID[k.id])
	}
	return out, total
}

// Cluster returns one cluster by id or name.
func (q *Queries) Cluster(ctx context.Context, p auth.Principal, team string, ref Ref, minSeq uint64) (Cluster, error) {
	if err := ref.check(); err != nil {
		return Cluster{}, err
	}
	var out Cluster
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if ref.ID != "" {
			out, found = t.Clusters[ref.ID]
			return
		}
		for _, c := range t.Clusters {
			if c.Name == ref.Name {
				out, found = c, true
			}
		}
	})
	if err == nil && !found {
		err = domain.NotFound(refField(ref), "cluster %q", ref)
	}
	return out, err
}

// Devices returns window w of the team's devices and workspaces by name,
// of kind when it is not empty, and how many those are.
func (q *Queries) Devices(ctx context.Context, p auth.Principal, team string, kind domain.DeviceKind, w Window, minSeq uint64) ([]Device, int, error) {
	var group *string
	if kind != "" {
		g := string(kind)
		group = &g
	}
	var (
		out   []Device
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t.lists.devices.pick(group), w, t.Devices)
	})
	return out, total, err
}

// Device returns one device or workspace by id or name.
func (q *Queries) Device(ctx context.Context, p auth.Principal, team string, ref Ref, minSeq uint64) (Device, error) {
	if err := ref.check(); err != nil {
		return Device{}, err
	}
	var out Device
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if ref.ID != "" {
			out, found = t.Devices[ref.ID]
			return
		}
		for _, d := range t.Devices {
			if d.Name == ref.Name {
				out, found = d, true
			}
		}
	})
	if err == nil && !found {
		err = domain.NotFound(refField(ref), "device %q", ref)
	}
	return out, err
}

func refField(r Ref) string {
	if r.ID != "" {
		return "id"
	}
	return "name"
}

// sortByAddr sorts by address (numerically), the text of a CIDR's address
// part for ranges.
func sortByAddr[T any](s []T, key func(T) string) {
	parse := func(v T) netip.Addr {
		k, _, _ := strings.Cut(key(v), "/")
		a, _ := netip.ParseAddr(k)
		return a
	}
	slices.SortFunc(s, func(a, b T) int { return parse(a).Compare(parse(b)) })
}
