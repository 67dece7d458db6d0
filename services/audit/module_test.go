package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/wait"
	"weft.dev/services/audit"
	"weft.dev/services/audit/query"
	"weft.dev/services/audit/seal"
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

func TestTheModuleSealsTeamsAndPublishesTheKeyThatVerifiesThem(t *testing.T) {
	var (
		store  *events.Store
		h      *platform.HTTP
		sealer *seal.Sealer
	)
	dir := t.TempDir()
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: dir, HTTPAddr: "127.0.0.1:0", CheckpointEvery: 50 * time.Millisecond}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(func(r *events.Registry) { events.Register[noted](r, "test.note.noted", 1) }),
		audit.Module,
		fx.Populate(&store, &h, &sealer),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx := context.Background()
	if _, err := store.Append(ctx, 0, events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: "note", ID: "n1"}, Actor: "user:ada", Data: noted{Text: "x"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + h.Addr() + seal.KeyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pk seal.PublishedKey
	if err := json.NewDecoder(resp.Body).Decode(&pk); err != nil || pk.Algorithm != "ed25519" {
		t.Fatalf("published key %+v: %v", pk, err)
	}
	pub, err := chain.ParseKey(pk.PublicKey)
	if err != nil || chain.KeyID(pub) != pk.KeyID {
		t.Fatalf("published key %+v: %v", pk, err)
	}
	// The sealer, on its own, checkpoints acme, and the published key
	// verifies it.
	wait.For(t, 10*time.Second, func() error {
		v := chain.NewVerifier(pub)
		if err := store.Stored(ctx, "acme", 1, func(m chain.Message) error { v.Add(m); return nil }); err != nil {
			return err
		}
		rep := v.Report()
		if !rep.OK {
			return fmt.Errorf("verify: %s", rep.First)
		}
		if rep.Teams[0].Checkpoints != 1 {
			return fmt.Errorf("%d checkpoints verified", rep.Teams[0].Checkpoints)
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.key")); err != nil {
		t.Fatalf("the key is not in the data directory: %v", err)
	}
}
