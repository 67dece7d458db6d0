package kube

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
// EndpointSlice controller stops updating them but leaves them) and
// writes one EndpointSlice of its own (meshSlice, as an import's) to the
// service IP (or --import-address), the way imports lead to the mesh. In-
// cluster callers then reach the proxy, which decides as for every caller:
// intercepted ports to the device, access rules checked, other ports to the
// pods the Service had when the intercept began. When it ends the selector
// comes back, weft's slice goes, and the pods' slices return. The pods keep
// running throughout, so ending an intercept needs no rollout.
func (c *Controller) interceptService(ctx context.Context, w clusterstate.Workload, cached *corev1.Service, serviceIP string) error {
	ip, err := c.meshAddress(serviceIP)
	if err != nil {
		return fmt.Errorf("intercept %s: %w", w.Name, err)
	}
	svc := serviceOf(w)
	svc.Spec.Selector = nil
	svc.WithAnnotations(map[string]string{AnnotationIntercepted: "true"})
	for i := range svc.Spec.Ports {
		// A selector-less Service's targetPort means nothing; the slice's
		// ports are the app's ports on the service IP.
		svc.Spec.Ports[i].TargetPort = nil
	}
	if err := c.applyService(ctx, svc, cached); err != nil {
		return fmt.Errorf("intercept: %w", err)
	}
	if err := c.applySlice(ctx, meshSlice(w.Namespace, w.Name, w.Labels, ip, w.Ports)); err != nil {
		return fmt.Errorf("intercept: %w", err)
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
	for _, s := range ownedBy[*discoveryv1.EndpointSlice](c.allSlices, clusterstate.RoleWorkload, w.ID) {
		if s.Namespace != w.Namespace || s.Labels[discoveryv1.LabelServiceName] != w.Name || s.Labels[discoveryv1.LabelManagedBy] == SliceManager {
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
	for _, s := range ownedBy[*discoveryv1.EndpointSlice](c.allSlices, clusterstate.RoleWorkload, w.ID) {
		if s.Labels[discoveryv1.LabelManagedBy] != SliceManager {
			continue
		}
		err := c.client.DiscoveryV1().EndpointSlices(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete endpoint slice %s/%s: %w", s.Namespace, s.Name, err)
		}
		c.forget(kindSlice, s.Namespace, s.Name)
	}
	return nil
}
