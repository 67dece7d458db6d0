package schemas

import (
	"slices"
	"strings"
	"testing"
)

func TestEverySubgraphIsEmbeddedAndIsFederationV2(t *testing.T) {
	want := []string{"accounts", "audit", "console", "infra"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, n := range want {
		sdl, err := SDL(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sdl, `@link(url: "https://specs.apollo.dev/federation/v2.3"`) {
			t.Errorf("%s: no Federation v2 @link", n)
		}
	}
	if _, err := SDL("nope"); err == nil {
		t.Error("SDL of an unknown subgraph succeeded")
	}
}
