package gateway_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"weft.dev/gateway"
)

const crossQuery = `{ team(slug: "acme") { displayName clusters { name apps { name cluster { name } } } } }`

// inProcess hands the gateway every test subgraph's handler, as the
// all-in-one server does with the subgraphs it hosts.
func inProcess(cfg *gateway.Config, sg *subgraphs) {
	for i := range cfg.Subgraphs {
		for _, s := range sg.all() {
			if s.name == cfg.Subgraphs[i].Name {
				cfg.Subgraphs[i].Handler = s.mux
			}
		}
	}
}

// A subgraph hosted in the gateway's process is called through its handler:
// the answer is the one the same subgraph gives over HTTP, the subgraph
// sees the same signed principal and batched requests, and nothing goes
// over the network to it.
func TestInProcessSubgraphsAnswerAsOverHTTPWithoutOpeningAConnection(t *testing.T) {
	remote := start(t)
	want := remote.query(alice, crossQuery, nil)
	if want.status != http.StatusOK || len(want.Errors) > 0 {
		t.Fatalf("over HTTP: status %d, errors %+v", want.status, want.Errors)
	}

	h := start(t, inProcess)
	before := map[string]int64{}
	for _, s := range h.sg.all() {
		before[s.name] = s.overHTTP.Load()
	}
	h.sg.reset()
	got := h.query(alice, crossQuery, nil)
	if got.status != http.StatusOK || len(got.Errors) > 0 {
		t.Fatalf("in process: status %d, errors %+v", got.status, got.Errors)
	}
	if !jsonEqual(t, got.Data, want.Data) {
		t.Fatalf("in process answered %s, over HTTP %s", got.Data, want.Data)
	}
	for _, s := range h.sg.all() {
		if n := s.overHTTP.Load() - before[s.name]; n != 0 {
			t.Errorf("%s: %d requests over HTTP to an in-process subgraph", s.name, n)
		}
		for _, r := range s.seen() {
			if r.principal.UserID != "alice" || r.principal.Team != "acme" {
				t.Errorf("%s saw principal %+v, want alice in acme", s.name, r.principal)
			}
		}
	}
	if a, i, c := len(h.sg.accounts.seen()), len(h.sg.infra.seen()), len(h.sg.console.seen()); a != 1 || i != 2 || c != 1 {
		t.Errorf("requests per subgraph: accounts %d, infra %d, console %d; want 1, 2, 1 (batched per level)", a, i, c)
	}
}

// A subgraph handler that panics fails its part of the answer, as a
// dropped connection would, and the gateway goes on serving.
func TestPanickingInProcessSubgraphFailsItsFetchNotTheGateway(t *testing.T) {
	h := start(t, func(cfg *gateway.Config, sg *subgraphs) {
		inProcess(cfg, sg)
		for i := range cfg.Subgraphs {
			if cfg.Subgraphs[i].Name == "console" {
				cfg.Subgraphs[i].Handler = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
			}
		}
	})
	r := h.query(alice, crossQuery, nil)
	if len(r.Errors) == 0 {
		t.Fatalf("a panicking subgraph gave no error: %s", r.Data)
	}
	if r.code() == "" {
		t.Errorf("error without a code: %+v", r.Errors)
	}
	var ok struct{ Team struct{ DisplayName string } }
	h.query(alice, `{ team(slug: "acme") { displayName } }`, nil).decode(t, &ok)
	if ok.Team.DisplayName != "Acme Corp" {
		t.Fatalf("after the panic: team %+v", ok.Team)
	}
}

func jsonEqual(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

// In-process answers are buffered in reused buffers: answers of different
// sizes, many at once, each arrive whole and unmixed.
func TestInProcessAnswersStayApartUnderConcurrency(t *testing.T) {
	remote := start(t)
	queries := []string{crossQuery, `{ team(slug: "acme") { displayName } }`}
	want := make([]json.RawMessage, len(queries))
	for i, q := range queries {
		want[i] = remote.query(alice, q, nil).Data
	}
	h := start(t, inProcess)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 20 {
				i := (w + n) % len(queries)
				got := h.query(alice, queries[i], nil)
				if len(got.Errors) > 0 || !jsonEqual(t, got.Data, want[i]) {
					t.Errorf("query %d answered %s (errors %+v), want %s", i, got.Data, got.Errors, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
