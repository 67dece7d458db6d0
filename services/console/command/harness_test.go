package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

var (
	admin  = auth.Principal{UserID: "ada", Team: "acme", Role: auth.Admin}
	member = auth.Principal{UserID: "bob", Team: "acme", Role: auth.Member}
	rival  = auth.Principal{UserID: "eve", Team: "globex", Role: auth.Owner}
)

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
	cd.Register(r)
	uniq.Register(r)
	infra.Register(r)
	return r
}

func setup(t *testing.T) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	env := eventstest.Start(t)
	// With the log's tail in memory, as weft-server runs it: loads read
	// from it, up to the end a command pinned (events.Store.PinEnd).
	store := events.NewStore(env.Conn, registry(), events.WithTail(64<<20))
	stopTail, err := store.StartTail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopTail)
	h := &harness{t: t, ctx: ctx, env: env, store: store}
	h.model, h.runner = h.startModel("console")
	h.q = readmodel.NewQueries(h.model, h.runner)
	h.h = command.New(store, h.q)
	return h
}

func (h *harness) startModel(name string) (*readmodel.Model, *projection.Runner) {
	h.t.Helper()
	m := readmodel.New()
	r := projection.New(h.store, m, projection.Config{Name: name})
	if err := r.CatchUp(h.ctx); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return m, r
}

func newID(t *testing.T) string {
	t.Helper()
	u, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return u.String()
}

// cluster appends infra's ClusterCreated and its name claim, as infra
// would.
func (h *harness) cluster(team, name, cidr string) string {
	h.t.Helper()
	id := newID(h.t)
	claim, err := uniq.Claim(h.ctx, h.store, team, "system:infra", infra.ClusterNameKind, name, id)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.store.AppendAll(h.ctx, claim, events.Write{Expected: 0, Events: []events.Event{{Team: team,
		Aggregate: events.AggregateRef{Type: infra.ClusterAggregate, ID: id}, Actor: "system:infra",
		Data: infra.ClusterCreated{ID: id, Name: name, GatewayIP: "100.64.0.1", ServiceRange: cidr}}}}); err != nil {
		h.t.Fatal(err)
	}
	return id
}

// deleteCluster appends infra's ClusterDeleted and the release of its
// name, in one batch, as infra would; it returns the last sequence.
func (h *harness) deleteCluster(team, id, name string) uint64 {
	h.t.Helper()
	w, ok, err := uniq.Release(h.ctx, h.store, team, "system:infra", infra.ClusterNameKind, name, id)
	if err != nil || !ok {
		h.t.Fatalf("release cluster name %s: %v %v", name, ok, err)
	}
	app, err := h.store.AppendAll(h.ctx, w, events.Write{Expected: events.AnyVersion, Events: []events.Event{{Team: team,
		Aggregate: events.AggregateRef{Type: infra.ClusterAggregate, ID: id}, Actor: "system:infra",
		Data: infra.ClusterDeleted{ID: id, Name: name}}}})
	if err != nil {
		h.t.Fatal(err)
	}
	return app.LastSeq
}

func (h *harness) device(team, name, ip string) string {
	h.t.Helper()
	id := newID(h.t)
	h.infra(team, infra.DeviceAggregate, id, infra.DeviceCreated{ID: id, Name: name, Kind: infra.KindDevice, Owner: "ada", IP: ip})
	return id
}

func (h *harness) infra(team, aggType, id string, data any) uint64 {
	h.t.Helper()
	app, err := h.store.Append(h.ctx, events.AnyVersion, events.Event{
		Team: team, Aggregate: events.AggregateRef{Type: aggType, ID: id}, Actor: "system:infra", Data: data,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return app.LastSeq
}

func (h *harness) lastSeq() uint64 {
	h.t.Helper()
	s, err := h.store.LastSeq(h.ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func webSpec() cd.Spec {
	return cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 53, Protocol: cd.UDP}}, Backends: []string{"10.1.0.5:8080"}}
}

// world makes a cluster, an environment "dev" in it and an app "web".
func (h *harness) world() (clusterID string, env cd.Env, app cd.App) {
	h.t.Helper()
	clusterID = h.cluster("acme", "east", "10.96.0.0/24")
	e, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "dev", ClusterID: clusterID})
	if err != nil {
		h.t.Fatal(err)
	}
	a, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "web", Spec: webSpec()})
	if err != nil {
		h.t.Fatal(err)
	}
	return clusterID, e.Object, a.Object
}

func eventsRef(typ, id string) events.AggregateRef { return events.AggregateRef{Type: typ, ID: id} }
