package infra_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/services/infra"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

func TestModuleWiresCommandsQueriesAndAsOfSourceOnThePlatform(t *testing.T) {
	var (
		h     *command.Handlers
		q     *readmodel.Queries
		store *events.Store
		asof  []platform.AsOfSource
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(uniq.Register), // registered once by weft-server
		infra.Module,
		fx.Populate(&h, &q, &store),
		fx.Invoke(fx.Annotate(func(s []platform.AsOfSource) { asof = s }, fx.ParamTags(`group:"asof"`))),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	ada := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Owner}
	c, err := h.CreateCluster(ctx, ada, command.CreateClusterInput{Team: "acme", Name: "east"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.CreateDevice(ctx, ada, command.CreateDeviceInput{Team: "acme", Name: "laptop", PublicKey: "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="})
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Cluster(ctx, ada, "acme", readmodel.Ref{Name: "east"}, d.Seq)
	if err != nil || got.ID != c.Object.ID {
		t.Fatalf("cluster %+v, %v", got, err)
	}
	if len(asof) != 1 {
		t.Fatalf("%d as-of sources", len(asof))
	}
	m := asof[0].New()
	if err := store.Replay(ctx, events.Filter{Team: "acme"}, m.Apply); err != nil {
		t.Fatal(err)
	}
	v, ok := m.Resource("acme", events.AggregateRef{Type: domain.DeviceAggregate, ID: d.Object.ID})
	if dev, isDev := v.(readmodel.Device); !ok || !isDev || dev.IP != d.Object.IP {
		t.Fatalf("as-of device %#v, %v", v, ok)
	}
	if _, ok := m.Resource("globex", events.AggregateRef{Type: domain.ClusterAggregate, ID: c.Object.ID}); ok {
		t.Fatal("as-of model answered for another team")
	}
}
