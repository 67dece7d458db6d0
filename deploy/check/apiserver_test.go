package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"

	"weft.dev/agent/kube/kubetest"
)

// Every object of every kustomization under deploy/kubernetes is accepted by
// a real kube-apiserver (weft.dev/agent/kube/kubetest): server-side apply,
// dry run, strict field validation, so the API server's own validation and
// admission (not only the Go types Validate decodes into) pass each manifest
// before a cluster sees it. Namespaces the objects live in are created for
// real first, as `kubectl apply` would have them from the same overlay.
func TestEveryManifestIsAcceptedByTheAPIServer(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	dyn, err := dynamic.NewForConfig(cp.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(cp.Client.Discovery()))

	// apply is what the check does with each object: a server-side apply
	// that is validated and admitted in full but not stored.
	apply := func(o *unstructured.Unstructured) error {
		gvk := o.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("the API server does not serve %s: %w", gvk, err)
		}
		body, err := o.MarshalJSON()
		if err != nil {
			return err
		}
		// As kubectl does: a cluster-scoped object is applied without the
		// namespace kustomize may have set on a kind it does not know
		// (a ValidatingAdmissionPolicy).
		ns := o.GetNamespace()
		if m.Scope.Name() == meta.RESTScopeNameRoot {
			ns = ""
		}
		_, err = dyn.Resource(m.Resource).Namespace(ns).Patch(ctx, o.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{
			FieldManager:    "deploy-check",
			DryRun:          []string{metav1.DryRunAll},
			FieldValidation: metav1.FieldValidationStrict,
		})
		return err
	}

	// The check can fail: what the API server refuses and the Go types let
	// through (a selector that misses its own template, a port out of
	// range) and an unknown field are refused here.
	bad := []struct{ object, refusal string }{
		{`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x","namespace":"default"},"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"y"}},"spec":{"containers":[{"name":"x","image":"x:1"}]}}}}`,
			"`selector` does not match template `labels`"},
		{`{"apiVersion":"v1","kind":"Service","metadata":{"name":"x","namespace":"default"},"spec":{"ports":[{"port":70000}]}}`,
			"must be between 1 and 65535"},
		{`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"},"dat":{"a":"b"}}`,
			"field not declared in schema"},
	}
	for _, b := range bad {
		o := &unstructured.Unstructured{}
		if err := o.UnmarshalJSON([]byte(b.object)); err != nil {
			t.Fatal(err)
		}
		if err := apply(o); err == nil || !strings.Contains(err.Error(), b.refusal) {
			t.Errorf("dry-run apply of %s: %v, want refused with %q", b.object, err, b.refusal)
		}
	}

	dirs, err := Kustomizations(filepath.Join("..", "kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			docs, err := Render(dir)
			if err != nil {
				t.Fatal(err)
			}
			objs := make([]*unstructured.Unstructured, 0, len(docs))
			for _, d := range docs {
				o := &unstructured.Unstructured{}
				if err := yaml.Unmarshal(d, &o.Object); err != nil {
					t.Fatalf("decode %s: %v", d, err)
				}
				objs = append(objs, o)
				if ns := o.GetNamespace(); ns != "" {
					_, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
					if err != nil && !apierrors.IsAlreadyExists(err) {
						t.Fatalf("create namespace %s: %v", ns, err)
					}
				}
			}
			for _, o := range objs {
				if err := apply(o); err != nil {
					t.Errorf("%s %s/%s refused: %v", o.GetKind(), o.GetNamespace(), o.GetName(), err)
				}
			}
			t.Logf("%d objects accepted", len(objs))
		})
	}
}
