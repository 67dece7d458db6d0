package subgraph_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/kernel/auth"
	"weft.dev/schemas"
	"weft.dev/services/accounts"
	"weft.dev/services/accounts/command"
	"weft.dev/services/graph/graphtest"
	"weft.dev/services/platform"
)

// env is the accounts service on the real platform (embedded JetStream,
// HTTP on a random port) with two teams: acme (alice owner, carol member)
// and globex (bob owner).
type env struct {
	base              string
	gql               graphtest.Client
	alice, bob, carol auth.Principal
}

func start(t *testing.T) *env {
	t.Helper()
	var (
		h      *command.Handlers
		signer *auth.Signer
		hp     *platform.HTTP
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		accounts.Module,
		fx.Populate(&h, &signer, &hp),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sys := auth.SystemPrincipal("test")
	user := func(name string) string {
		u, err := h.CreateUser(ctx, sys, command.CreateUserInput{Username: name, DisplayName: name})
		if err != nil {
			t.Fatal(err)
		}
		return u.Object.ID
	}
	alice, bob, carol := user("alice"), user("bob"), user("carol")
	for slug, owner := range map[string]string{"acme": alice, "globex": bob} {
		if _, err := h.CreateTeam(ctx, sys, command.CreateTeamInput{Slug: slug, DisplayName: slug, Owner: owner}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.AddMember(ctx, sys, command.MemberInput{Team: "acme", UserID: carol, Role: auth.Member}); err != nil {
		t.Fatal(err)
	}
	base := "http://" + hp.Addr()
	return &env{
		base:  base,
		gql:   graphtest.Client{URL: base + "/subgraphs/accounts/graphql", Signer: signer},
		alice: auth.Principal{UserID: alice, Team: "acme", Role: auth.Owner},
		bob:   auth.Principal{UserID: bob, Team: "globex", Role: auth.Owner},
		carol: auth.Principal{UserID: carol, Team: "acme", Role: auth.Member},
	}
}

func TestServiceSDLAndSDLRouteAreTheSchemaFile(t *testing.T) {
	e := start(t)
	want, err := schemas.SDL("accounts")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Service struct{ SDL string } `json:"_service"`
	}
	e.gql.Do(t, e.alice, `{ _service { sdl } }`, nil).Decode(t, &got)
	if got.Service.SDL != want {
		t.Errorf("_service.sdl differs from schemas/graphql/accounts.graphqls:\n%s", got.Service.SDL)
	}
	resp, err := http.Get(e.base + "/subgraphs/accounts/sdl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != want {
		t.Errorf("GET /sdl: %d, %d bytes; want the schema file", resp.StatusCode, len(body))
	}
}

func TestEntitiesResolveTeamAndUsersByKeyInOneRequest(t *testing.T) {
	e := start(t)
	var got struct {
		Entities []struct {
			Slug, DisplayName, ID, Username string
			Members                         struct{ TotalCount int }
		} `json:"_entities"`
	}
	e.gql.Do(t, e.carol, `query($r: [_Any!]!) { _entities(representations: $r) {
		... on Team { slug displayName members { totalCount } }
		... on User { id username } } }`, map[string]any{"r": []any{
		map[string]any{"__typename": "Team", "slug": "acme"},
		map[string]any{"__typename": "User", "id": e.alice.UserID},
		map[string]any{"__typename": "User", "id": e.carol.UserID},
	}}).Decode(t, &got)
	if len(got.Entities) != 3 {
		t.Fatalf("%d entities, want 3", len(got.Entities))
	}
	if g := got.Entities[0]; g.Slug != "acme" || g.Members.TotalCount != 2 {
		t.Errorf("team = %+v", g)
	}
	if g := got.Entities[1]; g.ID != e.alice.UserID || g.Username != "alice" {
		t.Errorf("alice = %+v", g)
	}
	if g := got.Entities[2]; g.ID != e.carol.UserID || g.Username != "carol" {
		t.Errorf("carol = %+v", g)
	}
}

func TestMutationReturnsTeamAndSeqThatAQueryWithMinSeqSees(t *testing.T) {
	e := start(t)
	var m struct {
		RenameTeam struct {
			Team struct{ Slug, DisplayName string }
			Seq  int
		}
	}
	e.gql.Do(t, e.alice, `mutation { renameTeam(input: {displayName: "Acme Inc"}) { team { slug displayName } seq } }`, nil).Decode(t, &m)
	if m.RenameTeam.Team.DisplayName != "Acme Inc" || m.RenameTeam.Seq == 0 {
		t.Fatalf("renameTeam = %+v", m.RenameTeam)
	}
	var q struct{ Team struct{ DisplayName string } }
	e.gql.Do(t, e.carol, `query($s: Int) { team(minSeq: $s) { displayName } }`, map[string]any{"s": m.RenameTeam.Seq}).Decode(t, &q)
	if q.Team.DisplayName != "Acme Inc" {
		t.Errorf("team after minSeq %d: %q", m.RenameTeam.Seq, q.Team.DisplayName)
	}

	// A new team's creator becomes its owner, seen by a query at its seq.
	var c struct{ CreateTeam struct{ Seq int } }
	e.gql.Do(t, auth.Principal{UserID: e.carol.UserID}, `mutation { createTeam(input: {slug: "initech", displayName: "Initech"}) { seq } }`, nil).Decode(t, &c)
	var mine struct {
		MyTeams struct {
			Edges []struct {
				Node struct {
					Role string
					Team struct{ Slug string }
				}
			}
		}
	}
	e.gql.Do(t, auth.Principal{UserID: e.carol.UserID}, `query($s: Int) { myTeams(minSeq: $s) { edges { node { role team { slug } } } } }`,
		map[string]any{"s": c.CreateTeam.Seq}).Decode(t, &mine)
	roles := map[string]string{}
	for _, ed := range mine.MyTeams.Edges {
		roles[ed.Node.Team.Slug] = ed.Node.Role
	}
	if roles["initech"] != "OWNER" || roles["acme"] != "MEMBER" {
		t.Errorf("carol's teams: %v", roles)
	}
}

func TestRequestWithoutOrWithForgedPrincipalIs401Unauthenticated(t *testing.T) {
	e := start(t)
	other, _ := auth.RandomSigner()
	cases := map[string]http.Header{
		"none":      {},
		"other key": {auth.Header: {other.Sign(e.alice, time.Minute)}},
		"bare JSON": {auth.Header: {`{"u":"` + e.alice.UserID + `","t":"acme","r":"owner"}`}},
	}
	for name, h := range cases {
		r := e.gql.DoWith(t, h, `{ team { slug } }`, nil)
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d, errors %+v", name, r.Status, r.Errors)
		}
	}
}

func TestMemberOfOneTeamCannotSeeAnotherTeamOrItsUsers(t *testing.T) {
	e := start(t)
	r := e.gql.Do(t, e.bob, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Team { slug displayName } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "Team", "slug": "acme"}}})
	if len(r.Errors) == 0 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob resolving team acme: %s, %+v", r.Data, r.Errors)
	}
	r = e.gql.Do(t, e.bob, `query($id: ID!) { user(id: $id) { username } }`, map[string]any{"id": e.alice.UserID})
	if len(r.Errors) == 0 || r.Errors[0].Code() != "NOT_FOUND" || string(r.Data) != `{"user":null}` {
		t.Errorf("bob reading alice: %s, %+v", r.Data, r.Errors)
	}
	r = e.gql.Do(t, e.carol, `mutation { renameTeam(input: {displayName: "mine"}) { seq } }`, nil)
	if len(r.Errors) == 0 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("member renaming the team: %+v", r.Errors)
	}
}

func TestBadInputIsBadUserInputNamingTheField(t *testing.T) {
	e := start(t)
	r := e.gql.Do(t, auth.Principal{UserID: e.alice.UserID}, `mutation { createTeam(input: {slug: "Not A Slug", displayName: "x"}) { seq } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != "slug" {
		t.Errorf("errors %+v", r.Errors)
	}
	r = e.gql.Do(t, e.alice, `{ team(minSeq: -1) { slug } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != "minSeq" {
		t.Errorf("errors %+v", r.Errors)
	}
	r = e.gql.Do(t, e.alice, `{ team { nosuchfield } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("invalid document: errors %+v", r.Errors)
	}
}

func TestOverDeepOrOverComplexQueryIsRefusedAsBadUserInput(t *testing.T) {
	e := start(t)
	deep := "{ __schema { types { fields { type " + strings.Repeat("{ ofType ", 14) + "{ name }" + strings.Repeat(" }", 14) + " } } } }"
	r := e.gql.Do(t, e.alice, deep, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != "DEPTH_LIMIT_EXCEEDED" || string(r.Data) != "" && string(r.Data) != "null" {
		t.Errorf("deep query: %s %+v", r.Data, r.Errors)
	}
	var wide strings.Builder
	wide.WriteString("{ ")
	for i := range 2600 {
		fmt.Fprintf(&wide, "a%d: me { id } ", i)
	}
	wide.WriteString("}")
	r = e.gql.Do(t, e.alice, wide.String(), nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("complex query: %+v", r.Errors)
	}
	if r := e.gql.Do(t, e.alice, `{ me { id } team { members(first: 500) { edges { node { user { username } } } } } }`, nil); len(r.Errors) != 0 {
		t.Errorf("an ordinary query was refused: %+v", r.Errors)
	}
}
