package console_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/services/console"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	infra "weft.dev/services/infra/domain"
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
		// uniq's and infra's types are registered by their owners in weft-server.
		platform.EventTypes(uniq.Register),
		platform.EventTypes(infra.Register),
		console.Module,
		fx.Populate(&h, &q, &store),
		fx.Invoke(fx.Annotate(func(s []platform.AsOfSource) { asof = s }, fx.ParamTags(`group:"asof"`))),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The cluster and its name claim, as infra creates them.
	claim, err := uniq.Claim(ctx, store, "acme", "system:infra", infra.ClusterNameKind, "east", "c1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.AppendAll(ctx, claim, events.Write{Expected: 0, Events: []events.Event{{Team: "acme", Aggregate: events.AggregateRef{Type: infra.ClusterAggregate, ID: "c1"},
		Data: infra.ClusterCreated{ID: "c1", Name: "east", ServiceRange: "10.96.0.0/24"}}}}); err != nil {
		t.Fatal(err)
	}
	admin := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Owner}
	res, err := h.CreateEnv(ctx, admin, command.CreateEnvInput{Team: "acme", Name: "dev", ClusterID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	env, err := q.Env(ctx, admin, "acme", "dev", res.Seq)
	if err != nil || env.ClusterName != "east" {
		t.Fatalf("env %+v, %v", env, err)
	}
	if len(asof) != 1 {
		t.Fatalf("%d as-of sources", len(asof))
	}
	m := asof[0].New()
	if err := store.Replay(ctx, events.Filter{Team: "acme"}, m.Apply); err != nil {
		t.Fatal(err)
	}
	got, ok := m.Resource("acme", events.AggregateRef{Type: cd.EnvAggregate, ID: res.Object.ID})
	if v, isEnv := got.(readmodel.Env); !ok || !isEnv || v.Name != "dev" {
		t.Fatalf("as-of env %#v, %v", got, ok)
	}
	if _, ok := m.Resource("globex", events.AggregateRef{Type: cd.EnvAggregate, ID: res.Object.ID}); ok {
		t.Fatal("as-of model answered for another team")
	}
}
