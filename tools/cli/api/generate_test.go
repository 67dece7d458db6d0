package api_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/Khan/genqlient/generate"

	"weft.dev/tools/apischema"
)

// TestGeneratedClientIsUpToDate is CI's drift check: the checked-in
// schema.graphqls must be what the subgraph schemas compose to, and
// generated.go what genqlient makes of the operations against it. Fix a
// failure with `go tool task generate-cli`.
func TestGeneratedClientIsUpToDate(t *testing.T) {
	composed, err := apischema.FromSubgraphs()
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile("schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(composed, onDisk) {
		t.Error("schema.graphqls differs from the composition of schemas/graphql/*.graphqls; run: go tool task generate-cli")
	}

	// Generate against the fresh composition, so that a subgraph change
	// that breaks an operation is reported here too.
	fresh := filepath.Join(t.TempDir(), "schema.graphqls")
	if err := os.WriteFile(fresh, composed, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := generate.ReadAndValidateConfig("genqlient.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Schema = generate.StringList{fresh}
	files, err := generate.Generate(cfg)
	if err != nil {
		t.Fatalf("generate the client from the operations: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("genqlient generated nothing")
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what genqlient generates; run: go tool task generate-cli", filepath.Base(path))
		}
	}
}
