package e2e

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// kubeCluster is one cluster of the Kubernetes scenario: its network
// namespace, control plane, kubelet and agent.
type kubeCluster struct {
	agentProc
	cp      *kubetest.ControlPlane
	kubelet *kubetest.Kubelet
}

// The mesh scenario with both clusters in Kubernetes mode (issue 16,
// point 9): each cluster's network namespace runs its own etcd,
// kube-apiserver and kube-controller-manager, a kubelet played by the test
// (each Pod a real HTTP server on its own address there, answering with
// its name) and weft-agent --kubernetes with a real WireGuard gateway, the
// proxy and DNS; a laptop joins with weft device connect. Through the CLI
// an app made from an image runs as a Deployment in cluster A; the laptop
// reaches it by name over WireGuard and gets answers from every Pod, a
// third one after scaling; a process in cluster B's pod network reaches it
// through the Service imported there; an intercept sends cluster B and
// cluster A's own callers to the laptop until it stops; a deny policy
// refuses the laptop and not cluster B; deleting the app and then the
// environment leaves nothing of weft's in either API server. The agents run
// as the agent overlay's service account, with its RBAC.
func TestAnAppFromAnImageRunsInOneClusterAndIsReachedFromTheLaptopAndTheOther(t *testing.T) {
	mh := newMeshHosts(t)
	if _, err := kubetest.BinDir(); err != nil {
		cannotRun(t, "the Kubernetes scenario needs the control plane's binaries: %v", err)
	}
	bin := binaries(t)
	ctx := t.Context()
	a := &kubeCluster{agentProc: agentProc{name: "eu-1", ns: mh.a, ctl: "198.51.100.1", endpoint: "192.0.2.1:51820", iface: "wgeu" + mh.id}}
	b := &kubeCluster{agentProc: agentProc{name: "us-1", ns: mh.b, ctl: "198.51.100.5", endpoint: "192.0.2.2:51820", iface: "wgus" + mh.id}}
	clusters := []*kubeCluster{a, b}
	for i, k := range clusters {
		k.cp = kubetest.Start(t, kubetest.Netns(k.ns))
		k.kubelet = kubetest.StartKubelet(t, k.cp.AdminConfig(), kubetest.KubeletConfig{
			NodeName: k.name + "-node", Netns: k.ns, PodCIDR: netip.MustParsePrefix(fmt.Sprintf("10.244.%d.0/24", i)),
		})
	}

	s := startServerOn(t, []string{"ip", "netns", "exec", mh.hub}, "--http", "0.0.0.0:0", "--nats-listen", "0.0.0.0:0")
	hu, _ := url.Parse(s.URL)
	nu, _ := url.Parse(s.NATS)
	c := newCLI(t)
	c.ok("login", "--server", "http://198.51.100.13:"+hu.Port(), "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	for _, k := range clusters {
		out := c.json("cluster", "create", k.name)
		k.id, _ = find(out, "id").(string)
		k.secret, _ = find(out, "enrolmentSecret").(string)
		k.gatewayIP, _ = find(out, "gatewayIp").(string)
		k.dir = t.TempDir()
		kubeconfig := k.cp.Kubeconfig(t, agentRBAC(t, k.cp))
		k.cmd = exec.Command("ip", "netns", "exec", k.ns, filepath.Join(bin, "weft-agent"),
			"--server", "http://"+k.ctl+":"+hu.Port(), "--nats-url", "nats://"+k.ctl+":"+nu.Port(),
			"--cluster", k.id, "--state-dir", k.dir, "--enrolment-secret", k.secret,
			"--interface", k.iface, "--endpoint", k.endpoint, "--proxy", "--dns", "0.0.0.0:5353",
			"--kubernetes", "--kubeconfig", kubeconfig)
		k.cmd.Stdout, k.cmd.Stderr = &k.logs, &k.logs
		if err := k.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = k.cmd.Process.Signal(os.Interrupt)
			_ = k.cmd.Wait()
			if t.Failed() {
				t.Logf("agent %s:\n%s", k.name, k.logs.String())
			}
		})
	}
	// Imports go only to clusters whose agent reported Kubernetes mode.
	wait.For(t, 60*time.Second, func() error {
		if out := c.ok("cluster", "list"); strings.Count(out, "v1.") < 2 {
			return fmt.Errorf("both agents have not reported Kubernetes mode yet:\n%s", out)
		}
		return nil
	})

	lc := newCLI(t)
	lc.prefix = []string{"ip", "netns", "exec", mh.laptop}
	lc.ok("login", "--server", "http://198.51.100.9:"+hu.Port(), "--token", s.Token, "--team", "acme")
	connect := exec.Command("ip", "netns", "exec", mh.laptop, filepath.Join(bin, "weft"), "device", "connect", "laptop", "--interface", "wl"+mh.id, "--sync-every", "1s")
	connect.Env = append(os.Environ(), "WEFT_CONFIG="+lc.config)
	var connectOut lockedBuffer
	connect.Stdout, connect.Stderr = &connectOut, &connectOut
	if err := connect.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = connect.Process.Signal(os.Interrupt)
		_ = connect.Wait()
		if t.Failed() {
			t.Logf("weft device connect:\n%s", connectOut.String())
		}
	})

	c.ok("env", "create", "prod", "--cluster", "eu-1")
	app := c.json("app", "create", "api", "--env", "prod", "--image", "ghcr.io/acme/api:1.4", "--port", "80:8080", "--replicas", "2",
		"--wait", "--wait-timeout", "2m")
	appID, _ := find(app, "id").(string)
	serviceIP, _ := find(app, "serviceIp").(string)
	app80 := net.JoinHostPort(serviceIP, "80")
	const appName = "api.prod.acme.weft.internal:80"
	laptopDNS := net.JoinHostPort(a.gatewayIP, "5353")
	mine := labels.SelectorFromSet(labels.Set{clusterstate.LabelAppID: appID}).String()

	// readyPods are the names of the app's ready Pods in cluster A.
	readyPods := func() ([]string, error) {
		pods, err := a.cp.Client.CoreV1().Pods("prod").List(ctx, metav1.ListOptions{LabelSelector: mine})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, p := range pods.Items {
			for _, cd := range p.Status.Conditions {
				if cd.Type == corev1.PodReady && cd.Status == corev1.ConditionTrue && p.DeletionTimestamp == nil {
					names = append(names, p.Name)
				}
			}
		}
		sort.Strings(names)
		return names, nil
	}
	// answeredBy dials addr from ns, one connection at a time, until every
	// one of want has answered (the proxy balances per connection).
	answeredBy := func(t *testing.T, ns, addr string, want []string, dnsServer ...string) {
		t.Helper()
		seen := map[string]bool{}
		wait.For(t, 60*time.Second, func() error {
			got := strings.TrimSpace(dialFrom(ns, addr, "10s", dnsServer...))
			if !slices.Contains(want, got) {
				return fmt.Errorf("%s answered %q, not one of the pods %v", addr, got, want)
			}
			seen[got] = true
			if len(seen) < len(want) {
				return fmt.Errorf("answers from %d of the pods %v so far", len(seen), want)
			}
			return nil
		})
	}
	step := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, func(st *testing.T) {
			c.t, lc.t = st, st
			defer func() { c.t, lc.t = t, t }()
			fn(st)
		}) {
			t.FailNow()
		}
	}

	var pods []string
	step("1_the_laptop_reaches_the_app_by_name_and_every_pod_answers", func(t *testing.T) {
		var err error
		if pods, err = readyPods(); err != nil || len(pods) != 2 {
			t.Fatalf("after create --wait, cluster A has ready pods %v (%v), want 2", pods, err)
		}
		mustContain(t, "app get", c.ok("app", "get", "api", "--env", "prod"), "2/2")
		// What each agent was handed, in its state.json.
		wait.For(t, 30*time.Second, func() error {
			sa, err := readAgentState(a.dir)
			if err != nil || sa.Kubernetes == nil || sa.Kubernetes.Workloads[appID].Name != "api" || len(sa.Kubernetes.Namespaces) != 1 {
				return fmt.Errorf("cluster A's state.json lacks the workload and namespace: %+v (%v)", sa.Kubernetes, err)
			}
			sb, err := readAgentState(b.dir)
			if err != nil || sb.Kubernetes == nil || len(sb.Kubernetes.Imports) != 1 || len(sb.Kubernetes.Workloads) != 0 {
				return fmt.Errorf("cluster B's state.json lacks the import: %+v (%v)", sb.Kubernetes, err)
			}
			return nil
		})
		answeredBy(t, mh.laptop, appName, pods, laptopDNS)
	})

	step("2_scaled_to_three_the_third_pod_answers_too", func(t *testing.T) {
		c.ok("app", "update", "api", "--env", "prod", "--replicas", "3", "--wait", "--wait-timeout", "2m")
		var err error
		if pods, err = readyPods(); err != nil || len(pods) != 3 {
			t.Fatalf("after update --replicas 3 --wait, cluster A has ready pods %v (%v), want 3", pods, err)
		}
		answeredBy(t, mh.laptop, app80, pods)
	})

	step("3_a_pod_process_in_cluster_b_reaches_it_through_the_imported_service", func(t *testing.T) {
		var endpoint string
		wait.For(t, 60*time.Second, func() error {
			svc, err := b.cp.Client.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
			if err != nil {
				return fmt.Errorf("the imported Service: %w", err)
			}
			if svc.Labels[clusterstate.LabelRole] != clusterstate.RoleImport || svc.Spec.Selector != nil {
				return fmt.Errorf("the Service in cluster B is not weft's import: labels %v, selector %v", svc.Labels, svc.Spec.Selector)
			}
			eps, err := serviceEndpoints(ctx, b.cp.Client, "prod", "api")
			if err != nil || len(eps) != 1 {
				return fmt.Errorf("the imported Service's endpoints %v (%v), want one", eps, err)
			}
			endpoint = eps[0]
			return nil
		})
		if endpoint != app80 {
			t.Fatalf("the import's endpoint is %s, want the app's service IP and port %s", endpoint, app80)
		}
		answeredBy(t, b.ns, endpoint, pods)
	})

	step("4_an_intercept_answers_cluster_b_and_cluster_as_own_callers_from_the_laptop_until_stopped", func(t *testing.T) {
		laptopIP, _ := find(c.json("device", "get", "laptop"), "ip").(string)
		startEchoIn(t, mh.laptop, net.JoinHostPort(laptopIP, "3000"), "the-laptop")
		ic := c.json("intercept", "start", "api", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", "3000", "--wait", "--wait-timeout", "60s")
		icID, _ := find(ic, "id").(string)
		if got := dialFrom(b.ns, app80, "20s"); !strings.Contains(got, "echo from the-laptop") {
			t.Fatalf("cluster B reached the intercepted app at %s: %s", app80, got)
		}
		// Cluster A's pods call the app's own Service, whose endpoints now
		// lead to the proxy.
		wait.For(t, 60*time.Second, func() error {
			eps, err := serviceEndpoints(ctx, a.cp.Client, "prod", "api")
			if err != nil || len(eps) != 1 || eps[0] != app80 {
				return fmt.Errorf("the intercepted Service's endpoints in cluster A are %v (%v), want only %s", eps, err, app80)
			}
			return nil
		})
		if got := dialFrom(a.ns, app80, "20s"); !strings.Contains(got, "echo from the-laptop") {
			t.Fatalf("an in-cluster caller in A reached the intercepted app: %s", got)
		}
		c.ok("intercept", "stop", icID, "--wait", "--wait-timeout", "60s")
		wait.For(t, 60*time.Second, func() error {
			eps, err := serviceEndpoints(ctx, a.cp.Client, "prod", "api")
			if err != nil || len(eps) != len(pods) {
				return fmt.Errorf("after the intercept, the Service's endpoints in cluster A are %v (%v), want the %d pods'", eps, err, len(pods))
			}
			return nil
		})
		answeredBy(t, b.ns, app80, pods)
	})

	step("5_a_deny_policy_refuses_the_laptop_and_not_cluster_b", func(t *testing.T) {
		c.ok("policy", "create", "no-laptop", "--deny", "--from", "device:laptop", "--to", "app:prod/api", "--wait", "--wait-timeout", "60s")
		if got := dialFrom(mh.laptop, app80, "3s"); slices.Contains(pods, strings.TrimSpace(got)) {
			t.Fatalf("the denied laptop got an answer: %s", got)
		}
		if got := strings.TrimSpace(dialFrom(b.ns, app80, "20s")); !slices.Contains(pods, got) {
			t.Fatalf("the policy refused cluster B too: %s", got)
		}
		c.ok("policy", "delete", "no-laptop", "--wait", "--wait-timeout", "60s")
		if got := strings.TrimSpace(dialFrom(mh.laptop, app80, "20s")); !slices.Contains(pods, got) {
			t.Fatalf("the laptop after the policy went: %s", got)
		}
	})

	step("6_deleting_the_app_and_its_environment_leaves_nothing_of_wefts_in_either_cluster", func(t *testing.T) {
		c.ok("app", "delete", "api", "--env", "prod")
		for _, k := range clusters {
			wait.For(t, 60*time.Second, func() error { return noneLeft(ctx, k.cp.Client, mine) })
		}
		c.ok("env", "delete", "prod")
		weft := labels.SelectorFromSet(labels.Set{clusterstate.LabelManagedBy: clusterstate.ManagedBy}).String()
		for _, k := range clusters {
			wait.For(t, 2*time.Minute, func() error { return noneLeft(ctx, k.cp.Client, weft) })
		}
	})
}

// agentRBAC applies the agent overlay's roles, bindings and admission
// policy (deploy/kubernetes/agent/rbac.yaml) and returns the configuration of its
// service account, weft-agent/weft-agent: the scenario's agents have the
// rights the overlay gives and no more.
func agentRBAC(t *testing.T, cp *kubetest.ControlPlane) *rest.Config {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "deploy", "kubernetes", "agent", "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cp.Apply(t, b)
	return cp.ServiceAccountConfig(t, "weft-agent", "weft-agent")
}

// noneLeft says which objects matching selector still exist: Namespaces,
// Deployments, Services, EndpointSlices and Pods (which weft does not make,
// but which carry an app's labels until its Deployment is gone).
func noneLeft(ctx context.Context, c kubernetes.Interface, selector string) error {
	o := metav1.ListOptions{LabelSelector: selector}
	var left []string
	add := func(kind string, items []metav1.Object) {
		for _, x := range items {
			left = append(left, kind+" "+strings.TrimPrefix(x.GetNamespace()+"/"+x.GetName(), "/"))
		}
	}
	nss, err := c.CoreV1().Namespaces().List(ctx, o)
	if err != nil {
		return err
	}
	add("namespace", objs(nss.Items))
	deps, err := c.AppsV1().Deployments("").List(ctx, o)
	if err != nil {
		return err
	}
	add("deployment", objs(deps.Items))
	svcs, err := c.CoreV1().Services("").List(ctx, o)
	if err != nil {
		return err
	}
	add("service", objs(svcs.Items))
	slices, err := c.DiscoveryV1().EndpointSlices("").List(ctx, o)
	if err != nil {
		return err
	}
	add("endpointslice", objs(slices.Items))
	pods, err := c.CoreV1().Pods("").List(ctx, o)
	if err != nil {
		return err
	}
	add("pod", objs(pods.Items))
	if len(left) > 0 {
		return fmt.Errorf("still in the API server: %s", strings.Join(left, ", "))
	}
	return nil
}

// objs are a list's items as objects.
func objs[T any, P interface {
	*T
	metav1.Object
}](items []T) []metav1.Object {
	out := make([]metav1.Object, len(items))
	for i := range items {
		out[i] = P(&items[i])
	}
	return out
}

// serviceEndpoints are the ready endpoints (address:port) of a Service's
// EndpointSlices.
func serviceEndpoints(ctx context.Context, c kubernetes.Interface, namespace, service string) ([]string, error) {
	l, err := c.DiscoveryV1().EndpointSlices(namespace).List(ctx, metav1.ListOptions{
		LabelSelector: labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: service}).String()})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range l.Items {
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready {
				continue
			}
			for _, p := range s.Ports {
				if p.Port != nil {
					out = append(out, net.JoinHostPort(e.Addresses[0], fmt.Sprint(*p.Port)))
				}
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
