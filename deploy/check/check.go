// Package check renders weft's Kubernetes manifests (every Kustomize
// overlay, in process) and validates what comes out: each object decodes
// strictly into its Kubernetes API type (an unknown or misspelt field, or a
// wrong type, is an error, as the API server would say), and the rules a
// weft deployment keeps hold (pinned images, resources and probes on every
// container, selectors that select their pods, budgets that cover a
// workload). The Kubernetes JSON schemas kubeconform downloads are not
// reachable from CI, so the API types themselves are the schema.
package check

import (
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Render builds the kustomization in dir and returns its objects as YAML
// documents.
func Render(dir string) ([][]byte, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	m, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", dir, err)
	}
	var out [][]byte
	for _, r := range m.Resources() {
		b, err := r.AsYAML()
		if err != nil {
			return nil, fmt.Errorf("render %s: %s: %w", dir, r.CurId(), err)
		}
		out = append(out, b)
	}
	return out, nil
}

// object is one decoded manifest.
type object struct {
	kind, name string
	v          any
}

func newOf(apiVersion, kind string) (any, bool) {
	switch apiVersion + "/" + kind {
	case "v1/Namespace":
		return &corev1.Namespace{}, true
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1/Secret":
		return &corev1.Secret{}, true
	case "v1/Service":
		return &corev1.Service{}, true
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "v1/PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}, true
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, true
	case "apps/v1/StatefulSet":
		return &appsv1.StatefulSet{}, true
	case "apps/v1/DaemonSet":
		return &appsv1.DaemonSet{}, true
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	case "networking.k8s.io/v1/NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, true
	}
	return nil, false
}

// Validate checks rendered documents and returns every problem found.
func Validate(docs [][]byte) []error {
	var errs []error
	var objs []object
	for _, d := range docs {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal(d, &head); err != nil {
			errs = append(errs, fmt.Errorf("not a Kubernetes object: %w", err))
			continue
		}
		id := head.Kind + "/" + head.Metadata.Name
		v, ok := newOf(head.APIVersion, head.Kind)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no schema for %s %s (add it to check.newOf)", id, head.APIVersion, head.Kind))
			continue
		}
		if err := yaml.UnmarshalStrict(d, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		objs = append(objs, object{kind: head.Kind, name: head.Metadata.Name, v: v})
	}
	for _, o := range objs {
		errs = append(errs, rules(o, objs)...)
	}
	return errs
}

// podOf is a workload's selector and pod template.
func podOf(o object) (map[string]string, *corev1.PodTemplateSpec, bool) {
	switch w := o.v.(type) {
	case *appsv1.Deployment:
		return selector(w.Spec.Selector.MatchLabels), &w.Spec.Template, true
	case *appsv1.StatefulSet:
		return selector(w.Spec.Selector.MatchLabels), &w.Spec.Template, true
	case *appsv1.DaemonSet:
		return selector(w.Spec.Selector.MatchLabels), &w.Spec.Template, true
	}
	return nil, nil, false
}

func selector(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func selects(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func rules(o object, all []object) []error {
	var errs []error
	id := o.kind + "/" + o.name
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(id+": "+format, args...)) }
	if sel, pod, ok := podOf(o); ok {
		if !selects(sel, pod.Labels) {
			bad("selector %v does not select its own pods (labels %v)", sel, pod.Labels)
		}
		for _, c := range pod.Spec.Containers {
			if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
				bad("container %s: image %q is not pinned to a version", c.Name, c.Image)
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				bad("container %s: needs cpu and memory requests and a memory limit", c.Name)
			}
			if c.LivenessProbe == nil || c.ReadinessProbe == nil {
				bad("container %s: needs liveness and readiness probes", c.Name)
			}
			for _, e := range c.Env {
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil && !exists(all, "Secret", r.SecretKeyRef.Name) {
					bad("container %s: env %s reads Secret %q, which the build does not make", c.Name, e.Name, r.SecretKeyRef.Name)
				}
			}
		}
		for _, v := range pod.Spec.Volumes {
			if v.Secret != nil && !exists(all, "Secret", v.Secret.SecretName) {
				bad("volume %s: Secret %q is not in the build", v.Name, v.Secret.SecretName)
			}
			if v.ConfigMap != nil && !exists(all, "ConfigMap", v.ConfigMap.Name) {
				bad("volume %s: ConfigMap %q is not in the build", v.Name, v.ConfigMap.Name)
			}
		}
	}
	switch v := o.v.(type) {
	case *corev1.Service:
		if v.Spec.Selector != nil && !selectsAny(all, v.Spec.Selector) {
			bad("selector %v selects no workload's pods", v.Spec.Selector)
		}
	case *policyv1.PodDisruptionBudget:
		if v.Spec.Selector == nil || !selectsAny(all, v.Spec.Selector.MatchLabels) {
			bad("the budget covers no workload")
		}
	}
	return errs
}

func exists(all []object, kind, name string) bool {
	for _, o := range all {
		if o.kind == kind && o.name == name {
			return true
		}
	}
	return false
}

func selectsAny(all []object, sel map[string]string) bool {
	for _, o := range all {
		if _, pod, ok := podOf(o); ok && selects(sel, pod.Labels) {
			return true
		}
	}
	return false
}

// Summary lists kinds and names, for logs.
func Summary(docs [][]byte) string {
	var names []string
	for _, d := range docs {
		var h struct {
			Kind     string                `json:"kind"`
			Metadata struct{ Name string } `json:"metadata"`
		}
		_ = yaml.Unmarshal(d, &h)
		names = append(names, h.Kind+"/"+h.Metadata.Name)
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}
