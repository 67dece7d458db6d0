package kube_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

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

// TestEveryKindRunsItsOfficialImageWithItsProbeAndCredentialsMadeInTheCluster:
// Postgres, MySQL, Redis and MongoDB each become a StatefulSet of the
// kind's official image at the entry's version, the image's variables
// from the credentials Secret the agent generated (never a value in the
// pod template), the data directory on the claim (MySQL's one level down,
// since mysqld refuses a volume root holding lost+found), a readiness and
// a startup probe that ask the server itself and a TCP liveness probe, a
// Service on the kind's port; each is reported ready with credentials
// whose URL an app of that kind's clients understands.
func TestEveryKindRunsItsOfficialImageWithItsProbeAndCredentialsMadeInTheCluster(t *testing.T) {
	tests := []struct {
		kind, version, image string
		port                 int32
		fromSecret           map[string]string // container variable → credentials key
		args                 []string
		probe                string // in the readiness and startup probes' command
		mountPath, subPath   string
		url                  string // the credentials' URL's prefix
		extraKeys            []string
	}{
		{kind: "postgres", version: "16", image: "postgres:16", port: 5432,
			fromSecret: map[string]string{"POSTGRES_USER": "USERNAME", "POSTGRES_PASSWORD": "PASSWORD", "POSTGRES_DB": "DATABASE"},
			probe:      "pg_isready", mountPath: "/var/lib/postgresql/data", url: "postgres://app:"},
		{kind: "mysql", version: "8.4", image: "mysql:8.4", port: 3306,
			fromSecret: map[string]string{"MYSQL_USER": "USERNAME", "MYSQL_PASSWORD": "PASSWORD", "MYSQL_DATABASE": "DATABASE", "MYSQL_ROOT_PASSWORD": "ROOT_PASSWORD"},
			probe:      "mysqladmin ping", mountPath: "/var/lib/mysql", subPath: "mysql", url: "mysql://app:", extraKeys: []string{"ROOT_PASSWORD"}},
		{kind: "redis", version: "7.4", image: "redis:7.4", port: 6379,
			fromSecret: map[string]string{"REDIS_PASSWORD": "PASSWORD"},
			args:       []string{"--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes", "--dir", "/data"},
			probe:      "redis-cli", mountPath: "/data", url: "redis://default:"},
		{kind: "mongodb", version: "7.0", image: "mongo:7.0", port: 27017,
			fromSecret: map[string]string{"MONGO_INITDB_ROOT_USERNAME": "USERNAME", "MONGO_INITDB_ROOT_PASSWORD": "PASSWORD", "MONGO_INITDB_DATABASE": "DATABASE"},
			probe:      "mongosh", mountPath: "/data/db", url: "mongodb://app:"},
	}
	cp := kubetest.Start(t)
	kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	keys := map[string]clusterstate.SealingKey{}
	for _, tt := range tests {
		key, err := clusterstate.NewSealingKey()
		if err != nil {
			t.Fatal(err)
		}
		keys[tt.kind] = key
		m := managedEntry("id-"+tt.kind, tt.kind+"-db", tt.kind, tt.version, key)
		m.Port = int(tt.port)
		set(t, ctl, clusterstate.KindManaged, m.ID, m)
	}
	ctl.Synced()

	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			name, id := tt.kind+"-db", "id-"+tt.kind
			var creds map[string]string
			wait.For(t, within, func() error {
				all := rep.services(id)
				for _, s := range all {
					if s.Credentials != nil && creds == nil {
						plain, err := keys[tt.kind].Open(s.Credentials.Sealed)
						if err != nil {
							return fmt.Errorf("the credentials do not open with the service's key: %v", err)
						}
						if err := json.Unmarshal(plain, &creds); err != nil {
							return err
						}
					}
				}
				if len(all) == 0 || !all[len(all)-1].Ready || all[len(all)-1].Image != tt.image || creds == nil {
					return fmt.Errorf("%s reports %+v", id, all)
				}
				return nil
			})
			sec, err := c.CoreV1().Secrets("prod").Get(ctx, name+"-credentials", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range append([]string{"USERNAME", "PASSWORD", "DATABASE", "HOST", "PORT", "URL"}, tt.extraKeys...) {
				if len(sec.Data[k]) == 0 || creds[k] != string(sec.Data[k]) {
					t.Errorf("credentials key %s: Secret has %d bytes, the report %d", k, len(sec.Data[k]), len(creds[k]))
				}
			}
			if !strings.HasPrefix(creds["URL"], tt.url) || !strings.Contains(creds["URL"], "@"+name+".prod.svc:"+fmt.Sprint(tt.port)) ||
				creds["PORT"] != fmt.Sprint(tt.port) || creds["HOST"] != name+".prod.svc" {
				t.Errorf("credentials URL/HOST/PORT: %q %q %q", strings.ReplaceAll(creds["URL"], creds["PASSWORD"], "…"), creds["HOST"], creds["PORT"])
			}

			sts, err := c.AppsV1().StatefulSets("prod").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ct := sts.Spec.Template.Spec.Containers[0]
			if ct.Image != tt.image {
				t.Errorf("image %s, want %s", ct.Image, tt.image)
			}
			got := map[string]string{}
			for _, e := range ct.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					if e.ValueFrom.SecretKeyRef.Name != name+"-credentials" {
						t.Errorf("%s from Secret %s", e.Name, e.ValueFrom.SecretKeyRef.Name)
					}
					got[e.Name] = e.ValueFrom.SecretKeyRef.Key
				}
				for _, v := range creds {
					if len(v) >= 16 && strings.Contains(e.Value, v) {
						t.Errorf("variable %s holds a credential in clear", e.Name)
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.fromSecret) {
				t.Errorf("variables from the Secret %v, want %v", got, tt.fromSecret)
			}
			if fmt.Sprint(ct.Args) != fmt.Sprint(tt.args) {
				t.Errorf("args %q, want %q", ct.Args, tt.args)
			}
			for what, p := range map[string]*corev1.Probe{"readiness": ct.ReadinessProbe, "startup": ct.StartupProbe} {
				if p == nil || p.Exec == nil || !strings.Contains(strings.Join(p.Exec.Command, " "), tt.probe) {
					t.Errorf("%s probe %+v, want one running %s", what, p, tt.probe)
				}
			}
			if p := ct.StartupProbe; p != nil && p.PeriodSeconds*p.FailureThreshold < 600 {
				t.Errorf("startup probe gives the first start %d s, want ten minutes", p.PeriodSeconds*p.FailureThreshold)
			}
			if p := ct.LivenessProbe; p == nil || p.TCPSocket == nil || p.TCPSocket.Port.StrVal != ct.Ports[0].Name || ct.Ports[0].ContainerPort != tt.port {
				t.Errorf("liveness probe %+v on ports %+v", p, ct.Ports)
			}
			if len(ct.VolumeMounts) != 1 || ct.VolumeMounts[0].Name != "data" || ct.VolumeMounts[0].MountPath != tt.mountPath || ct.VolumeMounts[0].SubPath != tt.subPath {
				t.Errorf("volume mounts %+v, want %s (subPath %q)", ct.VolumeMounts, tt.mountPath, tt.subPath)
			}
			svc, err := c.CoreV1().Services("prod").Get(ctx, name, metav1.GetOptions{})
			if err != nil || svc.Spec.Ports[0].Port != tt.port || svc.Spec.Selector[clusterstate.LabelAppID] != id {
				t.Errorf("service %+v (%v)", svc, err)
			}
			wait.For(t, within, func() error {
				pvc, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-"+name+"-0", metav1.GetOptions{})
				if err != nil {
					return err
				}
				if pvc.Labels[clusterstate.LabelAppID] != id || pvc.Spec.Resources.Requests.Storage().String() != "10Gi" {
					return fmt.Errorf("claim %v %v", pvc.Labels, pvc.Spec.Resources)
				}
				return nil
			})
		})
	}
}

// TestANewVersionRollsTheServicesPodAndMoreStorageGrowsItsClaim: with the
// agent overlay's RBAC, a managed entry's new version rolls the
// StatefulSet to the new image (reported back as the image it runs), and
// more storage grows its bound volume claim where the storage class
// allows expansion, leaving the StatefulSet's claim template as it was
// (Kubernetes refuses to change it); a claim that cannot grow (not bound)
// is the service's reported error, not a silent no.
func TestANewVersionRollsTheServicesPodAndMoreStorageGrowsItsClaim(t *testing.T) {
	cp := kubetest.Start(t)
	kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	c := cp.Client
	manifest, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "agent", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cp.Apply(t, manifest)
	sa, err := kubernetes.NewForConfig(cp.ServiceAccountConfig(t, "weft-agent", "weft-agent"))
	if err != nil {
		t.Fatal(err)
	}
	expand := true
	if _, err := c.StorageV1().StorageClasses().Create(ctx, &storagev1.StorageClass{
		ObjectMeta:  metav1.ObjectMeta{Name: "expandable", Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
		Provisioner: "kubernetes.io/no-provisioner", AllowVolumeExpansion: &expand}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{ObjectMeta: metav1.ObjectMeta{Name: "pv-db"},
		Spec: corev1.PersistentVolumeSpec{StorageClassName: "expandable", AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Capacity:               corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("10Gi")},
			PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/weft-test/db"}},
			ClaimRef:               &corev1.ObjectReference{Namespace: "prod", Name: "data-db-0"}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	key, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, sa, kube.Config{Report: nc, SecretsRole: "weft-agent-secrets"})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	db := managedEntry("s1", "db", "mysql", "8.0", key)
	db.Port = 3306
	cache := managedEntry("s2", "cache", "redis", "7.2", key) // no volume to bind: its claim stays pending
	cache.Port = 6379
	set(t, ctl, clusterstate.KindManaged, "s1", db)
	set(t, ctl, clusterstate.KindManaged, "s2", cache)
	ctl.Synced()
	ready := func(id, image string) error {
		all := rep.services(id)
		if len(all) == 0 || !all[len(all)-1].Ready || all[len(all)-1].Image != image {
			return fmt.Errorf("%s reports %+v, want ready on %s", id, all, image)
		}
		return nil
	}
	wait.For(t, within, func() error {
		if err := ready("s1", "mysql:8.0"); err != nil {
			return err
		}
		pvc, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-db-0", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if pvc.Status.Phase != corev1.ClaimBound {
			return fmt.Errorf("claim data-db-0 is %s", pvc.Status.Phase)
		}
		return ready("s2", "redis:7.2")
	})

	db.Version, db.Storage = "8.4", "20Gi"
	cache.Storage = "20Gi"
	set(t, ctl, clusterstate.KindManaged, "s1", db)
	set(t, ctl, clusterstate.KindManaged, "s2", cache)
	wait.For(t, within, func() error {
		sts, err := c.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if img := sts.Spec.Template.Spec.Containers[0].Image; img != "mysql:8.4" {
			return fmt.Errorf("statefulset image %s", img)
		}
		if q := sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage(); q.String() != "10Gi" {
			t.Errorf("the claim template changed to %s", q)
		}
		pvc, err := c.CoreV1().PersistentVolumeClaims("prod").Get(ctx, "data-db-0", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if q := pvc.Spec.Resources.Requests.Storage(); q.String() != "20Gi" {
			return fmt.Errorf("claim data-db-0 asks %s", q)
		}
		if err := ready("s1", "mysql:8.4"); err != nil {
			return err
		}
		all := rep.services("s2")
		if len(all) == 0 || !strings.Contains(all[len(all)-1].LastError, "grow volume claim prod/data-cache-0 to 20Gi") {
			return fmt.Errorf("s2 (claim not bound) reports %+v", all)
		}
		return nil
	})
}
