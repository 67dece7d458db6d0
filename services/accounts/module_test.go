package accounts_test

import (
	"bytes"
	"context"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/services/accounts"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

func TestModuleWiresCommandsQueriesAndAsOfSourceOnThePlatform(t *testing.T) {
	var (
		out   bytes.Buffer
		h     *command.Handlers
		q     *readmodel.Queries
		store *events.Store
		asof  []platform.AsOfSource
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(uniq.Register), // registered once by weft-server
		accounts.Module,
		accounts.PrintBootstrap(&out),
		fx.Populate(&h, &q, &store),
		fx.Invoke(fx.Annotate(func(s []platform.AsOfSource) { asof = s }, fx.ParamTags(`group:"asof"`))),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The start recorded the admin and printed its token once.
	tok := regexp.MustCompile(`weft_[0-9a-f-]{36}_[0-9a-f]{64}`).FindString(out.String())
	if tok == "" {
		t.Fatalf("no bootstrap token printed: %q", out.String())
	}
	if again, err := h.Bootstrap(ctx); err != nil || again.Created {
		t.Fatalf("second bootstrap %+v, %v", again, err)
	}
	p, err := h.Authenticate(ctx, tok, "")
	if err != nil {
		t.Fatal(err)
	}
	team, err := h.CreateTeam(ctx, p, command.CreateTeamInput{Slug: "acme", DisplayName: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := h.Authenticate(ctx, tok, "acme")
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Team(ctx, owner, "acme", team.Seq)
	if err != nil || len(got.Members) != 1 || got.Members[0].UserID != p.UserID {
		t.Fatalf("team %+v, %v", got, err)
	}
	if len(asof) != 1 {
		t.Fatalf("%d as-of sources", len(asof))
	}
	m := asof[0].New()
	if err := store.Replay(ctx, events.Filter{}, m.Apply); err != nil {
		t.Fatal(err)
	}
	v, ok := m.Resource("acme", events.AggregateRef{Type: domain.TeamAggregate, ID: "acme"})
	if tv, isTeam := v.(readmodel.Team); !ok || !isTeam || tv.DisplayName != "Acme" {
		t.Fatalf("as-of team %#v, %v", v, ok)
	}
}

// TestDomainAndCommandStayFreeOfTransportAndWiring keeps fx, NATS and
// GraphQL out of the pure rules and the use cases.
func TestDomainAndCommandStayFreeOfTransportAndWiring(t *testing.T) {
	banned := []string{"go.uber.org/fx", "github.com/nats-io/", "github.com/99designs/gqlgen"}
	for _, dir := range []string{"domain", "command"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				for _, b := range banned {
					if strings.HasPrefix(strings.Trim(imp.Path.Value, `"`), b) {
						t.Errorf("%s imports %s", f, imp.Path.Value)
					}
				}
			}
		}
	}
}
