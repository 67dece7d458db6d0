// Package schemas embeds weft's contract files so that every module reads
// the same bytes: the GraphQL subgraph schemas (graphql/<name>.graphqls),
// which the services generate their servers from, the gateway composes and
// the CLI generates its client against, and the operations weft's own
// clients send (operations/<client>.json), which the gateway registers as
// persisted operations. It has no dependencies and no
// state; anything may import it.
package schemas

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed graphql/*.graphqls
var graphqlFS embed.FS

// SDL returns the schema of the subgraph called name (e.g. "infra"), exactly
// as its file holds it.
func SDL(name string) (string, error) {
	b, err := fs.ReadFile(graphqlFS, "graphql/"+name+".graphqls")
	if err != nil {
		return "", fmt.Errorf("schemas: no subgraph %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	return string(b), nil
}

// Names lists the subgraphs, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(graphqlFS, "graphql")
	var out []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".graphqls"); ok {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
