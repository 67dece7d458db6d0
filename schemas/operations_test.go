package schemas

import "testing"

func TestRegisteredOperationsHaveTheirTextsHashAsID(t *testing.T) {
	ops, err := Operations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) < 20 {
		t.Fatalf("%d registered operations; the CLI alone sends more", len(ops))
	}
	seen := map[string]bool{}
	for _, o := range ops {
		if o.ID != OperationID(o.Query) || len(o.ID) != 64 || o.Name == "" || o.Client == "" {
			t.Errorf("operation %+v", o)
		}
		if seen[o.ID] {
			t.Errorf("operation %s registered twice", o.Name)
		}
		seen[o.ID] = true
	}
}
