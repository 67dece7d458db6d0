package kube_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// TestSecretsAreOpenedWithTheAgentsKeyAndAppliedAsSecretsItLogsNoValueOf:
// a secret entry, its values sealed to this agent's key, becomes a
// Kubernetes Secret with the values in clear there (where pods read
// them); an app takes a variable from its key; a value sealed to another
// agent's key is refused (reported, never applied); a Secret of the name
// that is not weft's is left alone; removing the entry deletes weft's;
// the agent's debug log holds no value.
func TestSecretsAreOpenedWithTheAgentsKeyAndAppliedAsSecretsItLogsNoValueOf(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: "prod"}, Data: map[string][]byte{"theirs": []byte("1")}}
	if _, err := c.CoreV1().Secrets("prod").Create(ctx, theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	mine, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctl := startController(t, c, kube.Config{Unseal: mine.Open,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	const known = "agent-known-secret-5d2a"
	entry := func(id, name string, to clusterstate.SealingKey, values map[string]string) clusterstate.Secret {
		l := weftLabels(clusterstate.RoleSecret, "env-prod", "prod", "", "")
		l[clusterstate.LabelSecretID] = id
		s := clusterstate.Secret{ID: id, Name: name, Namespace: "prod", Env: "prod", Labels: l, Version: 7, Sealed: map[string]string{}}
		for k, v := range values {
			sv, err := clusterstate.SealTo(to.Public, []byte(v))
			if err != nil {
				t.Fatal(err)
			}
			s.Sealed[k] = sv
		}
		return s
	}
	set(t, ctl, clusterstate.KindSecret, "s1", entry("s1", "db-creds", mine, map[string]string{"PASSWORD": known, "USER": "app"}))
	set(t, ctl, clusterstate.KindSecret, "s2", entry("s2", "stolen", other, map[string]string{"PASSWORD": "not for this agent"}))
	set(t, ctl, clusterstate.KindSecret, "s3", entry("s3", "taken", mine, map[string]string{"ours": "1"}))
	api := workloadEntry("a1", "api", "prod", 10, "ghcr.io/acme/api:1.4", 0)
	api.Container.Env = append(api.Container.Env, clusterstate.EnvVar{Name: "DB_PASSWORD",
		From: &clusterstate.KeyRef{Kind: clusterstate.SourceSecret, Name: "db-creds", Key: "PASSWORD"}})
	api.Container.Files = []clusterstate.FileMount{{Kind: clusterstate.SourceSecret, Name: "db-creds", Path: "/run/secrets/db"}}
	api.SourcesDigest = "v7"
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	ctl.Synced()

	wait.For(t, within, func() error {
		s, err := c.CoreV1().Secrets("prod").Get(ctx, "db-creds", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if string(s.Data["PASSWORD"]) != known || string(s.Data["USER"]) != "app" || s.Type != corev1.SecretTypeOpaque ||
			s.Labels[clusterstate.LabelSecretID] != "s1" || s.Labels[clusterstate.LabelManagedBy] != "weft" {
			return fmt.Errorf("secret db-creds: type %s labels %v keys %d", s.Type, s.Labels, len(s.Data))
		}
		_, err = c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
		return err
	})
	if _, err := c.CoreV1().Secrets("prod").Get(ctx, "stolen", metav1.GetOptions{}); gone(err, "a secret sealed to another agent") != nil {
		t.Errorf("a value sealed to another agent's key was applied")
	}
	if got, err := c.CoreV1().Secrets("prod").Get(ctx, "taken", metav1.GetOptions{}); err != nil || !maps.EqualFunc(got.Data, theirs.Data, bytes.Equal) || len(got.Labels) != 0 {
		t.Errorf("the Secret that is not weft's was changed: %+v (%v)", got, err)
	}
	d, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ct := d.Spec.Template.Spec.Containers[0]
	var ref *corev1.SecretKeySelector
	for _, e := range ct.Env {
		if e.Name == "DB_PASSWORD" && e.ValueFrom != nil {
			ref = e.ValueFrom.SecretKeyRef
		}
	}
	if ref == nil || ref.Name != "db-creds" || ref.Key != "PASSWORD" {
		t.Errorf("DB_PASSWORD does not come from the secret's key: %+v", ct.Env)
	}
	if vs := d.Spec.Template.Spec.Volumes; len(vs) != 1 || vs[0].Secret == nil || vs[0].Secret.SecretName != "db-creds" {
		t.Errorf("volumes %+v", vs)
	}
	for _, e := range ct.Env {
		if strings.Contains(e.Value, known) {
			t.Errorf("the pod template holds the value in clear")
		}
	}

	set(t, ctl, clusterstate.KindWorkload, "a1", nil)
	for _, id := range []string{"s1", "s2", "s3"} {
		set(t, ctl, clusterstate.KindSecret, id, nil)
	}
	wait.For(t, within, func() error {
		_, err := c.CoreV1().Secrets("prod").Get(ctx, "db-creds", metav1.GetOptions{})
		return gone(err, "secret db-creds")
	})
	if _, err := c.CoreV1().Secrets("prod").Get(ctx, "taken", metav1.GetOptions{}); err != nil {
		t.Errorf("the Secret that is not weft's was deleted: %v", err)
	}
	if b := logs.Bytes(); len(b) == 0 || bytes.Contains(b, []byte(known)) {
		t.Errorf("the agent's log (%d bytes) holds the value", len(b))
	}
}

// syncBuffer is a log sink written from the controller's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
