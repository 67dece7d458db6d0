package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"

	"weft.dev/events/broker"
	"weft.dev/gateway"
	"weft.dev/kernel/auth"
	"weft.dev/services/accounts/command"
	"weft.dev/services/platform"
)

// writeKey writes a fresh internal key file.
func writeKey(t *testing.T) string {
	t.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "internal.key")
	// Hex: the key file is read as text and trimmed.
	if err := os.WriteFile(p, []byte(hex.EncodeToString(key)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startApp starts one weft-server app and stops it with the test.
func startApp(t *testing.T, o *options, populate ...any) {
	t.Helper()
	app, err := newApp(o, slog.New(slog.DiscardHandler), fx.Populate(populate...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("start %v: %v", o.only, err)
	}
	t.Cleanup(func() { _ = app.Stop(context.Background()) })
}

// startServices starts the four subgraph services with NATS on loopback and
// returns their HTTP base URL, NATS URL and accounts handlers. The embedded
// NATS only knows its own process and agents, so the second process gets a
// NATS user of its own, as an operator would give it.
func startServices(t *testing.T, keyFile string) (string, broker.Remote, *command.Handlers) {
	t.Helper()
	o := &options{logLevel: "error", logFormat: "text", only: []string{"accounts", "infra", "console", "audit"}}
	o.DataDir = t.TempDir()
	o.HTTPAddr = "127.0.0.1:0"
	o.NATSListen = "127.0.0.1:0"
	o.InternalKeyFile = keyFile
	var h *platform.HTTP
	var b *platform.Broker
	var acc *command.Handlers
	startApp(t, o, &h, &b, &acc)
	pw, err := broker.NewPassword()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := broker.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Embedded.SetAgent(broker.Agent{Name: "gateway-process", PasswordHash: hash, Publish: []string{">"}, Subscribe: []string{">"}}); err != nil {
		t.Fatal(err)
	}
	return "http://" + h.Addr(), broker.Remote{URL: b.ClientURL(o.Config), User: "gateway-process", Password: pw}, acc
}

// gatewayOnly is the options of a process hosting only the gateway, reaching
// the services at base.
func gatewayOnly(t *testing.T, base string, nats broker.Remote, keyFile string) *options {
	o := &options{logLevel: "error", logFormat: "text", only: []string{"gateway"}}
	o.DataDir = t.TempDir()
	o.HTTPAddr = "127.0.0.1:0"
	o.Remote = nats
	o.InternalKeyFile = keyFile
	o.subgraphs = map[string]string{}
	for _, n := range subgraphNames {
		o.subgraphs[n] = base + "/subgraphs/" + n + "/graphql"
	}
	return o
}

// A gateway alone in its process resolves tokens through the accounts
// service of another process, and a cross-subgraph query works through it.
func TestStandaloneGatewayAuthenticatesThroughRemoteAccounts(t *testing.T) {
	key := writeKey(t)
	base, nats, acc := startServices(t, key)
	boot, err := acc.Bootstrap(context.Background())
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}
	token := boot.Token.Secret

	var h *platform.HTTP
	var gw *gateway.Gateway
	startApp(t, gatewayOnly(t, base, nats, key), &h, &gw)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	gwURL := "http://" + h.Addr()
	must := mustData(t)

	must(gql(t, gwURL, token, "", `mutation { createTeam(input: {slug: "split", displayName: "Split"}) { seq } }`, nil))
	d := must(gql(t, gwURL, token, "split", `mutation { createCluster(input: {name: "eu-1"}) { cluster { id } seq } }`, nil))
	seq := path(d, "createCluster", "seq").(float64)
	d = must(gql(t, gwURL, token, "split", `query($s: Int) { me { username } team(minSeq: $s) { slug clusters(minSeq: $s) { edges { node { name } } } } }`, map[string]any{"s": seq}))
	if path(d, "team", "slug") != "split" || !strings.Contains(jsonOf(d), `"name":"eu-1"`) {
		t.Fatalf("cross-subgraph answer: %s", jsonOf(d))
	}

	status, out := gql(t, gwURL, "wft_not-a-real-token", "", `{ me { id } }`, nil)
	if status != http.StatusUnauthorized || !strings.Contains(jsonOf(out), "UNAUTHENTICATED") {
		t.Fatalf("a bad token through the remote authenticator: status %d, %s", status, jsonOf(out))
	}
}

// A gateway with another key file is refused by the accounts service, and
// its clients learn nothing but that authentication failed.
func TestAccountsRefusesTheInternalCallOfAGatewayWithAnotherKey(t *testing.T) {
	base, nats, acc := startServices(t, writeKey(t))
	boot, err := acc.Bootstrap(context.Background())
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}

	// The refusal itself, as the route gives it: unsigned, and signed
	// with another key.
	other, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	for name, assertion := range map[string]string{"unsigned": "", "another key": other.Sign(auth.SystemPrincipal("gateway"), time.Minute)} {
		req, _ := http.NewRequest(http.MethodPost, base+"/internal/authenticate", strings.NewReader(`{"token":"`+boot.Token.Secret+`"}`))
		if assertion != "" {
			req.Header.Set("Weft-Principal", assertion)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), boot.Admin.ID) {
			t.Fatalf("%s internal call: status %d, %s; want 401 and nothing of the user", name, resp.StatusCode, body)
		}
	}

	var h *platform.HTTP
	var gw *gateway.Gateway
	startApp(t, gatewayOnly(t, base, nats, writeKey(t)), &h, &gw)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	status, out := gql(t, "http://"+h.Addr(), boot.Token.Secret, "", `{ me { id } }`, nil)
	if status == http.StatusOK && out["errors"] == nil {
		t.Fatalf("a gateway with the wrong key signed a user in: %s", jsonOf(out))
	}
	t.Logf("the client of a gateway with the wrong key sees: %d %s", status, jsonOf(out))
	if strings.Contains(jsonOf(out), "internal/authenticate") {
		t.Fatalf("the client sees internal details: %s", jsonOf(out))
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A gateway alone in its process learns of a revoked token from the log,
// once the remote accounts service applied it: the token's open socket gets
// an error on its subscription and is closed within a second.
func TestStandaloneGatewayClosesTheSocketOfATokenRevokedElsewhere(t *testing.T) {
	key := writeKey(t)
	base, nats, acc := startServices(t, key)
	boot, err := acc.Bootstrap(context.Background())
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}
	var h *platform.HTTP
	var gw *gateway.Gateway
	startApp(t, gatewayOnly(t, base, nats, key), &h, &gw)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	gwURL := "http://" + h.Addr()
	must := mustData(t)
	must(gql(t, gwURL, boot.Token.Secret, "", `mutation { createTeam(input: {slug: "split", displayName: "Split"}) { seq } }`, nil))
	d := must(gql(t, gwURL, boot.Token.Secret, "", `mutation { createToken(input: {name: "ci"}) { token { id } secret } }`, nil))
	id, secret := path(d, "createToken", "token", "id").(string), path(d, "createToken", "secret").(string)

	w, code := dialWS(t, gwURL, secret, "split")
	if w == nil {
		t.Fatalf("connection_init refused (%d)", code)
	}
	w.send(map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": `subscription { teamEvents { seq type } }`}})
	// Delivering proves the subscription runs.
	for got := false; !got; {
		must(gql(t, gwURL, boot.Token.Secret, "split", `mutation { createCluster(input: {name: "c`+fmt.Sprint(time.Now().UnixNano())+`"}) { seq } }`, nil))
		m, ok := w.next(time.Now().Add(300 * time.Millisecond))
		got = ok && m.Type == "next"
		if ctx.Err() != nil {
			t.Fatal("the subscription never delivered")
		}
	}

	// Revoked in the services' process, not through this gateway.
	if _, err := acc.RevokeToken(ctx, auth.Principal{UserID: boot.Admin.ID}, command.TokenInput{ID: id}); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	var ended bool
	for !ended {
		m, ok := w.next(revoked.Add(time.Second))
		if !ok {
			t.Fatal("the subscription did not end within a second of the revocation")
		}
		if m.Type == "next" {
			continue // an event from before the revocation
		}
		if m.Type != "error" || m.errorCode() != "UNAUTHENTICATED" {
			t.Fatalf("got %s %s, want an UNAUTHENTICATED error", m.Type, m.Payload)
		}
		ended = true
	}
	select {
	case code := <-w.closed:
		if code != 4403 {
			t.Errorf("the socket closed with %d, want 4403", code)
		}
	case <-time.After(time.Until(revoked.Add(time.Second))):
		t.Error("the socket stayed open after the revocation")
	}
}
