package gateway_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"weft.dev/gateway"
)

func opID(q string) string {
	h := sha256.Sum256([]byte(q))
	return hex.EncodeToString(h[:])
}

const registeredQuery = `query Team { team(slug: "acme") { displayName } }`

// registered gives the gateway one registered operation; only makes it
// refuse every other.
func registered(only bool) func(*gateway.Config, *subgraphs) {
	return func(c *gateway.Config, _ *subgraphs) {
		c.Persisted = map[string]string{opID(registeredQuery): registeredQuery}
		c.PersistedOnly = only
	}
}

func byID(id string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"operationName": "Team", "variables": vars,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": id}}})
	return b
}

func TestARegisteredOperationRunsByItsIDAndAnUnknownIDIsRefused(t *testing.T) {
	h := start(t, registered(false))
	var d struct{ Team struct{ DisplayName string } }
	h.do(alice, byID(opID(registeredQuery), nil)).decode(t, &d)
	if d.Team.DisplayName != "Acme Corp" {
		t.Errorf("by id: %+v", d)
	}
	h.sg.reset()
	r := h.do(alice, byID(opID("{ nope }"), nil))
	if r.status != http.StatusBadRequest || r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["persisted"] != "not-found" {
		t.Errorf("unknown id: status %d, %+v", r.status, r.Errors)
	}
	// Text beside an id must be that operation's.
	body, _ := json.Marshal(map[string]any{"query": `{ team(slug: "acme") { slug } }`,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": opID(registeredQuery)}}})
	if r := h.do(alice, body); r.status != http.StatusBadRequest || r.Errors[0].Extensions["persisted"] != "mismatch" {
		t.Errorf("text and id differ: status %d, %+v", r.status, r.Errors)
	}
	// Without the safelist, any valid operation still runs.
	if r := h.query(alice, `{ team(slug: "acme") { slug } }`, nil); r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("unregistered text without the safelist: %d %+v", r.status, r.Errors)
	}
	if n := h.sg.total(); n != 1 {
		t.Errorf("%d subgraph requests; only the unregistered text's one should have run", n)
	}
}

func TestOnlyRegisteredOperationsRunWhenTheServerSaysSo(t *testing.T) {
	h := start(t, registered(true))
	var d struct{ Team struct{ DisplayName string } }
	h.do(alice, byID(opID(registeredQuery), nil)).decode(t, &d)
	h.query(alice, registeredQuery, nil).decode(t, &d) // its text is registered too
	h.sg.reset()
	r := h.query(alice, `{ team(slug: "acme") { slug } }`, nil)
	if r.status != http.StatusForbidden || r.code() != "FORBIDDEN" || r.Errors[0].Extensions["persisted"] != "required" {
		t.Errorf("unregistered operation: status %d, %+v", r.status, r.Errors)
	}
	if n := h.sg.total(); n != 0 {
		t.Errorf("a refused operation reached the subgraphs (%d requests)", n)
	}
	// Websockets follow the same rule.
	c := h.dial(nil)
	c.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer tok-alice", "Weft-Team": "acme"}})
	c.expect("connection_ack")
	c.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { appCreated { name } }`}})
	m := c.expect("error")
	var errs []gqlError
	if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 || errs[0].Extensions["persisted"] != "required" {
		t.Errorf("unregistered subscription: %s", m.Payload)
	}
	if got := h.metric("weft_gateway_persisted_refusals_total", "reason", "required"); got != 2 {
		t.Errorf("refusals counted: %v, want 2", got)
	}
}
