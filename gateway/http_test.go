package gateway_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fetchAsset reads url with the given Accept-Encoding ("" for none), as sent.
func fetchAsset(t *testing.T, url, encoding string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", encoding)
	if encoding == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got := resp.Header.Get("Content-Encoding"); (encoding == "gzip") != (got == "gzip") || resp.StatusCode != 200 {
		t.Errorf("%s with Accept-Encoding %q: %d, Content-Encoding %q", url, encoding, resp.StatusCode, got)
	}
	return b
}

func TestHealthzPortalGraphiQLAndMetrics(t *testing.T) {
	h := start(t)
	if code, body := get(t, h.srv.URL+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	// The portal at / and at any page path, with the scripts it loads.
	for _, p := range []string{"/", "/apps/prod", "/index.html"} {
		code, page := get(t, h.srv.URL+p)
		if code != 200 || !strings.Contains(page, `<div id="root">`) {
			t.Errorf("%s = %d, not the portal's page", p, code)
		}
	}
	_, index := get(t, h.srv.URL+"/")
	scripts := regexp.MustCompile(`src="(/assets/[^"]+\.js)"`).FindAllStringSubmatch(index, -1)
	if len(scripts) == 0 {
		t.Errorf("the portal's page loads no script from /assets/:\n%s", index)
	}
	for _, m := range scripts {
		resp, err := http.Get(h.srv.URL + m[1])
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || n < 1000 {
			t.Errorf("%s = %d %q, %d bytes", m[1], resp.StatusCode, resp.Header.Get("Content-Type"), n)
		}
	}
	// Scripts go gzipped to a client that asks, and unzip to the same bytes.
	if len(scripts) > 0 {
		plain, gzipped := fetchAsset(t, h.srv.URL+scripts[0][1], ""), fetchAsset(t, h.srv.URL+scripts[0][1], "gzip")
		zr, err := gzip.NewReader(bytes.NewReader(gzipped))
		if err != nil {
			t.Fatalf("%s with Accept-Encoding gzip: %v", scripts[0][1], err)
		}
		unzipped, _ := io.ReadAll(zr)
		if !bytes.Equal(unzipped, plain) || len(gzipped)*2 > len(plain) {
			t.Errorf("%s: gzipped %d bytes unzip to %d bytes, plain %d", scripts[0][1], len(gzipped), len(unzipped), len(plain))
		}
	}
	// A missing asset is a 404, not the page; the portal takes only GET.
	if code, _ := get(t, h.srv.URL+"/assets/nope.js"); code != http.StatusNotFound {
		t.Errorf("/assets/nope.js = %d", code)
	}
	if resp, err := http.Post(h.srv.URL+"/apps", "text/plain", nil); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /apps = %v %v", resp, err)
	}
	code, page := get(t, h.srv.URL+"/graphiql")
	if code != 200 || !strings.Contains(page, `new URL('graphql', location.href)`) || !strings.Contains(page, "React.createElement(GraphiQL") {
		t.Errorf("/graphiql = %d, not the GraphiQL page", code)
	}
	// Its scripts and styles come from the gateway itself, typed.
	for file, typ := range map[string]string{"graphiql.min.js": "text/javascript", "react.production.min.js": "text/javascript",
		"react-dom.production.min.js": "text/javascript", "graphiql.min.css": "text/css"} {
		if !strings.Contains(page, `"graphiql/`+file+`"`) {
			t.Errorf("the page does not load %s", file)
		}
		resp, err := http.Get(h.srv.URL + "/graphiql/" + file)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), typ) || n < 1000 {
			t.Errorf("/graphiql/%s = %d %q, %d bytes", file, resp.StatusCode, resp.Header.Get("Content-Type"), n)
		}
	}
	if code, _ := get(t, h.srv.URL+"/graphiql/nope.js"); code != http.StatusNotFound {
		t.Errorf("/graphiql/nope.js = %d", code)
	}
	h.query(alice, `{ team(slug: "acme") { clusters { name } } }`, nil).decode(t, new(any))
	h.query(as{}, `{ whoami { userId } }`, nil)
	_, metrics := get(t, h.srv.URL+"/metrics")
	for _, want := range []string{
		`weft_gateway_requests_total{operation="query",outcome="ok"} 1`,
		`weft_gateway_requests_total{operation="unknown",outcome="unauthenticated"} 1`,
		`weft_gateway_subgraph_requests_total{kind="http",outcome="ok",subgraph="accounts"} 1`,
		`weft_gateway_subgraph_requests_total{kind="http",outcome="ok",subgraph="infra"} 1`,
		`weft_gateway_request_duration_seconds_count{operation="query"} 1`,
		`weft_gateway_compositions_total{outcome="ok"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestGatewayIsUnhealthyAndRefusesUntilComposed(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String() + "/subgraphs/accounts/graphql"
	l.Close() // nothing listens there now
	signer, _ := auth.RandomSigner()
	gw, err := gateway.New(gateway.Config{
		Subgraphs:     []gateway.Subgraph{{Name: "accounts", URL: down}},
		Authenticator: testTokens,
		Signer:        signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer gw.Close()
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	if code, _ := get(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d before composition", code)
	}
	if code, _ := get(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d before composition; liveness answers while the process serves", code)
	}
	h := &harness{t: t, srv: srv}
	if r := h.query(alice, `{ whoami { userId } }`, nil); r.status != http.StatusServiceUnavailable || r.code() != "UNAVAILABLE" {
		t.Errorf("query before composition: %d %+v", r.status, r.Errors)
	}
}

func TestNewRefusesAnIncompleteConfig(t *testing.T) {
	_, err := gateway.New(gateway.Config{Subgraphs: []gateway.Subgraph{{Name: "x", URL: "ftp://x"}, {Name: "x", URL: "http://y"}}})
	if err == nil {
		t.Fatal("New accepted a config without authenticator, signer and with bad subgraphs")
	}
	for _, want := range []string{"no Authenticator", "no Signer", `URL "ftp://x"`, `"x": listed twice`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestModuleServesTheGatewayFromTheFxGraph(t *testing.T) {
	signer, _ := auth.RandomSigner()
	sg := startSubgraphs(t, signer)
	cfg := gateway.Config{Subgraphs: []gateway.Subgraph{
		{Name: "accounts", URL: sg.accounts.url()},
		{Name: "infra", URL: sg.infra.url()},
		{Name: "console", URL: sg.console.url()},
	}}
	opts := fx.Options(
		gateway.Module,
		fx.Supply(cfg, signer, prometheus.NewRegistry(), slog.New(slog.DiscardHandler)),
		fx.Provide(func() gateway.Authenticator { return testTokens }),
	)
	if err := fx.ValidateApp(opts); err != nil {
		t.Fatalf("validate: %v", err)
	}
	var gw *gateway.Gateway
	var handler http.Handler
	app := fxtest.New(t, opts, fx.Populate(&gw, fx.Annotate(&handler, fx.ParamTags(`name:"gateway"`))))
	app.RequireStart()
	defer app.RequireStop()
	if err := gw.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := &harness{t: t, srv: srv}
	var got struct{ Team struct{ DisplayName string } }
	h.query(alice, `{ team(slug: "acme") { displayName } }`, nil).decode(t, &got)
	if got.Team.DisplayName != "Acme Corp" {
		t.Errorf("team = %+v", got)
	}
}

// TestCloseStopsEveryGoroutineItStarted: the poll loop, websocket
// connections, subscriptions and the engines' own goroutines all end
// when the gateway is closed.
func TestCloseStopsEveryGoroutineItStarted(t *testing.T) {
	signer, _ := auth.RandomSigner()
	sg := startSubgraphs(t, signer)
	gw, err := gateway.New(gateway.Config{
		Subgraphs: []gateway.Subgraph{
			{Name: "accounts", URL: sg.accounts.url()},
			{Name: "infra", URL: sg.infra.url()},
			{Name: "console", URL: sg.console.url()},
		},
		Authenticator: testTokens,
		Signer:        signer,
		PollInterval:  50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := gw.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	defer srv.Close()
	h := &harness{t: t, srv: srv, sg: sg}
	h.query(alice, `{ team(slug: "acme") { clusters { apps { name } } } }`, nil).decode(t, new(any))
	c := h.dial(nil)
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	wait.For(t, 10*time.Second, func() error {
		if n := sg.world.subscribers(); n != 1 {
			return fmt.Errorf("%d subscribers", n)
		}
		return nil
	})

	ours := func() []string {
		buf := make([]byte, 1<<22)
		var out []string
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "weft.dev/gateway.(*") || strings.Contains(g, "graphql-go-tools") {
				out = append(out, g)
			}
		}
		return out
	}
	if len(ours()) == 0 {
		t.Fatal("no gateway goroutines found while running: the check below would prove nothing")
	}
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 10*time.Second, func() error {
		if left := ours(); len(left) > 0 {
			return fmt.Errorf("%d goroutines left running, first:\n%s", len(left), left[0])
		}
		return nil
	})
}
