package kube

import (
	"context"
	"fmt"
	"strings"
	"sync"

	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"weft.dev/events/clusterstate"
)

// SecretsBinding is the RoleBinding the agent makes in each environment's
// namespace to give itself Config.SecretsRole there.
const SecretsBinding = "weft-agent-secrets"

// secretCaches hold weft's Secrets, one watch per environment namespace.
// The agent's right to Secrets is granted per namespace (a RoleBinding it
// makes in each of weft's namespaces, deploy/kubernetes/agent/rbac.yaml),
// never cluster-wide, so a cluster-wide watch would be refused, and must
// be: an agent that can read every Secret of its cluster can read its
// service account tokens and everyone's credentials.
type secretCaches struct {
	client   kubernetes.Interface
	selector string                 // weft's objects only
	onEvent  func(obj any)          // every add, update and delete
	onSynced func(namespace string) // a namespace's Secrets are all seen

	mu   sync.Mutex
	ctx  context.Context // Run's; nil before it
	wg   sync.WaitGroup
	byNS map[string]*nsSecrets
}

type nsSecrets struct {
	inf    cache.SharedIndexInformer
	stop   context.CancelFunc
	synced bool
}

// start lets watch start watches until ctx ends, then waits for them.
func (s *secretCaches) run(ctx context.Context) func() {
	s.mu.Lock()
	s.ctx = ctx
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		for ns, w := range s.byNS {
			w.stop()
			delete(s.byNS, ns)
		}
		s.mu.Unlock()
		s.wg.Wait()
	}
}

// watch starts watching namespace's Secrets, once.
func (s *secretCaches) watch(namespace string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byNS[namespace]; ok || s.ctx == nil || s.ctx.Err() != nil {
		return
	}
	inf := coreinformers.NewFilteredSecretInformer(s.client, namespace, 0, cache.Indexers{}, func(o *metav1.ListOptions) { o.LabelSelector = s.selector })
	_ = inf.SetTransform(func(obj any) (any, error) {
		if m, err := meta.Accessor(obj); err == nil {
			m.SetManagedFields(nil)
		}
		return obj, nil
	})
	if _, err := inf.AddEventHandler(handler(s.onEvent)); err != nil {
		return // only after the informer stopped, which it has not
	}
	ctx, stop := context.WithCancel(s.ctx)
	w := &nsSecrets{inf: inf, stop: stop}
	s.byNS[namespace] = w
	s.wg.Go(func() { inf.RunWithContext(ctx) })
	s.wg.Go(func() {
		if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
			return
		}
		s.mu.Lock()
		w.synced = true
		s.mu.Unlock()
		s.onSynced(namespace)
	})
}

// drop stops watching namespace (it is gone, or no longer weft's).
func (s *secretCaches) drop(namespace string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.byNS[namespace]; ok {
		w.stop()
		delete(s.byNS, namespace)
	}
}

// synced reports whether namespace's Secrets are watched and all seen.
func (s *secretCaches) synced(namespace string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.byNS[namespace]
	return ok && w.synced
}

// get returns weft's Secret namespace/name if namespace's Secrets are
// watched and it is among them.
func (s *secretCaches) get(namespace, name string) (*corev1.Secret, bool) {
	s.mu.Lock()
	w, ok := s.byNS[namespace]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	o, exists, err := w.inf.GetStore().GetByKey(namespace + "/" + name)
	if err != nil || !exists {
		return nil, false
	}
	sec, ok := o.(*corev1.Secret)
	return sec, ok
}

// list returns the watched Secrets that match sel, in every namespace.
func (s *secretCaches) list(sel labels.Selector) []*corev1.Secret {
	s.mu.Lock()
	infs := make([]cache.SharedIndexInformer, 0, len(s.byNS))
	for _, w := range s.byNS {
		infs = append(infs, w.inf)
	}
	s.mu.Unlock()
	var out []*corev1.Secret
	for _, inf := range infs {
		for _, o := range inf.GetStore().List() {
			if sec, ok := o.(*corev1.Secret); ok && sel.Matches(labels.Set(sec.Labels)) {
				out = append(out, sec)
			}
		}
	}
	return out
}

// bindSecrets gives the agent Config.SecretsRole in namespace ns (of
// uid) by a RoleBinding there, once per namespace. A binding of that name
// that binds something else is refused, not changed.
func (c *Controller) bindSecrets(ctx context.Context, ns string, uid types.UID) error {
	if c.cfg.SecretsRole == "" {
		return nil
	}
	c.mu.Lock()
	done := c.bound[ns] == uid
	c.mu.Unlock()
	if done {
		return nil
	}
	self, err := c.selfSubject(ctx)
	if err != nil {
		return err
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: SecretsBinding, Namespace: ns,
			Labels: map[string]string{clusterstate.LabelManagedBy: clusterstate.ManagedBy}},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: c.cfg.SecretsRole},
		Subjects: []rbacv1.Subject{self},
	}
	_, err = c.client.RbacV1().RoleBindings(ns).Create(ctx, rb, metav1.CreateOptions{FieldManager: clusterstate.FieldManager})
	if apierrors.IsAlreadyExists(err) {
		cur, gerr := c.client.RbacV1().RoleBindings(ns).Get(ctx, SecretsBinding, metav1.GetOptions{})
		if gerr != nil {
			return fmt.Errorf("get role binding %s/%s: %w", ns, SecretsBinding, gerr)
		}
		if cur.RoleRef != rb.RoleRef || len(cur.Subjects) != 1 || cur.Subjects[0] != self {
			return fmt.Errorf("role binding %s/%s binds something else; weft does not change it: remove it so the agent can bind %s to itself", ns, SecretsBinding, c.cfg.SecretsRole)
		}
		err = nil
	}
	if err != nil {
		return fmt.Errorf("bind %s to the agent in namespace %s (deploy/kubernetes/agent/rbac.yaml grants it): %w", c.cfg.SecretsRole, ns, err)
	}
	c.mu.Lock()
	c.bound[ns] = uid
	c.mu.Unlock()
	return nil
}

// selfSubject is who the agent is to the API server, as a RoleBinding's
// subject (asked once, by a SelfSubjectReview, which every authenticated
// identity may make).
func (c *Controller) selfSubject(ctx context.Context) (rbacv1.Subject, error) {
	c.mu.Lock()
	s := c.self
	c.mu.Unlock()
	if s.Name != "" {
		return s, nil
	}
	r, err := c.client.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authnv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return s, fmt.Errorf("who am I to the API server: %w", err)
	}
	user := r.Status.UserInfo.Username
	if rest, ok := strings.CutPrefix(user, "system:serviceaccount:"); ok {
		ns, name, _ := strings.Cut(rest, ":")
		s = rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
	} else {
		s = rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: user}
	}
	c.mu.Lock()
	c.self = s
	c.mu.Unlock()
	return s, nil
}
