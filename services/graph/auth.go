package graph

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// Authenticate verifies the Weft-Principal header of every request with s
// and serves next with the principal in the context. A websocket upgrade
// without the header is let through unauthenticated: graphql-transport-ws
// clients that cannot set headers present the assertion in connection_init,
// which WebsocketInit checks before any operation runs.
func Authenticate(s *auth.Signer, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get(auth.Header)
		if v == "" && isWebsocket(r) {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.Verify(v)
		if err != nil {
			log.DebugContext(r.Context(), "subgraph request refused", "path", r.URL.Path, "err", err)
			writeUnauthenticated(w)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func writeUnauthenticated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnauthorized)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": gqlerror.List{{
		Message:    "a signed Weft-Principal is required; call the gateway, not the subgraph",
		Extensions: map[string]any{"code": string(fault.Unauthenticated)},
	}}})
}

// errNoPrincipal ends a websocket connection that presented no principal.
var errNoPrincipal = errors.New("UNAUTHENTICATED: a signed Weft-Principal is required in connection_init")

// WebsocketInit accepts a graphql-transport-ws connection whose upgrade
// request carried a valid assertion (Authenticate verified it) or whose
// connection_init payload holds one under "Weft-Principal".
func WebsocketInit(s *auth.Signer) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		if p := auth.From(ctx); p.UserID != "" {
			return ctx, nil, nil
		}
		v := payload.GetString(auth.Header)
		if v == "" {
			return ctx, nil, errNoPrincipal
		}
		p, err := s.Verify(v)
		if err != nil {
			return ctx, nil, errNoPrincipal
		}
		return auth.With(ctx, p), nil, nil
	}
}
