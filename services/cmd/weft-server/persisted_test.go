package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"weft.dev/schemas"
)

// With --persisted-only the gateway runs the registered operations of
// weft's CLI and portal, by id (as the CLI sends them) or by their exact
// text, and refuses any other with FORBIDDEN before a subgraph sees it.
func TestPersistedOnlyServerRunsTheCLIsOperationsAndRefusesOthers(t *testing.T) {
	base, token := startServerWith(t, func(o *options) { o.persistedOnly = true })
	ops, err := schemas.Operations()
	if err != nil {
		t.Fatal(err)
	}
	var me schemas.Operation
	for _, op := range ops {
		if op.Client == "cli" && op.Name == "Me" {
			me = op
		}
	}
	if me.ID == "" {
		t.Fatal("the CLI's Me operation is not registered")
	}
	body, _ := json.Marshal(map[string]any{"operationName": "Me",
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": me.ID}}})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || out["errors"] != nil || !strings.Contains(jsonOf(out["data"]), `"username"`) {
		t.Fatalf("Me by id: status %d, %s", resp.StatusCode, jsonOf(out))
	}
	mustData(t)(gql(t, base, token, "", me.Query, nil)) // its exact text is registered too

	status, refused := gql(t, base, token, "", `{ me { id } }`, nil)
	if status != http.StatusForbidden || !strings.Contains(jsonOf(refused), `"code":"FORBIDDEN"`) || !strings.Contains(jsonOf(refused), `"persisted":"required"`) {
		t.Fatalf("an unregistered operation: status %d, %s", status, jsonOf(refused))
	}
}
