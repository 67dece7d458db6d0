package kube_test

import (
	"fmt"
	"maps"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

func configEntry(id, name, ns string, data map[string]string) clusterstate.ConfigMap {
	l := weftLabels(clusterstate.RoleConfig, "env-"+ns, ns, "", "")
	l[clusterstate.LabelConfigID] = id
	return clusterstate.ConfigMap{ID: id, Name: name, Namespace: ns, Env: ns, Labels: l, Data: data}
}

// TestConfigsBecomeConfigMapsAndAChangeRollsTheDeploymentsThatUseThem: a
// config entry becomes a ConfigMap applied by weft-agent with weft's
// labels; an app's pod template takes a variable from one of its keys,
// every key as variables and the keys as files; a change of the config
// (a new digest in the workload entry) rolls the Deployment (a second
// ReplicaSet); a ConfigMap of a config's name that is not weft's is left
// as it was; a stale weft ConfigMap is pruned once the desired state is
// whole, and removing the entry deletes the ConfigMap.
func TestConfigsBecomeConfigMapsAndAChangeRollsTheDeploymentsThatUseThem(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: "prod", Labels: map[string]string{"owner": "ops"}},
		Data: map[string]string{"theirs": "1"}}
	stale := configEntry("cf-gone", "old-settings", "prod", nil)
	staleCM := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: stale.Name, Namespace: "prod", Labels: stale.Labels}}
	for _, cm := range []*corev1.ConfigMap{theirs, staleCM} {
		if _, err := c.CoreV1().ConfigMaps("prod").Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	ctl := startController(t, c, kube.Config{})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	settings := configEntry("cf1", "app-settings", "prod", map[string]string{"LOG_LEVEL": "debug", "app.yaml": "port: 8080\n"})
	set(t, ctl, clusterstate.KindConfig, "cf1", settings)
	set(t, ctl, clusterstate.KindConfig, "cf2", configEntry("cf2", "taken", "prod", map[string]string{"ours": "1"}))
	api := workloadEntry("a1", "api", "prod", 10, "ghcr.io/acme/api:1.4", 0)
	api.Container.Env = append(api.Container.Env, clusterstate.EnvVar{Name: "LOG_LEVEL",
		From: &clusterstate.KeyRef{Kind: clusterstate.SourceConfigMap, Name: "app-settings", Key: "LOG_LEVEL"}})
	api.Container.EnvFrom = []clusterstate.EnvFrom{{Kind: clusterstate.SourceConfigMap, Name: "app-settings", Prefix: "APP_"}}
	api.Container.Files = []clusterstate.FileMount{{Kind: clusterstate.SourceConfigMap, Name: "app-settings", Path: "/etc/app"}}
	api.SourcesDigest = "digest-1"
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	ctl.Synced()

	wait.For(t, within, func() error {
		cm, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "app-settings", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if !maps.Equal(cm.Data, settings.Data) || !maps.Equal(cm.Labels, settings.Labels) {
			return fmt.Errorf("config map data %v labels %v", cm.Data, cm.Labels)
		}
		if _, err := c.CoreV1().ConfigMaps("prod").Get(ctx, stale.Name, metav1.GetOptions{}); gone(err, "the stale config map") != nil {
			return gone(err, "the stale config map")
		}
		// The Deployment is applied after the config maps it uses.
		_, err = c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
		return err
	})
	cm, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "app-settings", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	applied := false
	for _, m := range cm.ManagedFields {
		applied = applied || m.Manager == clusterstate.FieldManager && m.Operation == metav1.ManagedFieldsOperationApply
	}
	if !applied {
		t.Errorf("config map not server-side applied by %s: %+v", clusterstate.FieldManager, cm.ManagedFields)
	}
	if got, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "taken", metav1.GetOptions{}); err != nil ||
		!maps.Equal(got.Data, theirs.Data) || !maps.Equal(got.Labels, theirs.Labels) {
		t.Errorf("the config map that is not weft's was changed: %+v (%v)", got, err)
	}

	d, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod := d.Spec.Template.Spec
	ct := pod.Containers[0]
	var fromKey *corev1.ConfigMapKeySelector
	for _, e := range ct.Env {
		if e.Name == "LOG_LEVEL" && e.ValueFrom != nil {
			fromKey = e.ValueFrom.ConfigMapKeyRef
		}
	}
	if fromKey == nil || fromKey.Name != "app-settings" || fromKey.Key != "LOG_LEVEL" {
		t.Errorf("LOG_LEVEL does not come from app-settings' key: %+v", ct.Env)
	}
	if len(ct.EnvFrom) != 1 || ct.EnvFrom[0].ConfigMapRef == nil || ct.EnvFrom[0].ConfigMapRef.Name != "app-settings" || ct.EnvFrom[0].Prefix != "APP_" {
		t.Errorf("env from: %+v", ct.EnvFrom)
	}
	if len(pod.Volumes) != 1 || pod.Volumes[0].ConfigMap == nil || pod.Volumes[0].ConfigMap.Name != "app-settings" ||
		len(ct.VolumeMounts) != 1 || ct.VolumeMounts[0].MountPath != "/etc/app" || !ct.VolumeMounts[0].ReadOnly ||
		ct.VolumeMounts[0].Name != pod.Volumes[0].Name {
		t.Errorf("files: volumes %+v mounts %+v", pod.Volumes, ct.VolumeMounts)
	}
	if got := d.Spec.Template.Annotations[clusterstate.AnnotationSources]; got != "digest-1" {
		t.Errorf("pod template's sources digest %q", got)
	}
	replicaSets := func() (int, error) {
		rs, err := c.AppsV1().ReplicaSets("prod").List(ctx, metav1.ListOptions{LabelSelector: clusterstate.LabelAppID + "=a1"})
		if err != nil {
			return 0, err
		}
		return len(rs.Items), nil
	}
	wait.For(t, within, func() error {
		if n, err := replicaSets(); err != nil || n != 1 {
			return fmt.Errorf("%d replica sets (%v), want 1", n, err)
		}
		return nil
	})

	// The config changes: the office sends its data and the workload's
	// new digest; the ConfigMap follows and the Deployment rolls.
	settings.Data = map[string]string{"LOG_LEVEL": "info", "app.yaml": "port: 8080\n"}
	set(t, ctl, clusterstate.KindConfig, "cf1", settings)
	api.SourcesDigest = "digest-2"
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	wait.For(t, within, func() error {
		cm, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "app-settings", metav1.GetOptions{})
		if err != nil || cm.Data["LOG_LEVEL"] != "info" {
			return fmt.Errorf("config map after the change: %v (%v)", cm.Data, err)
		}
		if n, err := replicaSets(); err != nil || n != 2 {
			return fmt.Errorf("%d replica sets (%v), want 2: the change did not roll the deployment", n, err)
		}
		return nil
	})

	set(t, ctl, clusterstate.KindWorkload, "a1", nil)
	set(t, ctl, clusterstate.KindConfig, "cf1", nil)
	set(t, ctl, clusterstate.KindConfig, "cf2", nil)
	wait.For(t, within, func() error {
		_, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "app-settings", metav1.GetOptions{})
		return gone(err, "config map app-settings")
	})
	if _, err := c.CoreV1().ConfigMaps("prod").Get(ctx, "taken", metav1.GetOptions{}); err != nil {
		t.Errorf("the config map that is not weft's was deleted: %v", err)
	}
}
