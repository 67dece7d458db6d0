package audit_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/services/audit"
	"weft.dev/services/audit/query"
	"weft.dev/services/platform"
)

type noted struct {
	Text string `json:"text"`
}

// notes is a minimal as-of model: the last text noted on each aggregate.
type notes map[string]string

func (n notes) Apply(r events.Recorded) error {
	if e, ok := r.Data.(noted); ok {
		n[r.Team+"/"+r.Aggregate.ID] = e.Text
	}
	return nil
}
func (n notes) Snapshot() ([]byte, error) { return nil, nil }
func (n notes) Restore([]byte) error      { return nil }
func (n notes) Resource(team string, agg events.AggregateRef) (any, bool) {
	v, ok := n[team+"/"+agg.ID]
	return v, ok
}

func TestModuleServesHistoryAndAsOfFromTheAsOfGroup(t *testing.T) {
	var (
		svc   *query.Service
		store *events.Store
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(func(r *events.Registry) { events.Register[noted](r, "test.note.noted", 1) }),
		fx.Provide(platform.AsAsOfSource(func() platform.AsOfSource {
			return platform.AsOfSource{AggregateTypes: []string{"note"}, New: func() platform.AsOfModel { return notes{} }}
		})),
		audit.Module,
		fx.Populate(&svc, &store),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	agg := events.AggregateRef{Type: "note", ID: "n1"}
	first, err := store.Append(ctx, 0, events.Event{Team: "acme", Aggregate: agg, Actor: "user:ada", Data: noted{Text: "draft"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, first.LastSeq, events.Event{Team: "acme", Aggregate: agg, Actor: "user:ada", Data: noted{Text: "final"}}); err != nil {
		t.Fatal(err)
	}
	ada := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	page, err := svc.History(ctx, ada, query.HistoryQuery{Team: "acme"})
	if err != nil || len(page.Entries) != 2 || string(page.Entries[0].Data) != `{"text":"final"}` {
		t.Fatalf("history %+v, %v", page, err)
	}
	st, err := svc.AsOf(ctx, ada, "acme", agg, query.Point{Seq: first.LastSeq})
	if err != nil || st.Resource != "draft" {
		t.Fatalf("as of %d: %+v, %v", first.LastSeq, st, err)
	}
}
