package kube_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/nats-io/nats.go"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
)

const within = 60 * time.Second

// reports is what a controller published on status.<cluster>.>, from a
// real NATS server.
type reports struct {
	mu   sync.Mutex
	apps []clusterstate.AppStatus
	nss  []clusterstate.NamespaceStatus
	svcs []clusterstate.ServiceStatus
	rts  []clusterstate.RouterStatus
}

// routers are every report of router id, in order.
func (r *reports) routers(id string) []clusterstate.RouterStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []clusterstate.RouterStatus
	for _, s := range r.rts {
		if s.ID == id {
			out = append(out, s)
		}
	}
	return out
}

// services are every report of managed service id, in order.
func (r *reports) services(id string) []clusterstate.ServiceStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []clusterstate.ServiceStatus
	for _, s := range r.svcs {
		if s.ID == id {
			out = append(out, s)
		}
	}
	return out
}

func (r *reports) lastApp(id string) (clusterstate.AppStatus, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	var last clusterstate.AppStatus
	for _, a := range r.apps {
		if a.ID == id {
			last, n = a, n+1
		}
	}
	return last, n
}

func (r *reports) lastNS(id string) (clusterstate.NamespaceStatus, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.nss) - 1; i >= 0; i-- {
		if r.nss[i].ID == id {
			return r.nss[i], true
		}
	}
	return clusterstate.NamespaceStatus{}, false
}

// natsReports runs an embedded NATS server and collects cluster c's
// reports; it returns the connection the controller publishes with.
func natsReports(t *testing.T, c string) (*nats.Conn, *reports) {
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := srv.Connect("agent")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	r := &reports{}
	sub, err := nc.Subscribe(clusterstate.StatusSubject(c, ">"), func(m *nats.Msg) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch {
		case strings.HasSuffix(m.Subject, "."+clusterstate.StatusApp):
			var a clusterstate.AppStatus
			if json.Unmarshal(m.Data, &a) == nil {
				r.apps = append(r.apps, a)
			}
		case strings.HasSuffix(m.Subject, "."+clusterstate.StatusRouter):
			var s clusterstate.RouterStatus
			if json.Unmarshal(m.Data, &s) == nil {
				r.rts = append(r.rts, s)
			}
		case strings.HasSuffix(m.Subject, "."+clusterstate.StatusService):
			var s clusterstate.ServiceStatus
			if json.Unmarshal(m.Data, &s) == nil {
				r.svcs = append(r.svcs, s)
			}
		case strings.HasSuffix(m.Subject, "."+clusterstate.StatusNamespace):
			var n clusterstate.NamespaceStatus
			if json.Unmarshal(m.Data, &n) == nil {
				r.nss = append(r.nss, n)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return nc, r
}

// startController runs a controller for cluster "c" until the test ends.
func startController(t *testing.T, client kubernetes.Interface, cfg kube.Config) *kube.Controller {
	t.Helper()
	cfg.Client, cfg.Cluster = client, "c"
	if cfg.Logger == nil && testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	ctl, err := kube.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctl.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("controller: %v", err)
		}
	})
	if !ctl.WaitForCacheSync(ctx) {
		t.Fatal("controller caches did not sync")
	}
	return ctl
}

func set(t *testing.T, ctl *kube.Controller, kind, id string, v any) {
	t.Helper()
	var b []byte
	if v != nil {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	if err := ctl.SetEntry(kind, id, b); err != nil {
		t.Fatal(err)
	}
}

func weftLabels(role, envID, env, appID, app string) map[string]string {
	l := map[string]string{clusterstate.LabelManagedBy: clusterstate.ManagedBy, clusterstate.LabelTeam: "acme",
		clusterstate.LabelEnv: env, clusterstate.LabelEnvID: envID, clusterstate.LabelRole: role}
	if appID != "" {
		l[clusterstate.LabelAppID], l[clusterstate.LabelApp] = appID, app
	}
	return l
}

func envEntry(id, name string) clusterstate.Namespace {
	return clusterstate.Namespace{ID: id, Name: name, Env: name, Team: "acme", Labels: weftLabels(clusterstate.RoleEnv, id, name, "", "")}
}

func workloadEntry(id, name, ns string, gen uint64, image string, replicas int32) clusterstate.Workload {
	return clusterstate.Workload{
		ID: id, Name: name, Namespace: ns, Env: ns, Generation: gen, Replicas: replicas,
		Labels: weftLabels(clusterstate.RoleWorkload, "env-"+ns, ns, id, name),
		Container: clusterstate.Container{Image: image, Env: []clusterstate.EnvVar{{Name: "LOG", Value: "debug"}},
			Ports: []clusterstate.ContainerPort{{Name: "http-80", ContainerPort: 8080, Protocol: "tcp"}}},
		Ports: []clusterstate.ServicePort{{Name: "http-80", Port: 80, Protocol: "tcp", AppProto: "http", TargetPort: 8080}},
	}
}

func gone(err error, what string) error {
	if apierrors.IsNotFound(err) {
		return nil
	}
	return fmt.Errorf("%s still there (%v)", what, err)
}

// TestEnvironmentsAreWeftsNamespacesAndOthersAreRefused: an environment's
// namespace is created with weft's labels and reported ready; one that
// exists and is not weft's is refused with a status that says so and left
// exactly as it was; removing the environments deletes weft's namespace
// and not the other.
func TestEnvironmentsAreWeftsNamespacesAndOthersAreRefused(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	theirs := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "staging", Labels: map[string]string{"owner": "ops"}}}
	if _, err := c.CoreV1().Namespaces().Create(ctx, theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc})
	set(t, ctl, clusterstate.KindNamespace, "e1", envEntry("e1", "prod"))
	set(t, ctl, clusterstate.KindNamespace, "e2", envEntry("e2", "staging"))
	ctl.Synced()

	wait.For(t, within, func() error {
		ns, err := c.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if ns.Labels[clusterstate.LabelEnvID] != "e1" || ns.Labels[clusterstate.LabelManagedBy] != "weft" || ns.Labels[clusterstate.LabelRole] != "env" {
			return fmt.Errorf("namespace prod labels %v", ns.Labels)
		}
		if st, ok := rep.lastNS("e1"); !ok || !st.Ready || st.Error != "" || st.Namespace != "prod" {
			return fmt.Errorf("e1 reported %+v (%v)", st, ok)
		}
		if st, ok := rep.lastNS("e2"); !ok || st.Ready || !strings.Contains(st.Error, "not weft's") {
			return fmt.Errorf("e2 reported %+v (%v), want refused as not weft's", st, ok)
		}
		return nil
	})
	ns, err := c.CoreV1().Namespaces().Get(ctx, "staging", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns.Labels) != 2 || ns.Labels["owner"] != "ops" {
		t.Errorf("the refused namespace was changed: labels %v", ns.Labels) // owner + kubernetes.io/metadata.name
	}
	for _, mf := range ns.ManagedFields {
		if mf.Manager == clusterstate.FieldManager {
			t.Errorf("weft-agent manages fields of a namespace that is not weft's: %+v", mf)
		}
	}

	set(t, ctl, clusterstate.KindNamespace, "e1", nil)
	set(t, ctl, clusterstate.KindNamespace, "e2", nil)
	wait.For(t, within, func() error {
		ns, err := c.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{})
		if err == nil && ns.DeletionTimestamp == nil {
			return fmt.Errorf("namespace prod not being deleted")
		}
		return nil
	})
	if ns, err := c.CoreV1().Namespaces().Get(ctx, "staging", metav1.GetOptions{}); err != nil || ns.DeletionTimestamp != nil {
		t.Errorf("the namespace that is not weft's was deleted (%v)", err)
	}
}

// TestAppsBecomeDeploymentsThatRollOutAndReport: a workload becomes a
// Deployment and a Service applied by weft-agent with weft's labels and
// the generation; its rollout is reported until 2/2; an image change rolls
// it and is reported with the new generation; a crash-looping pod and a
// spec the API server refuses are reported; a stale weft Deployment is
// pruned while the user's own is untouched; a Deployment of the app's name
// that is not weft's is refused; deleting the app deletes its objects.
func TestAppsBecomeDeploymentsThatRollOutAndReport(t *testing.T) {
	cp := kubetest.Start(t)
	kubelet := kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	c := cp.Client
	for _, n := range []string{"prod"} {
		if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n,
			Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// Before the agent starts: the user's own Deployment, one weft made
	// for an app deleted meanwhile, and one of the name an app will want.
	mk := func(name string, l map[string]string) {
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "prod", Labels: l},
			Spec: appsv1.DeploymentSpec{Replicas: new(int32(0)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"x": name}},
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"x": name}},
					Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "registry.invalid/x:1"}}}}}}
		if _, err := c.AppsV1().Deployments("prod").Create(ctx, d, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	mk("users-own", map[string]string{"app": "mine"})
	mk("stale", weftLabels(clusterstate.RoleWorkload, "env-prod", "prod", "a-gone", "stale"))
	mk("taken", map[string]string{"app": "theirs"})

	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc, Debounce: 100 * time.Millisecond})
	api := workloadEntry("a1", "api", "prod", 10, "ghcr.io/acme/api:1.4", 2)
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	set(t, ctl, clusterstate.KindWorkload, "a2", workloadEntry("a2", "taken", "prod", 11, "ghcr.io/acme/taken:1", 1))
	ctl.Synced()

	wait.For(t, within, func() error {
		st, _ := rep.lastApp("a1")
		if !rolledOut(st, 10) || st.Image != "ghcr.io/acme/api:1.4" || st.Desired != 2 {
			return fmt.Errorf("a1 reported %+v, want generation 10 rolled out 2/2", st)
		}
		return nil
	})
	d, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Labels[clusterstate.LabelAppID] != "a1" || d.Annotations[clusterstate.AnnotationGeneration] != "10" ||
		d.Spec.Template.Spec.Containers[0].Env[0].Value != "debug" || d.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort != 8080 {
		t.Errorf("deployment %+v", d.ObjectMeta)
	}
	if !slices.ContainsFunc(d.ManagedFields, func(m metav1.ManagedFieldsEntry) bool {
		return m.Manager == clusterstate.FieldManager && m.Operation == metav1.ManagedFieldsOperationApply
	}) {
		t.Errorf("deployment not server-side applied by %s: %+v", clusterstate.FieldManager, d.ManagedFields)
	}
	svc, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.Selector[clusterstate.LabelAppID] != "a1" || svc.Spec.Ports[0].Port != 80 || svc.Spec.Ports[0].TargetPort != intstr.FromInt(8080) {
		t.Errorf("service spec %+v", svc.Spec)
	}
	wait.For(t, within, func() error {
		if _, err := c.AppsV1().Deployments("prod").Get(ctx, "stale", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("weft's stale deployment not pruned (%v)", err)
		}
		st, _ := rep.lastApp("a2")
		if !strings.Contains(st.LastError, "not weft's") {
			return fmt.Errorf("a2 reported %+v, want refused: the deployment taken is not weft's", st)
		}
		return nil
	})
	for _, n := range []string{"users-own", "taken"} {
		d, err := c.AppsV1().Deployments("prod").Get(ctx, n, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if d.Labels[clusterstate.LabelManagedBy] != "" || d.Spec.Template.Spec.Containers[0].Image != "registry.invalid/x:1" {
			t.Errorf("deployment %s that is not weft's was changed: %v", n, d.Labels)
		}
	}

	// A new image rolls the Deployment; the report follows the new generation.
	api.Generation, api.Container.Image = 12, "ghcr.io/acme/api:1.5"
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	wait.For(t, within, func() error {
		st, _ := rep.lastApp("a1")
		if !rolledOut(st, 12) || st.Image != "ghcr.io/acme/api:1.5" {
			return fmt.Errorf("a1 reported %+v, want generation 12 with the new image rolled out", st)
		}
		pods, err := c.CoreV1().Pods("prod").List(ctx, metav1.ListOptions{LabelSelector: clusterstate.LabelAppID + "=a1"})
		if err != nil {
			return err
		}
		for _, p := range pods.Items {
			if p.Spec.Containers[0].Image != "ghcr.io/acme/api:1.5" {
				return fmt.Errorf("pod %s still runs %s", p.Name, p.Spec.Containers[0].Image)
			}
		}
		return nil
	})

	// A crash-looping pod shows.
	pods, err := c.CoreV1().Pods("prod").List(ctx, metav1.ListOptions{LabelSelector: clusterstate.LabelAppID + "=a1"})
	if err != nil || len(pods.Items) == 0 {
		t.Fatalf("pods: %v", err)
	}
	crashing := pods.Items[0].Name
	if err := kubelet.CrashLoop(ctx, "prod", crashing, 3); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		st, _ := rep.lastApp("a1")
		if len(st.CrashLooping) != 1 || st.CrashLooping[0].Pod != crashing || st.CrashLooping[0].Reason != "CrashLoopBackOff" ||
			st.CrashLooping[0].Restarts != 3 || rolledOut(st, 12) {
			return fmt.Errorf("a1 reported %+v, want %s crash-looping", st, crashing)
		}
		return nil
	})
	if err := kubelet.Restart("prod", crashing); err != nil {
		t.Fatal(err)
	}

	// A spec the API server refuses (a request above its limit) is
	// reported, and the Deployment keeps the last good spec.
	bad := api
	bad.Generation = 13
	bad.Container.Resources = clusterstate.Resources{Requests: clusterstate.ResourceList{CPU: "2"}, Limits: clusterstate.ResourceList{CPU: "1"}}
	set(t, ctl, clusterstate.KindWorkload, "a1", bad)
	wait.For(t, within, func() error {
		st, _ := rep.lastApp("a1")
		if !strings.Contains(st.LastError, "refused by the API server") || !strings.Contains(st.LastError, "limit") || st.Generation != 12 {
			return fmt.Errorf("a1 reported %+v, want the refusal and generation 12 still applied", st)
		}
		return nil
	})
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	wait.For(t, within, func() error {
		if st, _ := rep.lastApp("a1"); st.LastError != "" {
			return fmt.Errorf("a1 still reports %q after a good spec", st.LastError)
		}
		return nil
	})

	// Deleted: its Deployment and Service go; the others stay.
	set(t, ctl, clusterstate.KindWorkload, "a1", nil)
	wait.For(t, within, func() error {
		if _, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return gone(err, "deployment api")
		}
		_, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
		return gone(err, "service api")
	})
	for _, n := range []string{"users-own", "taken"} {
		if _, err := c.AppsV1().Deployments("prod").Get(ctx, n, metav1.GetOptions{}); err != nil {
			t.Errorf("deployment %s that is not weft's: %v", n, err)
		}
	}
}

// rolledOut is what the console counts as a finished rollout
// (domain.Rollout.RolledOut), read off the agent's report.
func rolledOut(s clusterstate.AppStatus, generation uint64) bool {
	return s.Generation >= generation && s.Generation > 0 && s.LastError == "" &&
		s.ObservedGeneration >= s.DeploymentGeneration &&
		s.Updated == s.Desired && s.Ready == s.Desired && s.Available == s.Desired
}

// counting counts a client's requests by method and resource ("PATCH
// deployments"), to show what a reconcile costs the API server.
type counting struct {
	mu sync.Mutex
	n  map[string]int
	rt http.RoundTripper
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	parts := strings.Split(r.URL.Path, "/")
	resource := ""
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			resource = parts[i+2]
		}
	}
	if r.URL.Query().Get("watch") == "" && resource != "" {
		c.mu.Lock()
		c.n[r.Method+" "+resource]++
		c.mu.Unlock()
	}
	return c.rt.RoundTrip(r)
}

func (c *counting) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// TestAWorkloadIsAppliedAgainOnlyWhenItsSpecOrSomeoneElsesEditChangesIt:
// the controller sends a workload's Deployment and Service once; the
// rollout that follows (Deployment status, pods becoming ready, a pod
// crash-looping and coming back, EndpointSlices changing) costs no further
// request for them (it cost a Get and two applies per change before), no
// Get at all is needed, and an edit of the Deployment's spec by someone
// else is undone at once.
func TestAWorkloadIsAppliedAgainOnlyWhenItsSpecOrSomeoneElsesEditChangesIt(t *testing.T) {
	cp := kubetest.Start(t)
	kubelet := kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	cfg := cp.AdminConfig()
	count := &counting{n: map[string]int{}}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { count.rt = rt; return count })
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, client, kube.Config{Report: nc, Debounce: 50 * time.Millisecond})
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	set(t, ctl, clusterstate.KindWorkload, "a1", workloadEntry("a1", "api", "prod", 10, "ghcr.io/acme/api:1.4", 2))
	ctl.Synced()
	wait.For(t, within, func() error {
		if st, _ := rep.lastApp("a1"); !rolledOut(st, 10) || st.Desired != 2 {
			return fmt.Errorf("a1 reported %+v, want generation 10 rolled out 2/2", st)
		}
		return nil
	})
	applied := count.get("PATCH deployments") + count.get("PATCH services")

	pods, err := cp.Client.CoreV1().Pods("prod").List(ctx, metav1.ListOptions{LabelSelector: clusterstate.LabelAppID + "=a1"})
	if err != nil || len(pods.Items) != 2 {
		t.Fatalf("pods of a1: %d (%v)", len(pods.Items), err)
	}
	crashing := pods.Items[0].Name
	if err := kubelet.CrashLoop(ctx, "prod", crashing, 1); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		if st, _ := rep.lastApp("a1"); len(st.CrashLooping) != 1 || st.Ready != 1 {
			return fmt.Errorf("a1 reported %+v, want %s crash-looping and 1 ready", st, crashing)
		}
		return nil
	})
	if err := kubelet.Restart("prod", crashing); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		if st, _ := rep.lastApp("a1"); !rolledOut(st, 10) || len(st.CrashLooping) != 0 {
			return fmt.Errorf("a1 reported %+v, want 2/2 again", st)
		}
		return nil
	})
	if got := count.get("PATCH deployments") + count.get("PATCH services"); got != applied {
		t.Errorf("the rollout's status changes cost %d applies of an unchanged workload", got-applied)
	}
	if got := count.get("GET deployments"); got != 0 {
		t.Errorf("%d GETs of the Deployment; the cache holds every Deployment's name and labels", got)
	}

	// Someone scales weft's Deployment: the controller applies its spec again.
	scale, err := cp.Client.AppsV1().Deployments("prod").GetScale(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scale.Spec.Replicas = 5
	if _, err := cp.Client.AppsV1().Deployments("prod").UpdateScale(ctx, "api", scale, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		d, err := cp.Client.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if *d.Spec.Replicas != 2 {
			return fmt.Errorf("the Deployment has %d replicas, want weft's 2 back", *d.Spec.Replicas)
		}
		return nil
	})
}

// TestAnExportedServicesReadyEndpointsAreItsAppsStatus: an app that
// exports a Service of the user's reports that Service's endpoints as its
// status (all of them desired, the ready ones ready), follows them as they
// become ready, says when the Service is missing, and leaves it untouched.
func TestAnExportedServicesReadyEndpointsAreItsAppsStatus(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "data"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc, err := c.CoreV1().Services("data").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "postgres", Namespace: "data"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "pg", Port: 5432}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	port, name := int32(5432), "pg"
	slice := &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Name: "postgres-1", Namespace: "data",
		Labels: map[string]string{discoveryv1.LabelServiceName: "postgres", discoveryv1.LabelManagedBy: "ops"}},
		AddressType: discoveryv1.AddressTypeIPv4, Ports: []discoveryv1.EndpointPort{{Name: &name, Port: &port}},
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.1.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: new(true)}},
			{Addresses: []string{"10.1.0.2"}, Conditions: discoveryv1.EndpointConditions{Ready: new(false)}},
		}}
	if slice, err = c.DiscoveryV1().EndpointSlices("data").Create(ctx, slice, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc, Debounce: 50 * time.Millisecond})
	set(t, ctl, clusterstate.KindExport, "x1", clusterstate.Export{ID: "x1", Name: "db", Env: "prod", Namespace: "data", Service: "postgres",
		Ports: []clusterstate.Port{{Port: 5432, Protocol: "tcp"}}})
	ctl.Synced()
	status := func(desired, ready int32, lastErr string) {
		t.Helper()
		wait.For(t, within, func() error {
			st, _ := rep.lastApp("x1")
			if st.Desired != desired || st.Ready != ready || st.Available != ready || !strings.Contains(st.LastError, lastErr) || (lastErr == "") != (st.LastError == "") {
				return fmt.Errorf("x1 reported %+v, want %d/%d ready, error %q", st, ready, desired, lastErr)
			}
			return nil
		})
	}
	status(2, 1, "")
	slice.Endpoints[1].Conditions.Ready = new(true)
	if _, err := c.DiscoveryV1().EndpointSlices("data").Update(ctx, slice, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	status(2, 2, "")
	got, err := c.CoreV1().Services("data").Get(ctx, "postgres", metav1.GetOptions{})
	if err != nil || got.ResourceVersion != svc.ResourceVersion || len(got.Labels) != 0 {
		t.Errorf("the exported Service was changed: %v (%v)", got, err)
	}
	if err := c.CoreV1().Services("data").Delete(ctx, "postgres", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	status(0, 0, "service data/postgres not found")
}
