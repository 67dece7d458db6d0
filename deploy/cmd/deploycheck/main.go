// Command deploycheck renders every Kustomize overlay under a directory
// (deploy/kubernetes by default) and checks each object it makes: strictly
// against the Kubernetes API types, and against weft's deployment rules
// (weft.dev/deploy/check). It exits 1 on any problem, for CI:
//
//	go run weft.dev/deploy/cmd/deploycheck [DIR]
package main

import (
	"fmt"
	"io"
	"os"

	"weft.dev/deploy/check"
)

func main() {
	root := "deploy/kubernetes"
	if len(os.Args) > 2 {
		fmt.Fprintln(os.Stderr, "usage: deploycheck [DIR]")
		os.Exit(2)
	}
	if len(os.Args) == 2 {
		root = os.Args[1]
	}
	if !run(os.Stdout, root) {
		os.Exit(1)
	}
}

// run checks every kustomization under root and reports; false when any
// failed.
func run(w io.Writer, root string) bool {
	dirs, err := check.Kustomizations(root)
	if err != nil {
		fmt.Fprintln(w, err)
		return false
	}
	ok := true
	for _, d := range dirs {
		n, errs := check.Check(d)
		for _, err := range errs {
			fmt.Fprintf(w, "%s: %v\n", d, err)
		}
		if len(errs) > 0 {
			ok = false
			continue
		}
		fmt.Fprintf(w, "%s: %d objects ok\n", d, n)
	}
	return ok
}
