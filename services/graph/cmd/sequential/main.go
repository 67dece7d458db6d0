// Command sequential rewrites a subgraph's gqlgen output so that the
// elements of a list, and the representations of an _entities call, are
// resolved one after the other on the request's goroutine instead of on a
// goroutine each. It runs after gqlgen (see the go:generate lines in each
// subgraph's resolver.go) and is idempotent.
//
// Why: the resolvers of accounts, infra and console read in-memory read
// models and never block on I/O, so the goroutines bought no parallelism; they cost one goroutine
// per list element and entity, each of which grew its stack through
// gqlgen's deep marshalling frames (runtime.copystack was 12% of the CPU
// of the gateway benchmark, BenchmarkGatewayServicesThroughput). The
// answers are the same: GraphQL allows any execution order for a query's
// fields, and gqlgen writes each result into its own slot. Audit's
// resolvers read the log over the network and keep their goroutines.
//
// Usage: sequential FILE... (rewritten in place).
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"strings"
)

func main() {
	for _, name := range os.Args[1:] {
		src, err := os.ReadFile(name)
		if err != nil {
			slog.Error("read generated file", "err", err)
			os.Exit(1)
		}
		out, n, err := Rewrite(name, src)
		if err != nil {
			slog.Error("rewrite generated file", "err", err)
			os.Exit(1)
		}
		if n == 0 {
			continue
		}
		if err := os.WriteFile(name, out, 0o644); err != nil {
			slog.Error("write generated file", "err", err)
			os.Exit(1)
		}
	}
}

// Rewrite removes the go keyword from every go statement in gqlgen's list
// marshallers (functions named marshal...) and in resolveEntityGroup (one
// goroutine per entity representation). Everything else, including the
// goroutines of deferred fragments and of subscriptions, stays as it is.
// It returns the new source and how many statements it changed.
func Rewrite(name string, src []byte) ([]byte, int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, 0, fmt.Errorf("parse %s: %w", name, err)
	}
	var offsets []int
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || !(strings.HasPrefix(fn.Name.Name, "marshal") || fn.Name.Name == "resolveEntityGroup") {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				offsets = append(offsets, fset.Position(g.Go).Offset)
			}
			return true
		})
	}
	// The declarations and their statements come in source order; cut from
	// the end so that earlier offsets stay valid.
	out := bytes.Clone(src)
	for i := len(offsets) - 1; i >= 0; i-- {
		o := offsets[i]
		if !bytes.HasPrefix(out[o:], []byte("go ")) {
			return nil, 0, fmt.Errorf("%s: offset %d: go statement does not start with %q", name, o, "go ")
		}
		out = append(out[:o], out[o+len("go "):]...)
	}
	return out, len(offsets), nil
}
