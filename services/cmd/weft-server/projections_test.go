package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/services/accounts"
	accdomain "weft.dev/services/accounts/domain"
	accrm "weft.dev/services/accounts/readmodel"
	"weft.dev/services/console"
	cdomain "weft.dev/services/console/domain"
	conrm "weft.dev/services/console/readmodel"
	"weft.dev/services/infra"
	idomain "weft.dev/services/infra/domain"
	infrm "weft.dev/services/infra/readmodel"
	"weft.dev/services/uniq"
)

// The runner decodes only the events a model says it handles. This proves
// no model skips an event it needs: over a mixed log written by the real
// handlers, each runner-built model equals one fed every event.
func TestRunnersSkippingOtherServicesEventsBuildTheSameModels(t *testing.T) {
	ctx := context.Background()
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	for _, f := range []func(*events.Registry){uniq.Register, accdomain.Register, idomain.Register, cdomain.Register} {
		f(reg)
	}
	store := events.NewStore(env.Conn, reg)
	total := writeMixedLog(t, ctx, store, 3000)

	type model interface {
		projection.Model
		projection.Selective
	}
	cases := []struct {
		name string
		new  func() model
	}{
		{accounts.ProjectionName, func() model { return accrm.New() }},
		{infra.ProjectionName, func() model { return infrm.New() }},
		{console.ProjectionName, func() model { return conrm.New() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := c.new()
			handled := 0
			if err := store.Replay(ctx, events.Filter{}, func(r events.Recorded) error {
				if all.Handles(r.Type) {
					handled++
				}
				return all.Apply(r)
			}); err != nil {
				t.Fatal(err)
			}
			if handled == 0 {
				t.Fatal("the log holds no event this model handles")
			}
			selective := c.new()
			r := projection.New(store, selective, projection.Config{Name: "check-" + c.name, Logger: slog.New(slog.DiscardHandler)})
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if err := r.WaitFor(ctx, total); err != nil {
				t.Fatal(err)
			}
			if err := r.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			want, err := all.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			got, err := selective.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("runner-built %s model differs from one fed every event:\n got %.400s\nwant %.400s", c.name, got, want)
			}
		})
	}
}
