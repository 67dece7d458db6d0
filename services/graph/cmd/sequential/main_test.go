package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSubgraphsAreSequential fails when a subgraph was regenerated with
// gqlgen alone: run go generate in its subgraph folder, which runs this
// command after gqlgen. Audit is left out on purpose (its resolver.go).
func TestSubgraphsAreSequential(t *testing.T) {
	for _, svc := range []string{"accounts", "infra", "console"} {
		for _, file := range []string{"generated.go", "federation.go"} {
			name := filepath.Join("..", "..", "..", svc, "subgraph", file)
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if _, n, err := Rewrite(name, src); err != nil || n != 0 {
				t.Errorf("%s: %d goroutines left (err %v); run go generate in %s/subgraph", name, n, err, svc)
			}
		}
	}
}

func TestRewrite(t *testing.T) {
	src := `package p

func (ec *executionContext) marshalNThing(v []int) {
	for i := range v {
		f := func(i int) {}
		if len(v) == 1 {
			f(i)
		} else {
			go f(i)
		}
	}
}

func (ec *executionContext) resolveEntityGroup(reps []int) {
	for i, rep := range reps {
		go func(i int, rep int) {
		}(i, rep)
	}
}

func (ec *executionContext) processDeferredGroup() {
	go func() {}()
}
`
	out, n, err := Rewrite("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("rewrote %d statements, want 2", n)
	}
	got := string(out)
	for _, want := range []string{"} else {\n\t\t\tf(i)\n", "\t\tfunc(i int, rep int) {", "\tgo func() {}()"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	again, n, err := Rewrite("p.go", out)
	if err != nil || n != 0 || string(again) != got {
		t.Errorf("second rewrite changed %d statements (err %v)", n, err)
	}
}
