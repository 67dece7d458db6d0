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

	"weft.dev/kernel/auth"
	"weft.dev/schemas"
	"weft.dev/services/console"
	consolecmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
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
	con               *consolecmd.Handlers
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
		ch     *consolecmd.Handlers
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		infra.Module,
		console.Module,
		fx.Populate(&signer, &hp, &ih, &ch),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	base := "http://" + hp.Addr()
	e := &env{
		con:   ch,
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
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["10.0.0.1:80", "127.0.0.1:22"]}}) { seq } }`, "spec.backends[1]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["169.254.169.254:80"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["metadata.google.internal:80"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["[::1]:80"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["0.0.0.0:80"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["224.0.0.1:80"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["100.64.0.1:4222"]}}) { seq } }`, "spec.backends[0]"},
		{`mutation { createService(input: {env: "prod", name: "db", kind: POSTGRES, spec: {ports: [{port: 5432}], backends: ["[fe80::1]:5432"]}}) { seq } }`, "spec.backends[0]"},
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

// An app with a container goes through the API with every field; bad
// input is refused with a code and the field it names, and nothing is
// recorded.
func TestAnAppWithAWorkloadRoundTripsAndBadInputIsRefusedNamingTheField(t *testing.T) {
	e := start(t)
	var m struct {
		CreateApp struct {
			App struct {
				ID, Name   string
				Generation int
				Spec       struct{ Backends []string }
				Workload   struct {
					Image     string
					Replicas  int
					Args      []string
					Env       []struct{ Name, Value string }
					Ports     []struct{ Port, ContainerPort int }
					Resources struct{ Requests, Limits struct{ CPU, Memory *string } }
					Readiness struct {
						Type, Path string
						Port       int
					}
				}
				Rollout *struct{}
			}
			Seq int
		}
	}
	e.gql.Do(t, e.carol, `mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80, protocol: HTTP}]},
		workload: {image: "ghcr.io/acme/api:1.4", replicas: 2, args: ["--serve"], env: [{name: "LOG", value: "debug"}],
		ports: [{port: 80, protocol: HTTP, containerPort: 8080}], resources: {requests: {cpu: "0.5", memory: "128Mi"}, limits: {memory: "256Mi"}},
		readiness: {type: HTTP, path: "/healthz"}}}) {
		app { id name generation spec { backends } workload { image replicas args env { name value } ports { port containerPort }
			resources { requests { cpu memory } limits { cpu memory } } readiness { type path port } } rollout { done } } seq } }`, nil).Decode(t, &m)
	a := m.CreateApp.App
	w := a.Workload
	if a.Generation == 0 || a.Generation > m.CreateApp.Seq || len(a.Spec.Backends) != 0 || w.Image != "ghcr.io/acme/api:1.4" || w.Replicas != 2 ||
		w.Args[0] != "--serve" || w.Env[0].Name != "LOG" || w.Ports[0].ContainerPort != 8080 || *w.Resources.Requests.CPU != "500m" ||
		w.Resources.Limits.CPU != nil || w.Readiness.Port != 8080 || w.Readiness.Type != "HTTP" || a.Rollout != nil {
		t.Fatalf("created %+v", a)
	}
	for _, c := range []struct{ input, field string }{
		{`workload: {image: "Not An Image"}`, "workload.image"},
		{`workload: {image: "api", replicas: -1}`, "workload.replicas"},
		{`workload: {image: "api", env: [{name: "1X", value: ""}]}`, "workload.env[0].name"},
		{`workload: {image: "api", resources: {requests: {memory: "lots"}}}`, "workload.resources.requests.memory"},
		{`workload: {image: "api", ports: [{port: 80, containerPort: 70000}]}`, "workload.ports[0].containerPort"},
		{`workload: {image: "api", liveness: {type: EXEC}}`, "workload.liveness.command"},
		{`export: {namespace: "prod", name: "Pg"}`, "export.name"},
		{`workload: {image: "api"}, export: {namespace: "prod", name: "pg"}`, "export"},
		{``, "spec.backends"},
	} {
		r := e.gql.Do(t, e.carol, `mutation { createApp(input: {env: "prod", name: "bad", spec: {ports: [{port: 80}]}, `+c.input+`}) { seq } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != c.field {
			t.Errorf("%s: %+v, want BAD_USER_INPUT on %s", c.input, r.Errors, c.field)
		}
	}
	var apps struct{ Apps struct{ TotalCount int } }
	e.gql.Do(t, e.carol, `query { apps { totalCount } }`, nil).Decode(t, &apps)
	if apps.Apps.TotalCount != 1 {
		t.Errorf("%d apps after the refused ones, want 1", apps.Apps.TotalCount)
	}
	// Another team cannot change it.
	r := e.gql.Do(t, e.bob, `mutation($id: ID!) { updateApp(input: {id: $id, spec: {ports: [{port: 80}]}, workload: {image: "evil:1"}}) { seq } }`, map[string]any{"id": a.ID})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("another team updated the app: %+v", r.Errors)
	}
}

// The agent's rollout reports (recorded by the message office through
// ReportRollout) move the app's status: READY x/y, done once every
// replica of the current generation is ready.
func TestAppStatusMovesWithTheRolloutTheAgentReports(t *testing.T) {
	e := start(t)
	var m struct {
		CreateApp struct {
			App struct {
				ID         string
				Generation int
			}
			Seq int
		}
	}
	e.gql.Do(t, e.carol, `mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}]}, workload: {image: "api:1", replicas: 2}}) { app { id generation } seq } }`,
		nil).Decode(t, &m)
	a := m.CreateApp.App
	sub := e.gql.Subscribe(t, e.carol, `subscription($id: ID!) { appStatus(id: $id) { app { generation rollout { ready desired done failing crashLooping { pod reason } } } seq } }`,
		map[string]any{"id": a.ID})
	type status struct {
		AppStatus struct {
			App struct {
				Generation int
				Rollout    *struct {
					Ready, Desired int
					Done           bool
					Failing        *string
					CrashLooping   []struct{ Pod, Reason string }
				}
			}
			Seq *int
		}
	}
	var st status
	sub.Next(t, 5*time.Second).Decode(t, &st)
	if st.AppStatus.App.Rollout != nil {
		t.Fatalf("a rollout before any report: %+v", st.AppStatus.App.Rollout)
	}
	report := func(r cd.Rollout) status {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := e.con.ReportRollout(ctx, auth.SystemPrincipal("agent-"+e.cluster), consolecmd.ReportRolloutInput{
			Team: "acme", ClusterID: e.cluster, ID: a.ID, Rollout: r}); err != nil {
			t.Fatal(err)
		}
		var st status
		sub.Next(t, 5*time.Second).Decode(t, &st)
		return st
	}
	g := uint64(a.Generation)
	st = report(cd.Rollout{Generation: g, DeploymentGeneration: 1, ObservedGeneration: 1, Desired: 2, Updated: 2, Ready: 1, Available: 1,
		CrashLooping: []cd.PodProblem{{Pod: "api-1", Reason: "CrashLoopBackOff", Restarts: 3}}})
	if r := st.AppStatus.App.Rollout; r == nil || r.Ready != 1 || r.Desired != 2 || r.Done || r.Failing == nil || r.CrashLooping[0].Reason != "CrashLoopBackOff" {
		t.Fatalf("after 1/2 with a crash loop: %+v", r)
	}
	st = report(cd.Rollout{Generation: g, DeploymentGeneration: 1, ObservedGeneration: 1, Desired: 2, Updated: 2, Ready: 2, Available: 2})
	if r := st.AppStatus.App.Rollout; r == nil || r.Ready != 2 || !r.Done || r.Failing != nil {
		t.Fatalf("after 2/2: %+v", r)
	}
	// A member cannot report a rollout: only the office does.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := e.con.ReportRollout(ctx, e.carol, consolecmd.ReportRolloutInput{Team: "acme", ClusterID: e.cluster, ID: a.ID}); err == nil {
		t.Error("a member reported a rollout")
	}
}
