package kube

import (
	"reflect"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"weft.dev/events/clusterstate"
)

// scheduleStatus reports app id's status after the debounce, unless a
// report is already scheduled: a burst of pod changes gives one report.
func (c *Controller) scheduleStatus(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
	lastErr := c.applyErr[id]
	c.mu.Unlock()
	if !ok {
		return clusterstate.AppStatus{}, false
	}
	st := clusterstate.AppStatus{ID: id, LastError: lastErr}
	if d, err := c.deployments.Deployments(w.Namespace).Get(w.Name); err == nil && owned(d.Labels, clusterstate.LabelAppID, id, clusterstate.RoleWorkload) {
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
