package command_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/netip"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/uniq"
)

var (
	owner  = auth.Principal{UserID: "olga", Team: "acme", Role: auth.Owner}
	admin  = auth.Principal{UserID: "ada", Team: "acme", Role: auth.Admin}
	member = auth.Principal{UserID: "bob", Team: "acme", Role: auth.Member}
	other  = auth.Principal{UserID: "cyd", Team: "acme", Role: auth.Member}
	rival  = auth.Principal{UserID: "eve", Team: "globex", Role: auth.Owner}
	agent  = auth.SystemPrincipal("messageoffice")
)

// Keys are base64 of 32 bytes; which bytes does not matter here.
const (
	key1 = "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="
	key2 = "q9EqR8Fz5qXl0m1f3vC0eJtq0o1m7b0l1oZ5b7w2e1Y="
)

// newKey is a fresh WireGuard public key: each device and gateway of a
// team needs its own.
func newKey(t testing.TB) string {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}

type harness struct {
	t      *testing.T
	ctx    context.Context
	env    *eventstest.Env
	store  *events.Store
	model  *readmodel.Model
	runner *projection.Runner
	q      *readmodel.Queries
	h      *command.Handlers
}

func registry() *events.Registry {
	r := events.NewRegistry()
	domain.Register(r)
	uniq.Register(r)
	return r
}

func setup(t *testing.T) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	t.Cleanup(cancel)
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	h := &harness{t: t, ctx: ctx, env: env, store: store}
	h.model = readmodel.New()
	h.runner = projection.New(store, h.model, projection.Config{Name: "infra"})
	if err := h.runner.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.runner.Stop(context.Background()) })
	h.q = readmodel.NewQueries(h.model, h.runner)
	h.h = command.New(store)
	return h
}

func (h *harness) lastSeq() uint64 {
	h.t.Helper()
	s, err := h.store.LastSeq(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) device(p auth.Principal, name string) domain.Device {
	h.t.Helper()
	res, err := h.h.CreateDevice(h.ctx, p, command.CreateDeviceInput{Team: p.Team, Name: name, PublicKey: newKey(h.t)})
	if err != nil {
		h.t.Fatalf("create device %s: %v", name, err)
	}
	return res.Object
}

func (h *harness) cluster(p auth.Principal, name string) command.ClusterWithSecret {
	h.t.Helper()
	res, err := h.h.CreateCluster(h.ctx, p, command.CreateClusterInput{Team: p.Team, Name: name})
	if err != nil {
		h.t.Fatalf("create cluster %s: %v", name, err)
	}
	return res.Object
}

// wantFault fails unless err is a *fault.Error with code (and field, when
// given).
func wantFault(t *testing.T, err error, code fault.Code, field string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Code != code || (field != "" && f.Field != field) {
		t.Fatalf("err = %v (%T); want %s on field %q", err, err, code, field)
	}
}

// checkLogNeverDoubleAllocates replays team's log and fails if an address
// or range was allocated while held, released by a non-holder, or if the
// live clusters and devices at the end share an address. It returns the
// addresses held at the end, by holder.
func checkLogNeverDoubleAllocates(t *testing.T, ctx context.Context, store *events.Store, team string) map[string]string {
	t.Helper()
	held := map[string]string{}   // ip → owner
	ranges := map[string]string{} // cidr → cluster
	live := map[string]string{}   // resource id → its ip
	err := store.Replay(ctx, events.Filter{Team: team}, func(r events.Recorded) error {
		switch e := r.Data.(type) {
		case domain.AddressAllocated:
			if h, ok := held[e.IP]; ok {
				return errors.New(e.IP + " allocated to " + e.OwnerID + " while held by " + h)
			}
			a := netip.MustParseAddr(e.IP)
			if !domain.NodeBlock.Contains(a) {
				return errors.New(e.IP + " outside the node block")
			}
			held[e.IP] = e.OwnerID
		case domain.AddressReleased:
			if held[e.IP] != e.OwnerID {
				return errors.New(e.IP + " released by a non-holder")
			}
			delete(held, e.IP)
		case domain.RangeAllocated:
			if h, ok := ranges[e.CIDR]; ok {
				return errors.New(e.CIDR + " allocated while held by " + h)
			}
			ranges[e.CIDR] = e.ClusterID
		case domain.RangeReleased:
			delete(ranges, e.CIDR)
		case domain.ClusterCreated:
			live[e.ID] = e.GatewayIP
		case domain.ClusterDeleted:
			delete(live, e.ID)
		case domain.DeviceCreated:
			live[e.ID] = e.IP
		case domain.DeviceDeleted:
			delete(live, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("replay of %s: %v", team, err)
	}
	seen := map[string]string{}
	for id, ip := range live {
		if o, dup := seen[ip]; dup {
			t.Fatalf("replay: live %s and %s share %s", id, o, ip)
		}
		seen[ip] = id
		if held[ip] != id {
			t.Fatalf("replay: live %s has %s, which the network gives to %q", id, ip, held[ip])
		}
	}
	if len(held) != len(live) {
		t.Fatalf("replay: %d addresses held, %d live resources", len(held), len(live))
	}
	return held
}
