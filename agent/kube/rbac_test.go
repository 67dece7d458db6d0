package kube_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// TestTheAgentReachesSecretsOnlyInWeftsNamespacesByItsOwnBinding: with the
// agent overlay's RBAC and admission policy applied as an operator would,
// the agent's service account reads no Secret of the cluster until it has
// made an environment's namespace; there it binds itself the Secrets
// role and applies the environment's secret; it still reads none in
// kube-system, cannot bind itself the role there, cannot claim kube-system
// by labelling it weft's, cannot bind the role to anyone else nor bind any
// other role; deleting the environment takes its namespace, binding and
// Secret with it.
func TestTheAgentReachesSecretsOnlyInWeftsNamespacesByItsOwnBinding(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	manifest, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "agent", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cp.Apply(t, manifest)
	sa, err := kubernetes.NewForConfig(cp.ServiceAccountConfig(t, "weft-agent", "weft-agent"))
	if err != nil {
		t.Fatal(err)
	}
	const system = "kube-system"
	if _, err := cp.Client.CoreV1().Secrets(system).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "cloud-credentials"},
		Data: map[string][]byte{"key": []byte("theirs")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	self := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "weft-agent", Name: "weft-agent"}
	binding := func(ns, role string, who rbacv1.Subject) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "try-" + role, Namespace: ns},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
			Subjects: []rbacv1.Subject{who}}
	}
	// The admission policy is loaded a moment after it is created: a dry
	// run (which admission sees, and nothing stores) tells when.
	wait.For(t, 30*time.Second, func() error {
		_, err := sa.RbacV1().RoleBindings(system).Create(ctx, binding(system, "weft-agent-secrets", self),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err == nil {
			return errAllowed("binding itself the Secrets of kube-system (dry run)")
		}
		return nil
	})
	refused := func(what string, err error) {
		t.Helper()
		if !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) {
			t.Errorf("the agent's service account %s: %v, want refused", what, err)
		}
	}
	_, err = sa.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	refused("lists Secrets cluster-wide", err)

	key, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	ctl := startController(t, sa, kube.Config{Unseal: key.Open, SecretsRole: "weft-agent-secrets"})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	l := weftLabels(clusterstate.RoleSecret, "env-prod", "prod", "", "")
	l[clusterstate.LabelSecretID] = "s1"
	sealed, err := clusterstate.SealTo(key.Public, []byte("hunter2"))
	if err != nil {
		t.Fatal(err)
	}
	set(t, ctl, clusterstate.KindSecret, "s1", clusterstate.Secret{ID: "s1", Name: "db", Namespace: "prod", Env: "prod", Labels: l, Version: 1,
		Sealed: map[string]string{"PASSWORD": sealed}})
	ctl.Synced()
	wait.For(t, within, func() error {
		s, err := cp.Client.CoreV1().Secrets("prod").Get(ctx, "db", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if string(s.Data["PASSWORD"]) != "hunter2" {
			return errAllowed("wrong value in prod/db")
		}
		return nil
	})
	rb, err := cp.Client.RbacV1().RoleBindings("prod").Get(ctx, kube.SecretsBinding, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the agent's binding in prod: %v", err)
	}
	if rb.RoleRef.Name != "weft-agent-secrets" || len(rb.Subjects) != 1 || rb.Subjects[0] != self {
		t.Errorf("the agent's binding in prod binds %v to %v, want weft-agent-secrets to itself only", rb.RoleRef, rb.Subjects)
	}

	_, err = sa.CoreV1().Secrets(system).Get(ctx, "cloud-credentials", metav1.GetOptions{})
	refused("reads a Secret in kube-system", err)
	_, err = sa.CoreV1().Secrets("").List(ctx, metav1.ListOptions{})
	refused("lists Secrets cluster-wide", err)
	_, err = sa.RbacV1().RoleBindings(system).Create(ctx, binding(system, "weft-agent-secrets", self), metav1.CreateOptions{})
	refused("binds itself the Secrets role in kube-system", err)
	_, err = sa.CoreV1().Namespaces().Patch(ctx, system, types.MergePatchType,
		[]byte(`{"metadata":{"labels":{"app.kubernetes.io/managed-by":"weft"}}}`), metav1.PatchOptions{})
	refused("labels kube-system as weft's", err)
	_, err = sa.RbacV1().RoleBindings("prod").Create(ctx, binding("prod", "weft-agent-secrets",
		rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: "default", Name: "default"}), metav1.CreateOptions{})
	refused("binds the Secrets role to another service account", err)
	_, err = sa.RbacV1().RoleBindings("prod").Create(ctx, binding("prod", "admin", self), metav1.CreateOptions{})
	refused("binds itself the admin role in its own namespace", err)
	if err := sa.CoreV1().Namespaces().Delete(ctx, system, metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err == nil {
		t.Error("the agent's service account may delete kube-system (dry run), want refused")
	}

	set(t, ctl, clusterstate.KindSecret, "s1", nil)
	set(t, ctl, clusterstate.KindNamespace, "env-prod", nil)
	wait.For(t, within, func() error {
		_, err := cp.Client.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{})
		return gone(err, "namespace prod")
	})
}

type errAllowed string

func (e errAllowed) Error() string { return string(e) + ": allowed" }
