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
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Kustomizations lists every directory under root holding a
// kustomization.yaml, sorted: each is rendered and checked, so a new overlay
// is checked without anyone listing it.
func Kustomizations(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "kustomization.yaml" {
			dirs = append(dirs, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find kustomizations under %s: %w", root, err)
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no kustomization.yaml under %s", root)
	}
	sort.Strings(dirs)
	return dirs, nil
}

// Check renders dir and validates what it makes.
func Check(dir string) (objects int, errs []error) {
	if _, err := os.Stat(dir); err != nil {
		return 0, []error{err}
	}
	docs, err := Render(dir)
	if err != nil {
		return 0, []error{err}
	}
	return len(docs), Validate(docs)
}

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
	case "rbac.authorization.k8s.io/v1/ClusterRole":
		return &rbacv1.ClusterRole{}, true
	case "rbac.authorization.k8s.io/v1/ClusterRoleBinding":
		return &rbacv1.ClusterRoleBinding{}, true
	case "networking.k8s.io/v1/NetworkPolicy":
		return &networkingv1.NetworkPolicy{}, true
	case "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy":
		return &admissionv1.ValidatingAdmissionPolicy{}, true
	case "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding":
		return &admissionv1.ValidatingAdmissionPolicyBinding{}, true
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
func podOf(o object) (*metav1.LabelSelector, *corev1.PodTemplateSpec, bool) {
	switch w := o.v.(type) {
	case *appsv1.Deployment:
		return w.Spec.Selector, &w.Spec.Template, true
	case *appsv1.StatefulSet:
		return w.Spec.Selector, &w.Spec.Template, true
	case *appsv1.DaemonSet:
		return w.Spec.Selector, &w.Spec.Template, true
	}
	return nil, nil, false
}

// selectorOf converts a label selector; nil or empty selects nothing here,
// as a workload, budget or Service without one is a mistake.
func selectorOf(ls *metav1.LabelSelector) (labels.Selector, error) {
	if ls == nil || (len(ls.MatchLabels) == 0 && len(ls.MatchExpressions) == 0) {
		return labels.Nothing(), nil
	}
	return metav1.LabelSelectorAsSelector(ls)
}

func rules(o object, all []object) []error {
	var errs []error
	id := o.kind + "/" + o.name
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(id+": "+format, args...)) }
	secretKey := func(what, name, key string) {
		if d, ok := secretData(all, name); !ok {
			bad("%s reads Secret %q, which the build does not make", what, name)
		} else if _, ok := d[key]; !ok {
			bad("%s reads key %q of Secret %q, which has no such key", what, key, name)
		}
	}
	if ls, pod, ok := podOf(o); ok {
		sel, err := selectorOf(ls)
		if err != nil {
			bad("selector: %v", err)
		} else if !sel.Matches(labels.Set(pod.Labels)) {
			bad("selector %v does not select its own pods (labels %v)", sel, pod.Labels)
		}
		if replicas(o) > 1 && !spreads(pod) {
			bad("%d replicas and nothing spreads them over hosts (podAntiAffinity or topologySpreadConstraints on kubernetes.io/hostname selecting its own pods)", replicas(o))
		}
		for _, c := range append(append([]corev1.Container{}, pod.Spec.InitContainers...), pod.Spec.Containers...) {
			if !strings.Contains(c.Image, ":") || strings.HasSuffix(c.Image, ":latest") {
				bad("container %s: image %q is not pinned to a version", c.Name, c.Image)
			}
			for _, e := range c.Env {
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil {
					secretKey(fmt.Sprintf("container %s: env %s", c.Name, e.Name), r.SecretKeyRef.Name, r.SecretKeyRef.Key)
				}
				if r := e.ValueFrom; r != nil && r.ConfigMapKeyRef != nil && !exists(all, "ConfigMap", r.ConfigMapKeyRef.Name) {
					bad("container %s: env %s reads ConfigMap %q, which the build does not make", c.Name, e.Name, r.ConfigMapKeyRef.Name)
				}
			}
		}
		for _, c := range pod.Spec.Containers {
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				bad("container %s: needs cpu and memory requests and a memory limit", c.Name)
			}
			if c.LivenessProbe == nil || c.ReadinessProbe == nil {
				bad("container %s: needs liveness and readiness probes", c.Name)
			}
		}
		for _, v := range pod.Spec.Volumes {
			if v.Secret != nil {
				for _, it := range v.Secret.Items {
					secretKey("volume "+v.Name, v.Secret.SecretName, it.Key)
				}
				if !exists(all, "Secret", v.Secret.SecretName) {
					bad("volume %s: Secret %q is not in the build", v.Name, v.Secret.SecretName)
				}
			}
			if v.ConfigMap != nil && !exists(all, "ConfigMap", v.ConfigMap.Name) {
				bad("volume %s: ConfigMap %q is not in the build", v.Name, v.ConfigMap.Name)
			}
			if v.PersistentVolumeClaim != nil && !exists(all, "PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName) {
				bad("volume %s: PersistentVolumeClaim %q is not in the build", v.Name, v.PersistentVolumeClaim.ClaimName)
			}
			if v.Projected != nil {
				for _, src := range v.Projected.Sources {
					if src.ConfigMap != nil && !exists(all, "ConfigMap", src.ConfigMap.Name) {
						bad("volume %s: ConfigMap %q is not in the build", v.Name, src.ConfigMap.Name)
					}
					if src.Secret != nil {
						for _, it := range src.Secret.Items {
							secretKey("volume "+v.Name, src.Secret.Name, it.Key)
						}
						if !exists(all, "Secret", src.Secret.Name) {
							bad("volume %s: Secret %q is not in the build", v.Name, src.Secret.Name)
						}
					}
				}
			}
		}
	}
	switch v := o.v.(type) {
	case *corev1.Service:
		if v.Spec.Selector != nil && !selectsAny(all, labels.SelectorFromSet(v.Spec.Selector)) {
			bad("selector %v selects no workload's pods", v.Spec.Selector)
		}
	case *policyv1.PodDisruptionBudget:
		if sel, err := selectorOf(v.Spec.Selector); err != nil {
			bad("selector: %v", err)
		} else if !selectsAny(all, sel) {
			bad("the budget covers no workload")
		}
	case *networkingv1.NetworkPolicy:
		// An empty podSelector is every pod of the namespace, on purpose.
		if sel, err := metav1.LabelSelectorAsSelector(&v.Spec.PodSelector); err != nil {
			bad("podSelector: %v", err)
		} else if !selectsAny(all, sel) {
			bad("podSelector %v selects no workload's pods", sel)
		}
		for _, in := range v.Spec.Ingress {
			for _, peer := range in.From {
				if peer.PodSelector == nil || peer.NamespaceSelector != nil {
					continue // other namespaces' pods are not in this build
				}
				if sel, err := metav1.LabelSelectorAsSelector(peer.PodSelector); err != nil {
					bad("ingress from: %v", err)
				} else if !selectsAny(all, sel) {
					bad("ingress from %v: selects no workload's pods", sel)
				}
			}
		}
	}
	return errs
}

// replicas is a Deployment's or StatefulSet's replica count (1 when unset,
// as the API defaults it); DaemonSets run one per node anyway.
func replicas(o object) int32 {
	var r *int32
	switch w := o.v.(type) {
	case *appsv1.Deployment:
		r = w.Spec.Replicas
	case *appsv1.StatefulSet:
		r = w.Spec.Replicas
	}
	if r == nil {
		return 1
	}
	return *r
}

// spreads reports whether the pod's scheduling keeps its replicas apart on
// hosts: replicas of a service on one node all go when that node does.
func spreads(pod *corev1.PodTemplateSpec) bool {
	own := func(ls *metav1.LabelSelector) bool {
		sel, err := selectorOf(ls)
		return err == nil && sel.Matches(labels.Set(pod.Labels))
	}
	const host = "kubernetes.io/hostname"
	for _, c := range pod.Spec.TopologySpreadConstraints {
		if c.TopologyKey == host && own(c.LabelSelector) {
			return true
		}
	}
	if a := pod.Spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			if t.TopologyKey == host && own(t.LabelSelector) {
				return true
			}
		}
		for _, w := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			if w.PodAffinityTerm.TopologyKey == host && own(w.PodAffinityTerm.LabelSelector) {
				return true
			}
		}
	}
	return false
}

func exists(all []object, kind, name string) bool {
	for _, o := range all {
		if o.kind == kind && o.name == name {
			return true
		}
	}
	return false
}

// secretData is a Secret's keys (data and stringData).
func secretData(all []object, name string) (map[string]bool, bool) {
	for _, o := range all {
		if s, ok := o.v.(*corev1.Secret); ok && o.name == name {
			keys := map[string]bool{}
			for k := range s.Data {
				keys[k] = true
			}
			for k := range s.StringData {
				keys[k] = true
			}
			return keys, true
		}
	}
	return nil, false
}

func selectsAny(all []object, sel labels.Selector) bool {
	for _, o := range all {
		if _, pod, ok := podOf(o); ok && sel.Matches(labels.Set(pod.Labels)) {
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
