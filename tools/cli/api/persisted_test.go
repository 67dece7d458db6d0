package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"weft.dev/tools/cli/api"
)

// The CLI sends its operations by id; a server that does not know the id
// (another version) gets the text once more, and the call still works.
func TestOperationsGoByIDAndFallBackToTextForAnUnknownID(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		mu.Lock()
		bodies = append(bodies, m)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if _, hasText := m["query"]; !hasText {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"errors":[{"message":"no registered operation has the id","extensions":{"code":"BAD_USER_INPUT","persisted":"not-found"}}]}`)
			return
		}
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"u1","username":"alice","teams":[]}}}`)
	}))
	defer srv.Close()
	c, err := api.New(api.Endpoint{Server: srv.URL, Token: "weft_t"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Me(context.Background(), c); err != nil {
		t.Fatalf("me: %v", err)
	}
	if len(bodies) != 2 {
		t.Fatalf("%d requests, want the id then the text", len(bodies))
	}
	ext, _ := bodies[0]["extensions"].(map[string]any)
	pq, _ := ext["persistedQuery"].(map[string]any)
	if _, hasText := bodies[0]["query"]; hasText || pq["sha256Hash"] == nil || bodies[0]["operationName"] != "Me" {
		t.Errorf("first request %v: want the id alone", bodies[0])
	}
	if bodies[1]["query"] != api.Me_Operation {
		t.Errorf("second request %v: want the text", bodies[1])
	}
}
