package graph

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"weft.dev/kernel/auth"
)

// TestWebsocketTakesThePrincipalFromTheUpgradeHeaderOrFromConnectionInit
// covers both ways a graphql-transport-ws client may present the
// assertion, and that neither a forged header nor no assertion at all
// gets through.
func TestWebsocketTakesThePrincipalFromTheUpgradeHeaderOrFromConnectionInit(t *testing.T) {
	s, _ := auth.RandomSigner()
	other, _ := auth.RandomSigner()
	p := auth.Principal{UserID: "u1", Team: "acme", Role: auth.Member}
	init := WebsocketInit(s)

	// upgrade runs an upgrade request through Authenticate, then
	// connection_init with payload, and returns the status and principal.
	upgrade := func(header string, payload transport.InitPayload) (int, auth.Principal, error) {
		var (
			got     auth.Principal
			initErr error
		)
		h := Authenticate(s, slog.New(slog.DiscardHandler), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var ctx context.Context
			ctx, _, initErr = init(r.Context(), payload)
			if initErr == nil {
				got = auth.From(ctx)
			}
		}))
		req := httptest.NewRequest(http.MethodGet, "/subgraphs/x/graphql", nil)
		req.Header.Set("Upgrade", "websocket")
		if header != "" {
			req.Header.Set(auth.Header, header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, got, initErr
	}

	if code, got, err := upgrade(s.Sign(p, time.Minute), nil); code != http.StatusOK || err != nil || got != p {
		t.Errorf("header: %d, %+v, %v", code, got, err)
	}
	if code, got, err := upgrade("", transport.InitPayload{auth.Header: s.Sign(p, time.Minute)}); code != http.StatusOK || err != nil || got != p {
		t.Errorf("connection_init: %d, %+v, %v", code, got, err)
	}
	if code, _, err := upgrade("", transport.InitPayload{auth.Header: other.Sign(p, time.Minute)}); err == nil {
		t.Errorf("forged connection_init accepted (%d)", code)
	}
	if code, _, err := upgrade("", nil); err == nil {
		t.Errorf("no assertion accepted (%d)", code)
	}
	if code, _, _ := upgrade(other.Sign(p, time.Minute), nil); code != http.StatusUnauthorized {
		t.Errorf("forged header: %d, want 401", code)
	}
}
