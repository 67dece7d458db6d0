package check

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Every kustomization under deploy/kubernetes renders, and every object in
// it is a valid Kubernetes object that keeps weft's deployment rules.
func TestEveryOverlayRendersToValidObjects(t *testing.T) {
	dirs, err := Kustomizations(filepath.Join("..", "kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, dir := range dirs {
		seen[filepath.Base(dir)] = true
		t.Run(filepath.Base(dir), func(t *testing.T) {
			docs, err := Render(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, err := range Validate(docs) {
				t.Error(err)
			}
			t.Logf("%d objects: %s", len(docs), Summary(docs))
		})
	}
	for _, want := range []string{"base", "hub-all-in-one", "hub-split", "agent"} {
		if !seen[want] {
			t.Errorf("no kustomization %s found under deploy/kubernetes", want)
		}
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
// probe, replicas that may all share a host and a budget over nothing.
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
	replicated := strings.Replace(good, "  replicas: 1", "  replicas: 3", 1)
	if errs := Validate([][]byte{[]byte(replicated)}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "spreads them over hosts") {
		t.Errorf("three replicas that may share a host: %v", errs)
	}
	spread := strings.Replace(replicated, "    spec:\n", "    spec:\n      topologySpreadConstraints:\n        - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}\n", 1)
	if errs := Validate([][]byte{[]byte(spread)}); len(errs) != 0 {
		t.Errorf("three replicas spread over hosts: %v", errs)
	}
	if errs := Validate([][]byte{[]byte(strings.Replace(spread, "{app: web}", "{app: other}", 1))}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "spreads them") {
		t.Errorf("a spread constraint over other pods: %v", errs)
	}
	pdb := "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: nothing\n"
	if errs := Validate([][]byte{[]byte(good), []byte(pdb)}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "covers no workload") {
		t.Errorf("a budget over nothing: %v", errs)
	}
	if errs := Validate([][]byte{[]byte("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "no schema") {
		t.Errorf("an unknown kind: %v", errs)
	}
}

// References must resolve in the build: a Secret key the pod reads, a
// ConfigMap a projected volume needs, a Service's, budget's and network
// policy's selectors.
func TestTheCheckerCatchesReferencesToNothing(t *testing.T) {
	pod := `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: example/db:1.0.0
          env:
            - name: PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password}
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
          livenessProbe: {tcpSocket: {port: 5432}}
          readinessProbe: {tcpSocket: {port: 5432}}
      volumes:
        - name: config
          projected:
            sources:
              - configMap: {name: db-config}
`
	secret := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: x\n"
	config := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db-config\n"
	service := "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector:\n    app: db\n  ports:\n    - port: 5432\n"
	policy := `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
spec:
  podSelector:
    matchExpressions:
      - {key: app, operator: In, values: [db]}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: db}
`
	docs := func(ds ...string) [][]byte {
		var out [][]byte
		for _, d := range ds {
			out = append(out, []byte(d))
		}
		return out
	}
	if errs := Validate(docs(pod, secret, config, service, policy)); len(errs) != 0 {
		t.Fatalf("a consistent set: %v", errs)
	}
	for _, c := range []struct {
		name string
		docs [][]byte
		want string
	}{
		{"missing Secret", docs(pod, config), `reads Secret "db"`},
		{"missing key", docs(pod, strings.Replace(secret, "password:", "passwd:", 1), config), `no such key`},
		{"missing ConfigMap", docs(pod, secret), `ConfigMap "db-config" is not in the build`},
		{"Service selecting nothing", docs(pod, secret, config, strings.Replace(service, "app: db", "app: dbb", 1)), "selects no workload"},
		{"policy selecting nothing", docs(pod, secret, config, strings.Replace(policy, "values: [db]", "values: [web]", 1)), "podSelector"},
		{"policy allowing nothing", docs(pod, secret, config, strings.Replace(policy, "{app: db}", "{app: gateway}", 1)), "ingress from"},
	} {
		errs := Validate(c.docs)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%s: %v, want one error saying %q", c.name, errs, c.want)
		}
	}
}

// Every weft-server that hosts the audit service signs the log's
// checkpoints with the one key in the weft-secrets Secret: a key of its
// own in the pod's scratch data directory would change at every restart
// and differ between replicas, so each replica would take the other's
// checkpoints (and its own from before the restart) for tampering and
// stop sealing the team.
func TestEveryProcessHostingAuditSignsCheckpointsWithTheKeyFromTheSecret(t *testing.T) {
	dirs, err := Kustomizations(filepath.Join("..", "kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	hosts := 0
	for _, dir := range dirs {
		docs, err := Render(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			var dep appsv1.Deployment
			if yaml.Unmarshal(d, &dep) != nil || dep.Kind != "Deployment" {
				continue
			}
			pod := dep.Spec.Template.Spec
			for _, c := range pod.Containers {
				if !strings.Contains(c.Image, "/weft-server:") {
					continue
				}
				only, keyFile := "", ""
				for _, a := range c.Args {
					if v, ok := strings.CutPrefix(a, "--only="); ok {
						only = v
					}
					if v, ok := strings.CutPrefix(a, "--checkpoint-key-file="); ok {
						keyFile = v
					}
				}
				if only != "" && !slices.Contains(strings.Split(only, ","), "audit") {
					continue
				}
				hosts++
				where := filepath.Base(dir) + "/" + dep.Name
				if keyFile == "" {
					t.Errorf("%s hosts audit without --checkpoint-key-file: it makes a key of its own in its data directory", where)
					continue
				}
				if !fromSecretItem(pod, c, keyFile, "weft-secrets", "checkpoint.key") {
					t.Errorf("%s reads its checkpoint key from %s, which is not weft-secrets' checkpoint.key", where, keyFile)
				}
			}
		}
	}
	if hosts == 0 {
		t.Fatal("no overlay runs the audit service")
	}
}

// fromSecretItem reports whether path, in container c of pod, is the item
// key of Secret secret (as kustomize names it) mounted from a volume.
func fromSecretItem(pod corev1.PodSpec, c corev1.Container, path, secret, key string) bool {
	for _, m := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			// kustomize's generator names the Secret secret-<hash>.
			if v.Name != m.Name || v.Secret == nil || (v.Secret.SecretName != secret && !strings.HasPrefix(v.Secret.SecretName, secret+"-")) {
				continue
			}
			for _, it := range v.Secret.Items {
				if it.Key == key && filepath.Join(m.MountPath, it.Path) == path {
					return true
				}
			}
		}
	}
	return false
}
