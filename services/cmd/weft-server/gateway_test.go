package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"weft.dev/gateway"
	"weft.dev/services/accounts/command"
	"weft.dev/services/platform"
)

// gql posts one GraphQL request to the all-in-one server's gateway.
func gql(t *testing.T, base, token, team, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if team != "" {
		req.Header.Set("Weft-Team", team)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return resp.StatusCode, out
}

// mustData returns a check for gql's results that fails t on any error.
func mustData(t *testing.T) func(int, map[string]any) map[string]any {
	return func(status int, out map[string]any) map[string]any {
		t.Helper()
		if status != http.StatusOK || out["errors"] != nil {
			t.Fatalf("status %d, errors %v", status, out["errors"])
		}
		return out["data"].(map[string]any)
	}
}

// subgraphRequests reads the gateway's per-subgraph HTTP request counters.
func subgraphRequests(t *testing.T, base string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	counts := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "weft_gateway_subgraph_requests_total{") || !strings.Contains(line, `kind="http"`) {
			continue
		}
		i := strings.Index(line, `subgraph="`)
		name := line[i+len(`subgraph="`):]
		name = name[:strings.IndexByte(name, '"')]
		v, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		counts[name] += v
	}
	return counts
}

// The all-in-one server's gateway composes the real subgraphs: a token from
// the accounts service signs in, mutations land in three services, and one
// query reads across accounts, infra and console with one request per
// subgraph per level, however many apps there are.
func TestGatewayAnswersAcrossTheRealSubgraphsWithBatchedEntityFetches(t *testing.T) {
	o := &options{logLevel: "error", logFormat: "text"}
	o.DataDir = t.TempDir()
	o.HTTPAddr = "127.0.0.1:0"
	var h *platform.HTTP
	var acc *command.Handlers
	var gw *gateway.Gateway
	app, err := newApp(o, slog.New(slog.DiscardHandler), fx.Populate(&h, &acc, &gw))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Stop(context.Background()) })
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	base := "http://" + h.Addr()
	boot, err := acc.Bootstrap(ctx)
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}
	token := boot.Token.Secret
	must := mustData(t)

	status, out := gql(t, base, "", "", `{ me { id } }`, nil)
	if status != http.StatusUnauthorized || !strings.Contains(fmt.Sprint(out["errors"]), "UNAUTHENTICATED") {
		t.Fatalf("no token: status %d, %v", status, out)
	}

	must(gql(t, base, token, "", `mutation { createTeam(input: {slug: "acme", displayName: "Acme"}) { seq } }`, nil))
	d := must(gql(t, base, token, "acme", `mutation { createCluster(input: {name: "eu-1"}) { cluster { id } seq } }`, nil))
	clusterID := d["createCluster"].(map[string]any)["cluster"].(map[string]any)["id"].(string)
	must(gql(t, base, token, "acme", `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": clusterID}))
	var seq float64
	for _, name := range []string{"api", "web", "worker"} {
		d := must(gql(t, base, token, "acme", `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:8080"]}}) { app { serviceIp } seq } }`, map[string]any{"n": name}))
		seq = max(seq, d["createApp"].(map[string]any)["seq"].(float64))
	}

	before := subgraphRequests(t, base)
	d = must(gql(t, base, token, "acme", `query($s: Int) {
		team(minSeq: $s) {
			slug displayName
			clusters(minSeq: $s) { edges { node { name } } }
			apps(minSeq: $s) { totalCount edges { node { name serviceIp cluster { name gatewayIp } } } }
		}
	}`, map[string]any{"s": seq}))
	after := subgraphRequests(t, base)

	team := d["team"].(map[string]any)
	if team["slug"] != "acme" || team["displayName"] != "Acme" {
		t.Fatalf("team = %v", team)
	}
	apps := team["apps"].(map[string]any)
	if apps["totalCount"].(float64) != 3 {
		t.Fatalf("apps = %v", apps)
	}
	for _, e := range apps["edges"].([]any) {
		n := e.(map[string]any)["node"].(map[string]any)
		c := n["cluster"].(map[string]any)
		if c["name"] != "eu-1" || !strings.HasPrefix(c["gatewayIp"].(string), "100.") || !strings.HasPrefix(n["serviceIp"].(string), "100.") {
			t.Fatalf("app %v", n)
		}
	}
	want := map[string]float64{"accounts": 1, "console": 1, "infra": 2}
	for sg, n := range want {
		if got := after[sg] - before[sg]; got != n {
			t.Errorf("%s: %v requests for the query, want %v (before %v, after %v)", sg, got, n, before, after)
		}
	}
	if got := after["audit"] - before["audit"]; got != 0 {
		t.Errorf("audit was asked %v times for a query that needs nothing of it", got)
	}
}
