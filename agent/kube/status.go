package kube

import (
	"fmt"
	"reflect"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"

	"weft.dev/events/clusterstate"
)

// scheduleStatus reports app id's status after the debounce, unless a
// report is already scheduled: a burst of pod changes gives one report.
func (c *Controller) scheduleStatus(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scheduleStatusLocked(id)
}

func (c *Controller) scheduleStatusLocked(id string) {
	if c.pending[id] {
		return
	}
	c.pending[id] = true
	c.queue.AddAfter(keyStatus+id, c.cfg.Debounce)
}

// AppStatus is app id's rollout as the informers see it now.
func (c *Controller) AppStatus(id string) (clusterstate.AppStatus, bool) {
	c.mu.Lock()
	w, ok := c.workloads[id]
	e, export := c.exports[id]
	lastErr := c.applyErr[id]
	c.mu.Unlock()
	if export && !ok {
		return c.exportStatus(e), true
	}
	if !ok {
		return clusterstate.AppStatus{}, false
	}
	st := clusterstate.AppStatus{ID: id, LastError: lastErr}
	if o, ok, _ := c.deployments.GetIndexer().GetByKey(w.Namespace + "/" + w.Name); ok && owned(o.(*appsv1.Deployment).Labels, clusterstate.LabelAppID, id, clusterstate.RoleWorkload) {
		d := o.(*appsv1.Deployment)
		st.Generation, _ = strconv.ParseUint(d.Annotations[clusterstate.AnnotationGeneration], 10, 64)
		st.DeploymentGeneration, st.ObservedGeneration = d.Generation, d.Status.ObservedGeneration
		if d.Spec.Replicas != nil {
			st.Desired = *d.Spec.Replicas
		}
		st.Updated, st.Ready, st.Available = d.Status.UpdatedReplicas, d.Status.ReadyReplicas, d.Status.AvailableReplicas
		if cs := d.Spec.Template.Spec.Containers; len(cs) > 0 {
			st.Image = cs[0].Image
		}
		for _, cd := range d.Status.Conditions {
			st.Conditions = append(st.Conditions, clusterstate.Condition{Type: string(cd.Type), Status: string(cd.Status), Reason: cd.Reason, Message: cd.Message})
		}
	}
	pods, _ := c.pods.Pods(w.Namespace).List(labels.SelectorFromSet(labels.Set{clusterstate.LabelAppID: id}))
	for _, p := range pods {
		if prob, bad := podProblem(p); bad {
			st.CrashLooping = append(st.CrashLooping, prob)
		}
	}
	return st, true
}

// exportStatus is an exported Service's endpoints as an app's status:
// every endpoint desired, the ready ones ready (and available and
// updated: there is no rollout of weft's to wait for).
func (c *Controller) exportStatus(e clusterstate.Export) clusterstate.AppStatus {
	st := clusterstate.AppStatus{ID: e.ID}
	if _, err := c.allServices.Services(e.Namespace).Get(e.Service); err != nil {
		st.LastError = fmt.Sprintf("service %s/%s not found", e.Namespace, e.Service)
		return st
	}
	objs, _ := c.allSlices.GetIndexer().ByIndex(serviceByName, e.Namespace+"/"+e.Service)
	all, ready := map[string]bool{}, map[string]bool{}
	for _, o := range objs {
		s := o.(*discoveryv1.EndpointSlice)
		if s.AddressType == discoveryv1.AddressTypeFQDN || s.Labels[discoveryv1.LabelManagedBy] == SliceManager {
			continue
		}
		for _, ep := range s.Endpoints {
			if len(ep.Addresses) == 0 {
				continue
			}
			all[ep.Addresses[0]] = true
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				ready[ep.Addresses[0]] = true
			}
		}
	}
	st.Desired = int32(len(all))
	st.Ready = int32(len(ready))
	st.Available, st.Updated = st.Ready, st.Ready
	return st
}

// podProblem is a pod whose container waits to be restarted after
// crashing, or cannot start.
func podProblem(p *corev1.Pod) (clusterstate.PodProblem, bool) {
	for _, cs := range p.Status.ContainerStatuses {
		if w := cs.State.Waiting; w != nil {
			switch w.Reason {
			case "CrashLoopBackOff", "RunContainerError", "CreateContainerError", "ErrImagePull", "ImagePullBackOff", "InvalidImageName":
				return clusterstate.PodProblem{Pod: p.Name, Reason: w.Reason, Restarts: cs.RestartCount, Message: w.Message}, true
			}
		}
	}
	return clusterstate.PodProblem{}, false
}

// reportApp publishes app id's status if it changed since the last one
// sent.
func (c *Controller) reportApp(id string) error {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
	st, ok := c.AppStatus(id)
	if !ok {
		return nil
	}
	c.mu.Lock()
	last, sent := c.sentApp[id]
	if sent && reflect.DeepEqual(last, st) {
		c.mu.Unlock()
		return nil
	}
	c.sentApp[id] = st
	c.mu.Unlock()
	if c.cfg.Report == nil {
		return nil
	}
	st.Time = time.Now().UTC()
	if err := clusterstate.ReportApp(c.cfg.Report, c.cfg.Cluster, st); err != nil {
		// Forgotten as sent, so the retry sends it.
		c.mu.Lock()
		delete(c.sentApp, id)
		c.mu.Unlock()
		return err
	}
	return nil
}
