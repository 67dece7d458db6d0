package gateway

import (
	"context"
	"testing"

	"weft.dev/kernel/auth"
)

// Without @inaccessible elements (weft's own subgraphs) the gateway
// validates once against the supergraph and introspects it with the
// engine, as before there was a client schema: composition writes one
// anyway.
func TestASupergraphWithoutInaccessibleElementsHasNoSeparateClientSchema(t *testing.T) {
	signer, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	names, sdls := weftSubgraphs(t)
	var subs []Subgraph
	for _, n := range names {
		subs = append(subs, Subgraph{Name: n, URL: "http://127.0.0.1:1/" + n})
	}
	g, err := New(Config{Subgraphs: subs, Authenticator: noAuth{}, Signer: signer, PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s, err := g.compose(sdls)
	if err != nil {
		t.Fatal(err)
	}
	defer s.retire()
	if s.client != s.schema || s.introspection != nil {
		t.Errorf("a separate client schema (%v) or introspection engine (%v) for a supergraph with nothing inaccessible", s.client != s.schema, s.introspection != nil)
	}
}

type noAuth struct{}

func (noAuth) Authenticate(context.Context, string, string) (auth.Principal, error) {
	return auth.Principal{}, nil
}
