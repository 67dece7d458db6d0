package check

import (
	"path/filepath"
	"strings"
	"testing"
)

// Every overlay renders, and every object in it is a valid Kubernetes
// object that keeps weft's deployment rules.
func TestEveryOverlayRendersToValidObjects(t *testing.T) {
	for _, dir := range []string{"hub-all-in-one", "hub-split", "agent"} {
		t.Run(dir, func(t *testing.T) {
			docs, err := Render(filepath.Join("..", "kubernetes", dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range Validate(docs) {
				t.Error(err)
			}
			t.Logf("%d objects: %s", len(docs), Summary(docs))
		})
	}
}

// The hub runs weft against a three-node NATS cluster with R3 streams, and
// the split overlay has every service.
func TestTheHubRunsOnAThreeNodeNATSClusterAndTheSplitOverlayHasEveryService(t *testing.T) {
	docs, err := Render(filepath.Join("..", "kubernetes", "hub-split"))
	if err != nil {
		t.Fatal(err)
	}
	all := string(joined(docs))
	for _, want := range []string{"kind: StatefulSet", "replicas: 3", "--replicas=3", "name: weft-gateway", "name: weft-accounts",
		"name: weft-infra", "name: weft-console", "name: weft-audit", "name: weft-messageoffice", "--only=gateway"} {
		if !strings.Contains(all, want) {
			t.Errorf("hub-split lacks %q", want)
		}
	}
}

func joined(docs [][]byte) []byte {
	var b []byte
	for _, d := range docs {
		b = append(append(b, d...), "\n---\n"...)
	}
	return b
}

// The checker fails on the mistakes it is there for: an unknown field, a
// wrong type, a selector that selects nothing, a floating image, a missing
// probe and a budget over nothing.
func TestTheCheckerCatchesRealMistakes(t *testing.T) {
	good := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example/web:1.0.0
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
          livenessProbe: {httpGet: {path: /healthz, port: 80}}
          readinessProbe: {httpGet: {path: /healthz, port: 80}}
`
	if errs := Validate([][]byte{[]byte(good)}); len(errs) != 0 {
		t.Fatalf("a good Deployment: %v", errs)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"unknown field", "  replicas: 1", "  replica: 1", "unknown field"},
		{"wrong type", "  replicas: 1", "  replicas: one", "cannot unmarshal"},
		{"selector", "        app: web\n    spec", "        app: webb\n    spec", "does not select"},
		{"floating image", "example/web:1.0.0", "example/web:latest", "not pinned"},
		{"no probe", "          readinessProbe: {httpGet: {path: /healthz, port: 80}}\n", "", "probes"},
		{"no resources", "            requests: {cpu: 10m, memory: 16Mi}\n", "", "requests"},
	} {
		bad := strings.Replace(good, c.from, c.to, 1)
		if bad == good {
			t.Fatalf("%s: the mutation did not apply", c.name)
		}
		errs := Validate([][]byte{[]byte(bad)})
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, errs, c.want)
		}
	}
	pdb := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: nothing\n"
	if errs := Validate([][]byte{[]byte(good), []byte(pdb)}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "covers no workload") {
		t.Errorf("a budget over nothing: %v", errs)
	}
	if errs := Validate([][]byte{[]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no schema") {
		t.Errorf("an unknown kind: %v", errs)
	}
}
