package kubetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// Apply creates every object of a YAML stream ("---"-separated, as an
// operator's `kubectl apply -f` takes it) as the administrator, in order,
// and fails the test on the first one the API server refuses. Any kind the
// API server serves works, so a test applies a manifest of the repository
// as it is instead of a copy of its kinds.
func (c *ControlPlane) Apply(t testing.TB, manifest []byte) {
	t.Helper()
	if err := c.apply(t.Context(), manifest); err != nil {
		t.Fatal(err)
	}
}

func (c *ControlPlane) apply(ctx context.Context, manifest []byte) error {
	dyn, err := dynamic.NewForConfig(c.AdminConfig())
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.Client.Discovery()))
	for i, doc := range strings.Split("\n"+string(manifest), "\n---") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var o unstructured.Unstructured
		if err := yaml.Unmarshal([]byte(doc), &o.Object); err != nil {
			return fmt.Errorf("document %d: %w", i, err)
		}
		if len(o.Object) == 0 {
			continue // only comments
		}
		gvk := o.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s %s: %w", gvk.Kind, o.GetName(), err)
		}
		var r dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if m.Scope.Name() == "namespace" {
			ns := o.GetNamespace()
			if ns == "" {
				ns = "default"
			}
			r = dyn.Resource(m.Resource).Namespace(ns)
		}
		if _, err := r.Create(ctx, &o, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s %s: %w", gvk.Kind, o.GetName(), err)
		}
	}
	return nil
}
