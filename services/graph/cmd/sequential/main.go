// Command sequential rewrites a subgraph's gqlgen output so that the
// elements of a list, and the representations of an _entities call, are
// resolved one after the other on the request's goroutine instead of on a
// goroutine each. It runs after gqlgen (see the go:generate lines in each
// subgraph's resolver.go) and is idempotent.
//
// Why: every weft resolver reads an in-memory read model and never blocks
// on I/O, so the goroutines bought no parallelism; they cost one goroutine
// per list element and entity, each of which grew its stack through
// gqlgen's deep marshalling frames (runtime.copystack was 12% of the CPU
// of the gateway benchmark, BenchmarkGatewayServicesThroughput). The
// answers are the same: GraphQL allows any execution order for a query's
// fields, and gqlgen writes each result into its own slot.
//
// Usage: sequential FILE... (rewritten in place). With -check it writes
// nothing and fails when a file is not rewritten yet.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"os"
	"slices"
	"strings"
)

func main() {
	check := flag.Bool("check", false, "report files that need rewriting, change nothing")
	flag.Parse()
	failed := false
	for _, name := range flag.Args() {
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
		switch {
		case n == 0:
		case *check:
			fmt.Fprintf(os.Stderr, "%s: %d goroutines to make sequential; run go generate\n", name, n)
			failed = true
		default:
			if err := os.WriteFile(name, out, 0o644); err != nil {
				slog.Error("write generated file", "err", err)
				os.Exit(1)
			}
		}
	}
	if failed {
		os.Exit(1)
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
	// Cut from the end so that earlier offsets stay valid.
	slices.Sort(offsets)
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
