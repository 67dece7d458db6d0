package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CI fails when an overlay does: a misspelt field in a resource of one
// kustomization fails the run and names the object and the field, while
// the repository's own overlays pass.
func TestAnOverlayWithAMistakeFailsTheRunAndTheRepositorysPass(t *testing.T) {
	var out strings.Builder
	if !run(&out, filepath.Join("..", "..", "kubernetes")) {
		t.Fatalf("deploy/kubernetes fails:\n%s", out.String())
	}

	root := t.TempDir()
	dir := filepath.Join(root, "broken")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("kustomization.yaml", "resources:\n  - service.yaml\n")
	write("service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n      targetPrt: 8080\n")
	out.Reset()
	if run(&out, root) {
		t.Fatalf("a Service with a misspelt field passed:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Service/web") || !strings.Contains(out.String(), "targetPrt") {
		t.Errorf("the report does not name the object and field:\n%s", out.String())
	}
}
