package accounts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

// The internal authenticate route answers only callers holding the internal
// key with a system principal, and returns the principal or the fault code.
func TestAuthenticateRouteAnswersOnlySystemCallersWithTheInternalKey(t *testing.T) {
	var (
		h     *command.Handlers
		authn *command.Authenticator
		q     *readmodel.Queries
		s     *auth.Signer
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(uniq.Register),
		accounts.Module,
		fx.Populate(&h, &authn, &q, &s),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	boot, err := h.Bootstrap(ctx)
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}
	route := accounts.AuthenticateRoute(authn, q, s, slog.New(slog.DiscardHandler))
	other, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	call := func(assertion, token, team string) (int, accounts.AuthenticateResponse) {
		body, _ := json.Marshal(accounts.AuthenticateRequest{Token: token, Team: team})
		req := httptest.NewRequest(http.MethodPost, accounts.AuthenticatePath, bytes.NewReader(body))
		if assertion != "" {
			req.Header.Set("Weft-Principal", assertion)
		}
		rec := httptest.NewRecorder()
		route.Handler.ServeHTTP(rec, req)
		var out accounts.AuthenticateResponse
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	system := s.Sign(auth.SystemPrincipal("gateway"), time.Minute)

	tests := []struct {
		name, assertion, token, team string
		status                       int
		code                         fault.Code
	}{
		{"no assertion", "", boot.Token.Secret, "", http.StatusUnauthorized, ""},
		{"another key", other.Sign(auth.SystemPrincipal("gateway"), time.Minute), boot.Token.Secret, "", http.StatusUnauthorized, ""},
		{"a user's assertion", s.Sign(auth.Principal{UserID: boot.Admin.ID}, time.Minute), boot.Token.Secret, "", http.StatusUnauthorized, ""},
		{"a wrong token", system, "weft_nope", "", http.StatusOK, fault.Unauthenticated},
		{"a team that does not exist", system, boot.Token.Secret, "nowhere", http.StatusOK, fault.NotFound},
		{"a good token", system, boot.Token.Secret, "", http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := call(tt.assertion, tt.token, tt.team)
			if status != tt.status {
				t.Fatalf("status %d, want %d", status, tt.status)
			}
			if status != http.StatusOK {
				return
			}
			switch {
			case tt.code != "" && (out.Error == nil || out.Error.Code != tt.code):
				t.Fatalf("answer %+v, want code %s", out, tt.code)
			case tt.code == "" && (out.Principal == nil || out.Principal.UserID != boot.Admin.ID):
				t.Fatalf("answer %+v, want the admin's principal", out)
			}
		})
	}
}
