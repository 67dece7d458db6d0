package subgraph_test

import (
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
	"weft.dev/services/graph/graphtest"
	"weft.dev/services/infra"
	"weft.dev/services/platform"
)

// env is the infra service on the real platform (embedded JetStream, HTTP
// on a random port); alice is an admin and carol a member of acme, bob an
// admin of globex.
type env struct {
	base              string
	gql               graphtest.Client
	alice, bob, carol auth.Principal
}

func start(t *testing.T) *env {
	t.Helper()
	var (
		signer *auth.Signer
		hp     *platform.HTTP
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		infra.Module,
		fx.Populate(&signer, &hp),
	)
	app.RequireStart()
	t.Cleanup(app.RequireStop)
	base := "http://" + hp.Addr()
	return &env{
		base:  base,
		gql:   graphtest.Client{URL: base + "/subgraphs/infra/graphql", Signer: signer},
		alice: auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000a", Team: "acme", Role: auth.Admin},
		bob:   auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000b", Team: "globex", Role: auth.Admin},
		carol: auth.Principal{UserID: "0194f6e0-0000-7000-8000-00000000000c", Team: "acme", Role: auth.Member},
	}
}

func pubKey(b byte) string {
	return base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune('A'+b)), 32)))
}

type cluster struct {
	ID, Name, GatewayIP, ServiceRange string
	Enrolled                          bool
}

// createCluster creates a cluster through the subgraph and returns it,
// its enrolment secret and the seq.
func (e *env) createCluster(t *testing.T, p auth.Principal, name string) (cluster, string, int) {
	t.Helper()
	var m struct {
		CreateCluster struct {
			Cluster         cluster
			EnrolmentSecret string
			Seq             int
		}
	}
	e.gql.Do(t, p, `mutation($n: String!) { createCluster(input: {name: $n}) { cluster { id name gatewayIp serviceRange enrolled } enrolmentSecret seq } }`,
		map[string]any{"n": name}).Decode(t, &m)
	return m.CreateCluster.Cluster, m.CreateCluster.EnrolmentSecret, m.CreateCluster.Seq
}

func (e *env) createDevice(t *testing.T, p auth.Principal, name string) (string, int) {
	t.Helper()
	var m struct {
		CreateDevice struct {
			Device struct{ ID string }
			Seq    int
		}
	}
	e.gql.Do(t, p, `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { device { id } seq } }`,
		map[string]any{"n": name, "k": pubKey(byte(len(name)))}).Decode(t, &m)
	return m.CreateDevice.Device.ID, m.CreateDevice.Seq
}

func TestServiceSDLAndSDLRouteAreTheSchemaFile(t *testing.T) {
	e := start(t)
	want, err := schemas.SDL("infra")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Service struct{ SDL string } `json:"_service"`
	}
	e.gql.Do(t, e.alice, `{ _service { sdl } }`, nil).Decode(t, &got)
	if got.Service.SDL != want {
		t.Errorf("_service.sdl differs from schemas/graphql/infra.graphqls:\n%s", got.Service.SDL)
	}
	resp, err := http.Get(e.base + "/subgraphs/infra/sdl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != want {
		t.Errorf("GET /sdl: %d bytes, want the schema file", len(body))
	}
}

func TestMutationReturnsClusterAndSeqThatAQueryWithMinSeqSees(t *testing.T) {
	e := start(t)
	c, secret, seq := e.createCluster(t, e.alice, "eu-1")
	if c.ID == "" || c.Name != "eu-1" || c.GatewayIP == "" || c.ServiceRange == "" || secret == "" || seq == 0 {
		t.Fatalf("createCluster = %+v, secret %q, seq %d", c, secret, seq)
	}
	var q struct {
		Cluster  cluster
		Clusters struct {
			TotalCount int
			Edges      []struct{ Node cluster }
		}
	}
	e.gql.Do(t, e.carol, `query($id: ID, $s: Int) { cluster(id: $id, minSeq: $s) { id name gatewayIp serviceRange enrolled }
		clusters(minSeq: $s) { totalCount edges { node { id name } } } }`,
		map[string]any{"id": c.ID, "s": seq}).Decode(t, &q)
	if q.Cluster != c || q.Clusters.TotalCount != 1 || q.Clusters.Edges[0].Node.ID != c.ID {
		t.Errorf("after minSeq %d: %+v", seq, q)
	}
}

func TestEntitiesResolveClusterDeviceAndTeamByKeyInOneRequest(t *testing.T) {
	e := start(t)
	c, _, _ := e.createCluster(t, e.alice, "eu-1")
	d, seq := e.createDevice(t, e.carol, "laptop")
	var wait struct{ Devices struct{ TotalCount int } }
	e.gql.Do(t, e.alice, `query($s: Int) { devices(minSeq: $s) { totalCount } }`, map[string]any{"s": seq}).Decode(t, &wait)

	var got struct {
		Entities []struct {
			ID, Name, Slug string
			Owner          struct{ ID string }
			Clusters       struct{ TotalCount int }
			Devices        struct{ TotalCount int }
		} `json:"_entities"`
	}
	e.gql.Do(t, e.alice, `query($r: [_Any!]!) { _entities(representations: $r) {
		... on Cluster { id name }
		... on Device { id name owner { id } }
		... on Team { slug clusters { totalCount } devices { totalCount } } } }`, map[string]any{"r": []any{
		map[string]any{"__typename": "Cluster", "id": c.ID},
		map[string]any{"__typename": "Device", "id": d},
		map[string]any{"__typename": "Team", "slug": "acme"},
	}}).Decode(t, &got)
	if len(got.Entities) != 3 {
		t.Fatalf("%d entities", len(got.Entities))
	}
	if g := got.Entities[0]; g.ID != c.ID || g.Name != "eu-1" {
		t.Errorf("cluster = %+v", g)
	}
	if g := got.Entities[1]; g.ID != d || g.Name != "laptop" || g.Owner.ID != e.carol.UserID {
		t.Errorf("device = %+v", g)
	}
	if g := got.Entities[2]; g.Slug != "acme" || g.Clusters.TotalCount != 1 || g.Devices.TotalCount != 1 {
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
		r := e.gql.DoWith(t, h, `{ clusters { totalCount } }`, nil)
		if r.Status != http.StatusUnauthorized || len(r.Errors) != 1 || r.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("%s: status %d, errors %+v", name, r.Status, r.Errors)
		}
	}
	if _, err := e.gql.TrySubscribe(auth.Principal{}, `subscription { clusterStatus(id: "x") { enrolled } }`, nil); err == nil {
		t.Error("a websocket without a principal was acknowledged")
	}
}

func TestAdminOfOneTeamCannotSeeAnotherTeamsClustersOrDevices(t *testing.T) {
	e := start(t)
	c, _, _ := e.createCluster(t, e.alice, "eu-1")
	d, seq := e.createDevice(t, e.alice, "laptop")
	r := e.gql.Do(t, e.bob, `query($id: ID, $s: Int) { cluster(id: $id, minSeq: $s) { name } }`, map[string]any{"id": c.ID, "s": seq})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob reading acme's cluster: %s %+v", r.Data, r.Errors)
	}
	var lists struct {
		Clusters, Devices struct{ TotalCount int }
	}
	e.gql.Do(t, e.bob, `{ clusters { totalCount } devices { totalCount } }`, nil).Decode(t, &lists)
	if lists.Clusters.TotalCount != 0 || lists.Devices.TotalCount != 0 {
		t.Errorf("bob sees %+v", lists)
	}
	r = e.gql.Do(t, e.bob, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Device { name } ... on Team { slug } } }`,
		map[string]any{"r": []any{map[string]any{"__typename": "Device", "id": d}, map[string]any{"__typename": "Team", "slug": "acme"}}})
	if len(r.Errors) != 2 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[1].Code() != "NOT_FOUND" {
		t.Errorf("bob resolving acme's entities: %s %+v", r.Data, r.Errors)
	}
	r = e.gql.Do(t, e.bob, `mutation($id: ID!) { deleteCluster(id: $id) { seq } }`, map[string]any{"id": c.ID})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("bob deleting acme's cluster: %+v", r.Errors)
	}
	r = e.gql.Do(t, e.carol, `mutation { createCluster(input: {name: "mine"}) { seq } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("member creating a cluster: %+v", r.Errors)
	}
}

func TestBadInputIsBadUserInputNamingTheField(t *testing.T) {
	e := start(t)
	for _, tt := range []struct {
		query, field string
	}{
		{`mutation { createCluster(input: {name: "EU 1"}) { seq } }`, "name"},
		{`mutation { createDevice(input: {name: "laptop", publicKey: "not-a-key"}) { seq } }`, "publicKey"},
		{`{ clusters(first: -1) { totalCount } }`, "first"},
		{`{ clusters(after: "bogus") { totalCount } }`, "after"},
	} {
		r := e.gql.Do(t, e.alice, tt.query, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Field() != tt.field {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT on %s", tt.query, r.Errors, tt.field)
		}
	}
}

func TestClusterStatusSubscriptionSendsTheStateThenItsEnrolment(t *testing.T) {
	e := start(t)
	c, secret, _ := e.createCluster(t, e.alice, "eu-1")
	sub := e.gql.Subscribe(t, e.carol, `subscription($id: ID!) { clusterStatus(id: $id) { clusterId enrolled online seq } }`, map[string]any{"id": c.ID})
	type status struct {
		ClusterStatus struct {
			ClusterID string
			Enrolled  bool
			Online    *bool
			Seq       int
		}
	}
	var first status
	sub.Next(t, 5*time.Second).Decode(t, &first)
	if first.ClusterStatus.ClusterID != c.ID || first.ClusterStatus.Enrolled || first.ClusterStatus.Online != nil {
		t.Fatalf("first status %+v", first.ClusterStatus)
	}
	var m struct{ EnrolCluster struct{ Seq int } }
	e.gql.Do(t, e.alice, `mutation($id: ID!, $s: String!) { enrolCluster(input: {clusterId: $id, secret: $s}) { seq } }`,
		map[string]any{"id": c.ID, "s": secret}).Decode(t, &m)
	var next status
	sub.Next(t, 5*time.Second).Decode(t, &next)
	if !next.ClusterStatus.Enrolled || next.ClusterStatus.Seq != m.EnrolCluster.Seq {
		t.Errorf("status after enrolment %+v, enrol seq %d", next.ClusterStatus, m.EnrolCluster.Seq)
	}
}
