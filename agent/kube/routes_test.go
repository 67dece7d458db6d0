package kube_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/agent/proxy"
	"weft.dev/events/clusterstate"
)

// addAddr puts ip on the loopback interface of network namespace ns.
func addAddr(t *testing.T, ns, ip string) {
	t.Helper()
	if out, err := exec.Command("ip", "-n", ns, "addr", "add", ip+"/32", "dev", "lo").CombinedOutput(); err != nil {
		t.Fatalf("ip addr add %s: %v: %s", ip, err, out)
	}
}

// serveIn answers every HTTP request on addr in ns with body.
func serveIn(t *testing.T, ns, addr, body string) {
	t.Helper()
	l, err := kubetest.ListenIn(ns, addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body+"\n") }),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// ask sends one HTTP request on a new connection from ns to addr.
func ask(ns, addr string) (string, error) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: kubetest.DialIn(ns), DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b)), err
}

// answerers are the distinct answers of n requests.
func answerers(ns, addr string, n int) ([]string, error) {
	seen := map[string]bool{}
	for range n {
		body, err := ask(ns, addr)
		if err != nil {
			return nil, err
		}
		seen[body] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}

// serviceEndpoints are the ready addresses of a Service's EndpointSlices,
// as kube-proxy would program them.
func serviceEndpoints(ctx context.Context, cp *kubetest.ControlPlane, ns, name string) ([]string, error) {
	sl, err := cp.Client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=" + name})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range sl.Items {
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			for _, p := range s.Ports {
				a := net.JoinHostPort(e.Addresses[0], fmt.Sprint(*p.Port))
				if !seen[a] {
					seen[a] = true
					out = append(out, a)
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// readyPodNames are the names of app id's ready pods.
func readyPodNames(ctx context.Context, t *testing.T, cp *kubetest.ControlPlane, ns, id string) []string {
	pods, err := cp.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: clusterstate.LabelAppID + "=" + id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pods.Items {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue && p.DeletionTimestamp == nil {
				out = append(out, p.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestProxyBackendsFollowTheServicesReadyEndpoints: the proxy's backends
// for a workload's service IP are its Service's ready endpoints, followed
// from the informer: both pods answer, a third one answers after a scale,
// a crash-looping one leaves, a deleted one goes, and a connection open to
// one pod keeps working through every change of the others. An intercept
// still takes the route's traffic while endpoints change, and an exported
// Service that is not weft's backs its app the same way without being
// touched. While intercepted, the app's Service leads in-cluster callers
// to the proxy and so to the device, and back to the pods after.
func TestProxyBackendsFollowTheServicesReadyEndpoints(t *testing.T) {
	cp := kubetest.Start(t)
	kubelet := kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	ns := kubelet.Netns()
	ctl := startController(t, cp.Client, kube.Config{})
	p := proxy.New(proxy.Config{ListenTCP: func(addr string) (net.Listener, error) { return kubetest.ListenIn(ns, addr) }, Dial: kubetest.DialIn(ns)})
	t.Cleanup(p.Close)
	routes := kube.NewRoutes(ctl, p)

	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	api := workloadEntry("a1", "api", "prod", 5, "ghcr.io/acme/api:1", 2)
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	ctl.Synced()
	const vip = "100.80.0.1"
	addAddr(t, ns, vip)
	route := clusterstate.Route{ID: "a1", Kind: "app", Name: "api", Env: "prod", ServiceIP: vip, Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}},
		Balance: "round_robin", Endpoints: &clusterstate.EndpointSource{Namespace: "prod", Service: "api"}}
	if err := routes.UpsertRoute(route); err != nil {
		t.Fatal(err)
	}
	want := func(n int) []string {
		var names []string
		wait.For(t, within, func() error {
			names = readyPodNames(ctx, t, cp, "prod", "a1")
			if len(names) != n {
				return fmt.Errorf("%d ready pods, want %d", len(names), n)
			}
			got, err := answerers(ns, vip+":80", 4*n)
			if err != nil {
				return err
			}
			if !slices.Equal(got, names) {
				return fmt.Errorf("answers from %v, want from the ready pods %v (backends %v)", got, names, routes.Backends("a1"))
			}
			return nil
		})
		return names
	}
	two := want(2)

	// A connection held open to one pod, through the proxy.
	conn, err := kubetest.DialIn(ns)(ctx, "tcp", vip+":80")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	held := func() string {
		t.Helper()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: api\r\n\r\n"); err != nil {
			t.Fatalf("the held connection broke: %v", err)
		}
		resp, err := http.ReadResponse(rd, nil)
		if err != nil {
			t.Fatalf("the held connection broke: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return strings.TrimSpace(string(b))
	}
	holder := held()

	api.Replicas = 3
	set(t, ctl, clusterstate.KindWorkload, "a1", api)
	three := want(3)
	if got := held(); got != holder {
		t.Errorf("held connection answered by %s, then %s", holder, got)
	}

	// A crash-looping pod that is not the held one leaves the backends.
	other := two[0]
	if other == holder {
		other = two[1]
	}
	if err := kubelet.CrashLoop(ctx, "prod", other, 2); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		got, err := answerers(ns, vip+":80", 8)
		if err != nil {
			return err
		}
		if slices.Contains(got, other) || len(got) != 2 {
			return fmt.Errorf("answers from %v, want the two ready pods without %s", got, other)
		}
		return nil
	})
	if got := held(); got != holder {
		t.Errorf("held connection answered by %s after another pod crashed, then %s", holder, got)
	}
	if err := kubelet.Restart("prod", other); err != nil {
		t.Fatal(err)
	}
	want(3)

	// An intercept takes every new connection, also while endpoints change.
	const device = "10.99.0.9"
	addAddr(t, ns, device)
	serveIn(t, ns, device+":9000", "device")
	ic := route
	ic.Intercept = []clusterstate.Intercept{{ID: "i1", Port: 80, Protocol: "tcp", Target: device + ":9000"}}
	if err := routes.UpsertRoute(ic); err != nil {
		t.Fatal(err)
	}
	if got, err := answerers(ns, vip+":80", 4); err != nil || !slices.Equal(got, []string{"device"}) {
		t.Fatalf("intercepted: answers %v (%v), want only the device", got, err)
	}
	// In-cluster callers: the Service's endpoints lead to the service IP
	// (the proxy), so a pod-process using them reaches the device too.
	wait.For(t, within, func() error {
		svc, err := cp.Client.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if svc.Spec.Selector != nil {
			return fmt.Errorf("intercepted Service still selects pods: %v", svc.Spec.Selector)
		}
		addrs, err := serviceEndpoints(ctx, cp, "prod", "api")
		if err != nil {
			return err
		}
		if !slices.Equal(addrs, []string{vip + ":80"}) {
			return fmt.Errorf("intercepted Service's endpoints %v, want only %s:80", addrs, vip)
		}
		body, err := ask(ns, addrs[0])
		if err != nil || body != "device" {
			return fmt.Errorf("in-cluster caller got %q (%v), want the device", body, err)
		}
		return nil
	})
	if got := held(); got != holder {
		t.Errorf("held connection answered by %s during the intercept, then %s", holder, got)
	}
	if err := routes.UpsertRoute(route); err != nil {
		t.Fatal(err)
	}
	after := want(3)
	wait.For(t, within, func() error {
		addrs, err := serviceEndpoints(ctx, cp, "prod", "api")
		if err != nil {
			return err
		}
		if len(addrs) != 3 || slices.Contains(addrs, vip+":80") {
			return fmt.Errorf("after the intercept the Service's endpoints are %v, want its three pods", addrs)
		}
		return nil
	})
	if got := held(); got != holder {
		t.Errorf("held connection answered by %s, then %s", holder, got)
	}
	t.Logf("pods %v, then %v, then %v; held connection on %s throughout", two, three, after, holder)

	// An exported Service of the user's: followed, never changed.
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "data"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pg := map[string]string{"app": "pg"}
	if _, err := c.AppsV1().Deployments("data").Create(ctx, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "pg", Namespace: "data"},
		Spec: appsv1.DeploymentSpec{Replicas: new(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: pg},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: pg}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
				Name: "pg", Image: "registry.invalid/pg:17", Ports: []corev1.ContainerPort{{Name: "pg", ContainerPort: 7000}}}}}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CoreV1().Services("data").Create(ctx, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "pg", Namespace: "data"},
		Spec: corev1.ServiceSpec{Selector: pg, Ports: []corev1.ServicePort{{Name: "pg", Port: 5432, TargetPort: intstr.FromString("pg")}}}},
		metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	set(t, ctl, clusterstate.KindExport, "d1", clusterstate.Export{ID: "d1", Name: "db", Env: "prod", Namespace: "data", Service: "pg",
		Ports: []clusterstate.Port{{Port: 5432, Protocol: "tcp"}}})
	const dbIP = "100.80.0.2"
	addAddr(t, ns, dbIP)
	if err := routes.UpsertRoute(clusterstate.Route{ID: "d1", Kind: "app", Name: "db", Env: "prod", ServiceIP: dbIP,
		Ports: []clusterstate.Port{{Port: 5432, Protocol: "tcp"}}, Endpoints: &clusterstate.EndpointSource{Namespace: "data", Service: "pg"}}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		body, err := ask(ns, dbIP+":5432")
		if err != nil {
			return err
		}
		if !strings.HasPrefix(body, "pg-") {
			return fmt.Errorf("db answered %q, want a pod of pg", body)
		}
		return nil
	})
	svc, err := c.CoreV1().Services("data").Get(ctx, "pg", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range svc.ManagedFields {
		if mf.Manager == clusterstate.FieldManager {
			t.Errorf("the exported Service was changed by weft-agent: %+v", mf)
		}
	}
	if svc.Labels[clusterstate.LabelManagedBy] != "" {
		t.Errorf("the exported Service got weft's labels: %v", svc.Labels)
	}
}

// TestImportsLeadPodsToTheMeshServiceIP: an app of another cluster becomes
// a selector-less Service of its name in its environment's namespace
// (created, labelled as an import) with an EndpointSlice to its service
// IP, so a process playing a pod, reading the Service's endpoints as
// kube-proxy does, gets the answer of what listens on that IP (here
// standing in for cluster A's proxy behind the mesh). A Service of the
// same name that is not weft's is left alone; removing the import
// removes the Service, its endpoints and the namespace made for it.
func TestImportsLeadPodsToTheMeshServiceIP(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	ns := kubetest.NewNetns(t)
	const vip = "100.80.0.7"
	addAddr(t, ns, vip)
	serveIn(t, ns, vip+":80", "cluster-a")

	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shared"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "cache", Namespace: "shared"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 6379}}}}
	if _, err := c.CoreV1().Services("shared").Create(ctx, theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctl := startController(t, c, kube.Config{})
	imp := func(id, name, namespace, envID, ip string) clusterstate.Import {
		return clusterstate.Import{ID: id, Kind: "app", Name: name, Namespace: namespace, Env: namespace, Cluster: "a", ServiceIP: ip,
			Labels:          weftLabels(clusterstate.RoleImport, envID, namespace, id, name),
			NamespaceLabels: weftLabels(clusterstate.RoleImport, envID, namespace, "", ""),
			Ports:           []clusterstate.ServicePort{{Name: "http-80", Port: 80, Protocol: "tcp", AppProto: "http"}}}
	}
	set(t, ctl, clusterstate.KindImport, "a1", imp("a1", "api", "prod", "env-prod", vip))
	set(t, ctl, clusterstate.KindImport, "a9", imp("a9", "cache", "shared", "env-shared", "100.80.0.9"))
	ctl.Synced()

	wait.For(t, within, func() error {
		nsObj, err := c.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if nsObj.Labels[clusterstate.LabelRole] != clusterstate.RoleImport {
			return fmt.Errorf("namespace prod labels %v", nsObj.Labels)
		}
		svc, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if svc.Spec.Selector != nil || svc.Labels[clusterstate.LabelRole] != clusterstate.RoleImport || svc.Spec.Ports[0].Port != 80 {
			return fmt.Errorf("import service %+v %+v", svc.Labels, svc.Spec)
		}
		// The pod's side: the Service's endpoints, as kube-proxy reads them.
		sl, err := c.DiscoveryV1().EndpointSlices("prod").List(ctx, metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=api"})
		if err != nil {
			return err
		}
		if len(sl.Items) != 1 || len(sl.Items[0].Endpoints) != 1 || len(sl.Items[0].Ports) != 1 {
			return fmt.Errorf("endpoint slices of prod/api: %+v", sl.Items)
		}
		s := sl.Items[0]
		addr := net.JoinHostPort(s.Endpoints[0].Addresses[0], fmt.Sprint(*s.Ports[0].Port))
		body, err := ask(ns, addr)
		if err != nil {
			return err
		}
		if body != "cluster-a" {
			return fmt.Errorf("the import's endpoint %s answered %q", addr, body)
		}
		return nil
	})
	svc, err := c.CoreV1().Services("shared").Get(ctx, "cache", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Labels) != 0 || svc.Spec.Ports[0].Port != 6379 {
		t.Errorf("the Service that is not weft's was changed: %+v", svc)
	}
	if sl, _ := c.DiscoveryV1().EndpointSlices("shared").Get(ctx, kube.ImportSliceName("cache"), metav1.GetOptions{}); sl != nil && sl.Name != "" {
		t.Errorf("an endpoint slice was written for the Service that is not weft's: %+v", sl)
	}

	set(t, ctl, clusterstate.KindImport, "a1", nil)
	set(t, ctl, clusterstate.KindImport, "a9", nil)
	wait.For(t, within, func() error {
		if _, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{}); err == nil {
			return fmt.Errorf("import service still there")
		}
		if _, err := c.DiscoveryV1().EndpointSlices("prod").Get(ctx, kube.ImportSliceName("api"), metav1.GetOptions{}); err == nil {
			return fmt.Errorf("import endpoint slice still there")
		}
		if n, err := c.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{}); err == nil && n.DeletionTimestamp == nil {
			return fmt.Errorf("namespace made for the import still there")
		}
		return nil
	})
	if _, err := c.CoreV1().Services("shared").Get(ctx, "cache", metav1.GetOptions{}); err != nil {
		t.Errorf("the Service that is not weft's: %v", err)
	}
	if n, err := c.CoreV1().Namespaces().Get(ctx, "shared", metav1.GetOptions{}); err != nil || n.DeletionTimestamp != nil {
		t.Errorf("the namespace that is not weft's was deleted (%v)", err)
	}
}
