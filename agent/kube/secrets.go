package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	"weft.dev/events/clusterstate"
)

// keySecret queues a secret's Secret.
const keySecret = "sec/"

// setSecret takes over a secret entry (nil v: removed) and returns its
// queue key. The entry holds sealed values only; they are opened when
// applied, and never kept or logged in clear. The caller holds c.mu.
func (c *Controller) setSecret(id string, v []byte) (string, error) {
	if v == nil {
		delete(c.secrets, id)
		return keySecret + id, nil
	}
	var s clusterstate.Secret
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("secret %s: %w", id, err)
	}
	c.secrets[id] = s
	return keySecret + id, nil
}

// reconcileSecret opens secret id's values with the agent's sealing key
// and applies its Secret, deletes what weft made for it under another
// name (or all of it when the secret is gone). A Secret of the name that
// is not weft's is refused, never adopted.
func (c *Controller) reconcileSecret(ctx context.Context, id string) error {
	c.mu.Lock()
	s, want := c.secrets[id]
	c.mu.Unlock()
	if want && !c.secretObjs.synced(s.Namespace) {
		// Its namespace's Secrets are not watched yet (the namespace and
		// the agent's binding there come first); secretsSeen queues it
		// again once they are.
		return nil
	}
	mine := c.secretObjs.list(labels.SelectorFromSet(labels.Set{clusterstate.LabelSecretID: id, clusterstate.LabelRole: clusterstate.RoleSecret}))
	for _, o := range mine {
		if want && o.Namespace == s.Namespace && o.Name == s.Name {
			continue
		}
		err := c.client.CoreV1().Secrets(o.Namespace).Delete(ctx, o.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &o.UID}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return fmt.Errorf("delete secret %s/%s: %w", o.Namespace, o.Name, err)
		}
		c.log.Info("secret deleted", "namespace", o.Namespace, "name", o.Name)
	}
	if !want {
		return nil
	}
	if c.cfg.Unseal == nil {
		return fmt.Errorf("secret %s/%s: this agent has no sealing key to open it", s.Namespace, s.Name)
	}
	data := make(map[string][]byte, len(s.Sealed))
	for k, sealed := range s.Sealed {
		v, err := c.cfg.Unseal(sealed)
		if err != nil {
			// The error names the key, never a value.
			return fmt.Errorf("secret %s/%s key %s: %w", s.Namespace, s.Name, k, err)
		}
		data[k] = v
	}
	cur, err := c.client.CoreV1().Secrets(s.Namespace).Get(ctx, s.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return fmt.Errorf("get secret %s/%s: %w", s.Namespace, s.Name, err)
	case !owned(cur.Labels, clusterstate.LabelSecretID, id, clusterstate.RoleSecret):
		return fmt.Errorf("secret %s/%s %s", s.Namespace, s.Name, notWeft)
	case maps.EqualFunc(cur.Data, data, bytes.Equal) && maps.Equal(subset(cur.Labels, s.Labels), s.Labels):
		return nil
	}
	ac := corev1ac.Secret(s.Name, s.Namespace).WithLabels(s.Labels).WithType(corev1.SecretTypeOpaque).WithData(data)
	if _, err := c.client.CoreV1().Secrets(s.Namespace).Apply(ctx, ac, applyOptions(err == nil)); err != nil {
		return fmt.Errorf("apply secret %s/%s: %w", s.Namespace, s.Name, refused(err))
	}
	return nil
}

// secretsSeen queues the secrets and managed services (whose credentials
// are Secrets) of namespace once its Secrets are watched.
func (c *Controller) secretsSeen(namespace string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, s := range c.secrets {
		if s.Namespace == namespace {
			c.queue.Add(keySecret + id)
		}
	}
	for id, m := range c.managed {
		if m.Namespace == namespace {
			c.queue.Add(keyManaged + id)
		}
	}
}

// isSecret reports whether obj is a Secret (objectChanged's switch).
func isSecret(obj any) bool {
	_, ok := obj.(*corev1.Secret)
	return ok
}
