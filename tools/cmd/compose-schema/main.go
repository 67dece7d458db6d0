// Command compose-schema writes tools/cli/api/schema.graphqls, the
// client-facing schema of the gateway, from the subgraph schemas that
// package weft.dev/schemas embeds. The CLI's typed client is generated
// against it (go tool task generate-cli).
package main

import (
	"flag"
	"fmt"
	"os"

	"weft.dev/tools/apischema"
)

func main() {
	out := flag.String("o", "tools/cli/api/schema.graphqls", "where to write the composed schema")
	flag.Parse()
	b, err := apischema.FromSubgraphs()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-schema:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "compose-schema:", err)
		os.Exit(1)
	}
}
