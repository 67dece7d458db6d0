package kube_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

func managedEntry(id, name, kind, version string, key clusterstate.SealingKey) clusterstate.Managed {
	return clusterstate.Managed{ID: id, Name: name, Namespace: "prod", Env: "prod", Kind: kind, Version: version, Storage: "10Gi", Port: 5432,
		Labels: weftLabels(clusterstate.RoleManaged, "env-prod", "prod", id, name), CredentialsKey: key.PublicString()}
}

// TestAManagedServiceRunsAsAStatefulSetWithCredentialsMadeInTheClusterAndKeepsItsDataUnlessPurged:
// a managed entry becomes a StatefulSet of the kind's official image
// with a volume claim of its storage and a readiness probe, a Service, and
// a credentials Secret generated in the cluster that the pod's variables
// come from; the agent reports it ready with the credentials sealed to the
// service's key (and only that key opens them); a credentials Secret of
// the name that is not weft's is refused; removing the entry keeps the
// claim and the credentials, which a service of the same name takes back;
// a purge deletes them and says so.
func TestAManagedServiceRunsAsAStatefulSetWithCredentialsMadeInTheClusterAndKeepsItsDataUnlessPurged(t *testing.T) {
	cp := kubetest.Start(t)
	kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "taken-credentials", Namespace: "prod"}, Data: map[string][]byte{"PASSWORD": []byte("theirs")}}
	if _, err := c.CoreV1().Secrets("prod").Create(ctx, theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	key, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	set(t, ctl, clusterstate.KindManaged, "s1", managedEntry("s1", "db", "postgres", "17", key))
	set(t, ctl, clusterstate.KindManaged, "s2", managedEntry("s2", "taken", "postgres", "16", other))
	ctl.Synced()

	// Ready (the test's kubelet runs the pod and passes its probe), with
	// the credentials sealed to the service's key.
	var creds map[string]string
	wait.For(t, within, func() error {
		for _, s := range rep.services("s1") {
			if s.Credentials != nil && creds == nil {
				plain, err := key.Open(s.Credentials.Sealed)
				if err != nil {
					return fmt.Errorf("the credentials do not open with the service's key: %v", err)
				}
				if err := json.Unmarshal(plain, &creds); err != nil {
					return err
				}
				if _, err := other.Open(s.Credentials.Sealed); err == nil {
					t.Errorf("another key opens the credentials")
				}
			}
		}
		all := rep.services("s1")
		if len(all) == 0 || !all[len(all)-1].Ready || all[len(all)-1].Image != "postgres:17" || creds == nil {
			return fmt.Errorf("s1 reports %+v", all)
		}
		return nil
	})
	sec, err := c.CoreV1().Secrets("prod").Get(ctx, "db-credentials", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pw := string(sec.Data["PASSWORD"]); len(pw) != 32 || creds["PASSWORD"] != pw || creds["USERNAME"] != "app" || creds["DATABASE"] != "db" ||
		creds["HOST"] != "db.prod.svc" || creds["PORT"] != "5432" || !strings.HasPrefix(creds["URL"], "postgres://app:") {
		t.Errorf("credentials %v (secret's password %d characters)", keysOf(creds), len(pw))
	}
	if sec.Labels[clusterstate.LabelRole] != clusterstate.RoleManaged || sec.Labels[clusterstate.LabelAppID] != "s1" {
		t.Errorf("credentials labels %v", sec.Labels)
	}
	sts, err := c.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ct := sts.Spec.Template.Spec.Containers[0]
	fromSecret := map[string]string{}
	for _, e := range ct.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name == "db-credentials" {
			fromSecret[e.Name] = e.ValueFrom.SecretKeyRef.Key
		}
		if strings.Contains(e.Value, creds["PASSWORD"]) {
			t.Errorf("the pod template holds the password in clear")
		}
	}
	if ct.Image != "postgres:17" || fromSecret["POSTGRES_PASSWORD"] != "PASSWORD" || fromSecret["POSTGRES_USER"] != "USERNAME" ||
		ct.ReadinessProbe == nil || ct.ReadinessProbe.Exec == nil || !strings.Contains(strings.Join(ct.ReadinessProbe.Exec.Command, " "), "pg_isready") ||
		len(ct.VolumeMounts) != 1 || ct.VolumeMounts[0].MountPath != "/var/lib/postgresql/data" {
		t.Errorf("container %+v", ct)
	}
	if vct := sts.Spec.VolumeClaimTemplates; len(vct) != 1 || vct[0].Spec.Resources.Requests.Storage().String() != "10Gi" || vct[0].Labels[clusterstate.LabelAppID] != "s1" {
		t.Errorf("volume claim templates %+v", vct)
	}
	svc, err := c.CoreV1().Services("prod").Get(ctx, "db", metav1.GetOptions{})
	if err != nil || svc.Spec.Selector[clusterstate.LabelAppID] != "s1" || svc.Spec.Ports[0].Port != 5432 {
		t.Fatalf("service %+v (%v)", svc, err)
	}
	wait.For(t, within, func() error {
		pvc, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-db-0", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if pvc.Labels[clusterstate.LabelAppID] != "s1" || pvc.Spec.Resources.Requests.Storage().String() != "10Gi" {
			return fmt.Errorf("claim %v %v", pvc.Labels, pvc.Spec.Resources)
		}
		all := rep.services("s2")
		if len(all) == 0 || !strings.Contains(all[len(all)-1].LastError, "not weft's") {
			return fmt.Errorf("s2 (credentials Secret not weft's) reports %+v", all)
		}
		return nil
	})
	if got, err := c.CoreV1().Secrets("prod").Get(ctx, "taken-credentials", metav1.GetOptions{}); err != nil || string(got.Data["PASSWORD"]) != "theirs" || len(got.Labels) != 0 {
		t.Errorf("the Secret that is not weft's was changed: %v", err)
	}

	// Deleted keeping its data: StatefulSet and Service go, the claim and
	// the credentials stay.
	set(t, ctl, clusterstate.KindManaged, "s1", nil)
	wait.For(t, within, func() error {
		if _, err := c.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{}); gone(err, "statefulset db") != nil {
			return gone(err, "statefulset db")
		}
		_, err := c.CoreV1().Services("prod").Get(ctx, "db", metav1.GetOptions{})
		return gone(err, "service db")
	})
	if _, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-db-0", metav1.GetOptions{}); err != nil {
		t.Fatalf("the volume claim of a service deleted keeping its data: %v", err)
	}
	// A service of the same name takes them back: same password.
	set(t, ctl, clusterstate.KindManaged, "s3", managedEntry("s3", "db", "postgres", "17", key))
	wait.For(t, within, func() error {
		s, err := c.CoreV1().Secrets("prod").Get(ctx, "db-credentials", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if s.Labels[clusterstate.LabelAppID] != "s3" || string(s.Data["PASSWORD"]) != creds["PASSWORD"] {
			return fmt.Errorf("credentials not taken back: labels %v", s.Labels)
		}
		_, err = c.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{})
		return err
	})

	// Deleted with its data: everything goes and the agent says so.
	purge := managedEntry("s3", "db", "postgres", "17", key)
	purge.Purge = true
	set(t, ctl, clusterstate.KindManaged, "s3", purge)
	wait.For(t, within, func() error {
		if _, err := c.CoreV1().Secrets("prod").Get(ctx, "db-credentials", metav1.GetOptions{}); gone(err, "credentials") != nil {
			return gone(err, "credentials")
		}
		if pvc, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-db-0", metav1.GetOptions{}); err == nil && pvc.DeletionTimestamp == nil {
			return fmt.Errorf("the volume claim of a purged service is not being deleted")
		}
		if _, err := c.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{}); gone(err, "statefulset db") != nil {
			return gone(err, "statefulset db")
		}
		all := rep.services("s3")
		if len(all) == 0 || !all[len(all)-1].DataDeleted {
			return fmt.Errorf("s3 reports %+v", all)
		}
		return nil
	})
}

func keysOf(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
