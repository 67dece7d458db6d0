package kube_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// TestARouterIsAnIngressOfTheAgentsClassAndIssuerAndItsAddressIsReported:
// a router entry becomes an Ingress of the agent's ingress class, with a
// Prefix path per rule to its Service and port, TLS for its host in
// <router>-tls signed by the agent's cert-manager issuer; the address the
// ingress controller writes in its status is reported; an Ingress of the
// name that is not weft's is refused and left as it was; removing the
// entry deletes weft's Ingress only.
func TestARouterIsAnIngressOfTheAgentsClassAndIssuerAndItsAddressIsReported(t *testing.T) {
	cp := kubetest.Start(t)
	ctx := t.Context()
	c := cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "prod",
		Labels: weftLabels(clusterstate.RoleEnv, "env-prod", "prod", "", "")}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	prefix := networkingv1.PathTypePrefix
	theirs := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "taken", Namespace: "prod"},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "theirs.example.com", IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "x", Port: networkingv1.ServiceBackendPort{Number: 80}}}}}}}}}}}
	if _, err := c.NetworkingV1().Ingresses("prod").Create(ctx, theirs, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	nc, rep := natsReports(t, "c")
	ctl := startController(t, c, kube.Config{Report: nc, IngressClass: "nginx", ClusterIssuer: "letsencrypt"})
	entry := func(id, name string) clusterstate.Router {
		l := weftLabels(clusterstate.RoleRouter, "env-prod", "prod", "", "")
		l[clusterstate.LabelRouterID] = id
		return clusterstate.Router{ID: id, Name: name, Namespace: "prod", Env: "prod", Host: "shop.example.com", TLS: true, Labels: l,
			Rules: []clusterstate.IngressRule{{Path: "/", Service: "frontend", Port: 80}, {Path: "/api", Service: "api", Port: 8080}}}
	}
	set(t, ctl, clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"))
	set(t, ctl, clusterstate.KindRouter, "r1", entry("r1", "web"))
	set(t, ctl, clusterstate.KindRouter, "r2", entry("r2", "taken"))
	ctl.Synced()

	var ing *networkingv1.Ingress
	wait.For(t, within, func() error {
		var err error
		ing, err = c.NetworkingV1().Ingresses("prod").Get(ctx, "web", metav1.GetOptions{})
		if err != nil {
			return err
		}
		r2 := rep.routers("r2")
		if len(r2) == 0 || !strings.Contains(r2[len(r2)-1].LastError, "not weft's") {
			return fmt.Errorf("r2 (an Ingress of its name is not weft's) reports %+v", r2)
		}
		return nil
	})
	if ing.Spec.IngressClassName == nil || *ing.Spec.IngressClassName != "nginx" || ing.Annotations[kube.AnnotationClusterIssuer] != "letsencrypt" ||
		len(ing.Spec.TLS) != 1 || ing.Spec.TLS[0].SecretName != "web-tls" || !slices.Equal(ing.Spec.TLS[0].Hosts, []string{"shop.example.com"}) ||
		ing.Labels[clusterstate.LabelRouterID] != "r1" {
		t.Fatalf("ingress %+v", ing)
	}
	paths := ing.Spec.Rules[0].HTTP.Paths
	if ing.Spec.Rules[0].Host != "shop.example.com" || len(paths) != 2 || paths[1].Path != "/api" || *paths[1].PathType != networkingv1.PathTypePrefix ||
		paths[1].Backend.Service.Name != "api" || paths[1].Backend.Service.Port.Number != 8080 {
		t.Fatalf("rules %+v", ing.Spec.Rules)
	}
	got, err := c.NetworkingV1().Ingresses("prod").Get(ctx, "taken", metav1.GetOptions{})
	if err != nil || got.Spec.Rules[0].Host != "theirs.example.com" || len(got.Labels) != 0 {
		t.Fatalf("the Ingress that is not weft's was changed: %+v (%v)", got, err)
	}

	// The ingress controller gives it an address: reported.
	ing.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: "203.0.113.7"}}
	if _, err := c.NetworkingV1().Ingresses("prod").UpdateStatus(ctx, ing, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		all := rep.routers("r1")
		if len(all) == 0 || !slices.Equal(all[len(all)-1].Addresses, []string{"203.0.113.7"}) {
			return fmt.Errorf("r1 reports %+v", all)
		}
		return nil
	})

	set(t, ctl, clusterstate.KindRouter, "r1", nil)
	set(t, ctl, clusterstate.KindRouter, "r2", nil)
	wait.For(t, within, func() error {
		_, err := c.NetworkingV1().Ingresses("prod").Get(ctx, "web", metav1.GetOptions{})
		return gone(err, "ingress web")
	})
	if _, err := c.NetworkingV1().Ingresses("prod").Get(ctx, "taken", metav1.GetOptions{}); err != nil {
		t.Errorf("the Ingress that is not weft's was deleted: %v", err)
	}
}
