package kubetest_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"

	"weft.dev/agent/kube/kubetest"
)

const within = 60 * time.Second

// TestDeploymentServesFromEmulatedPods proves the harness is a cluster a
// controller can be tested against: the controller-manager turns a
// Deployment into a ReplicaSet and Pods, the kubelet emulator binds and runs
// them, the EndpointSlice controller publishes their ready addresses, each
// Pod's address answers with its name, scaling up adds a Pod that answers,
// deleting a Pod stops its process, and a crash-looping Pod leaves the ready
// endpoints until it restarts.
func TestDeploymentServesFromEmulatedPods(t *testing.T) {
	cp := kubetest.Start(t)
	kubelet := kubetest.StartKubelet(t, cp.AdminConfig(), kubetest.KubeletConfig{})
	ctx := t.Context()
	c := cp.Client

	v, err := c.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != "v1.37.2" {
		t.Errorf("API server reports %s, want v1.37.2 (the version ldflags of `go tool task kube`)", v.GitVersion)
	}

	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	web := map[string]string{"app": "web"}
	deploy := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(2)),
			Selector: &metav1.LabelSelector{MatchLabels: web},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: web},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name: "web", Image: "registry.invalid/web:1",
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				}}},
			},
		},
	}
	if _, err := c.AppsV1().Deployments("shop").Create(ctx, deploy, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "shop"},
		Spec: corev1.ServiceSpec{Selector: web, Ports: []corev1.ServicePort{{
			Name: "http", Port: 80, TargetPort: intstr.FromString("http"),
		}}},
	}
	if _, err := c.CoreV1().Services("shop").Create(ctx, svc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	wait.For(t, within, func() error {
		rs, err := c.AppsV1().ReplicaSets("shop").List(ctx, metav1.ListOptions{LabelSelector: labels.FormatLabels(web)})
		if err != nil {
			return err
		}
		if len(rs.Items) != 1 || !metav1.IsControlledBy(&rs.Items[0], mustGet(t, c, "web")) {
			return fmt.Errorf("want one ReplicaSet controlled by the Deployment, have %d", len(rs.Items))
		}
		return nil
	})
	pods := readyPods(t, c, web, 2)
	endpointsAre(t, c, pods)
	available(t, c, 2)
	for _, p := range pods {
		answers(t, kubelet, p)
	}

	// Scale to three: one more Pod, published and answering.
	scale, err := c.AppsV1().Deployments("shop").GetScale(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	scale.Spec.Replicas = 3
	if _, err := c.AppsV1().Deployments("shop").UpdateScale(ctx, "web", scale, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	three := readyPods(t, c, web, 3)
	endpointsAre(t, c, three)
	available(t, c, 3)
	for _, p := range three {
		answers(t, kubelet, p)
	}

	// Delete one: its process stops, the object goes, the ReplicaSet
	// replaces it with a Pod of its own address.
	gone := three[0]
	if err := c.CoreV1().Pods("shop").Delete(ctx, gone.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		_, err := c.CoreV1().Pods("shop").Get(ctx, gone.Name, metav1.GetOptions{})
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleted pod %s still there (%v)", gone.Name, err)
		}
		return nil
	})
	if body, err := get(kubelet, gone); err == nil {
		t.Errorf("deleted pod %s's address %s still answers %q", gone.Name, gone.Status.PodIP, body)
	}
	replaced := readyPods(t, c, web, 3)
	endpointsAre(t, c, replaced)
	for _, p := range replaced {
		if p.Name == gone.Name || p.Status.PodIP == gone.Status.PodIP {
			t.Errorf("replacement %s (%s) reuses the deleted pod's name or address", p.Name, p.Status.PodIP)
		}
		answers(t, kubelet, p)
	}

	// A crash-looping Pod: reported as a kubelet reports it, out of the
	// ready endpoints and the Deployment's available count, back after a
	// restart.
	crashing := replaced[0]
	if err := kubelet.CrashLoop(ctx, "shop", crashing.Name, 4); err != nil {
		t.Fatal(err)
	}
	p, err := c.CoreV1().Pods("shop").Get(ctx, crashing.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs := p.Status.ContainerStatuses[0]
	if cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" || cs.RestartCount != 4 || cs.Ready ||
		cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 1 {
		t.Errorf("crash-looping container status %+v, want waiting CrashLoopBackOff, 4 restarts, not ready, last exit 1", cs)
	}
	if body, err := get(kubelet, crashing); err == nil {
		t.Errorf("crash-looping pod %s still answers %q", crashing.Name, body)
	}
	endpointsAre(t, c, replaced[1:])
	available(t, c, 2)
	if err := kubelet.Restart("shop", crashing.Name); err != nil {
		t.Fatal(err)
	}
	back := readyPods(t, c, web, 3)
	endpointsAre(t, c, back)
	answers(t, kubelet, crashing)

	if mem, err := cp.ResidentMemory(); err == nil {
		t.Logf("resident memory: etcd %d MB, kube-apiserver %d MB, kube-controller-manager %d MB",
			mem["etcd"]>>20, mem["kube-apiserver"]>>20, mem["kube-controller-manager"]>>20)
	}
}

// TestCredentialsActAsTheirSubjects proves the credentials the harness
// makes authenticate as who they name, so RBAC can be tested with them: a
// user by client certificate is refused until a RoleBinding grants it, and
// a service account's token is that service account.
func TestCredentialsActAsTheirSubjects(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()

	alice, err := kubernetes.NewForConfig(cp.UserConfig(t, "alice", "team-a"))
	if err != nil {
		t.Fatal(err)
	}
	who, err := alice.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if who.Status.UserInfo.Username != "alice" || !slices.Contains(who.Status.UserInfo.Groups, "team-a") {
		t.Fatalf("client certificate authenticates as %+v, want alice in team-a", who.Status.UserInfo)
	}
	if _, err := cp.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CoreV1().Pods("team-a").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("alice lists pods before any binding: %v, want forbidden", err)
	}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "team-a-view", Namespace: "team-a"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.GroupKind, Name: "team-a"}},
	}
	if _, err := cp.Client.RbacV1().RoleBindings("team-a").Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		_, err := alice.CoreV1().Pods("team-a").List(ctx, metav1.ListOptions{})
		return err
	})
	if _, err := alice.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("alice lists pods in default with a binding in team-a only: %v, want forbidden", err)
	}

	agent, err := kubernetes.NewForConfig(cp.ServiceAccountConfig(t, "weft-system", "weft-agent"))
	if err != nil {
		t.Fatal(err)
	}
	who, err = agent.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if who.Status.UserInfo.Username != "system:serviceaccount:weft-system:weft-agent" {
		t.Fatalf("service account token authenticates as %q", who.Status.UserInfo.Username)
	}
	review, err := agent.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "list", Resource: "secrets"}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if review.Status.Allowed {
		t.Error("a service account with no bindings may list secrets")
	}
}

func mustGet(t *testing.T, c kubernetes.Interface, name string) *appsv1.Deployment {
	d, err := c.AppsV1().Deployments("shop").Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// readyPods waits for exactly n Pods of the selector, each Ready with an
// address and none terminating, and returns them sorted by name.
func readyPods(t *testing.T, c kubernetes.Interface, sel map[string]string, n int) []corev1.Pod {
	t.Helper()
	var ready []corev1.Pod
	wait.For(t, within, func() error {
		list, err := c.CoreV1().Pods("shop").List(t.Context(), metav1.ListOptions{LabelSelector: labels.FormatLabels(sel)})
		if err != nil {
			return err
		}
		ready = ready[:0]
		for _, p := range list.Items {
			if p.DeletionTimestamp == nil && p.Status.PodIP != "" && podReady(&p) {
				ready = append(ready, p)
			}
		}
		if len(ready) != n || len(list.Items) != n {
			return fmt.Errorf("%d of %d pods ready, want %d", len(ready), len(list.Items), n)
		}
		return nil
	})
	slices.SortFunc(ready, func(a, b corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
	return ready
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// endpointsAre waits until the Service's EndpointSlices hold exactly the
// pods' addresses as ready endpoints, on port 8080.
func endpointsAre(t *testing.T, c kubernetes.Interface, pods []corev1.Pod) {
	t.Helper()
	var want []string
	for _, p := range pods {
		want = append(want, p.Status.PodIP)
	}
	slices.Sort(want)
	wait.For(t, within, func() error {
		list, err := c.DiscoveryV1().EndpointSlices("shop").List(t.Context(), metav1.ListOptions{LabelSelector: discoveryv1.LabelServiceName + "=web"})
		if err != nil {
			return err
		}
		var have []string
		for _, s := range list.Items {
			if len(s.Ports) != 1 || s.Ports[0].Port == nil || *s.Ports[0].Port != 8080 {
				return fmt.Errorf("slice %s ports %v, want 8080", s.Name, s.Ports)
			}
			for _, e := range s.Endpoints {
				if e.Conditions.Ready != nil && *e.Conditions.Ready {
					have = append(have, e.Addresses...)
				}
			}
		}
		slices.Sort(have)
		if !slices.Equal(have, want) {
			return fmt.Errorf("ready endpoints %v, want %v", have, want)
		}
		return nil
	})
}

func available(t *testing.T, c kubernetes.Interface, n int32) {
	t.Helper()
	wait.For(t, within, func() error {
		d, err := c.AppsV1().Deployments("shop").Get(t.Context(), "web", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if d.Status.AvailableReplicas != n || d.Status.ReadyReplicas != n {
			return fmt.Errorf("deployment %d/%d ready, %d available, want %d", d.Status.ReadyReplicas, d.Status.Replicas, d.Status.AvailableReplicas, n)
		}
		return nil
	})
}

func answers(t *testing.T, k *kubetest.Kubelet, p corev1.Pod) {
	t.Helper()
	body, err := get(k, p)
	if err != nil {
		t.Fatalf("GET pod %s at %s: %v", p.Name, p.Status.PodIP, err)
	}
	if body != p.Name+"\n" {
		t.Fatalf("pod %s at %s answers %q, want its name", p.Name, p.Status.PodIP, body)
	}
}

func get(k *kubetest.Kubelet, p corev1.Pod) (string, error) {
	resp, err := k.HTTPClient().Get("http://" + net.JoinHostPort(p.Status.PodIP, "8080") + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return string(b), errors.New(resp.Status)
	}
	return string(b), nil
}
