package subgraph_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/schemas"
	"weft.dev/services/auth"
	"weft.dev/services/console"
	"weft.dev/services/graph/graphtest"
	"weft.dev/services/infra"
	infracmd "weft.dev/services/infra/command"
	"weft.dev/services/platform"
)

// env is the console (and infra, whose clusters and devices it needs) on
// the real platform; alice is an admin and carol a member of acme, bob an
// admin of globex. acme has cluster eu-1 with environment prod, and carol
// a device.
type env struct {
	base              string
	gql               graphtest.Client
	alice, bob, carol auth.Principal
	cluster, device   string
	envID             string
	seq               int
}

func start(t *testing.T) *env {
	t.Helper()
	var (
		signer *auth.Signer
		hp     *platform.HTTP
		ih     *infracmd.Handlers
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		infra.Module,
		console.Module,
		fx.Populate(&signer, &hp, &ih),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	base := "http://" + hp.Addr()
	e := &env{
		base:  base,
		gql:   graphtest.Client{URL: base + "/subgraphs/console/graphql", Signer: signer},
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
	d, err := ih.CreateDevice(ctx, e.carol, infracmd.CreateDeviceInput{Team: "acme", Name: "laptop",
		PublicKey: base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))})
	if err != nil {
		t.Fatal(err)
	}
	e.cluster, e.device = c.Object.ID, d.Object.ID
	var m struct {
		CreateEnvironment struct {
			Environment struct {
				ID, Name string
				Cluster  struct{ ID string }
			}
			Seq int
		}
	}
	e.gql.Do(t, e.alice, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { environment { id name cluster { id } } seq } }`,
		map[string]any{"c": e.cluster}).Decode(t, &m)
	if m.CreateEnvironment.Environment.Name != "prod" || m.CreateEnvironment.Environment.Cluster.ID != e.cluster || m.CreateEnvironment.Seq == 0 {
		t.Fatalf("createEnvironment = %+v", m.CreateEnvironment)
	}
	e.envID, e.seq = m.CreateEnvironment.Environment.ID, m.CreateEnvironment.Seq
	return e
}

type app struct {
	ID, Name, ServiceIP string
	Environment         struct{ ID, Name string }
	Cluster             struct{ ID string }
	Spec                struct {
		Ports []struct {
			Port     int
			Protocol string
		}
		Backends []string
		Lb       string
	}
}

const appFields = `id name serviceIp environment { id name } cluster { id } spec { ports { port protocol } backends lb }`

func (e *env) createApp(t *testing.T, p auth.Principal, name string) (app, int) {
	t.Helper()
	var m struct {
		CreateApp struct {
			App app
			Seq int
		}
	}
	e.gql.Do(t, p, `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80, protocol: HTTP}], backends: ["10.0.0.1:8080"]}}) { app { `+appFields+` } seq } }`,
		map[string]any{"n": name}).Decode(t, &m)
	return m.CreateApp.App, m.CreateApp.Seq
}

func TestServiceSDLAndSDLRouteAreTheSchemaFile(t *testing.T) {
	e := start(t)
	want, err := schemas.SDL("console")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Service struct{ SDL string } `json:"_service"`
	}
	e.gql.Do(t, e.alice, `{ _service { sdl } }`, nil).Decode(t, &got)
	if got.Service.SDL != want {
		t.Errorf("_service.sdl differs from schemas/graphql/console.graphqls")
	}
	resp, err := http.Get(e.base + "/subgraphs/console/sdl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != want {
		t.Errorf("GET /sdl: %d bytes, want the schema file", len(body))
	}
}

func TestMutationReturnsAppAndSeqThatAQueryWithMinSeqSees(t *testing.T) {
	e := start(t)
	a, seq := e.createApp(t, e.carol, "web")
	if a.ID == "" || a.ServiceIP == "" || a.Environment.Name != "prod" || a.Cluster.ID != e.cluster || seq <= e.seq {
		t.Fatalf("createApp = %+v, seq %d", a, seq)
	}
	if len(a.Spec.Ports) != 1 || a.Spec.Ports[0].Protocol != "HTTP" || a.Spec.Lb != "ROUND_ROBIN" {
		t.Errorf("spec with defaults = %+v", a.Spec)
	}
	var q struct {
		App  app
		Apps struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	e.gql.Do(t, e.alice, `query($id: ID!, $s: Int) { app(id: $id, minSeq: $s) { `+appFields+` } apps(env: "prod", minSeq: $s) { totalCount edges { node { id } } } }`,
		map[string]any{"id": a.ID, "s": seq}).Decode(t, &q)
	if q.App.ID != a.ID || q.App.ServiceIP != a.ServiceIP || q.Apps.TotalCount != 1 || q.Apps.Edges[0].Node.ID != a.ID {
		t.Errorf("after minSeq %d: %+v", seq, q)
	}
}

func TestEntitiesResolveAppEnvironmentClusterAndTeamByKeyInOneRequest(t *testing.T) {
	e := start(t)
	a, seq := e.createApp(t, e.carol, "web")
	var wait struct{ Apps struct{ TotalCount int } }
	e.gql.Do(t, e.alice, `query($s: Int) { apps(minSeq: $s) { totalCount } }`, map[string]any{"s": seq}).Decode(t, &wait)
	var got struct {
		Entities []struct {
			ID, Name, Slug string
			AppCount       int
			Apps           struct{ TotalCount int }
			Environments   struct{ TotalCount int }
		} `json:"_entities"`
	}
	e.gql.Do(t, e.carol, `query($r: [_Any!]!) { _entities(representations: $r) {
		... on App { id name }
		... on Environment { id name appCount }
		... on Cluster { id apps { totalCount } environments { totalCount } }
		... on Team { slug apps { totalCount } } } }`, map[string]any{"r": []any{
		map[string]any{"__typename": "App", "id": a.ID},
		map[string]any{"__typename": "Environment", "id": e.envID},
		map[string]any{"__typename": "Cluster", "id": e.cluster},
		map[string]any{"__typename": "Team", "slug": "acme"},
	}}).Decode(t, &got)
	if len(got.Entities) != 4 {
		t.Fatalf("%d entities", len(got.Entities))
	}
	if g := got.Entities[0]; g.ID != a.ID || g.Name != "web" {
		t.Errorf("app = %+v", g)
	}
	if g := got.Entities[1]; g.ID != e.envID || g.Name != "prod" || g.AppCount != 1 {
		t.Errorf("environment = %+v", g)
	}
	if g := got.Entities[2]; g.ID != e.cluster || g.Apps.TotalCount != 1 || g.Environments.TotalCount != 1 {
		t.Errorf("cluster = %+v", g)
	}
	if g := got.Entities[3]; g.Slug != "acme" || g.Apps.TotalCount != 1 {
		t.Errorf("team = %+v", g)
	}
}

func TestRequestWithoutOrWithForgedPrincipalIs401Unauthenticated(t *testing.T) {
	e := start(t)
	other, _ := auth.RandomSigner()
	for name, h := range map[string]http.Header{
		"none":      {},
		"other key": {auth.Header: {other.Sign(e.alice, time.Minute)}},
	} {
		r := e.gql.DoWith(t, h, `{ apps { totalCount } }`, nil)
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d, errors %+v", name, r.Status, r.Errors)
		}
	}
}

func TestAdminOfOneTeamCannotSeeAnotherTeamsApps(t *testing.T) {
	e := start(t)
	a, seq := e.createApp(t, e.carol, "web")
	r := e.gql.Do(t, e.bob, `query($id: ID!, $s: Int) { app(id: $id, minSeq: $s) { name } }`, map[string]any{"id": a.ID, "s": seq})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob reading acme's app: %s %+v", r.Data, r.Errors)
	}
	var lists struct {
		Apps, Environments struct{ TotalCount int }
		Entities           []struct{ Apps struct{ TotalCount int } } `json:"_entities"`
	}
	e.gql.Do(t, e.bob, `query($r: [_Any!]!) { apps { totalCount } environments { totalCount }
		_entities(representations: $r) { ... on Cluster { apps { totalCount } } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "Cluster", "id": e.cluster}}}).Decode(t, &lists)
	if lists.Apps.TotalCount != 0 || lists.Environments.TotalCount != 0 || lists.Entities[0].Apps.TotalCount != 0 {
		t.Errorf("bob sees %+v", lists)
	}
	r = e.gql.Do(t, e.bob, `query($r: [_Any!]!) { _entities(representations: $r) { ... on App { name } ... on Team { slug } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "App", "id": a.ID}, map[string]any{"__typename": "Team", "slug": "acme"}}})
	if len(r.Errors) != 2 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[1].Code() != "NOT_FOUND" {
		t.Errorf("bob resolving acme's entities: %s %+v", r.Data, r.Errors)
	}
	r = e.gql.Do(t, e.bob, `mutation($id: ID!) { deleteApp(id: $id) { seq } }`, map[string]any{"id": a.ID})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob deleting acme's app: %+v", r.Errors)
	}
}

func TestBadInputIsBadUserInputNamingTheField(t *testing.T) {
	e := start(t)
	for _, tt := range []struct {
		query, field string
	}{
		{`mutation { createApp(input: {env: "prod", name: "my_app", spec: {ports: [{port: 80}], backends: ["10.0.0.1:80"]}}) { seq } }`, "name"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 70000}], backends: ["10.0.0.1:80"]}}) { seq } }`, "spec.ports[0].port"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["10.0.0.1"]}}) { seq } }`, "spec.backends[0]"},
		{`{ apps(minSeq: -5) { totalCount } }`, "minSeq"},
		{`mutation { createPolicy(input: {name: "p", rule: {action: DENY, sources: [], targets: [{kind: ALL}]}}) { seq } }`, "rule.sources"},
	} {
		r := e.gql.Do(t, e.alice, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != tt.field {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT on %s", tt.query, r.Errors, tt.field)
		}
	}
}

func TestAppStatusSubscriptionSendsTheAppThenEachChangeThenItsDeletion(t *testing.T) {
	e := start(t)
	a, seq := e.createApp(t, e.carol, "web")
	var wait struct{ App struct{ ID string } }
	e.gql.Do(t, e.carol, `query($id: ID!, $s: Int) { app(id: $id, minSeq: $s) { id } }`, map[string]any{"id": a.ID, "s": seq}).Decode(t, &wait)

	sub := e.gql.Subscribe(t, e.carol, `subscription($id: ID!) { appStatus(id: $id) { app { id spec { backends } activeIntercepts { device { id } } } deleted seq } }`,
		map[string]any{"id": a.ID})
	type status struct {
		AppStatus struct {
			App *struct {
				ID               string
				Spec             struct{ Backends []string }
				ActiveIntercepts []struct{ Device struct{ ID string } }
			}
			Deleted bool
			Seq     *int
		}
	}
	var st status
	sub.Next(t, 5*time.Second).Decode(t, &st)
	if st.AppStatus.App == nil || st.AppStatus.App.ID != a.ID || st.AppStatus.Seq != nil {
		t.Fatalf("first status %+v", st.AppStatus)
	}

	var u struct{ UpdateApp struct{ Seq int } }
	e.gql.Do(t, e.carol, `mutation($id: ID!) { updateApp(input: {id: $id, spec: {ports: [{port: 80, protocol: HTTP}], backends: ["10.0.0.2:8080"]}}) { seq } }`,
		map[string]any{"id": a.ID}).Decode(t, &u)
	st = status{}
	sub.Next(t, 5*time.Second).Decode(t, &st)
	if st.AppStatus.App == nil || len(st.AppStatus.App.Spec.Backends) != 1 || st.AppStatus.App.Spec.Backends[0] != "10.0.0.2:8080" ||
		st.AppStatus.Seq == nil || *st.AppStatus.Seq != u.UpdateApp.Seq {
		t.Fatalf("status after update %+v (update seq %d)", st.AppStatus, u.UpdateApp.Seq)
	}

	var i struct {
		StartIntercept struct{ Intercept struct{ ID string } }
	}
	e.gql.Do(t, e.carol, `mutation($a: ID!, $d: ID!) { startIntercept(input: {appId: $a, port: 80, deviceId: $d}) { intercept { id } } }`,
		map[string]any{"a": a.ID, "d": e.device}).Decode(t, &i)
	st = status{}
	sub.Next(t, 5*time.Second).Decode(t, &st)
	if st.AppStatus.App == nil || len(st.AppStatus.App.ActiveIntercepts) != 1 || st.AppStatus.App.ActiveIntercepts[0].Device.ID != e.device {
		t.Fatalf("status after intercept %+v", st.AppStatus)
	}
	e.gql.Do(t, e.carol, `mutation($id: ID!) { stopIntercept(id: $id) { seq } }`, map[string]any{"id": i.StartIntercept.Intercept.ID}).Decode(t, &struct{}{})
	sub.Next(t, 5*time.Second).Decode(t, &struct{}{}) // intercept detached

	e.gql.Do(t, e.carol, `mutation($id: ID!) { deleteApp(id: $id) { seq } }`, map[string]any{"id": a.ID}).Decode(t, &struct{}{})
	for {
		st = status{}
		sub.Next(t, 5*time.Second).Decode(t, &st)
		if st.AppStatus.Deleted {
			break
		}
	}
	if st.AppStatus.App != nil {
		t.Errorf("deleted status still shows the app: %+v", st.AppStatus)
	}
}
