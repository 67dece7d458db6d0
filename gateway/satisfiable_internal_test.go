package gateway

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// weft's own subgraphs must stay satisfiable: the check refusing them
// would leave the gateway without a composition.
func TestWeftsOwnSubgraphsAreSatisfiable(t *testing.T) {
	names, sdls := weftSubgraphs(t)
	if err := checkSatisfiable(names, sdls); err != nil {
		t.Fatal(err)
	}
}

// weftSubgraphs reads weft's subgraph schemas (package weft.dev/schemas).
func weftSubgraphs(t *testing.T) ([]string, map[string]string) {
	t.Helper()
	files, err := filepath.Glob("../schemas/graphql/*.graphqls")
	if err != nil || len(files) < 4 {
		t.Fatalf("weft's subgraph schemas: %v %v", files, err)
	}
	var names []string
	sdls := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.TrimSuffix(filepath.Base(f), ".graphqls")
		names = append(names, n)
		sdls[n] = string(b)
	}
	return names, sdls
}

func TestTopLevelFieldsOfAFieldSet(t *testing.T) {
	for set, want := range map[string]string{
		"id":                    "id",
		"id sku":                "id,sku",
		"upc owner { id name }": "upc,owner",
		"... on Film { title } ... on Song { title }": "",
		"animals { id name }":                         "animals",
	} {
		if got := strings.Join(topLevelFields(set), ","); got != want {
			t.Errorf("topLevelFields(%q) = %q, want %q", set, got, want)
		}
	}
}
