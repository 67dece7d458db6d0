package gateway_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/gobwas/ws/wsutil"

	"weft.dev/kernel/auth"
)

func (w *world) subscribers() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.subs)
}

func TestSubscriptionReceivesAppCreatedByAnotherClient(t *testing.T) {
	h := start(t)
	c := h.dial(nil)
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "s1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { appCreated { name cluster { name } } }`,
	}})
	wait.For(t, 10*time.Second, func() error {
		if n := h.sg.world.subscribers(); n != 1 {
			return fmt.Errorf("console has %d subscribers", n)
		}
		return nil
	})

	// Another client creates an app.
	r := h.query(bob, `mutation { createApp(cluster: "c1", name: "cache") { id } }`, nil)
	var created struct{ CreateApp struct{ ID string } }
	r.decode(t, &created)

	m := c.expect("next")
	if m.ID != "s1" {
		t.Errorf("next for %q, want s1", m.ID)
	}
	var ev struct {
		Data struct {
			AppCreated struct {
				Name    string
				Cluster struct{ Name string }
			}
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(m.Payload, &ev); err != nil {
		t.Fatal(err)
	}
	// The cluster's name comes from infra: the event was resolved across
	// subgraphs like a query.
	if ev.Data.AppCreated.Name != "cache" || ev.Data.AppCreated.Cluster.Name != "eu-1" || len(ev.Errors) > 0 {
		t.Errorf("event = %s", m.Payload)
	}
	// The upstream subscription was opened as alice.
	var upstream []auth.Principal
	for _, s := range h.sg.console.seen() {
		if s.reps == 0 && s.query != "" && s.principal.UserID == "alice" {
			upstream = append(upstream, s.principal)
		}
	}
	if len(upstream) != 1 || upstream[0] != (auth.Principal{UserID: "alice", Team: "acme", Role: auth.Owner}) {
		t.Errorf("console saw subscription principals %+v, want alice once", upstream)
	}

	// Completing ends the upstream subscription too.
	c.send(map[string]any{"id": "s1", "type": "complete"})
	wait.For(t, 10*time.Second, func() error {
		if n := h.sg.world.subscribers(); n != 0 {
			return fmt.Errorf("console still has %d subscribers", n)
		}
		return nil
	})
}

func TestWebsocketQueryAndErrorsOverTheSameConnection(t *testing.T) {
	h := start(t)
	c := h.dial(http.Header{"Authorization": {"Bearer tok-bob"}, "Weft-Team": {"acme"}})
	c.send(map[string]any{"type": "connection_init"})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "q", "type": "subscribe", "payload": map[string]any{"query": `{ whoami { userId } }`}})
	if m := c.expect("next"); string(m.Payload) != `{"data":{"whoami":{"userId":"bob"}}}` {
		t.Errorf("next = %s", m.Payload)
	}
	c.expect("complete")
	c.send(map[string]any{"id": "bad", "type": "subscribe", "payload": map[string]any{"query": `subscription { nope }`}})
	m := c.expect("error")
	var errs []gqlError
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("error payload = %s", m.Payload)
	}
}

func TestWebsocketWithoutValidTokenIsClosed(t *testing.T) {
	h := start(t)
	tests := []struct {
		name  string
		first map[string]any
		code  int
	}{
		{"bad token in connection_init", map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer nope"}}, 4403},
		{"no token in connection_init", map[string]any{"type": "connection_init"}, 4403},
		{"subscribe before connection_init", map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "{ whoami { userId } }"}}, 4401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.sg.reset()
			c := h.dial(nil)
			c.send(tt.first)
			_, err := c.read(5 * time.Second)
			var closed wsutil.ClosedError
			if !errors.As(err, &closed) || int(closed.Code) != tt.code {
				t.Errorf("read = %v, want close %d", err, tt.code)
			}
			if n := h.sg.total(); n != 0 {
				t.Errorf("%d subgraph requests", n)
			}
		})
	}
	t.Run("bad token on the upgrade", func(t *testing.T) {
		r := h.query(as{"Authorization": "Bearer nope", "Upgrade": "websocket", "Connection": "Upgrade"}, `{ whoami { userId } }`, nil)
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("status %d code %q", r.status, r.code())
		}
	})
}

// The engine shares one upstream subscription between identical client
// subscriptions; it must never share one between two principals.
func TestIdenticalSubscriptionsOfTwoUsersUseTheirOwnPrincipals(t *testing.T) {
	h := start(t)
	h.sg.reset()
	for _, token := range []string{"tok-alice", "tok-bob"} {
		c := h.dial(nil)
		c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token, "Weft-Team": "acme"}})
		c.expect("connection_ack")
		c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	}
	wait.For(t, 10*time.Second, func() error {
		if n := h.sg.world.subscribers(); n != 2 {
			return fmt.Errorf("console has %d upstream subscriptions, want one per user", n)
		}
		return nil
	})
	users := map[string]bool{}
	for _, s := range h.sg.console.seen() {
		users[s.principal.UserID] = true
	}
	if !users["alice"] || !users["bob"] || len(users) != 2 {
		t.Errorf("console saw subscriptions from %v, want alice and bob", users)
	}
}

// weft's subscriptions start with the current state, which a subgraph
// sends once per upstream subscription: two identical subscriptions of one
// user (the same signed principal within a second) must not share one, or
// the second never gets its first message.
func TestIdenticalSubscriptionsOfOneUserEachHaveTheirOwnUpstream(t *testing.T) {
	h := start(t)
	h.sg.reset()
	for range 3 {
		c := h.dial(nil)
		c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}})
		c.expect("connection_ack")
		c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	}
	wait.For(t, 10*time.Second, func() error {
		if n := h.sg.world.subscribers(); n != 3 {
			return fmt.Errorf("console has %d upstream subscriptions, want one per client subscription", n)
		}
		return nil
	})
}

// A subgraph's events reach the client as they come, however close
// together: graphql-go-tools' upstream reader (its "net poll" loop) read
// one message of each upstream websocket per 100 ms tick, so a burst of a
// dozen events took over a second to pass, and an event right after
// another (an app's creation after its address's allocation) waited up to
// a tick (third_party/graphql-go-tools/README.md).
func TestABurstOfSubgraphEventsReachesTheClientWithoutWaitingATickForEach(t *testing.T) {
	h := start(t)
	c := h.dial(nil)
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "s1", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	wait.For(t, 10*time.Second, func() error {
		if n := h.sg.world.subscribers(); n != 1 {
			return fmt.Errorf("console has %d subscribers", n)
		}
		return nil
	})
	// Fewer than the test subgraph's buffer of 16 per subscriber, which
	// drops the rest.
	const burst = 12
	for i := range burst {
		h.query(bob, fmt.Sprintf(`mutation { createApp(cluster: "c1", name: "b%d") { id } }`, i), nil).decode(t, &struct{}{})
	}
	sent := time.Now()
	for i := range burst {
		m, err := c.read(10 * time.Second)
		if err != nil || m.Type != "next" || !strings.Contains(string(m.Payload), fmt.Sprintf(`"b%d"`, i)) {
			t.Fatalf("message %d: %s %s (%v), want b%d created", i, m.Type, m.Payload, err, i)
		}
	}
	// At one message a tick the last came at least 1.1 s after the burst;
	// passing each on at once takes milliseconds, so this leaves a loaded
	// machine time to spare.
	if took := time.Since(sent); took > 600*time.Millisecond {
		t.Errorf("the last of %d events reached the client %s after the burst was written", burst, took.Round(time.Millisecond))
	}
}
