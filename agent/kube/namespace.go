package kube

import (
	"context"
	"fmt"
	"maps"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"weft.dev/events/clusterstate"
)

// ErrNotWeft is why an object of the name weft wants is left alone.
const notWeft = "exists and is not weft's (it lacks the labels weft puts on what it creates); weft does not adopt it: rename the environment or remove the object"

// reconcileNamespace makes environment id's namespace, or deletes the ones
// weft made for it when the environment is gone.
func (c *Controller) reconcileNamespace(ctx context.Context, id string) error {
	c.mu.Lock()
	n, want := c.namespaces[id]
	c.mu.Unlock()
	if !want {
		mine, err := c.nsLister.List(labels.SelectorFromSet(labels.Set{clusterstate.LabelEnvID: id, clusterstate.LabelRole: clusterstate.RoleEnv}))
		if err != nil {
			return err
		}
		for _, ns := range mine {
			c.secretObjs.drop(ns.Name)
			if err := c.deleteNamespace(ctx, ns); err != nil {
				return err
			}
		}
		c.mu.Lock()
		delete(c.sentNS, id)
		c.mu.Unlock()
		return nil
	}
	// Asked of the API server, not the cache: only weft's namespaces are
	// cached, and one that is not weft's must be seen to be refused.
	ns, err := c.client.CoreV1().Namespaces().Get(ctx, n.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		// Create, not apply: if someone creates it meanwhile, this fails
		// rather than adopting theirs.
		made, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}},
			metav1.CreateOptions{FieldManager: clusterstate.FieldManager})
		if apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("namespace %s appeared while it was created", n.Name)
		}
		if err != nil {
			c.reportNamespace(n, false, err.Error())
			return fmt.Errorf("create namespace %s: %w", n.Name, err)
		}
		return c.namespaceMade(ctx, n, made)
	case err != nil:
		return fmt.Errorf("get namespace %s: %w", n.Name, err)
	}
	if ns.Labels[clusterstate.LabelManagedBy] != clusterstate.ManagedBy || ns.Labels[clusterstate.LabelEnvID] != id {
		c.reportNamespace(n, false, fmt.Sprintf("namespace %s %s", n.Name, notWeft))
		return nil
	}
	if ns.DeletionTimestamp != nil {
		// A namespace of an environment deleted and made again: wait for
		// the old one to go, then make it anew.
		c.reportNamespace(n, false, fmt.Sprintf("namespace %s is still being deleted", n.Name))
		c.queue.AddAfter(keyNS+id, time.Second)
		return nil
	}
	if !maps.Equal(subset(ns.Labels, n.Labels), n.Labels) {
		ac := corev1ac.Namespace(n.Name).WithLabels(n.Labels)
		if _, err := c.client.CoreV1().Namespaces().Apply(ctx, ac, metav1.ApplyOptions{FieldManager: clusterstate.FieldManager, Force: true}); err != nil {
			return fmt.Errorf("apply namespace %s: %w", n.Name, err)
		}
	}
	return c.namespaceMade(ctx, n, ns)
}

// namespaceMade finishes an environment's namespace once it exists and is
// weft's: the agent binds itself the Secrets there and watches them, then
// reports the namespace ready.
func (c *Controller) namespaceMade(ctx context.Context, n clusterstate.Namespace, ns *corev1.Namespace) error {
	if err := c.bindSecrets(ctx, ns.Name, ns.UID); err != nil {
		c.reportNamespace(n, false, err.Error())
		return err
	}
	c.secretObjs.watch(ns.Name)
	c.reportNamespace(n, true, "")
	return nil
}

// subset is have's values for the keys of want.
func subset(have, want map[string]string) map[string]string {
	out := make(map[string]string, len(want))
	for k := range want {
		if v, ok := have[k]; ok {
			out[k] = v
		}
	}
	return out
}

// deleteNamespace deletes a namespace weft made, if it still is that one.
func (c *Controller) deleteNamespace(ctx context.Context, ns *corev1.Namespace) error {
	if ns.DeletionTimestamp != nil {
		return nil
	}
	err := c.client.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &ns.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("delete namespace %s: %w", ns.Name, err)
	}
	c.log.Info("namespace deleted", "namespace", ns.Name)
	return nil
}

// reportNamespace publishes an environment's namespace status if it
// changed.
func (c *Controller) reportNamespace(n clusterstate.Namespace, ready bool, why string) {
	st := clusterstate.NamespaceStatus{ID: n.ID, Namespace: n.Name, Ready: ready, Error: why}
	c.mu.Lock()
	last, sent := c.sentNS[n.ID]
	if sent && last.Ready == ready && last.Error == why && last.Namespace == n.Name {
		c.mu.Unlock()
		return
	}
	c.sentNS[n.ID] = st
	c.mu.Unlock()
	if why != "" {
		c.log.Warn("namespace not ready", "namespace", n.Name, "reason", why)
	}
	if c.cfg.Report == nil {
		return
	}
	st.Time = time.Now().UTC()
	if err := clusterstate.ReportNamespace(c.cfg.Report, c.cfg.Cluster, st); err != nil {
		// Forgotten as sent and retried, as an app's status is.
		c.log.Warn("namespace status not sent; retrying", "err", err)
		c.mu.Lock()
		delete(c.sentNS, n.ID)
		c.mu.Unlock()
		c.queue.AddRateLimited(keyNS + n.ID)
	}
}

// NamespaceStatus is the last status the controller determined for
// environment id's namespace (for tests and /status).
func (c *Controller) NamespaceStatus(id string) (clusterstate.NamespaceStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.sentNS[id]
	return st, ok
}
