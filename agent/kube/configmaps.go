package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"weft.dev/events/clusterstate"
)

// keyConfig queues a config's ConfigMap.
const keyConfig = "cm/"

// setConfig takes over a config entry (nil v: removed) and returns its
// queue key. The caller holds c.mu.
func (c *Controller) setConfig(id string, v []byte) (string, error) {
	if v == nil {
		delete(c.configs, id)
		return keyConfig + id, nil
	}
	var cm clusterstate.ConfigMap
	if err := json.Unmarshal(v, &cm); err != nil {
		return "", fmt.Errorf("config %s: %w", id, err)
	}
	c.configs[id] = cm
	return keyConfig + id, nil
}

// reconcileConfigMap applies config id's ConfigMap, deletes what weft made
// for it under another name (or all of it when the config is gone). A
// ConfigMap of the name that is not weft's is refused, never adopted.
func (c *Controller) reconcileConfigMap(ctx context.Context, id string) error {
	c.mu.Lock()
	cm, want := c.configs[id]
	c.mu.Unlock()
	mine, err := c.configMaps.List(labels.SelectorFromSet(labels.Set{clusterstate.LabelConfigID: id, clusterstate.LabelRole: clusterstate.RoleConfig}))
	if err != nil {
		return err
	}
	for _, o := range mine {
		if want && o.Namespace == cm.Namespace && o.Name == cm.Name {
			continue
		}
		err := c.client.CoreV1().ConfigMaps(o.Namespace).Delete(ctx, o.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &o.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete config map %s/%s: %w", o.Namespace, o.Name, err)
		}
		c.log.Info("config map deleted", "namespace", o.Namespace, "name", o.Name)
	}
	if !want {
		return nil
	}
	// Asked of the API server: only weft's ConfigMaps are cached, and one
	// that is not weft's must be seen to be refused.
	cur, err := c.client.CoreV1().ConfigMaps(cm.Namespace).Get(ctx, cm.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return fmt.Errorf("get config map %s/%s: %w", cm.Namespace, cm.Name, err)
	case !owned(cur.Labels, clusterstate.LabelConfigID, id, clusterstate.RoleConfig):
		// Retried with back-off: the user may remove theirs.
		return fmt.Errorf("config map %s/%s %s", cm.Namespace, cm.Name, notWeft)
	case maps.Equal(cur.Data, cm.Data) && maps.Equal(subset(cur.Labels, cm.Labels), cm.Labels) && len(cur.BinaryData) == 0:
		return nil
	}
	// Forced only over weft's own (err == nil: found, and weft's); a new one is
	// applied unforced, so one made meanwhile by someone else conflicts.
	ac := corev1ac.ConfigMap(cm.Name, cm.Namespace).WithLabels(cm.Labels).WithData(cm.Data)
	if _, err := c.client.CoreV1().ConfigMaps(cm.Namespace).Apply(ctx, ac, applyOptions(err == nil)); err != nil {
		return fmt.Errorf("apply config map %s/%s: %w", cm.Namespace, cm.Name, refused(err))
	}
	return nil
}

// withSources gives a workload's container the variables and files it
// takes from ConfigMaps and Secrets, and its pod template the digest of
// their content
// (clusterstate.AnnotationSources), so a change of one rolls the pods.
func withSources(w clusterstate.Workload, cac *corev1ac.ContainerApplyConfiguration, pod *corev1ac.PodSpecApplyConfiguration, tpl *corev1ac.PodTemplateSpecApplyConfiguration) {
	ct := w.Container
	for _, e := range ct.EnvFrom {
		src := corev1ac.EnvFromSource().WithConfigMapRef(corev1ac.ConfigMapEnvSource().WithName(e.Name))
		if e.Kind == clusterstate.SourceSecret {
			src = corev1ac.EnvFromSource().WithSecretRef(corev1ac.SecretEnvSource().WithName(e.Name))
		}
		if e.Prefix != "" {
			src.WithPrefix(e.Prefix)
		}
		cac.WithEnvFrom(src)
	}
	for i, f := range ct.Files {
		// Volume names are DNS labels; the mount's index keeps them apart.
		name := "weft-files-" + strconv.Itoa(i)
		vol := corev1ac.Volume().WithName(name).WithConfigMap(corev1ac.ConfigMapVolumeSource().WithName(f.Name))
		if f.Kind == clusterstate.SourceSecret {
			vol = corev1ac.Volume().WithName(name).WithSecret(corev1ac.SecretVolumeSource().WithSecretName(f.Name))
		}
		pod.WithVolumes(vol)
		cac.WithVolumeMounts(corev1ac.VolumeMount().WithName(name).WithMountPath(f.Path).WithReadOnly(true))
	}
	if w.SourcesDigest != "" {
		tpl.WithAnnotations(map[string]string{clusterstate.AnnotationSources: w.SourcesDigest})
	}
}

// envVarOf is one variable of a container: its value, or a ConfigMap
// key's.
func envVarOf(e clusterstate.EnvVar) *corev1ac.EnvVarApplyConfiguration {
	v := corev1ac.EnvVar().WithName(e.Name)
	if e.From == nil {
		return v.WithValue(e.Value)
	}
	if e.From.Kind == clusterstate.SourceSecret {
		return v.WithValueFrom(corev1ac.EnvVarSource().WithSecretKeyRef(
			corev1ac.SecretKeySelector().WithName(e.From.Name).WithKey(e.From.Key)))
	}
	return v.WithValueFrom(corev1ac.EnvVarSource().WithConfigMapKeyRef(
		corev1ac.ConfigMapKeySelector().WithName(e.From.Name).WithKey(e.From.Key)))
}

// isConfigMap reports whether obj is a ConfigMap (objectChanged's switch).
func isConfigMap(obj any) bool {
	_, ok := obj.(*corev1.ConfigMap)
	return ok
}
