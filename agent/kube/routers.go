package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	networkingv1ac "k8s.io/client-go/applyconfigurations/networking/v1"

	"weft.dev/events/clusterstate"
)

// keyRouter queues a router's Ingress.
const keyRouter = "rt/"

// kindIngress names applied Ingresses (apply.go).
const kindIngress = "ingress"

// AnnotationClusterIssuer is cert-manager's: the ClusterIssuer that
// signs the certificate of an Ingress's TLS hosts.
const AnnotationClusterIssuer = "cert-manager.io/cluster-issuer"

// setRouter takes over a router entry (nil v: removed) and returns its
// queue key. The caller holds c.mu.
func (c *Controller) setRouter(id string, v []byte) (string, error) {
	if v == nil {
		delete(c.routers, id)
		return keyRouter + id, nil
	}
	var r clusterstate.Router
	if err := json.Unmarshal(v, &r); err != nil {
		return "", fmt.Errorf("router %s: %w", id, err)
	}
	c.routers[id] = r
	return keyRouter + id, nil
}

// reconcileRouter applies router id's Ingress, deletes what weft made for
// it under another name (or all of it when the router is gone), and
// reports the addresses its ingress controller gives it.
func (c *Controller) reconcileRouter(ctx context.Context, id string) error {
	c.mu.Lock()
	r, want := c.routers[id]
	c.mu.Unlock()
	mine, err := c.ingresses.List(labels.SelectorFromSet(labels.Set{clusterstate.LabelRouterID: id, clusterstate.LabelRole: clusterstate.RoleRouter}))
	if err != nil {
		return err
	}
	var cur *networkingv1.Ingress
	for _, o := range mine {
		if want && o.Namespace == r.Namespace && o.Name == r.Name {
			cur = o
			continue
		}
		err := c.client.NetworkingV1().Ingresses(o.Namespace).Delete(ctx, o.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &o.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete ingress %s/%s: %w", o.Namespace, o.Name, err)
		}
		c.forget(kindIngress, o.Namespace, o.Name)
		c.log.Info("ingress deleted", "namespace", o.Namespace, "name", o.Name)
	}
	if !want {
		c.mu.Lock()
		delete(c.sentRouter, id)
		c.mu.Unlock()
		return nil
	}
	applyErr := c.applyIngress(ctx, r, cur)
	st := clusterstate.RouterStatus{ID: id, LastError: errString(applyErr)}
	if cur != nil {
		for _, in := range cur.Status.LoadBalancer.Ingress {
			switch {
			case in.IP != "":
				st.Addresses = append(st.Addresses, in.IP)
			case in.Hostname != "":
				st.Addresses = append(st.Addresses, in.Hostname)
			}
		}
	}
	if err := c.reportRouter(st); err != nil && applyErr == nil {
		return err
	}
	return applyErr
}

// applyIngress applies r's Ingress unless it is as last applied; one of
// r's name that is not weft's is refused (created unforced, so its
// owner's fields conflict).
func (c *Controller) applyIngress(ctx context.Context, r clusterstate.Router, cur *networkingv1.Ingress) error {
	ac := c.ingressOf(r)
	want := marshal(ac)
	if cur != nil && c.unchanged(kindIngress, want, cur) {
		return nil
	}
	got, err := c.client.NetworkingV1().Ingresses(r.Namespace).Apply(ctx, ac, applyOptions(cur != nil))
	if err != nil {
		if apierrors.IsConflict(err) {
			return fmt.Errorf("ingress %s/%s %s", r.Namespace, r.Name, notWeft)
		}
		return fmt.Errorf("apply ingress %s/%s: %w", r.Namespace, r.Name, refused(err))
	}
	c.remember(kindIngress, want, got)
	return nil
}

// ingressOf is r's Ingress: the agent's ingress class, one Prefix path per
// rule, and TLS for the host with the agent's issuer or secret.
func (c *Controller) ingressOf(r clusterstate.Router) *networkingv1ac.IngressApplyConfiguration {
	paths := networkingv1ac.HTTPIngressRuleValue()
	for _, rule := range r.Rules {
		paths.WithPaths(networkingv1ac.HTTPIngressPath().WithPath(rule.Path).WithPathType(networkingv1.PathTypePrefix).
			WithBackend(networkingv1ac.IngressBackend().WithService(networkingv1ac.IngressServiceBackend().WithName(rule.Service).
				WithPort(networkingv1ac.ServiceBackendPort().WithNumber(int32(rule.Port))))))
	}
	spec := networkingv1ac.IngressSpec().WithRules(networkingv1ac.IngressRule().WithHost(r.Host).WithHTTP(paths))
	if c.cfg.IngressClass != "" {
		spec.WithIngressClassName(c.cfg.IngressClass)
	}
	ing := networkingv1ac.Ingress(r.Name, r.Namespace).WithLabels(r.Labels)
	if r.TLS {
		secret := c.cfg.TLSSecret
		if secret == "" {
			secret = r.Name + "-tls" // cert-manager writes the certificate here
		}
		spec.WithTLS(networkingv1ac.IngressTLS().WithHosts(r.Host).WithSecretName(secret))
		if c.cfg.ClusterIssuer != "" {
			ing.WithAnnotations(map[string]string{AnnotationClusterIssuer: c.cfg.ClusterIssuer})
		}
	}
	return ing.WithSpec(spec)
}

// reportRouter publishes st when it differs from the last sent.
func (c *Controller) reportRouter(st clusterstate.RouterStatus) error {
	c.mu.Lock()
	last, sent := c.sentRouter[st.ID]
	if sent && last.LastError == st.LastError && slices.Equal(last.Addresses, st.Addresses) {
		c.mu.Unlock()
		return nil
	}
	c.sentRouter[st.ID] = st
	c.mu.Unlock()
	if c.cfg.Report == nil {
		return nil
	}
	st.Time = time.Now().UTC()
	if err := clusterstate.ReportRouter(c.cfg.Report, c.cfg.Cluster, st); err != nil {
		c.mu.Lock()
		delete(c.sentRouter, st.ID)
		c.mu.Unlock()
		return err
	}
	return nil
}
