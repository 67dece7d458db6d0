package kube

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"weft.dev/events/clusterstate"
)

// SliceManager is the endpointslice.kubernetes.io/managed-by value of the
// EndpointSlices weft writes for imports, so Kubernetes' own EndpointSlice
// controllers leave them alone.
const SliceManager = "weft-agent"

// ImportSliceName is the EndpointSlice weft writes for the import of a
// Service called name.
func ImportSliceName(name string) string { return name + "-weft" }

// reconcileImport applies the selector-less Service of import id and its
// EndpointSlice to the mesh, or deletes them when the import is gone.
func (c *Controller) reconcileImport(ctx context.Context, id string) error {
	c.mu.Lock()
	im, want := c.imports[id]
	c.mu.Unlock()
	for _, s := range ownedBy[*discoveryv1.EndpointSlice](c.allSlices, clusterstate.RoleImport, id) {
		if s.Labels[discoveryv1.LabelManagedBy] != SliceManager {
			continue // Kubernetes' own (they copy the Service's labels)
		}
		if !want || s.Namespace != im.Namespace || s.Name != ImportSliceName(im.Name) {
			err := c.client.DiscoveryV1().EndpointSlices(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete endpoint slice %s/%s: %w", s.Namespace, s.Name, err)
			}
			c.forget(kindSlice, s.Namespace, s.Name)
		}
	}
	for _, s := range ownedBy[*corev1.Service](c.svcInformer, clusterstate.RoleImport, id) {
		if !want || s.Namespace != im.Namespace || s.Name != im.Name {
			err := c.client.CoreV1().Services(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete service %s/%s: %w", s.Namespace, s.Name, err)
			}
			c.forget(kindService, s.Namespace, s.Name)
			c.log.Info("import deleted", "namespace", s.Namespace, "name", s.Name)
		}
	}
	if !want {
		return nil
	}
	svc, err := c.allServices.Services(im.Namespace).Get(im.Name)
	if err != nil {
		svc = nil
	}
	if svc != nil && !owned(svc.Labels, clusterstate.LabelAppID, id, clusterstate.RoleImport) {
		// Nothing to report it on (an import has no status); the log says it.
		c.log.Warn("import not applied", "namespace", im.Namespace, "name", im.Name, "reason", "a Service of that name "+notWeft)
		return nil
	}
	if _, err := c.nsLister.Get(im.Namespace); apierrors.IsNotFound(err) {
		// Weft's namespaces are cached; one that is not may still exist.
		_, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: im.Namespace, Labels: im.NamespaceLabels}},
			metav1.CreateOptions{FieldManager: clusterstate.FieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s for imports: %w", im.Namespace, err)
		}
	}
	ip, err := c.meshAddress(im.ServiceIP)
	if err != nil {
		return fmt.Errorf("import %s: %w", im.Name, err)
	}
	spec := corev1ac.ServiceSpec()
	for _, p := range im.Ports {
		sp := corev1ac.ServicePort().WithName(p.Name).WithPort(int32(p.Port)).WithProtocol(protocol(p.Protocol)).WithTargetPort(intstr.FromInt(p.Port))
		if p.AppProto != "" {
			sp.WithAppProtocol(p.AppProto)
		}
		spec.WithPorts(sp)
	}
	if err := c.applyService(ctx, corev1ac.Service(im.Name, im.Namespace).WithLabels(im.Labels).WithSpec(spec), svc); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if err := c.applySlice(ctx, meshSlice(im.Namespace, im.Name, im.Labels, ip, im.Ports)); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// reconcileImportNamespace deletes a namespace weft made only to hold an
// environment's imports once none is left and the environment is not
// homed here (then it is the environment's own namespace).
func (c *Controller) reconcileImportNamespace(ctx context.Context, envID string) error {
	c.mu.Lock()
	_, env := c.namespaces[envID]
	used := false
	for _, im := range c.imports {
		used = used || envIDOf(im.Labels) == envID
	}
	c.mu.Unlock()
	if env || used {
		return nil
	}
	nss, err := c.nsLister.List(labels.SelectorFromSet(labels.Set{clusterstate.LabelEnvID: envID, clusterstate.LabelRole: clusterstate.RoleImport}))
	if err != nil {
		return err
	}
	for _, ns := range nss {
		if err := c.deleteNamespace(ctx, ns); err != nil {
			return err
		}
	}
	return nil
}
