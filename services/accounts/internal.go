package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/platform"
)

// AuthenticatePath is where the accounts service answers a gateway that
// runs in another process: POST {token, team}, with a system principal
// assertion signed with the shared internal key in the Weft-Principal
// header.
const AuthenticatePath = "/internal/authenticate"

// AuthenticateRequest is the body of a POST to AuthenticatePath.
type AuthenticateRequest struct {
	Token string `json:"token"`
	Team  string `json:"team,omitempty"`
	// MinSeq, when set, makes the answer wait until the accounts read
	// model has applied that sequence; with no Token it only waits (a
	// remote gateway's rights feed, so its re-checks see the change).
	MinSeq uint64 `json:"minSeq,omitempty"`
}

// AuthenticateResponse is its answer: the principal, or the fault.
type AuthenticateResponse struct {
	Principal *auth.Principal `json:"principal,omitempty"`
	Error     *fault.Error    `json:"error,omitempty"`
}

// AuthenticateRoute serves AuthenticatePath. Only a caller holding the
// internal key may ask: the route turns bearer tokens into principals, so
// an open one would let anyone probe tokens without the gateway's limits.
func AuthenticateRoute(h *command.Authenticator, q *readmodel.Queries, s *auth.Signer, log *slog.Logger) platform.Route {
	return platform.Route{Pattern: "POST " + AuthenticatePath, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.Verify(r.Header.Get("Weft-Principal"))
		if err != nil || !caller.System {
			http.Error(w, "a system principal signed with the internal key is required", http.StatusUnauthorized)
			return
		}
		var in AuthenticateRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10)).Decode(&in); err != nil {
			http.Error(w, "body: "+err.Error(), http.StatusBadRequest)
			return
		}
		var out AuthenticateResponse
		if in.MinSeq > 0 {
			if err := q.WaitFor(r.Context(), in.MinSeq); err != nil {
				out.Error = &fault.Error{Code: fault.Unavailable, Msg: fmt.Sprintf("the accounts read model has not applied sequence %d yet", in.MinSeq)}
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(out)
				return
			}
			if in.Token == "" {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(out)
				return
			}
		}
		p, err := h.Authenticate(r.Context(), in.Token, in.Team)
		var fe *fault.Error
		switch {
		case err == nil:
			out.Principal = &p
		case errors.As(err, &fe):
			out.Error = fe
		default:
			// Internal details stay here, in the log.
			log.Error("authenticate for a remote gateway", "err", err)
			out.Error = &fault.Error{Code: fault.Internal, Msg: "internal error"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})}
}
