package gateway_test

import (
	"net/http"
	"testing"

	"weft.dev/kernel/auth"
)

func TestUnauthenticatedRequestsGet401AndReachNoSubgraph(t *testing.T) {
	h := start(t)
	tests := []struct {
		name string
		who  as
		want int
		code string
	}{
		{"no token", as{}, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"not a bearer token", as{"Authorization": "Basic YWxpY2U6cHc="}, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"unknown token", as{"Authorization": "Bearer tok-mallory"}, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{"team the user is not in", as{"Authorization": "Bearer tok-alice", "Weft-Team": "globex"}, http.StatusNotFound, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.sg.reset()
			r := h.query(tt.who, `{ whoami { userId } }`, nil)
			if r.status != tt.want || r.code() != tt.code {
				t.Errorf("status %d code %q (%+v), want %d %s", r.status, r.code(), r.Errors, tt.want, tt.code)
			}
			if n := h.sg.total(); n != 0 {
				t.Errorf("%d subgraph requests for a refused request", n)
			}
		})
	}
}

func TestSubgraphsSeeThePrincipalTheTokenResolvesToNotTheClientsHeader(t *testing.T) {
	h := start(t)
	// A client that somehow holds a validly signed assertion still cannot
	// choose who it is: the gateway drops its Weft-Principal header.
	forged := h.sg.signer.Sign(auth.Principal{UserID: "mallory", Team: "acme", Role: auth.Owner}, 0)
	who := as{"Authorization": "Bearer tok-bob", "Weft-Team": "acme", auth.Header: forged}
	h.sg.reset()
	r := h.query(who, `{ whoami { userId team role } team(slug: "acme") { clusters { apps { name } } } }`, nil)
	var got struct {
		Whoami struct{ UserID, Team, Role string }
	}
	r.decode(t, &got)
	if got.Whoami.UserID != "bob" || got.Whoami.Team != "acme" || got.Whoami.Role != "member" {
		t.Errorf("accounts saw %+v, want bob, member of acme", got.Whoami)
	}
	want := auth.Principal{UserID: "bob", Team: "acme", Role: auth.Member}
	for _, s := range h.sg.all() {
		seen := s.seen()
		if len(seen) == 0 {
			t.Errorf("%s got no request", s.name)
		}
		for _, req := range seen {
			if req.principal != want {
				t.Errorf("%s saw principal %+v, want %+v", s.name, req.principal, want)
			}
		}
	}
}

func TestTeamlessCallsForwardAPrincipalWithoutTeam(t *testing.T) {
	h := start(t)
	r := h.query(as{"Authorization": "Bearer tok-alice"}, `{ whoami { userId team } }`, nil)
	var got struct{ Whoami struct{ UserID, Team string } }
	r.decode(t, &got)
	if got.Whoami.UserID != "alice" || got.Whoami.Team != "" {
		t.Errorf("whoami = %+v, want alice without team", got.Whoami)
	}
}
