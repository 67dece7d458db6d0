package subgraph_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events/chain"
	"weft.dev/kernel/auth"
	"weft.dev/schemas"
	"weft.dev/services/audit"
	"weft.dev/services/console"
	consolecmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/graph/graphtest"
	"weft.dev/services/infra"
	infracmd "weft.dev/services/infra/command"
	"weft.dev/services/platform"
)

// env is the audit service beside infra and console (whose read models
// it replays for as-of states) on the real platform; alice is an admin and
// carol a member of acme, bob an admin of globex. acme has a cluster, an
// environment prod and an app web.
type env struct {
	base              string
	gql               graphtest.Client
	ch                *consolecmd.Handlers
	alice, bob, carol auth.Principal
	app               string
	appSeq            uint64
}

func start(t *testing.T) *env {
	t.Helper()
	var (
		signer *auth.Signer
		hp     *platform.HTTP
		ih     *infracmd.Handlers
		ch     *consolecmd.Handlers
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		infra.Module,
		console.Module,
		audit.Module,
		fx.Populate(&signer, &hp, &ih, &ch),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	base := "http://" + hp.Addr()
	e := &env{
		base:  base,
		gql:   graphtest.Client{URL: base + "/subgraphs/audit/graphql", Signer: signer},
		ch:    ch,
		alice: auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000a", Team: "acme", Role: auth.Admin},
		bob:   auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000b", Team: "globex", Role: auth.Admin},
		carol: auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000c", Team: "acme", Role: auth.Member},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := ih.CreateCluster(ctx, e.alice, infracmd.CreateClusterInput{Team: "acme", Name: "eu-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.CreateEnv(ctx, e.alice, consolecmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: c.Object.ID}); err != nil {
		t.Fatal(err)
	}
	a := e.createApp(t, "web")
	e.app, e.appSeq = a.Object.ID, a.Seq
	return e
}

func (e *env) createApp(t *testing.T, name string) consolecmd.Result[cd.App] {
	t.Helper()
	a, err := e.ch.CreateApp(context.Background(), e.carol, consolecmd.CreateAppInput{Team: "acme", Env: "prod", Name: name,
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80}}, Backends: []string{"10.0.0.1:8080"}}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type event struct {
	Seq                                    int
	Type, Team, AggregateType, AggregateID string
	Actor                                  string
	Known                                  bool
}

type connection struct {
	Edges []struct {
		Cursor string
		Node   event
	}
	PageInfo struct {
		HasNextPage bool
		EndCursor   *string
	}
	TotalCount *int
}

func TestServiceSDLAndSDLRouteAreTheSchemaFile(t *testing.T) {
	e := start(t)
	want, err := schemas.SDL("audit")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Service struct{ SDL string } `json:"_service"`
	}
	e.gql.Do(t, e.alice, `{ _service { sdl } }`, nil).Decode(t, &got)
	if got.Service.SDL != want {
		t.Errorf("_service.sdl differs from schemas/graphql/audit.graphqls")
	}
	resp, err := http.Get(e.base + "/subgraphs/audit/sdl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != want {
		t.Errorf("GET /sdl: %d bytes, want the schema file", len(body))
	}
}

func TestEntitiesResolveTeamEventsAndAppHistoryInOneRequest(t *testing.T) {
	e := start(t)
	var got struct {
		Entities []struct {
			Slug, ID string
			Events   connection
			History  connection
		} `json:"_entities"`
	}
	e.gql.Do(t, e.carol, `query($r: [_Any!]!) { _entities(representations: $r) {
		... on Team { slug events(first: 2) { edges { node { seq type aggregateType } } pageInfo { hasNextPage } totalCount } }
		... on App { id history { edges { node { seq type aggregateId actor } } } } } }`, map[string]any{"r": []any{
		map[string]any{"__typename": "Team", "slug": "acme"},
		map[string]any{"__typename": "App", "id": e.app},
	}}).Decode(t, &got)
	if len(got.Entities) != 2 {
		t.Fatalf("%d entities", len(got.Entities))
	}
	team := got.Entities[0]
	if team.Slug != "acme" || len(team.Events.Edges) != 2 || !team.Events.PageInfo.HasNextPage || team.Events.TotalCount != nil {
		t.Errorf("team events = %+v", team)
	}
	hist := got.Entities[1].History.Edges
	if len(hist) != 1 || hist[0].Node.Type != "console.app.created" || hist[0].Node.AggregateID != e.app ||
		hist[0].Node.Seq > int(e.appSeq) || hist[0].Node.Actor != e.carol.Actor() {
		t.Errorf("app history = %+v", hist)
	}
}

func TestEventsPageWithCursorsAndShowAResourceAsOfASequence(t *testing.T) {
	e := start(t)
	var seen []int
	var after *string
	for {
		var q struct{ Events connection }
		e.gql.Do(t, e.alice, `query($a: String) { events(first: 2, after: $a, order: OLDEST_FIRST) { edges { cursor node { seq team } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"a": after}).Decode(t, &q)
		for _, ed := range q.Events.Edges {
			if ed.Node.Team != "acme" {
				t.Fatalf("event of team %q", ed.Node.Team)
			}
			seen = append(seen, ed.Node.Seq)
		}
		if !q.Events.PageInfo.HasNextPage {
			break
		}
		after = q.Events.PageInfo.EndCursor
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("pages out of order or overlapping: %v", seen)
		}
	}
	if len(seen) < 3 || seen[len(seen)-1] != int(e.appSeq) {
		t.Fatalf("paged through %v, want everything up to the app's creation at %d", seen, e.appSeq)
	}

	if _, err := e.ch.UpdateApp(context.Background(), e.carol, consolecmd.UpdateAppInput{Team: "acme", ID: e.app,
		Spec: cd.Spec{Ports: []cd.Port{{Port: 81}}, Backends: []string{"10.0.0.1:8080"}}}); err != nil {
		t.Fatal(err)
	}
	var asOf struct {
		ResourceAsOf struct {
			Seq      int
			Resource struct {
				Name string
				Spec struct{ Ports []struct{ Port int } }
			}
		}
	}
	e.gql.Do(t, e.carol, `query($id: String!, $s: Int) { resourceAsOf(aggregateType: "app", aggregateId: $id, seq: $s) { seq resource } }`,
		map[string]any{"id": e.app, "s": e.appSeq}).Decode(t, &asOf)
	if asOf.ResourceAsOf.Resource.Name != "web" || len(asOf.ResourceAsOf.Resource.Spec.Ports) != 1 || asOf.ResourceAsOf.Resource.Spec.Ports[0].Port != 80 {
		t.Errorf("app as of its creation = %+v", asOf.ResourceAsOf)
	}
}

func TestRequestWithoutOrWithForgedPrincipalIs401Unauthenticated(t *testing.T) {
	e := start(t)
	other, _ := auth.RandomSigner()
	for name, h := range map[string]http.Header{
		"none":      {},
		"other key": {auth.Header: {other.Sign(e.alice, time.Minute)}},
	} {
		r := e.gql.DoWith(t, h, `{ events { edges { cursor } } }`, nil)
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d, errors %+v", name, r.Status, r.Errors)
		}
	}
	if _, err := e.gql.TrySubscribe(auth.Principal{}, `subscription { teamEvents { seq } }`, nil); err == nil {
		t.Error("a websocket without a principal was acknowledged")
	}
}

func TestAdminOfOneTeamSeesNoneOfAnotherTeamsEvents(t *testing.T) {
	e := start(t)
	var q struct {
		Events   connection
		Entities []struct{ History connection } `json:"_entities"`
	}
	e.gql.Do(t, e.bob, `query($r: [_Any!]!) { events { edges { node { seq } } }
		_entities(representations: $r) { ... on App { history { edges { node { seq } } } } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "App", "id": e.app}}}).Decode(t, &q)
	if len(q.Events.Edges) != 0 || len(q.Entities[0].History.Edges) != 0 {
		t.Errorf("bob sees acme's events: %+v", q)
	}
	r := e.gql.Do(t, e.bob, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Team { slug } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "Team", "slug": "acme"}}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob resolving team acme: %s %+v", r.Data, r.Errors)
	}
	r = e.gql.Do(t, e.bob, `query($id: String!) { resourceAsOf(aggregateType: "app", aggregateId: $id, seq: 1000) { seq } }`, map[string]any{"id": e.app})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob reading acme's app as of a sequence: %s %+v", r.Data, r.Errors)
	}
}

func TestBadInputIsBadUserInputNamingTheField(t *testing.T) {
	e := start(t)
	for _, tt := range []struct {
		query, field string
	}{
		{`{ events(filter: {aggregateType: "a.b"}) { edges { cursor } } }`, "filter.aggregateType"},
		{`{ events(filter: {since: "yesterday"}) { edges { cursor } } }`, "time"},
		{`{ events(after: "nope") { edges { cursor } } }`, "after"},
		{`{ resourceAsOf(aggregateType: "app", aggregateId: "x") { seq } }`, "seq"},
	} {
		r := e.gql.Do(t, e.alice, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != tt.field {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT on %s", tt.query, r.Errors, tt.field)
		}
	}
}

func TestTeamEventsSubscriptionReceivesAnotherClientsChange(t *testing.T) {
	e := start(t)
	// fromSeq makes the start deterministic: events from there on arrive
	// even if the server creates its consumer after the app below.
	sub := e.gql.Subscribe(t, e.alice, `subscription($from: Int) { teamEvents(types: ["console.app.created"], fromSeq: $from) { seq type aggregateId team actor } }`,
		map[string]any{"from": e.appSeq + 1})
	created := e.createApp(t, "api")
	var got struct{ TeamEvents event }
	sub.Next(t, 5*time.Second).Decode(t, &got)
	ev := got.TeamEvents
	if ev.Type != "console.app.created" || ev.Team != "acme" || ev.AggregateID != created.Object.ID || ev.Seq > int(created.Seq) || ev.Actor != e.carol.Actor() {
		t.Errorf("event %+v, want carol's creation of %s", ev, created.Object.ID)
	}
}

func TestEventsCarryTheirChainAsStoredAndTheAPIPublishesTheCheckpointKey(t *testing.T) {
	e := start(t)
	var got struct {
		CheckpointKey struct{ Algorithm, KeyID, PublicKey string }
		Events        struct {
			Edges []struct {
				Node struct {
					Seq                              int
					Team, AggregateType, AggregateID string
					Chain                            *struct{ Prev, Hash, Stored string }
				}
			}
		}
	}
	e.gql.Do(t, e.alice, `{ checkpointKey { algorithm keyId publicKey }
		events(first: 100, order: OLDEST_FIRST, filter: {includeStatus: true}) { edges { node { seq team aggregateType aggregateId chain { prev hash stored } } } } }`, nil).Decode(t, &got)
	pub, err := chain.ParseKey(got.CheckpointKey.PublicKey)
	if err != nil || got.CheckpointKey.Algorithm != "ed25519" || chain.KeyID(pub) != got.CheckpointKey.KeyID {
		t.Fatalf("checkpoint key %+v: %v", got.CheckpointKey, err)
	}
	if len(got.Events.Edges) < 3 {
		t.Fatalf("%d events", len(got.Events.Edges))
	}
	v := chain.NewVerifier(pub)
	for _, ed := range got.Events.Edges {
		n := ed.Node
		if n.Chain == nil {
			t.Fatalf("event %d has no chain", n.Seq)
		}
		// What the API shows is what the hash covers.
		prev, _ := chain.ParseHash(n.Chain.Prev)
		if chain.Of(prev, "ev."+n.Team+"."+n.AggregateType+"."+n.AggregateID, []byte(n.Chain.Stored)).String() != n.Chain.Hash {
			t.Fatalf("event %d: its stored form does not hash to its hash", n.Seq)
		}
		v.Add(chain.Message{Seq: uint64(n.Seq), Subject: "ev." + n.Team + "." + n.AggregateType + "." + n.AggregateID, Prev: n.Chain.Prev, Hash: n.Chain.Hash, Data: []byte(n.Chain.Stored)})
	}
	if rep := v.Report(); !rep.OK {
		t.Fatalf("acme's events through the API: %s", rep.First)
	}
}
