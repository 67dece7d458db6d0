package gateway_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"weft.dev/kernel/auth"
)

// BenchmarkGatewayHandler measures one request through the gateway's
// handler with no client socket, beside the same query straight to the
// subgraph's handler: what the gateway itself costs per request.
func BenchmarkGatewayHandler(b *testing.B) {
	h := start(b, inProcess, noRateLimit)
	gw := h.gw.Handler()
	simple := []byte(`{"query":"{ team(slug: \"acme\") { displayName } }"}`)
	principal := h.sg.signer.Sign(auth.Principal{UserID: "alice", Team: "acme", Role: auth.Owner}, time.Hour)
	do := func(hd http.Handler, url string, hdr map[string]string) {
		req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(simple))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		hd.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.Run("gateway", func(b *testing.B) {
		for b.Loop() {
			do(gw, "/graphql", alice)
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			do(h.sg.accounts.mux, "/subgraphs/accounts/graphql", map[string]string{auth.Header: principal})
		}
	})
}
