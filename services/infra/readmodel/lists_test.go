package readmodel

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
	"weft.dev/services/graph"
	"weft.dev/services/infra/domain"
)

type caughtUp struct{}

func (caughtUp) WaitFor(context.Context, uint64) error { return nil }

// TestClustersAndDevicesPagedByTheirCursorsAreWhatSortingTheTeamGave
// proves the kept lists change no answer: over a team of 3,000 devices and
// workspaces (a third deleted, some keys rotated) and 120 clusters (half
// enrolled, some deleted), every page of every filter and page size, read
// by its cursors, is the page the query made by copying and sorting the
// team; and so after a snapshot's round trip, whose bytes stay the same.
func TestClustersAndDevicesPagedByTheirCursorsAreWhatSortingTheTeamGave(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m := New()
	var seq uint64
	at := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	apply := func(aggType, id string, data any) {
		seq++
		at = at.Add(time.Second)
		if err := m.Apply(event.Recorded{Seq: seq, Data: data, Meta: event.Meta{Team: "acme", Actor: "user:ada", Time: at,
			Aggregate: event.AggregateRef{Type: aggType, ID: id}}}); err != nil {
			t.Fatal(err)
		}
	}
	names := r.Perm(100000)
	for i := range 3000 {
		id, kind := fmt.Sprintf("d%04d", i), domain.KindDevice
		if i%3 == 0 {
			kind = domain.KindWorkspace
		}
		apply(domain.DeviceAggregate, id, domain.DeviceCreated{ID: id, Name: fmt.Sprintf("laptop-%d", names[i]), Kind: kind, Owner: "ada", IP: "100.64.0.1"})
		switch {
		case i%3 == 1:
			apply(domain.DeviceAggregate, id, domain.DeviceDeleted{ID: id})
		case i%5 == 0:
			apply(domain.DeviceAggregate, id, domain.DeviceKeyRotated{ID: id, PublicKey: "k"})
		}
	}
	for i := range 120 {
		id := fmt.Sprintf("c%03d", i)
		apply(domain.ClusterAggregate, id, domain.ClusterCreated{ID: id, Name: fmt.Sprintf("region-%d", names[5000+i])})
		if i%2 == 0 {
			apply(domain.ClusterAggregate, id, domain.ClusterEnrolled{ID: id})
			apply(domain.ClusterAggregate, id, domain.ClusterGatewayReported{ID: id, PublicKey: "k", Endpoint: "gw:51820"})
		}
		if i%7 == 0 {
			apply(domain.ClusterAggregate, id, domain.ClusterDeleted{ID: id})
		}
	}
	snap, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := New()
	if err := restored.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if again, _ := restored.Snapshot(); !bytes.Equal(snap, again) {
		t.Fatal("the restored model snapshots to other bytes")
	}

	td := m.teams["acme"]
	var devices []Device
	for _, d := range td.Devices {
		devices = append(devices, d)
	}
	var clusters []Cluster
	for _, c := range td.Clusters {
		clusters = append(clusters, c)
	}
	sort.Slice(devices, func(i, j int) bool { return devices[i].Name < devices[j].Name })
	sort.Slice(clusters, func(i, j int) bool { return clusters[i].Name < clusters[j].Name })
	p := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	for _, model := range []*Model{m, restored} {
		q := NewQueries(model, caughtUp{})
		for _, kind := range []domain.DeviceKind{"", domain.KindDevice, domain.KindWorkspace} {
			var want []Device
			for _, d := range devices {
				if kind == "" || d.Kind == kind {
					want = append(want, d)
				}
			}
			for _, first := range []int{120, 33} {
				walk(t, fmt.Sprintf("devices %q", kind), first, want, func(w Window) ([]Device, int, error) {
					return q.Devices(context.Background(), p, "acme", kind, w, 0)
				})
			}
		}
		for _, enrolled := range []*bool{nil, new(true), new(false)} {
			var want []Cluster
			for _, c := range clusters {
				if enrolled == nil || c.Enrolled == *enrolled {
					want = append(want, c)
				}
			}
			walk(t, fmt.Sprintf("clusters enrolled %v", enrolled != nil && *enrolled), 12, want, func(w Window) ([]Cluster, int, error) {
				return q.Clusters(context.Background(), p, "acme", enrolled, w, 0)
			})
		}
	}
}

// walk reads list page by page by its cursors, as a client does, and
// checks each page is what graph.Paginate makes over want.
func walk[V any](t *testing.T, what string, first int, want []V, list func(Window) ([]V, int, error)) {
	t.Helper()
	type edge struct {
		Cursor string
		Node   V
	}
	mk := func(c string, v V) edge { return edge{c, v} }
	var after *string
	seen := 0
	for {
		start, n, err := graph.Window(&first, after)
		if err != nil {
			t.Fatal(err)
		}
		items, total, err := list(Window{Start: start, N: n})
		if err != nil {
			t.Fatal(err)
		}
		edges, info := graph.Edges(items, start, total, mk)
		wantEdges, wantInfo, _ := graph.Paginate(want, &first, after, mk)
		if total != len(want) || !reflect.DeepEqual(edges, wantEdges) || !reflect.DeepEqual(info, wantInfo) {
			t.Fatalf("%s, first %d, from %d: %d edges of %d, want %d of %d", what, first, start, len(edges), total, len(wantEdges), len(want))
		}
		seen += len(edges)
		if !info.HasNextPage {
			break
		}
		after = info.EndCursor
	}
	if seen != len(want) || len(want) == 0 {
		t.Fatalf("%s: walked %d, want %d (and some)", what, seen, len(want))
	}
}
