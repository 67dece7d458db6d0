package e2e

import (
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
)

// An environment cloned through the CLI (issue 18, point 5) against a real
// weft-server and a real weft-agent in Kubernetes mode on a real
// kube-apiserver and kube-controller-manager: the clone's namespace holds
// its own Deployment and Service, ConfigMap, Secret (the value, sealed to
// the agent on the way), and a new Postgres StatefulSet, each labelled
// with the copy's ids (not the source's), and no Ingress for the router's
// copy without a domain; deleting the clone leaves nothing of it in the
// API server while prod's objects stay.
func TestACloneRunsInItsClusterAsItsOwnObjectsAndDeletingItLeavesNothing(t *testing.T) {
	if _, err := kubetest.BinDir(); err != nil {
		cannotRun(t, "the clone's Kubernetes scenario needs the control plane's binaries: %v", err)
	}
	cp := kubetest.Start(t)
	ctx := t.Context()
	kc := cp.Client
	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	gwPort := freeUDPPortE2E(t)
	runAgent(t, "--server", s.URL, "--cluster", clusterID, "--enrolment-secret", secret, "--state-dir", t.TempDir(), "--netstack",
		"--listen-port", fmt.Sprint(gwPort), "--endpoint", fmt.Sprintf("127.0.0.1:%d", gwPort),
		"--kubernetes", "--kubeconfig", cp.Kubeconfig(t, agentRBAC(t, cp)))

	const known = "clone-e2e-known-4c2"
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	// --wait returns once the cluster's agent has the change (it then
	// writes the ConfigMap and the Secret).
	c.ok("config", "set", "app-settings", "LOG_LEVEL=debug", "--env", "prod", "--wait", "--wait-timeout", "1m")
	c.ok("secret", "set", "db-creds", "PASSWORD="+known, "--env", "prod", "--wait", "--wait-timeout", "1m")
	c.ok("service", "create", "db", "--env", "prod", "--kind", "postgres", "--version", "16", "--storage", "1Gi")
	c.ok("app", "create", "shop", "--env", "prod", "--image", "ghcr.io/acme/shop:1", "--port", "80:8080/http",
		"--env-from", "config:app-settings", "--env-var-from", "DB_PASSWORD=secret:db-creds/PASSWORD", "--env-from-service", "db:DB_")
	c.ok("router", "create", "shop", "--env", "prod", "--domain", "shop.example.com", "--route", "/=app:shop:80")

	clone := c.json("env", "clone", "prod", "--to", "pr-142", "--wait", "--wait-timeout", "2m")
	cloneID, _ := find(clone, "id").(string)
	prod := c.json("env", "get", "prod")
	if find(clone, "clonedFrom") != find(prod, "id") || cloneID == "" {
		t.Fatalf("env clone: %v (prod %v)", clone, find(prod, "id"))
	}
	appID, _ := find(c.json("app", "get", "shop", "--env", "pr-142"), "id").(string)
	srcAppID, _ := find(c.json("app", "get", "shop", "--env", "prod"), "id").(string)
	svcID, _ := find(c.json("service", "get", "db", "--env", "pr-142"), "id").(string)
	if appID == "" || appID == srcAppID || svcID == "" {
		t.Fatalf("the clone's app %q (prod's %q), service %q", appID, srcAppID, svcID)
	}

	// Its objects, in its own namespace, with its copies' ids.
	eventually(t, "the clone's objects in the API server", func() (bool, string) {
		ns, err := kc.CoreV1().Namespaces().Get(ctx, "pr-142", metav1.GetOptions{})
		if err != nil {
			return false, err.Error()
		}
		if ns.Labels[clusterstate.LabelEnvID] != cloneID || ns.Labels[clusterstate.LabelManagedBy] != clusterstate.ManagedBy {
			return false, fmt.Sprintf("namespace labels %v", ns.Labels)
		}
		dep, err := kc.AppsV1().Deployments("pr-142").Get(ctx, "shop", metav1.GetOptions{})
		if err != nil {
			return false, "deployment: " + err.Error()
		}
		if dep.Labels[clusterstate.LabelAppID] != appID || dep.Spec.Template.Spec.Containers[0].Image != "ghcr.io/acme/shop:1" {
			return false, fmt.Sprintf("deployment labels %v", dep.Labels)
		}
		if svc, err := kc.CoreV1().Services("pr-142").Get(ctx, "shop", metav1.GetOptions{}); err != nil || svc.Spec.Selector[clusterstate.LabelAppID] != appID {
			return false, fmt.Sprintf("service %v", err)
		}
		cm, err := kc.CoreV1().ConfigMaps("pr-142").Get(ctx, "app-settings", metav1.GetOptions{})
		if err != nil || cm.Data["LOG_LEVEL"] != "debug" || cm.Labels[clusterstate.LabelEnvID] != cloneID {
			return false, fmt.Sprintf("configmap %v", err)
		}
		sec, err := kc.CoreV1().Secrets("pr-142").Get(ctx, "db-creds", metav1.GetOptions{})
		if err != nil || string(sec.Data["PASSWORD"]) != known || sec.Labels[clusterstate.LabelEnvID] != cloneID {
			return false, fmt.Sprintf("secret %v", err)
		}
		sts, err := kc.AppsV1().StatefulSets("pr-142").Get(ctx, "db", metav1.GetOptions{})
		if err != nil || sts.Labels[clusterstate.LabelAppID] != svcID || sts.Spec.Template.Spec.Containers[0].Image != "postgres:16" ||
			len(sts.Spec.VolumeClaimTemplates) != 1 || sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String() != "1Gi" {
			return false, fmt.Sprintf("statefulset %v", err)
		}
		return true, ""
	})
	if ing, err := kc.NetworkingV1().Ingresses("pr-142").List(ctx, metav1.ListOptions{}); err != nil || len(ing.Items) != 0 {
		t.Fatalf("the router's copy without a domain has Ingresses %v (%v)", ing, err)
	}
	if ing, err := kc.NetworkingV1().Ingresses("prod").Get(ctx, "shop", metav1.GetOptions{}); err != nil || ing.Spec.Rules[0].Host != "shop.example.com" {
		t.Fatalf("prod's Ingress: %v", err)
	}
	history := c.ok("history", "app", "shop", "--env", "pr-142", "-o", "json")
	mustContain(t, "the copy's history", history, "console.app.created", srcAppID)

	// Deleting the clone leaves nothing of it; prod stays.
	c.ok("env", "delete", "pr-142", "--wait", "--wait-timeout", "2m")
	mine := labels.SelectorFromSet(labels.Set{clusterstate.LabelEnvID: cloneID}).String()
	eventually(t, "nothing of the clone left", func() (bool, string) {
		if _, err := kc.CoreV1().Namespaces().Get(ctx, "pr-142", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return false, fmt.Sprintf("namespace pr-142: %v", err)
		}
		if err := noneLeft(ctx, kc, mine); err != nil {
			return false, err.Error()
		}
		o := metav1.ListOptions{LabelSelector: mine}
		var left []string
		if l, err := kc.CoreV1().ConfigMaps("").List(ctx, o); err != nil || len(l.Items) > 0 {
			left = append(left, fmt.Sprintf("configmaps %d %v", len(l.Items), err))
		}
		if l, err := kc.CoreV1().Secrets("").List(ctx, o); err != nil || len(l.Items) > 0 {
			left = append(left, fmt.Sprintf("secrets %d %v", len(l.Items), err))
		}
		if l, err := kc.AppsV1().StatefulSets("").List(ctx, o); err != nil || len(l.Items) > 0 {
			left = append(left, fmt.Sprintf("statefulsets %d %v", len(l.Items), err))
		}
		if l, err := kc.CoreV1().PersistentVolumeClaims("").List(ctx, o); err != nil || len(l.Items) > 0 {
			left = append(left, fmt.Sprintf("claims %d %v", len(l.Items), err))
		}
		return len(left) == 0, strings.Join(left, ", ")
	})
	if _, err := kc.AppsV1().Deployments("prod").Get(ctx, "shop", metav1.GetOptions{}); err != nil {
		t.Fatalf("prod's deployment after the clone's deletion: %v", err)
	}
	if _, err := kc.AppsV1().StatefulSets("prod").Get(ctx, "db", metav1.GetOptions{}); err != nil {
		t.Fatalf("prod's statefulset after the clone's deletion: %v", err)
	}
}
