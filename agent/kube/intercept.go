package kube

import (
	"context"
	"fmt"
	"net/netip"

	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	discoveryv1ac "k8s.io/client-go/applyconfigurations/discovery/v1"

	"weft.dev/events/clusterstate"
)

// AnnotationIntercepted is on a workload's Service while its app is
// intercepted.
const AnnotationIntercepted = "weft.dev/intercepted"

// Intercepts and in-cluster callers: the proxy sends the app's service IP
// to the developer's device, but pods of the cluster call the app's
// Kubernetes Service, whose endpoints are its pods. While the app is
// intercepted, the agent switches the Service's endpoints: it applies the
// Service without its selector, removes the pods' slices (Kubernetes'
// EndpointSlice controller stops updating them but leaves them) and writes one EndpointSlice of its own to the
// service IP (or --import-address), the way imports lead to the mesh. In-
// cluster callers then reach the proxy, which decides as for every caller:
// intercepted ports to the device, access rules checked, other ports to the
// pods the Service had when the intercept began. When it ends the selector
// comes back, weft's slice goes, and the pods' slices return. The pods keep
// running throughout, so ending an intercept needs no rollout.
func (c *Controller) interceptService(ctx context.Context, w clusterstate.Workload, serviceIP string) error {
	addr := c.cfg.ImportAddress
	if addr == "" {
		addr = serviceIP
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return fmt.Errorf("intercept %s: address %q: %w", w.Name, addr, err)
	}
	svc := serviceOf(w)
	svc.Spec.Selector = nil
	svc.WithAnnotations(map[string]string{AnnotationIntercepted: "true"})
	for i := range svc.Spec.Ports {
		// A selector-less Service's targetPort means nothing; the slice's
		// ports are the app's ports on the service IP.
		svc.Spec.Ports[i].TargetPort = nil
	}
	if _, err := c.client.CoreV1().Services(w.Namespace).Apply(ctx, svc, applyOpts); err != nil {
		return fmt.Errorf("apply intercepted service %s/%s: %w", w.Namespace, w.Name, refused(err))
	}
	slice := discoveryv1ac.EndpointSlice(ImportSliceName(w.Name), w.Namespace).
		WithLabels(w.Labels).
		WithLabels(map[string]string{discoveryv1.LabelServiceName: w.Name, discoveryv1.LabelManagedBy: SliceManager}).
		WithAddressType(discoveryv1.AddressTypeIPv4).
		WithEndpoints(discoveryv1ac.Endpoint().WithAddresses(ip.String()).WithConditions(discoveryv1ac.EndpointConditions().WithReady(true)))
	if ip.Is6() {
		slice.WithAddressType(discoveryv1.AddressTypeIPv6)
	}
	for _, p := range w.Ports {
		ep := discoveryv1ac.EndpointPort().WithName(p.Name).WithPort(int32(p.Port)).WithProtocol(protocol(p.Protocol))
		if p.AppProto != "" {
			ep.WithAppProtocol(p.AppProto)
		}
		slice.WithPorts(ep)
	}
	if _, err := c.client.DiscoveryV1().EndpointSlices(w.Namespace).Apply(ctx, slice, applyOpts); err != nil {
		return fmt.Errorf("apply intercept endpoint slice %s/%s: %w", w.Namespace, w.Name, refused(err))
	}
	// Kubernetes' endpoint controllers leave the pods' Endpoints and slices
	// of a Service that lost its selector (and the mirroring controller
	// copies those Endpoints into slices again); they are of weft's Service
	// (they carry its labels), so the agent removes them. The controllers
	// make them anew when the selector comes back.
	if ep, err := c.client.CoreV1().Endpoints(w.Namespace).Get(ctx, w.Name, metav1.GetOptions{}); err == nil &&
		ep.Labels[clusterstate.LabelAppID] == w.ID && ep.Labels["endpoints.kubernetes.io/managed-by"] == "endpoint-controller" {
		err := c.client.CoreV1().Endpoints(w.Namespace).Delete(ctx, w.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &ep.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete endpoints %s/%s: %w", w.Namespace, w.Name, err)
		}
	}
	old, err := c.slices.EndpointSlices(w.Namespace).List(labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: w.Name, clusterstate.LabelAppID: w.ID}))
	if err != nil {
		return err
	}
	for _, s := range old {
		if s.Labels[discoveryv1.LabelManagedBy] == SliceManager {
			continue
		}
		err := c.client.DiscoveryV1().EndpointSlices(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete endpoint slice %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}

// deleteInterceptSlices removes the slice an intercept of w left.
func (c *Controller) deleteInterceptSlices(ctx context.Context, w clusterstate.Workload) error {
	slices, err := c.slices.List(labels.SelectorFromSet(labels.Set{clusterstate.LabelAppID: w.ID, discoveryv1.LabelManagedBy: SliceManager}))
	if err != nil {
		return err
	}
	for _, s := range slices {
		err := c.client.DiscoveryV1().EndpointSlices(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete endpoint slice %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}
