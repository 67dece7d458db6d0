package kube

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	appsv1ac "k8s.io/client-go/applyconfigurations/apps/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	discoveryv1ac "k8s.io/client-go/applyconfigurations/discovery/v1"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"

	"weft.dev/events/clusterstate"
)

// applyOptions are a server-side apply's: forced over other managers'
// fields only on an object the cache shows is weft's. An object weft
// believes new is applied unforced, so if one of that name appeared
// meanwhile (not yet in the cache) its owner's fields conflict and it is
// refused rather than taken over.
func applyOptions(weftsOwn bool) metav1.ApplyOptions {
	return metav1.ApplyOptions{FieldManager: clusterstate.FieldManager, Force: weftsOwn}
}

// reconcileWorkload applies app id's Deployment and Service, deletes what
// weft made for it under another name, or all of it when the app is gone.
func (c *Controller) reconcileWorkload(ctx context.Context, id string) error {
	c.mu.Lock()
	w, want := c.workloads[id]
	c.mu.Unlock()
	// Whatever weft made for this app that it does not want (all of it
	// when the app is gone, the old one after a rename).
	for _, d := range ownedBy[*appsv1.Deployment](c.deployments, clusterstate.RoleWorkload, id) {
		if !want || d.Namespace != w.Namespace || d.Name != w.Name {
			err := c.client.AppsV1().Deployments(d.Namespace).Delete(ctx, d.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &d.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete deployment %s/%s: %w", d.Namespace, d.Name, err)
			}
			c.forget(kindDeployment, d.Namespace, d.Name)
			c.log.Info("deployment deleted", "namespace", d.Namespace, "name", d.Name)
		}
	}
	for _, s := range ownedBy[*corev1.Service](c.svcInformer, clusterstate.RoleWorkload, id) {
		if !want || s.Namespace != w.Namespace || s.Name != w.Name {
			err := c.client.CoreV1().Services(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &s.UID}})
			if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
				return fmt.Errorf("delete service %s/%s: %w", s.Namespace, s.Name, err)
			}
			c.forget(kindService, s.Namespace, s.Name)
			c.log.Info("service deleted", "namespace", s.Namespace, "name", s.Name)
		}
	}
	if !want {
		if err := c.deleteInterceptSlices(ctx, clusterstate.Workload{ID: id}); err != nil {
			return err
		}
		c.mu.Lock()
		delete(c.applyErr, id)
		delete(c.sentApp, id)
		c.mu.Unlock()
		return nil
	}
	err := c.applyWorkload(ctx, w)
	c.mu.Lock()
	old := c.applyErr[id]
	if err != nil {
		c.applyErr[id] = err.Error()
	} else {
		delete(c.applyErr, id)
	}
	c.mu.Unlock()
	if old != errString(err) {
		c.scheduleStatus(id)
	}
	return err
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// applyWorkload refuses a Deployment or Service of w's name that is not
// weft's, then applies both, each only if it is not as last applied.
func (c *Controller) applyWorkload(ctx context.Context, w clusterstate.Workload) error {
	dep, err := deploymentOf(w)
	if err != nil {
		return err
	}
	var d *appsv1.Deployment
	if o, ok, _ := c.deployments.GetIndexer().GetByKey(w.Namespace + "/" + w.Name); ok {
		d = o.(*appsv1.Deployment)
	}
	if d != nil && !owned(d.Labels, clusterstate.LabelAppID, w.ID, clusterstate.RoleWorkload) {
		return fmt.Errorf("deployment %s/%s %s", w.Namespace, w.Name, notWeft)
	}
	svc, err := c.allServices.Services(w.Namespace).Get(w.Name)
	if err != nil {
		svc = nil
	}
	if svc != nil && !owned(svc.Labels, clusterstate.LabelAppID, w.ID, clusterstate.RoleWorkload) {
		return fmt.Errorf("service %s/%s %s", w.Namespace, w.Name, notWeft)
	}
	if want := marshal(dep); d == nil || !c.unchanged(kindDeployment, want, d) {
		got, err := c.client.AppsV1().Deployments(w.Namespace).Apply(ctx, dep, applyOptions(d != nil))
		if err != nil {
			return fmt.Errorf("apply deployment %s/%s: %w", w.Namespace, w.Name, refused(err))
		}
		c.remember(kindDeployment, want, got)
		if d == nil {
			// A new app: its Service waits for the next pass, which the
			// Deployment's watch event queues (once it is cached), behind
			// the Deployments of other apps created at the same time:
			// pods take longest to come, and nothing calls a Service
			// before they are ready.
			return nil
		}
	}
	c.mu.Lock()
	vip, intercepted := c.intercepted[w.ID]
	c.mu.Unlock()
	if intercepted {
		return c.interceptService(ctx, w, svc, vip)
	}
	if err := c.applyService(ctx, serviceOf(w), svc); err != nil {
		return err
	}
	return c.deleteInterceptSlices(ctx, w)
}

// applyService applies ac unless it is what was applied last to cached.
func (c *Controller) applyService(ctx context.Context, ac *corev1ac.ServiceApplyConfiguration, cached *corev1.Service) error {
	want := marshal(ac)
	if cached != nil && c.unchanged(kindService, want, cached) {
		return nil
	}
	got, err := c.client.CoreV1().Services(*ac.Namespace).Apply(ctx, ac, applyOptions(cached != nil))
	if err != nil {
		return fmt.Errorf("apply service %s/%s: %w", *ac.Namespace, *ac.Name, refused(err))
	}
	c.remember(kindService, want, got)
	return nil
}

// applySlice applies ac unless it is what was applied last to the slice
// cached.
func (c *Controller) applySlice(ctx context.Context, ac *discoveryv1ac.EndpointSliceApplyConfiguration) error {
	want := marshal(ac)
	var cached *discoveryv1.EndpointSlice
	if o, ok, _ := c.allSlices.GetIndexer().GetByKey(*ac.Namespace + "/" + *ac.Name); ok {
		cached = o.(*discoveryv1.EndpointSlice)
		if cached.Labels[clusterstate.LabelManagedBy] != clusterstate.ManagedBy || cached.Labels[discoveryv1.LabelManagedBy] != SliceManager {
			return fmt.Errorf("endpoint slice %s/%s %s", *ac.Namespace, *ac.Name, notWeft)
		}
		if c.unchanged(kindSlice, want, cached) {
			return nil
		}
	}
	got, err := c.client.DiscoveryV1().EndpointSlices(*ac.Namespace).Apply(ctx, ac, applyOptions(cached != nil))
	if err != nil {
		return fmt.Errorf("apply endpoint slice %s/%s: %w", *ac.Namespace, *ac.Name, refused(err))
	}
	c.remember(kindSlice, want, got)
	return nil
}

// refused shortens the API server's refusal of an invalid object to what
// it says is wrong.
func refused(err error) error {
	var st apierrors.APIStatus
	if errors.As(err, &st) && st.Status().Details != nil && len(st.Status().Details.Causes) > 0 {
		var why []string
		for _, c := range st.Status().Details.Causes {
			why = append(why, c.Field+": "+c.Message)
		}
		return fmt.Errorf("refused by the API server (%s): %s", st.Status().Reason, strings.Join(why, "; "))
	}
	return err
}

func protocol(p string) corev1.Protocol {
	if p == "udp" {
		return corev1.ProtocolUDP
	}
	return corev1.ProtocolTCP
}

// deploymentOf is w's Deployment as weft applies it.
func deploymentOf(w clusterstate.Workload) (*appsv1ac.DeploymentApplyConfiguration, error) {
	ct := w.Container
	cac := corev1ac.Container().WithName(w.Name).WithImage(ct.Image)
	if len(ct.Command) > 0 {
		cac.WithCommand(ct.Command...)
	}
	if len(ct.Args) > 0 {
		cac.WithArgs(ct.Args...)
	}
	for _, e := range ct.Env {
		cac.WithEnv(envVarOf(e))
	}
	for _, p := range ct.Ports {
		cac.WithPorts(corev1ac.ContainerPort().WithName(p.Name).WithContainerPort(int32(p.ContainerPort)).WithProtocol(protocol(p.Protocol)))
	}
	res := corev1ac.ResourceRequirements()
	for what, rl := range map[string]clusterstate.ResourceList{"requests": ct.Resources.Requests, "limits": ct.Resources.Limits} {
		list := corev1.ResourceList{}
		for name, q := range map[corev1.ResourceName]string{corev1.ResourceCPU: rl.CPU, corev1.ResourceMemory: rl.Memory} {
			if q == "" {
				continue
			}
			v, err := resource.ParseQuantity(q)
			if err != nil {
				return nil, fmt.Errorf("%s %s %q: %w", what, name, q, err)
			}
			list[name] = v
		}
		if len(list) == 0 {
			continue
		}
		if what == "requests" {
			res.WithRequests(list)
		} else {
			res.WithLimits(list)
		}
	}
	if res.Requests != nil || res.Limits != nil {
		cac.WithResources(res)
	}
	if ct.Readiness != nil {
		cac.WithReadinessProbe(probeOf(*ct.Readiness))
	}
	if ct.Liveness != nil {
		cac.WithLivenessProbe(probeOf(*ct.Liveness))
	}
	sel := map[string]string{clusterstate.LabelAppID: w.ID}
	pod := corev1ac.PodSpec()
	tpl := corev1ac.PodTemplateSpec().WithLabels(w.Labels)
	withSources(w, cac, pod, tpl)
	return appsv1ac.Deployment(w.Name, w.Namespace).
		WithLabels(w.Labels).
		WithAnnotations(map[string]string{clusterstate.AnnotationGeneration: strconv.FormatUint(w.Generation, 10)}).
		WithSpec(appsv1ac.DeploymentSpec().
			WithReplicas(w.Replicas).
			WithSelector(metav1ac.LabelSelector().WithMatchLabels(sel)).
			WithTemplate(tpl.WithSpec(pod.WithContainers(cac)))), nil
}

func probeOf(p clusterstate.Probe) *corev1ac.ProbeApplyConfiguration {
	pr := corev1ac.Probe()
	switch p.Kind {
	case "http":
		pr.WithHTTPGet(corev1ac.HTTPGetAction().WithPath(p.Path).WithPort(intstr.FromInt(p.Port)))
	case "tcp":
		pr.WithTCPSocket(corev1ac.TCPSocketAction().WithPort(intstr.FromInt(p.Port)))
	case "exec":
		pr.WithExec(corev1ac.ExecAction().WithCommand(p.Exec...))
	}
	if p.InitialDelaySeconds > 0 {
		pr.WithInitialDelaySeconds(p.InitialDelaySeconds)
	}
	if p.PeriodSeconds > 0 {
		pr.WithPeriodSeconds(p.PeriodSeconds)
	}
	if p.TimeoutSeconds > 0 {
		pr.WithTimeoutSeconds(p.TimeoutSeconds)
	}
	if p.FailureThreshold > 0 {
		pr.WithFailureThreshold(p.FailureThreshold)
	}
	if p.SuccessThreshold > 0 {
		pr.WithSuccessThreshold(p.SuccessThreshold)
	}
	return pr
}

// serviceOf is w's Service: its pods, one port per app port.
func serviceOf(w clusterstate.Workload) *corev1ac.ServiceApplyConfiguration {
	spec := corev1ac.ServiceSpec().WithSelector(map[string]string{clusterstate.LabelAppID: w.ID})
	for _, p := range w.Ports {
		sp := corev1ac.ServicePort().WithName(p.Name).WithPort(int32(p.Port)).WithProtocol(protocol(p.Protocol)).
			WithTargetPort(intstr.FromInt(p.TargetPort))
		if p.AppProto != "" {
			sp.WithAppProtocol(p.AppProto)
		}
		spec.WithPorts(sp)
	}
	return corev1ac.Service(w.Name, w.Namespace).WithLabels(w.Labels).WithSpec(spec)
}
