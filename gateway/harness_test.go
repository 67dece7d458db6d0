package gateway_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
)

// harness is a gateway on loopback in front of the three test subgraphs.
type harness struct {
	t   testing.TB
	sg  *subgraphs
	gw  *gateway.Gateway
	srv *httptest.Server
	reg *prometheus.Registry
}

var testTokens = tokens{
	"tok-alice": {user: "alice", roles: map[string]auth.Role{"acme": auth.Owner}},
	"tok-bob":   {user: "bob", roles: map[string]auth.Role{"acme": auth.Member}},
}

// start serves the gateway in front of fresh test subgraphs; tune may
// change its config, seeing the subgraphs.
func start(t testing.TB, tune ...func(*gateway.Config, *subgraphs)) *harness {
	t.Helper()
	signer, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	sg := startSubgraphs(t, signer)
	reg := prometheus.NewRegistry()
	cfg := gateway.Config{
		Subgraphs: []gateway.Subgraph{
			{Name: "accounts", URL: sg.accounts.url()},
			{Name: "infra", URL: sg.infra.url()},
			{Name: "console", URL: sg.console.url()},
		},
		Authenticator: testTokens,
		Signer:        signer,
		Registry:      reg,
		PollInterval:  -1, // tests that want polling turn it on
	}
	for _, f := range tune {
		f(&cfg, sg)
	}
	gw, err := gateway.New(cfg)
	if err != nil {
		t.Fatalf("new gateway: %v", err)
	}
	if err := gw.Start(context.Background()); err != nil {
		t.Fatalf("start gateway: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = gw.Close()
	})
	return &harness{t: t, sg: sg, gw: gw, srv: srv, reg: reg}
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// as is who sends a request: the headers a client sets.
type as map[string]string

var (
	alice = as{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}
	bob   = as{"Authorization": "Bearer tok-bob", "Weft-Team": "acme"}
)

func (h *harness) do(who as, body []byte) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range who {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	out := response{status: resp.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("response %d is not JSON: %v: %s", resp.StatusCode, err, raw)
	}
	out.status = resp.StatusCode
	return out
}

func (h *harness) query(who as, query string, vars map[string]any) response {
	h.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.do(who, body)
}

// data decodes a successful response's data, failing on any error.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("status %d, errors %+v", r.status, r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// wsClient is a graphql-transport-ws client.
type wsClient struct {
	t    testing.TB
	conn net.Conn
}

func (h *harness) dial(header http.Header) *wsClient {
	h.t.Helper()
	d := ws.Dialer{Protocols: []string{"graphql-transport-ws"}, Header: ws.HandshakeHeaderHTTP(header), Timeout: 5 * time.Second}
	conn, _, _, err := d.Dial(context.Background(), "ws"+strings.TrimPrefix(h.srv.URL, "http")+"/graphql")
	if err != nil {
		h.t.Fatalf("dial websocket: %v", err)
	}
	h.t.Cleanup(func() { _ = conn.Close() })
	return &wsClient{t: h.t, conn: conn}
}

func (c *wsClient) send(m map[string]any) {
	c.t.Helper()
	raw, _ := json.Marshal(m)
	if err := wsutil.WriteClientText(c.conn, raw); err != nil {
		c.t.Fatalf("send %v: %v", m["type"], err)
	}
}

type wsMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// read returns the next message, or the close frame's code as an error.
func (c *wsClient) read(within time.Duration) (wsMessage, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(within))
	for {
		data, op, err := wsutil.ReadServerData(c.conn)
		if err != nil {
			return wsMessage{}, err
		}
		if op != ws.OpText {
			continue
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return wsMessage{}, fmt.Errorf("decode %s: %w", data, err)
		}
		if m.Type == "ping" {
			c.send(map[string]any{"type": "pong"})
			continue
		}
		return m, nil
	}
}

func (c *wsClient) expect(typ string) wsMessage {
	c.t.Helper()
	m, err := c.read(10 * time.Second)
	if err != nil {
		c.t.Fatalf("waiting for %s: %v", typ, err)
	}
	if m.Type != typ {
		c.t.Fatalf("got %s %s, want %s", m.Type, m.Payload, typ)
	}
	return m
}
