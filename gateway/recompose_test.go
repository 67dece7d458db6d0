package gateway_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"weft.dev/gateway"
)

func TestChangedSubgraphSDLIsPickedUpWithoutFailingRequestsInFlight(t *testing.T) {
	h := start(t, func(c *gateway.Config, _ *subgraphs) { c.PollInterval = 100 * time.Millisecond })
	w := h.sg.world

	// A subscription opened on the first composition.
	sub := h.dial(nil)
	sub.send(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer tok-alice", "team": "acme"}})
	sub.expect("connection_ack")
	sub.send(map[string]any{"id": "s", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	wait.For(t, 10*time.Second, func() error {
		if n := w.subscribers(); n != 1 {
			return fmt.Errorf("%d subscribers", n)
		}
		return nil
	})

	// A query held inside accounts while the supergraph changes.
	gate, entered := make(chan struct{}), make(chan struct{}, 1)
	w.mu.Lock()
	w.gate, w.entered = gate, entered
	w.mu.Unlock()
	inFlight := make(chan response, 1)
	go func() {
		inFlight <- h.query(alice, `{ team(slug: "acme") { displayName clusters { name apps { name } } } }`, nil)
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the query never reached accounts")
	}
	w.mu.Lock()
	w.gate = nil
	w.mu.Unlock()

	if r := h.query(alice, `{ cluster(id: "c1") { region } }`, nil); r.code() != "BAD_USER_INPUT" {
		t.Fatalf("region before the deploy: %+v", r.Errors)
	}
	h.sg.deployInfraRegion(t)
	wait.For(t, 10*time.Second, func() error {
		r := h.query(alice, `{ cluster(id: "c1") { region } }`, nil)
		if r.status != 200 || len(r.Errors) > 0 {
			return fmt.Errorf("region not served yet: %+v", r.Errors)
		}
		if string(r.Data) != `{"cluster":{"region":"europe-west"}}` {
			return fmt.Errorf("data = %s", r.Data)
		}
		return nil
	})

	close(gate)
	r := <-inFlight
	var got struct {
		Team struct {
			DisplayName string
			Clusters    []struct {
				Name string
				Apps []struct{ Name string }
			}
		}
	}
	r.decode(t, &got)
	if got.Team.DisplayName != "Acme Corp" || len(got.Team.Clusters) != 2 || len(got.Team.Clusters[0].Apps) == 0 {
		t.Errorf("in-flight query answered %+v", got)
	}

	// The subscription from before the change still delivers.
	h.query(bob, `mutation { createApp(cluster: "c2", name: "queue") { id } }`, nil).decode(t, new(any))
	m := sub.expect("next")
	var ev struct {
		Data struct{ AppCreated struct{ Name string } }
	}
	if err := json.Unmarshal(m.Payload, &ev); err != nil || ev.Data.AppCreated.Name != "queue" {
		t.Errorf("event after re-composition = %s", m.Payload)
	}
}

func TestBrokenSubgraphSDLKeepsTheLastGoodComposition(t *testing.T) {
	h := start(t)
	broken := fedLink + "type Query { cluster(id: ID!): Nope }"
	h.sg.infra.sdl.Store(&broken)
	if err := h.gw.Refresh(t.Context()); err == nil {
		t.Fatal("Refresh composed an SDL with an unknown type")
	}
	var got struct{ Cluster struct{ Name string } }
	h.query(alice, `{ cluster(id: "c2") { name } }`, nil).decode(t, &got)
	if got.Cluster.Name != "us-1" {
		t.Errorf("cluster = %+v", got)
	}
	if code, _ := get(t, h.srv.URL+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d after a failed re-composition", code)
	}
}

func TestUnreachableSubgraphIsReportedUnavailableWithPartialData(t *testing.T) {
	h := start(t)
	h.sg.console.srv.Close()
	r := h.query(alice, `{ team(slug: "acme") { displayName } app(id: "a1") { name } }`, nil)
	if r.status != 200 || len(r.Errors) == 0 || r.code() != "UNAVAILABLE" {
		t.Fatalf("status %d errors %+v, want UNAVAILABLE", r.status, r.Errors)
	}
	if !strings.Contains(r.Errors[0].Message, "'console'") {
		t.Errorf("error %q does not name the subgraph", r.Errors[0].Message)
	}
	for _, e := range r.Errors {
		if strings.Contains(e.Message, "127.0.0.1") || strings.Contains(e.Message, "dial") {
			t.Errorf("error leaks transport details: %q", e.Message)
		}
	}
	var got struct{ Team struct{ DisplayName string } }
	if err := json.Unmarshal(r.Data, &got); err != nil || got.Team.DisplayName != "Acme Corp" {
		t.Errorf("partial data = %s", r.Data)
	}
}
