package kube

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"weft.dev/events/clusterstate"
)

// keyManaged queues a managed service's objects.
const keyManaged = "mg/"

// kindStatefulSet names applied StatefulSets (apply.go).
const kindStatefulSet = "statefulset"

// volumeName is the volume claim template of a managed service's
// StatefulSet: its claim is data-<name>-0, which a StatefulSet of the same
// name made again takes back.
const volumeName = "data"

// credentialsResend is how long the controller waits for the office to
// record credentials it sent before it sends them again.
const credentialsResend = 5 * time.Second

// engine is how a kind of managed service runs in its official image: its
// image, data directory, variables (from the credentials Secret, or
// fixed), arguments and readiness command, and the URL apps connect with.
type engine struct {
	image   string
	dataDir string
	// subPath is the directory of the volume mounted at dataDir, for an
	// engine that refuses to initialise a directory holding anything (the
	// lost+found at the root of most file systems).
	subPath  string
	fromKeys map[string]string // container variable → credentials key
	fixed    map[string]string
	args     []string
	ready    []string
	username string
	url      func(user, pw, host string, port int, db string) string
}

var engines = map[string]engine{
	"postgres": {
		image: "postgres", dataDir: "/var/lib/postgresql/data",
		fromKeys: map[string]string{"POSTGRES_USER": "USERNAME", "POSTGRES_PASSWORD": "PASSWORD", "POSTGRES_DB": "DATABASE"},
		// The volume's root holds lost+found on most file systems, which
		// initdb refuses: the data goes one directory down.
		fixed:    map[string]string{"PGDATA": "/var/lib/postgresql/data/pgdata"},
		ready:    []string{"sh", "-c", `pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"`},
		username: "app",
		url: func(u, pw, h string, p int, db string) string {
			return "postgres://" + url.UserPassword(u, pw).String() + "@" + h + ":" + strconv.Itoa(p) + "/" + db
		},
	},
	"mysql": {
		// mysqld --initialize refuses a data directory with lost+found in
		// it, which most volumes' roots have: the data goes one level down.
		image: "mysql", dataDir: "/var/lib/mysql", subPath: "mysql",
		fromKeys: map[string]string{"MYSQL_USER": "USERNAME", "MYSQL_PASSWORD": "PASSWORD", "MYSQL_DATABASE": "DATABASE", "MYSQL_ROOT_PASSWORD": "ROOT_PASSWORD"},
		ready:    []string{"sh", "-c", `mysqladmin ping -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD"`},
		username: "app",
		url: func(u, pw, h string, p int, db string) string {
			return "mysql://" + url.UserPassword(u, pw).String() + "@" + h + ":" + strconv.Itoa(p) + "/" + db
		},
	},
	"redis": {
		image: "redis", dataDir: "/data",
		fromKeys: map[string]string{"REDIS_PASSWORD": "PASSWORD"},
		args:     []string{"--requirepass", "$(REDIS_PASSWORD)", "--appendonly", "yes", "--dir", "/data"},
		ready:    []string{"sh", "-c", `redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG`},
		username: "default",
		url: func(u, pw, h string, p int, _ string) string {
			return "redis://" + url.UserPassword(u, pw).String() + "@" + h + ":" + strconv.Itoa(p) + "/0"
		},
	},
	"mongodb": {
		image: "mongo", dataDir: "/data/db",
		fromKeys: map[string]string{"MONGO_INITDB_ROOT_USERNAME": "USERNAME", "MONGO_INITDB_ROOT_PASSWORD": "PASSWORD", "MONGO_INITDB_DATABASE": "DATABASE"},
		ready:    []string{"mongosh", "--quiet", "--eval", "db.adminCommand('ping')"},
		username: "app",
		url: func(u, pw, h string, p int, db string) string {
			return "mongodb://" + url.UserPassword(u, pw).String() + "@" + h + ":" + strconv.Itoa(p) + "/" + db + "?authSource=admin"
		},
	},
}

// setManaged takes over a managed entry (nil v: removed) and returns its
// queue key. The caller holds c.mu.
func (c *Controller) setManaged(id string, v []byte) (string, error) {
	if v == nil {
		delete(c.managed, id)
		return keyManaged + id, nil
	}
	var m clusterstate.Managed
	if err := json.Unmarshal(v, &m); err != nil {
		return "", fmt.Errorf("managed service %s: %w", id, err)
	}
	c.managed[id] = m
	return keyManaged + id, nil
}

// reconcileManaged runs managed service id: its credentials Secret (made
// once, kept), StatefulSet and Service, then reports how it is doing.
// Without an entry it deletes the StatefulSet and the Service and keeps
// the volume claim and the credentials; a purge entry deletes those too
// and reports the data gone.
func (c *Controller) reconcileManaged(ctx context.Context, id string) error {
	c.mu.Lock()
	m, want := c.managed[id]
	c.mu.Unlock()
	run := want && !m.Purge
	for _, s := range ownedBy[*appsv1.StatefulSet](c.statefulSets, clusterstate.RoleManaged, id) {
		if !run || s.Namespace != m.Namespace || s.Name != m.Name {
			err := c.client.AppsV1().StatefulSets(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete statefulset %s/%s: %w", s.Namespace, s.Name, err)
			}
			c.forget(kindStatefulSet, s.Namespace, s.Name)
			c.log.Info("statefulset deleted", "namespace", s.Namespace, "name", s.Name)
		}
	}
	for _, s := range ownedBy[*corev1.Service](c.svcInformer, clusterstate.RoleManaged, id) {
		if !run || s.Namespace != m.Namespace || s.Name != m.Name {
			err := c.client.CoreV1().Services(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete service %s/%s: %w", s.Namespace, s.Name, err)
			}
			c.forget(kindService, s.Namespace, s.Name)
		}
	}
	if !want {
		c.mu.Lock()
		delete(c.sentSvc, id)
		delete(c.applyErr, id)
		delete(c.grown, id)
		c.mu.Unlock()
		return nil
	}
	if !c.secretObjs.synced(m.Namespace) {
		// Its credentials are a Secret of the namespace, whose Secrets are
		// not watched yet (the namespace and the agent's binding there come
		// first); secretsSeen queues it again once they are.
		return nil
	}
	if m.Purge {
		if err := c.purgeManaged(ctx, m); err != nil {
			return err
		}
		return c.reportManaged(clusterstate.ServiceStatus{ID: id, DataDeleted: true}, nil)
	}
	creds, err := c.credentials(ctx, m)
	if err == nil {
		err = c.applyManaged(ctx, m)
	}
	c.mu.Lock()
	if err != nil {
		c.applyErr[id] = err.Error()
	} else {
		delete(c.applyErr, id)
	}
	c.mu.Unlock()
	if rerr := c.reportManaged(c.managedStatus(m, err), creds); rerr != nil && err == nil {
		err = rerr
	}
	return err
}

// credentials returns the credentials Secret of m, made with new
// credentials when there is none, taken back when it is weft's and kept
// from a deleted service of m's name. One of that name that is not
// weft's, or weft's for something else, is refused.
func (c *Controller) credentials(ctx context.Context, m clusterstate.Managed) (*corev1.Secret, error) {
	name := clusterstate.CredentialsSecretName(m.Name)
	cur, ok := c.secretObjs.get(m.Namespace, name)
	if ok {
		if cur.Labels[clusterstate.LabelRole] != clusterstate.RoleManaged {
			return nil, fmt.Errorf("secret %s/%s is weft's for another purpose (a secret of the environment called so?); rename one of them", m.Namespace, name)
		}
		if cur.Labels[clusterstate.LabelAppID] == m.ID && maps.Equal(subset(cur.Labels, m.Labels), m.Labels) {
			return cur, nil
		}
		// Kept from a deleted service of this name: take it (and the
		// volume's data it opens) back.
		ac := corev1ac.Secret(name, m.Namespace).WithLabels(m.Labels).WithType(corev1.SecretTypeOpaque).WithData(cur.Data)
		got, err := c.client.CoreV1().Secrets(m.Namespace).Apply(ctx, ac, applyOptions(true))
		if err != nil {
			return nil, fmt.Errorf("apply secret %s/%s: %w", m.Namespace, name, refused(err))
		}
		return got, nil
	}
	e, ok := engines[m.Kind]
	if !ok {
		return nil, fmt.Errorf("managed service %s: weft does not run kind %q", m.Name, m.Kind)
	}
	pw, err := password()
	if err != nil {
		return nil, err
	}
	db := strings.ReplaceAll(m.Name, "-", "_")
	host := m.Name + "." + m.Namespace + ".svc"
	data := map[string][]byte{
		"USERNAME": []byte(e.username), "PASSWORD": []byte(pw), "DATABASE": []byte(db),
		"HOST": []byte(host), "PORT": []byte(strconv.Itoa(m.Port)), "URL": []byte(e.url(e.username, pw, host, m.Port, db)),
	}
	if m.Kind == "mysql" {
		root, err := password()
		if err != nil {
			return nil, err
		}
		data["ROOT_PASSWORD"] = []byte(root)
	}
	// Created, not applied: a Secret of this name that appeared
	// meanwhile (or is not weft's) is refused, never overwritten.
	got, err := c.client.CoreV1().Secrets(m.Namespace).Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: m.Namespace, Labels: m.Labels},
		Type:       corev1.SecretTypeOpaque, Data: data,
	}, metav1.CreateOptions{FieldManager: clusterstate.FieldManager})
	if apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("secret %s/%s %s", m.Namespace, name, notWeft)
	}
	if err != nil {
		return nil, fmt.Errorf("create secret %s/%s: %w", m.Namespace, name, refused(err))
	}
	c.log.Info("credentials generated", "namespace", m.Namespace, "name", name)
	return got, nil
}

// password is 32 random characters of base64url (192 bits), safe in a
// URL's user information.
func password() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate a password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// applyManaged applies m's StatefulSet and Service, each only if it is
// not as last applied; one of m's name that another service (or someone
// else) owns is refused.
func (c *Controller) applyManaged(ctx context.Context, m clusterstate.Managed) error {
	var cur *appsv1.StatefulSet
	if o, ok, _ := c.statefulSets.GetIndexer().GetByKey(m.Namespace + "/" + m.Name); ok {
		cur = o.(*appsv1.StatefulSet)
		if !owned(cur.Labels, clusterstate.LabelAppID, m.ID, clusterstate.RoleManaged) {
			// Most likely a deleted service's of the same name, going.
			return fmt.Errorf("statefulset %s/%s is another service's (deleted, still going?)", m.Namespace, m.Name)
		}
	}
	sts, err := statefulSetOf(m, cur)
	if err != nil {
		return err
	}
	if want := marshal(sts); cur == nil || !c.unchanged(kindStatefulSet, want, cur) {
		got, err := c.client.AppsV1().StatefulSets(m.Namespace).Apply(ctx, sts, applyOptions(cur != nil))
		if err != nil {
			return fmt.Errorf("apply statefulset %s/%s: %w", m.Namespace, m.Name, refused(err))
		}
		c.remember(kindStatefulSet, want, got)
	}
	svc, err := c.allServices.Services(m.Namespace).Get(m.Name)
	if err != nil {
		svc = nil
	}
	if svc != nil && !owned(svc.Labels, clusterstate.LabelAppID, m.ID, clusterstate.RoleManaged) {
		return fmt.Errorf("service %s/%s %s", m.Namespace, m.Name, notWeft)
	}
	if err := c.growClaims(ctx, m, cur); err != nil {
		return err
	}
	port := clusterstate.PortName("tcp", m.Port)
	spec := corev1ac.ServiceSpec().WithSelector(map[string]string{clusterstate.LabelAppID: m.ID}).
		WithPorts(corev1ac.ServicePort().WithName(port).WithPort(int32(m.Port)).WithProtocol(corev1.ProtocolTCP).WithTargetPort(intstr.FromString(port)))
	return c.applyService(ctx, corev1ac.Service(m.Name, m.Namespace).WithLabels(m.Labels).WithSpec(spec), svc)
}

// growClaims asks m's volume claims for m.Storage where they hold less
// (weft service update --storage), once per size asked: a StatefulSet's
// claim template cannot change, its claims can, where their storage class
// allows expansion. A refusal is the service's error until it is allowed
// or the size is asked no more.
func (c *Controller) growClaims(ctx context.Context, m clusterstate.Managed, cur *appsv1.StatefulSet) error {
	want, err := resource.ParseQuantity(m.Storage)
	if err != nil {
		return fmt.Errorf("managed service %s: storage %q: %w", m.Name, m.Storage, err)
	}
	c.mu.Lock()
	done := c.grown[m.ID] == m.Storage
	c.mu.Unlock()
	if done || cur == nil || len(cur.Spec.VolumeClaimTemplates) == 0 {
		return nil // claims made now are made at m.Storage
	}
	if tmpl := cur.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage(); tmpl.Cmp(want) >= 0 {
		return nil
	}
	claims, err := c.client.CoreV1().PersistentVolumeClaims(m.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{clusterstate.LabelManagedBy: clusterstate.ManagedBy, clusterstate.LabelAppID: m.ID}).String()})
	if err != nil {
		return fmt.Errorf("list volume claims of %s/%s: %w", m.Namespace, m.Name, err)
	}
	for _, pvc := range claims.Items {
		if !strings.HasPrefix(pvc.Name, volumeName+"-"+m.Name+"-") || pvc.Spec.Resources.Requests.Storage().Cmp(want) >= 0 {
			continue
		}
		patch := fmt.Sprintf(`{"spec":{"resources":{"requests":{"storage":%q}}}}`, want.String())
		if _, err := c.client.CoreV1().PersistentVolumeClaims(m.Namespace).Patch(ctx, pvc.Name, types.MergePatchType, []byte(patch),
			metav1.PatchOptions{FieldManager: clusterstate.FieldManager}); err != nil {
			return fmt.Errorf("grow volume claim %s/%s to %s: %w", m.Namespace, pvc.Name, want.String(), refused(err))
		}
		c.log.Info("volume claim grown", "namespace", m.Namespace, "name", pvc.Name, "storage", want.String())
	}
	c.mu.Lock()
	c.grown[m.ID] = m.Storage
	c.mu.Unlock()
	return nil
}

// statefulSetOf is m's StatefulSet: one pod of the kind's official image,
// its variables from the credentials Secret, a volume claim of m.Storage
// at the kind's data directory, a readiness probe. The claim template of
// cur, the StatefulSet there is, stays as it is: Kubernetes refuses to
// change it (growClaims grows the claims instead).
func statefulSetOf(m clusterstate.Managed, cur *appsv1.StatefulSet) (*appsv1ac.StatefulSetApplyConfiguration, error) {
	e, ok := engines[m.Kind]
	if !ok {
		return nil, fmt.Errorf("managed service %s: weft does not run kind %q", m.Name, m.Kind)
	}
	size, err := resource.ParseQuantity(m.Storage)
	if err != nil {
		return nil, fmt.Errorf("managed service %s: storage %q: %w", m.Name, m.Storage, err)
	}
	if cur != nil && len(cur.Spec.VolumeClaimTemplates) == 1 {
		if q, ok := cur.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			size = q
		}
	}
	port := clusterstate.PortName("tcp", m.Port)
	mount := corev1ac.VolumeMount().WithName(volumeName).WithMountPath(e.dataDir)
	if e.subPath != "" {
		mount.WithSubPath(e.subPath)
	}
	ct := corev1ac.Container().WithName(m.Kind).WithImage(e.image + ":" + m.Version).
		WithPorts(corev1ac.ContainerPort().WithName(port).WithContainerPort(int32(m.Port)).WithProtocol(corev1.ProtocolTCP)).
		WithVolumeMounts(mount).
		WithReadinessProbe(corev1ac.Probe().WithExec(corev1ac.ExecAction().WithCommand(e.ready...)).
			WithPeriodSeconds(5).WithTimeoutSeconds(5)).
		// The first start initialises the data directory (a temporary
		// server, not listening on the port, for a minute or more on a
		// slow disk); a liveness probe killing it there would leave a
		// half-initialised directory the image then takes for done. The
		// startup probe gives it ten minutes before liveness counts.
		WithStartupProbe(corev1ac.Probe().WithExec(corev1ac.ExecAction().WithCommand(e.ready...)).
			WithPeriodSeconds(5).WithTimeoutSeconds(5).WithFailureThreshold(120)).
		WithLivenessProbe(corev1ac.Probe().WithTCPSocket(corev1ac.TCPSocketAction().WithPort(intstr.FromString(port))).
			WithPeriodSeconds(10))
	secret := clusterstate.CredentialsSecretName(m.Name)
	for _, v := range sortedKeys(e.fromKeys) {
		ct.WithEnv(corev1ac.EnvVar().WithName(v).WithValueFrom(corev1ac.EnvVarSource().
			WithSecretKeyRef(corev1ac.SecretKeySelector().WithName(secret).WithKey(e.fromKeys[v]))))
	}
	for _, v := range sortedKeys(e.fixed) {
		ct.WithEnv(corev1ac.EnvVar().WithName(v).WithValue(e.fixed[v]))
	}
	if len(e.args) > 0 {
		ct.WithArgs(e.args...)
	}
	claim := corev1ac.PersistentVolumeClaim(volumeName, "").WithLabels(m.Labels).
		WithSpec(corev1ac.PersistentVolumeClaimSpec().WithAccessModes(corev1.ReadWriteOnce).
			WithResources(corev1ac.VolumeResourceRequirements().WithRequests(corev1.ResourceList{corev1.ResourceStorage: size})))
	return appsv1ac.StatefulSet(m.Name, m.Namespace).WithLabels(m.Labels).
		WithSpec(appsv1ac.StatefulSetSpec().
			WithReplicas(1).
			WithServiceName(m.Name).
			WithSelector(metav1ac.LabelSelector().WithMatchLabels(map[string]string{clusterstate.LabelAppID: m.ID})).
			WithTemplate(corev1ac.PodTemplateSpec().WithLabels(m.Labels).WithSpec(corev1ac.PodSpec().WithContainers(ct))).
			WithVolumeClaimTemplates(claim)), nil
}

func sortedKeys(m map[string]string) []string { return keys(m) }

// purgeManaged deletes the volume claims and the credentials Secret of a
// service deleted with its data: weft's claims of its StatefulSet's
// name or its id, and its credentials Secret, unless a service running now
// under that name took them back.
func (c *Controller) purgeManaged(ctx context.Context, m clusterstate.Managed) error {
	c.mu.Lock()
	for _, o := range c.managed {
		if o.ID != m.ID && !o.Purge && o.Namespace == m.Namespace && o.Name == m.Name {
			c.mu.Unlock()
			return nil // taken back by a service of the same name
		}
	}
	c.mu.Unlock()
	claims, err := c.client.CoreV1().PersistentVolumeClaims(m.Namespace).List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{clusterstate.LabelManagedBy: clusterstate.ManagedBy, clusterstate.LabelRole: clusterstate.RoleManaged}).String()})
	if err != nil {
		return fmt.Errorf("list volume claims of %s/%s: %w", m.Namespace, m.Name, err)
	}
	prefix := volumeName + "-" + m.Name + "-"
	for _, pvc := range claims.Items {
		ordinal, isOurs := strings.CutPrefix(pvc.Name, prefix)
		if _, err := strconv.Atoi(ordinal); pvc.Labels[clusterstate.LabelAppID] != m.ID && (!isOurs || err != nil) {
			continue
		}
		err := c.client.CoreV1().PersistentVolumeClaims(m.Namespace).Delete(ctx, pvc.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pvc.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete volume claim %s/%s: %w", m.Namespace, pvc.Name, err)
		}
		c.log.Info("volume claim deleted", "namespace", m.Namespace, "name", pvc.Name)
	}
	name := clusterstate.CredentialsSecretName(m.Name)
	if s, ok := c.secretObjs.get(m.Namespace, name); ok && s.Labels[clusterstate.LabelRole] == clusterstate.RoleManaged {
		err := c.client.CoreV1().Secrets(m.Namespace).Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete secret %s/%s: %w", m.Namespace, name, err)
		}
		c.log.Info("credentials deleted", "namespace", m.Namespace, "name", name)
	}
	return nil
}

// managedStatus is m as the informers see it now.
func (c *Controller) managedStatus(m clusterstate.Managed, applyErr error) clusterstate.ServiceStatus {
	st := clusterstate.ServiceStatus{ID: m.ID, LastError: errString(applyErr)}
	if o, ok, _ := c.statefulSets.GetIndexer().GetByKey(m.Namespace + "/" + m.Name); ok {
		if s := o.(*appsv1.StatefulSet); owned(s.Labels, clusterstate.LabelAppID, m.ID, clusterstate.RoleManaged) {
			st.Replicas = s.Status.ReadyReplicas
			st.Ready = s.Status.ReadyReplicas > 0
			if cs := s.Spec.Template.Spec.Containers; len(cs) > 0 {
				st.Image = cs[0].Image
			}
		}
	}
	return st
}

// reportManaged publishes st when it differs from the last sent, with
// creds sealed to the service's key while the office's entry does not
// name them yet (again every credentialsResend until it does).
func (c *Controller) reportManaged(st clusterstate.ServiceStatus, creds *corev1.Secret) error {
	c.mu.Lock()
	m := c.managed[st.ID]
	last, sent := c.sentSvc[st.ID]
	withCreds := creds != nil && m.CredentialsKey != "" && string(creds.UID) != m.CredentialsSource &&
		(c.credsSent[st.ID] != string(creds.UID) || time.Since(c.credsAt[st.ID]) > credentialsResend)
	if sent && last == st && !withCreds {
		c.mu.Unlock()
		return nil
	}
	c.sentSvc[st.ID] = st
	c.mu.Unlock()
	if c.cfg.Report == nil {
		return nil
	}
	out := st
	if withCreds {
		sealed, err := sealCredentials(m.CredentialsKey, creds.Data)
		if err != nil {
			return fmt.Errorf("managed service %s: %w", m.Name, err)
		}
		out.Credentials = &clusterstate.SealedCredentials{Source: string(creds.UID), Sealed: sealed}
	}
	out.Time = time.Now().UTC()
	if err := clusterstate.ReportService(c.cfg.Report, c.cfg.Cluster, out); err != nil {
		c.mu.Lock()
		delete(c.sentSvc, st.ID)
		c.mu.Unlock()
		return err
	}
	if withCreds {
		c.mu.Lock()
		c.credsSent[st.ID], c.credsAt[st.ID] = string(creds.UID), time.Now()
		c.mu.Unlock()
	}
	return nil
}

// sealCredentials seals a credentials Secret's data, as one JSON object,
// to the service's key (an anonymous box): only the server, through its
// keyring, opens it.
func sealCredentials(key string, data map[string][]byte) (string, error) {
	pub, err := clusterstate.ParseSealingKey(key)
	if err != nil {
		return "", fmt.Errorf("credentials key: %w", err)
	}
	plain := make(map[string]string, len(data))
	for k, v := range data {
		plain[k] = string(v)
	}
	b, err := json.Marshal(plain)
	if err != nil {
		return "", err
	}
	return clusterstate.SealTo(pub, b)
}
