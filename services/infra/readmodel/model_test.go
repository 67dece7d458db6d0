package readmodel_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/uniq"
)

// key is any valid public key, for events written directly.
const key = "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="

// newKey is a fresh WireGuard public key: each device and gateway of a
// team needs its own.
func newKey(t testing.TB) string {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

func registry() *events.Registry {
	r := events.NewRegistry()
	domain.Register(r)
	uniq.Register(r)
	return r
}

// counting counts the events a model is handed.
type counting struct {
	*readmodel.Model
	n atomic.Int64
}

func (c *counting) Apply(r events.Recorded) error {
	c.n.Add(1)
	return c.Model.Apply(r)
}

// mixed drives the real handlers over several teams: clusters created,
// enrolled, reported and deleted; devices and workspaces created, rotated
// and deleted.
func mixed(t testing.TB, ctx context.Context, h *command.Handlers, teams []string, devicesPerTeam int) {
	var wg sync.WaitGroup
	for _, team := range teams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(len(team)), 7))
			adm := auth.Principal{UserID: "admin-" + team, Team: team, Role: auth.Admin}
			sys := auth.SystemPrincipal("messageoffice")
			var clusters []string
			for i := range 5 {
				c, err := h.CreateCluster(ctx, adm, command.CreateClusterInput{Team: team, Name: fmt.Sprintf("c%d", i)})
				if err != nil {
					t.Error(err)
					return
				}
				clusters = append(clusters, c.Object.ID)
				if _, err := h.Enrol(ctx, sys, command.EnrolInput{Team: team, ClusterID: c.Object.ID, Secret: c.Object.EnrolmentSecret}); err != nil {
					t.Error(err)
					return
				}
				if _, err := h.ReportGateway(ctx, sys, command.ReportGatewayInput{Team: team, ClusterID: c.Object.ID, PublicKey: newKey(t), Endpoint: fmt.Sprintf("gw%d.example.com:51820", i)}); err != nil {
					t.Error(err)
					return
				}
			}
			var devices []string
			for i := range devicesPerTeam {
				user := auth.Principal{UserID: fmt.Sprintf("u%d", i%7), Team: team, Role: auth.Member}
				kind := domain.KindDevice
				if i%5 == 0 {
					kind = domain.KindWorkspace
				}
				d, err := h.CreateDevice(ctx, user, command.CreateDeviceInput{Team: team, Name: fmt.Sprintf("d%d", i), Kind: kind, PublicKey: newKey(t)})
				if err != nil {
					t.Error(err)
					return
				}
				devices = append(devices, d.Object.ID)
				switch rng.IntN(4) {
				case 0:
					if _, err := h.RotateDeviceKey(ctx, user, command.RotateDeviceKeyInput{Team: team, ID: d.Object.ID, PublicKey: newKey(t)}); err != nil {
						t.Error(err)
						return
					}
				case 1:
					j := rng.IntN(len(devices))
					if devices[j] == "" {
						continue
					}
					if _, err := h.DeleteDevice(ctx, adm, command.DeviceInput{Team: team, ID: devices[j]}); err != nil {
						t.Error(err)
						return
					}
					devices[j] = ""
				}
			}
			if _, err := h.DeleteCluster(ctx, adm, command.ClusterInput{Team: team, ID: clusters[2]}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func start(t testing.TB, ctx context.Context, store *events.Store, m projection.Model, name string) *projection.Runner {
	t.Helper()
	r := projection.New(store, m, projection.Config{Name: name})
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRebuiltModelEqualsTheLiveOneAfterThousandsOfMixedEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	live := readmodel.New()
	r := start(t, ctx, store, live, "infra")
	defer func() { _ = r.Stop(ctx) }()

	mixed(t, ctx, command.New(store), []string{"acme", "globex", "initech", "umbrella"}, 150)
	last, err := store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last < 2000 {
		t.Fatalf("only %d events; the test wants a few thousand", last)
	}
	if err := r.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}

	rebuilt := readmodel.New()
	if err := projection.Drop(ctx, store, "infra-rebuild"); err != nil {
		t.Fatal(err)
	}
	r2 := start(t, ctx, store, rebuilt, "infra-rebuild")
	defer func() { _ = r2.Stop(ctx) }()
	if err := r2.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	a, _ := live.Snapshot()
	b, _ := rebuilt.Snapshot()
	if !bytes.Equal(a, b) {
		t.Fatalf("rebuilt model differs from the live one after %d events:\nlive    %.400s\nrebuilt %.400s", last, a, b)
	}
	// And the model agrees with the network aggregate itself.
	for _, team := range []string{"acme", "globex"} {
		var n domain.Network
		if _, err := store.LoadFunc(ctx, team, events.AggregateRef{Type: domain.NetworkAggregate, ID: domain.NetworkID}, func(r events.Recorded) error {
			n = domain.EvolveNetwork(n, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		v, ok := live.Resource(team, events.AggregateRef{Type: domain.NetworkAggregate, ID: domain.NetworkID})
		net := v.(readmodel.Network)
		if !ok || len(net.Addresses) != len(n.Addresses) || len(net.Ranges) != len(n.Ranges) {
			t.Fatalf("%s: model holds %d addresses/%d ranges, aggregate %d/%d", team, len(net.Addresses), len(net.Ranges), len(n.Addresses), len(n.Ranges))
		}
		for _, a := range net.Addresses {
			if n.Addresses[mustAddr(t, a.IP)].ID != a.OwnerID {
				t.Fatalf("%s: %s held by %s in the model, not in the aggregate", team, a.IP, a.OwnerID)
			}
		}
	}
}

func TestProjectorResumesFromItsSnapshotAfterARestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	h := command.New(store)
	first := &counting{Model: readmodel.New()}
	r := start(t, ctx, store, first, "infra")
	mixed(t, ctx, h, []string{"acme"}, 20)
	mid, _ := store.LastSeq(ctx)
	if err := r.WaitFor(ctx, mid); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(ctx); err != nil { // writes the snapshot
		t.Fatal(err)
	}

	// Events appended while the projector is down.
	mixed(t, ctx, h, []string{"globex"}, 20)
	last, _ := store.LastSeq(ctx)

	second := &counting{Model: readmodel.New()}
	r2 := start(t, ctx, store, second, "infra")
	defer func() { _ = r2.Stop(ctx) }()
	if err := r2.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	// It decodes only the infra events after its snapshot.
	var want int64
	if err := store.Replay(ctx, events.Filter{FromSeq: mid + 1}, func(r events.Recorded) error {
		if second.Handles(r.Type) {
			want++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := second.n.Load(); got != want || want == 0 {
		t.Fatalf("restarted projector applied %d events, want only the %d infra events after its snapshot", got, want)
	}
	q := readmodel.NewQueries(second.Model, r2)
	for _, team := range []string{"acme", "globex"} {
		p := auth.Principal{UserID: "x", Team: team, Role: auth.Member}
		cl, _, err := q.Clusters(ctx, p, team, nil, readmodel.All, last)
		if err != nil || len(cl) != 4 {
			t.Fatalf("%s: %d clusters after restart (%v)", team, len(cl), err)
		}
	}

	full := readmodel.New()
	r3 := start(t, ctx, store, full, "infra-full")
	defer func() { _ = r3.Stop(ctx) }()
	a, _ := second.Snapshot()
	b, _ := full.Snapshot()
	if !bytes.Equal(a, b) {
		t.Fatal("resumed model differs from one built from the whole log")
	}
}
