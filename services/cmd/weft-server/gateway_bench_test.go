package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"weft.dev/kernel/auth"
)

// gatewayBench is the all-in-one server with one team (a cluster, an
// environment and ten apps) and a client for its gateway and, beside it,
// for its subgraphs called directly with a principal signed by the
// server's own key - what the gateway would send them.
type gatewayBench struct {
	b         *testing.B
	base      string
	direct    string            // the signed principal for direct subgraph calls
	directHdr map[string]string // the header carrying it
	gwHdr     map[string]string // a client's headers for the gateway
	client    *http.Client
}

func startGatewayBench(b *testing.B) *gatewayBench {
	var signer *auth.Signer
	// One principal sends every request, as fast as it can: no rate limit.
	base, admin := startServerWith(b, func(o *options) { o.rate = -1 }, &signer)
	g := &gatewayBench{b: b, base: base, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		gwHdr: map[string]string{"Authorization": "Bearer " + admin, "Weft-Team": "acme"}}
	// Creating a team acts in no team yet.
	g.post(base+"/graphql", map[string]string{"Authorization": "Bearer " + admin}, `mutation { createTeam(input: {slug: "acme", displayName: "Acme"}) { seq } }`, nil)
	var created struct {
		CreateCluster struct{ Cluster struct{ ID string } }
	}
	g.decode(g.gateway(`mutation { createCluster(input: {name: "eu-1"}) { cluster { id } } }`, nil), &created)
	g.gateway(`mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": created.CreateCluster.Cluster.ID})
	for i := range 10 {
		g.gateway(createApp, map[string]any{"n": fmt.Sprint("app-", i)})
	}
	// The bootstrap administrator is the team's owner: the same principal
	// the gateway forwards for its token in team acme.
	var me struct{ Me struct{ ID string } }
	g.decode(g.gateway(`{ me { id } }`, nil), &me)
	g.direct = signer.Sign(auth.Principal{UserID: me.Me.ID, Team: "acme", Role: auth.Owner}, time.Hour)
	g.directHdr = map[string]string{auth.Header: g.direct}
	return g
}

const createApp = `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:8080"]}}) { app { id serviceIp } seq } }`

// post sends one GraphQL request and returns the body of a 200 answer
// without errors.
func (g *gatewayBench) post(url string, hdr map[string]string, query string, vars map[string]any) []byte {
	return g.postBody(url, hdr, gqlBody(query, vars))
}

// gqlBody encodes a GraphQL request. The load generator shares the cores
// with the server, so requests that never change are encoded once.
func gqlBody(query string, vars map[string]any) []byte {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // strings and maps of strings always encode
	}
	return body
}

func (g *gatewayBench) postBody(url string, hdr map[string]string, body []byte) []byte {
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		g.b.Error(err)
		return nil
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		g.b.Errorf("%s: status %d: %s", url, resp.StatusCode, out)
	}
	return out
}

func (g *gatewayBench) gateway(query string, vars map[string]any) []byte {
	return g.post(g.base+"/graphql", g.gwHdr, query, vars)
}

func (g *gatewayBench) subgraph(name, query string, vars map[string]any) []byte {
	return g.post(g.base+"/subgraphs/"+name+"/graphql", g.directHdr, query, vars)
}

func (g *gatewayBench) cross() []byte { return g.postBody(g.base+"/graphql", g.gwHdr, crossBody) }

func (g *gatewayBench) decode(raw []byte, v any) {
	var out struct{ Data json.RawMessage }
	if err := json.Unmarshal(raw, &out); err != nil || json.Unmarshal(out.Data, v) != nil {
		g.b.Fatalf("decode %s: %v", raw, err)
	}
}

// crossQuery reads accounts, infra and console: the team, its clusters, its
// apps and each app's cluster.
const crossQuery = `{ team { slug displayName clusters { edges { node { name } } } apps { totalCount edges { node { name serviceIp cluster { name gatewayIp } } } } } }`

var (
	teamRep        = []map[string]any{{"__typename": "Team", "slug": "acme"}}
	directTeam     = gqlBody(`{ team { __typename slug displayName } }`, nil)
	directClusters = gqlBody(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Team { clusters { edges { node { name } } } } } }`, map[string]any{"r": teamRep})
	directApps     = gqlBody(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Team { apps { totalCount edges { node { name serviceIp cluster { __typename id } } } } } } }`, map[string]any{"r": teamRep})
	crossBody      = gqlBody(crossQuery, nil)
)

// crossDirect makes the fetches the gateway makes for crossQuery, straight
// to the subgraphs, as a client that knew the plan would: the team from
// accounts; then its clusters from infra and its apps from console at once;
// then the apps' clusters from infra in one batch.
func (g *gatewayBench) crossDirect() {
	g.postBody(g.base+"/subgraphs/accounts/graphql", g.directHdr, directTeam)
	var wg sync.WaitGroup
	var apps []byte
	wg.Add(1)
	go func() {
		defer wg.Done()
		g.postBody(g.base+"/subgraphs/infra/graphql", g.directHdr, directClusters)
	}()
	apps = g.postBody(g.base+"/subgraphs/console/graphql", g.directHdr, directApps)
	wg.Wait()
	var out struct {
		Data struct {
			Entities []struct {
				Apps struct {
					Edges []struct {
						Node struct{ Cluster map[string]any }
					}
				}
			} `json:"_entities"`
		}
	}
	if err := json.Unmarshal(apps, &out); err != nil || len(out.Data.Entities) != 1 {
		g.b.Fatalf("console entities %s: %v", apps, err)
	}
	var clusters []map[string]any
	for _, e := range out.Data.Entities[0].Apps.Edges {
		if !slices.ContainsFunc(clusters, func(c map[string]any) bool { return c["id"] == e.Node.Cluster["id"] }) {
			clusters = append(clusters, e.Node.Cluster)
		}
	}
	g.subgraph("infra", `query($r: [_Any!]!) { _entities(representations: $r) { ... on Cluster { name gatewayIp } } }`, map[string]any{"r": clusters})
}

func p50(d []time.Duration) float64 {
	slices.Sort(d)
	return float64(d[len(d)/2].Microseconds())
}

// BenchmarkGatewayServices puts the gateway of the all-in-one server (its
// subgraphs in the same process, reached through their handlers) beside
// the same operations sent straight to the subgraphs, alternating in one
// loop so both see the same load. mutation: createApp through the gateway
// and straight to console (each app deleted again, untimed). cross-query:
// a query over accounts, infra and console through the gateway, and the
// same four fetches sent directly (see crossDirect). Metrics per
// sub-benchmark: direct-p50-µs, gateway-p50-µs and gateway/direct.
func BenchmarkGatewayServices(b *testing.B) {
	g := startGatewayBench(b)
	b.Run("mutation", func(b *testing.B) {
		g.b = b
		var direct, gw []time.Duration
		i := 0
		for b.Loop() {
			i++
			t0 := time.Now()
			d := g.subgraph("console", createApp, map[string]any{"n": fmt.Sprint("direct-", i)})
			t1 := time.Now()
			w := g.gateway(createApp, map[string]any{"n": fmt.Sprint("gateway-", i)})
			t2 := time.Now()
			direct, gw = append(direct, t1.Sub(t0)), append(gw, t2.Sub(t1))
			b.StopTimer()
			for _, raw := range [][]byte{d, w} {
				var out struct {
					CreateApp struct{ App struct{ ID string } }
				}
				g.decode(raw, &out)
				g.subgraph("console", `mutation($id: ID!) { deleteApp(id: $id) { seq } }`, map[string]any{"id": out.CreateApp.App.ID})
			}
			b.StartTimer()
		}
		report(b, direct, gw)
	})
	b.Run("cross-query", func(b *testing.B) {
		g.b = b
		for range 20 { // warm connections and the gateway's plan
			g.crossDirect()
			g.cross()
		}
		var direct, gw []time.Duration
		for b.Loop() {
			t0 := time.Now()
			g.crossDirect()
			t1 := time.Now()
			g.cross()
			t2 := time.Now()
			direct, gw = append(direct, t1.Sub(t0)), append(gw, t2.Sub(t1))
		}
		report(b, direct, gw)
	})
}

func report(b *testing.B, direct, gw []time.Duration) {
	pd, pg := p50(direct), p50(gw)
	b.ReportMetric(pd, "direct-p50-µs")
	b.ReportMetric(pg, "gateway-p50-µs")
	b.ReportMetric(pg/pd, "gateway/direct")
}

// BenchmarkGatewayServicesThroughput measures cross-subgraph queries per
// second through the all-in-one server's gateway with four parallel
// clients per core, and in the same run the same fetches sent straight to
// the subgraphs (crossDirect) by as many clients: both share the two
// cores with the server, so the ratio is the honest one.
func BenchmarkGatewayServicesThroughput(b *testing.B) {
	g := startGatewayBench(b)
	b.SetParallelism(4)
	rate := func(op func()) float64 {
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				op()
			}
		})
		return float64(b.N) / time.Since(start).Seconds()
	}
	qDirect := rate(g.crossDirect)
	qGateway := rate(func() { g.cross() })
	b.ReportMetric(qDirect, "direct-q/s")
	b.ReportMetric(qGateway, "gateway-q/s")
	b.ReportMetric(qGateway/qDirect, "gateway/direct")
}
