package gateway_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"weft.dev/gateway"
)

// A principal over its rate gets 429 with Retry-After and a coded error;
// another principal is not slowed by it.
func TestAPrincipalOverItsRateIsToldWhenToRetryAndOthersAreNot(t *testing.T) {
	h := start(t, func(c *gateway.Config, _ *subgraphs) {
		c.Limits.Rate, c.Limits.Burst = 0.5, 3
	})
	q := gqlBody(`{ team(slug: "acme") { displayName } }`)
	for i := range 3 {
		if r := h.do(alice, q); r.status != http.StatusOK {
			t.Fatalf("request %d within the burst: status %d %+v", i+1, r.status, r.Errors)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(q))
	for k, v := range alice {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the burst: status %d, want 429", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2 (one token at 0.5 a second)", got)
	}
	r := h.do(alice, q)
	if r.status != http.StatusTooManyRequests || r.code() != "UNAVAILABLE" || r.Errors[0].Extensions["limit"] != "rate" {
		t.Errorf("status %d, errors %+v; want 429 UNAVAILABLE with limit rate", r.status, r.Errors)
	}
	if r := h.do(bob, q); r.status != http.StatusOK {
		t.Errorf("another principal: status %d %+v", r.status, r.Errors)
	}
}

// syncBuffer is a log destination tests read while the gateway writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A refused token is logged (its id and the client's address, never the
// secret) and counted; the real owner's token keeps working however many
// were refused.
func TestRefusedTokensAreLoggedAndCountedWithoutLockingOutTheOwner(t *testing.T) {
	var logs syncBuffer
	h := start(t, func(c *gateway.Config, _ *subgraphs) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	q := gqlBody(`{ team(slug: "acme") { displayName } }`)
	for range 20 {
		r := h.do(as{"Authorization": "Bearer weft_0193guess_s3cr3tguess", "Weft-Team": "acme"}, q)
		if r.status != http.StatusUnauthorized {
			t.Fatalf("a wrong token: status %d", r.status)
		}
	}
	if got := h.counter("weft_gateway_refused_credentials_total"); got != 20 {
		t.Errorf("refused credentials counted %v, want 20", got)
	}
	out := logs.String()
	if n := strings.Count(out, "refused API token"); n != 20 {
		t.Errorf("%d log lines for 20 refused tokens:\n%s", n, out)
	}
	if !strings.Contains(out, "token_id=0193guess") || !strings.Contains(out, "remote=127.0.0.1:") {
		t.Errorf("log lacks the token id or the client address:\n%s", out)
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("the log shows a token's secret:\n%s", out)
	}
	if r := h.do(alice, q); r.status != http.StatusOK {
		t.Errorf("the owner after 20 refused guesses: status %d %+v", r.status, r.Errors)
	}
}

// counter reads an unlabelled counter of the gateway.
func (h *harness) counter(name string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}

// gauge reads an unlabelled gauge of the gateway.
func (h *harness) gauge(name string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}

// Operations over a websocket count against the same rate as HTTP ones,
// a refused one (over a limit) too: past it, each is refused with the
// coded error, and the connection stays open for the next.
func TestWebsocketOperationsCountAgainstTheSameRate(t *testing.T) {
	h := start(t, func(c *gateway.Config, _ *subgraphs) {
		c.Limits.Rate, c.Limits.Burst = 0.5, 3
	})
	if r := h.do(bob, gqlBody(`{ whoami { userId } }`)); r.status != http.StatusOK {
		t.Fatalf("over HTTP: status %d", r.status)
	}
	c := h.dial(http.Header{"Authorization": {"Bearer tok-bob"}, "Weft-Team": {"acme"}})
	c.send(map[string]any{"type": "connection_init"})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `{ whoami { userId } }`}})
	c.expect("next")
	c.expect("complete")
	// Nested past the limit: refused before parsing, and still counted.
	c.send(map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": strings.Repeat("{ whoami ", 100) + strings.Repeat("}", 100)}})
	if m := c.expect("error"); !strings.Contains(string(m.Payload), `"limit":"nesting"`) {
		t.Fatalf("a nesting bomb: %s", m.Payload)
	}
	c.send(map[string]any{"id": "3", "type": "subscribe", "payload": map[string]any{"query": `{ whoami { userId } }`}})
	m := c.expect("error")
	var errs []gqlError
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) != 1 || errs[0].Extensions["limit"] != "rate" || errs[0].Extensions["code"] != "UNAVAILABLE" {
		t.Fatalf("error payload = %s", m.Payload)
	}
}
