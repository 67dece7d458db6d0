package command

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// request is what the fake gateway received.
type request struct {
	Method, Path  string
	Header        http.Header
	OperationName string         `json:"operationName"`
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	RawBody       []byte
}

// fakeGateway answers GraphQL requests by operation name. It stands in for
// the gateway only in the login/whoami/error-mapping unit tests; the CLI
// against a real weft-server belongs in e2e.
type fakeGateway struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	// answer maps an operation name to an HTTP status and a body.
	answer map[string]func(r request) (int, string)
}

func newFakeGateway(t *testing.T, answer map[string]func(r request) (int, string)) *fakeGateway {
	t.Helper()
	g := &fakeGateway{answer: answer}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			// No subscriptions here: the CLI falls back to polling.
			http.Error(w, "no websocket", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req := request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), RawBody: body}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("request body is not JSON: %v: %s", err, body)
		}
		g.mu.Lock()
		g.requests = append(g.requests, req)
		f, ok := g.answer[req.OperationName]
		g.mu.Unlock()
		if !ok {
			t.Errorf("unexpected operation %q", req.OperationName)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		status, out := f(req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, out)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *fakeGateway) received() []request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]request(nil), g.requests...)
}

func ok(body string) func(request) (int, string) {
	return func(request) (int, string) { return http.StatusOK, body }
}

// cli is one user's CLI: a config file of its own and an environment.
type cli struct {
	t      *testing.T
	config string
	env    map[string]string
	stdin  string
	width  int
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, config: filepath.Join(t.TempDir(), "weft", "config.yaml"), env: map[string]string{}}
}

type result struct {
	stdout, stderr string
	code           int
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	return c.runContext(context.Background(), nil, args...)
}

// runContext runs a command until it ends or ctx is done; out, when given,
// also receives its standard output as it is written.
func (c *cli) runContext(ctx context.Context, tee io.Writer, args ...string) result {
	c.t.Helper()
	var out, errb bytes.Buffer
	var stdout io.Writer = &out
	if tee != nil {
		stdout = io.MultiWriter(&out, tee)
	}
	code := Main(ctx, args, Options{
		Stdin:      strings.NewReader(c.stdin),
		Stdout:     stdout,
		Stderr:     &errb,
		Getenv:     func(k string) string { return c.env[k] },
		ConfigPath: c.config,
		Width:      func() int { return c.width },
		Version:    "test",
	})
	return result{out.String(), errb.String(), code}
}

const meAlice = `{"data":{"me":{"id":"u1","username":"alice","displayName":"Alice","superuser":false}}}`
