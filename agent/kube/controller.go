package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	networkinglisters "k8s.io/client-go/listers/networking/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"weft.dev/events/clusterstate"
)

// Config is one cluster's controller.
type Config struct {
	Client  kubernetes.Interface
	Cluster string // the cluster's id, for status subjects
	// Report publishes AppStatus and NamespaceStatus (a *nats.Conn); nil:
	// nothing is reported.
	Report clusterstate.Publisher
	// ImportAddress is the address an import's EndpointSlice points at:
	// where pods of this cluster reach the mesh's service IPs. Zero: the
	// service IP itself (the pod network routes the mesh range to the
	// gateway).
	ImportAddress netip.Addr
	// IngressClass is the ingress class of routers' Ingresses (empty: the
	// cluster's default class).
	IngressClass string
	// ClusterIssuer is the cert-manager ClusterIssuer of routers' TLS
	// certificates (an annotation on their Ingresses); TLSSecret, when
	// set, is the Secret every router's TLS takes instead (e.g. a
	// wildcard certificate), else <router>-tls.
	ClusterIssuer string
	TLSSecret     string
	// Unseal opens a secret's value sealed to the agent's own key
	// (clusterstate.SealingKey.Open); nil: secrets are not applied.
	Unseal func(sealed string) ([]byte, error)
	// Debounce is the least time between two status reports of one app;
	// 250 ms when zero.
	Debounce time.Duration
	// SecretsRole is the ClusterRole the agent binds to itself in each
	// environment's namespace it makes (RoleBinding SecretsBinding) to
	// reach that namespace's Secrets, and nowhere else; empty: no binding
	// is made and the agent relies on the rights it has (an
	// administrator's kubeconfig).
	SecretsRole string
	// Workers reconcile entries at once; DefaultWorkers when zero.
	Workers int
	Logger  *slog.Logger
}

// Controller reconciles the cluster's Kubernetes entries. It implements
// converge.KubeApplier.
type Controller struct {
	cfg    Config
	log    *slog.Logger
	client kubernetes.Interface

	mu         sync.Mutex
	namespaces map[string]clusterstate.Namespace // by environment id
	workloads  map[string]clusterstate.Workload  // by app id
	exports    map[string]clusterstate.Export
	imports    map[string]clusterstate.Import
	configs    map[string]clusterstate.ConfigMap // by config id (configmaps.go)
	secrets    map[string]clusterstate.Secret    // by secret id, values sealed (secrets.go)
	managed    map[string]clusterstate.Managed   // by managed service id (managed.go)
	sentSvc    map[string]clusterstate.ServiceStatus
	grown      map[string]string              // service id → the storage its volume claims were last grown to (managed.go)
	credsSent  map[string]string              // service id → uid of the credentials Secret last sent
	credsAt    map[string]time.Time           // and when
	routers    map[string]clusterstate.Router // by router id (routers.go)
	sentRouter map[string]clusterstate.RouterStatus
	synced     bool
	syncedCh   chan struct{}
	applyErr   map[string]string // app id → why its objects could not be applied
	sentApp    map[string]clusterstate.AppStatus
	sentNS     map[string]clusterstate.NamespaceStatus
	pending    map[string]bool // app ids whose status report is scheduled
	// intercepted are the workloads whose route has an intercept, by app
	// id: their Service's endpoints lead to the service IP meanwhile.
	intercepted map[string]string
	// applied is what the controller last applied of each object, by
	// kind/namespace/name, so an unchanged entry costs no request.
	applied map[string]appliedObject

	queue workqueue.TypedRateLimitingInterface[string]

	factory     informers.SharedInformerFactory // weft's objects only
	all         informers.SharedInformerFactory // Services and EndpointSlices of every namespace
	nsLister    corelisters.NamespaceLister
	deployments cache.SharedIndexInformer // every namespace's; only the metadata of those not weft's
	pods        corelisters.PodLister
	configMaps  corelisters.ConfigMapLister // weft's
	secretObjs  *secretCaches               // weft's, per namespace (secretcache.go)
	bound       map[string]types.UID        // namespaces whose SecretsBinding was made, by name
	self        rbacv1.Subject              // the agent, to the API server (selfSubject)
	// statefulSets are weft's (managed services'), by the owner index.
	statefulSets cache.SharedIndexInformer
	ingresses    networkinglisters.IngressLister // weft's
	// allServices and allSlices are every namespace's, for endpoint
	// following (Routes), to see a Service that is not weft's, and (by the
	// owner index) weft's own: one watch each.
	allServices corelisters.ServiceLister
	svcInformer cache.SharedIndexInformer
	allSlices   cache.SharedIndexInformer
	sliceEvents []func(namespace, service string)
}

// DefaultWorkers is how many entries a controller reconciles at once.
const DefaultWorkers = 4

// Queue keys: a kind prefix and an id.
const (
	keyNS       = "ns/"  // an environment's namespace
	keyImportNS = "ins/" // a namespace made for an environment's imports
	keyWorkload = "wl/"
	keyImport   = "im/"
	keyStatus   = "st/" // an app's status report
)

// serviceByName indexes EndpointSlices by the Service they belong to.
const serviceByName = "service"

// byOwner indexes weft's objects by the entry they were made for: role and
// app id (ownerKey).
const byOwner = "owner"

func ownerKey(role, id string) string { return role + "/" + id }

func indexOwner(obj any) ([]string, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	l := m.GetLabels()
	if l[clusterstate.LabelManagedBy] != clusterstate.ManagedBy || l[clusterstate.LabelAppID] == "" {
		return nil, nil
	}
	return []string{ownerKey(l[clusterstate.LabelRole], l[clusterstate.LabelAppID])}, nil
}

// New returns a controller; Run starts it.
func New(cfg Config) (*Controller, error) {
	if cfg.Client == nil || cfg.Cluster == "" {
		return nil, fmt.Errorf("kube: need a client and a cluster id")
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = 250 * time.Millisecond
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Controller{
		cfg: cfg, log: cfg.Logger.With("component", "kube"), client: cfg.Client,
		namespaces: map[string]clusterstate.Namespace{}, workloads: map[string]clusterstate.Workload{},
		exports: map[string]clusterstate.Export{}, imports: map[string]clusterstate.Import{}, configs: map[string]clusterstate.ConfigMap{},
		secrets: map[string]clusterstate.Secret{}, managed: map[string]clusterstate.Managed{}, sentSvc: map[string]clusterstate.ServiceStatus{},
		credsSent: map[string]string{}, credsAt: map[string]time.Time{}, grown: map[string]string{},
		routers: map[string]clusterstate.Router{}, sentRouter: map[string]clusterstate.RouterStatus{},
		syncedCh: make(chan struct{}), applyErr: map[string]string{},
		sentApp: map[string]clusterstate.AppStatus{}, sentNS: map[string]clusterstate.NamespaceStatus{}, pending: map[string]bool{}, intercepted: map[string]string{},
		applied: map[string]appliedObject{}, bound: map[string]types.UID{},
		queue: workqueue.NewTypedRateLimitingQueue(workqueue.NewTypedMaxOfRateLimiter(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](100*time.Millisecond, 30*time.Second))),
	}
	weft := labels.Set{clusterstate.LabelManagedBy: clusterstate.ManagedBy}.String()
	// managedFields are most of an object's bytes and nothing here reads
	// them: dropped before they reach the caches.
	strip := informers.WithTransform(func(obj any) (any, error) {
		if m, err := meta.Accessor(obj); err == nil {
			m.SetManagedFields(nil)
		}
		return obj, nil
	})
	c.factory = informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, strip,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = weft }))
	// Every Deployment of the cluster is watched so that one of a name weft
	// wants is seen without asking (an app's first apply cost a Get
	// before); of those that are not weft's only the metadata is kept.
	c.all = informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, informers.WithTransform(func(obj any) (any, error) {
		if d, ok := obj.(*appsv1.Deployment); ok && d.Labels[clusterstate.LabelManagedBy] != clusterstate.ManagedBy {
			m := d.ObjectMeta
			m.ManagedFields, m.Annotations = nil, nil
			return &appsv1.Deployment{ObjectMeta: m}, nil
		}
		if m, err := meta.Accessor(obj); err == nil {
			m.SetManagedFields(nil)
		}
		return obj, nil
	}))

	nsInf := c.factory.Core().V1().Namespaces()
	depInf := c.all.Apps().V1().Deployments()
	podInf := c.factory.Core().V1().Pods()
	cmInf := c.factory.Core().V1().ConfigMaps()
	c.configMaps = cmInf.Lister()
	c.secretObjs = &secretCaches{client: cfg.Client, selector: weft, onEvent: c.objectChanged, onSynced: c.secretsSeen,
		byNS: map[string]*nsSecrets{}}
	ingInf := c.factory.Networking().V1().Ingresses()
	c.ingresses = ingInf.Lister()
	c.statefulSets = c.factory.Apps().V1().StatefulSets().Informer()
	if err := c.statefulSets.AddIndexers(cache.Indexers{byOwner: indexOwner}); err != nil {
		return nil, fmt.Errorf("kube: index statefulsets: %w", err)
	}
	allSvcInf := c.all.Core().V1().Services()
	allSliceInf := c.all.Discovery().V1().EndpointSlices()
	c.nsLister, c.deployments, c.pods = nsInf.Lister(), depInf.Informer(), podInf.Lister()
	c.allServices, c.svcInformer, c.allSlices = allSvcInf.Lister(), allSvcInf.Informer(), allSliceInf.Informer()
	if err := c.deployments.AddIndexers(cache.Indexers{byOwner: indexOwner}); err != nil {
		return nil, fmt.Errorf("kube: index deployments: %w", err)
	}
	if err := c.svcInformer.AddIndexers(cache.Indexers{byOwner: indexOwner}); err != nil {
		return nil, fmt.Errorf("kube: index services: %w", err)
	}
	if err := c.allSlices.AddIndexers(cache.Indexers{byOwner: indexOwner, serviceByName: func(obj any) ([]string, error) {
		s, ok := obj.(*discoveryv1.EndpointSlice)
		if !ok || s.Labels[discoveryv1.LabelServiceName] == "" {
			return nil, nil
		}
		return []string{s.Namespace + "/" + s.Labels[discoveryv1.LabelServiceName]}, nil
	}}); err != nil {
		return nil, fmt.Errorf("kube: index endpoint slices: %w", err)
	}
	for _, inf := range []cache.SharedIndexInformer{nsInf.Informer(), podInf.Informer(), cmInf.Informer(), c.statefulSets, ingInf.Informer()} {
		if _, err := inf.AddEventHandler(handler(c.objectChanged)); err != nil {
			return nil, fmt.Errorf("kube: watch: %w", err)
		}
	}
	if _, err := c.deployments.AddEventHandler(handler(func(obj any) {
		d, ok := obj.(*appsv1.Deployment)
		if !ok {
			return
		}
		if d.Labels[clusterstate.LabelManagedBy] == clusterstate.ManagedBy {
			c.objectChanged(d)
			return
		}
		// One that is not weft's appearing or going changes whether an
		// entry of its name is refused.
		c.enqueueByName(d.Namespace, d.Name)
	})); err != nil {
		return nil, fmt.Errorf("kube: watch deployments: %w", err)
	}
	if _, err := c.allSlices.AddEventHandler(handler(func(obj any) {
		s, ok := obj.(*discoveryv1.EndpointSlice)
		if !ok {
			return
		}
		c.objectChanged(s)
		if s.Labels[discoveryv1.LabelServiceName] != "" {
			c.exportChanged(s.Namespace, s.Labels[discoveryv1.LabelServiceName])
			for _, fn := range c.sliceHandlers() {
				fn(s.Namespace, s.Labels[discoveryv1.LabelServiceName])
			}
		}
	})); err != nil {
		return nil, fmt.Errorf("kube: watch endpoint slices: %w", err)
	}
	if _, err := c.svcInformer.AddEventHandler(handler(func(obj any) {
		s, ok := obj.(*corev1.Service)
		if !ok {
			return
		}
		if s.Labels[clusterstate.LabelManagedBy] == clusterstate.ManagedBy {
			c.objectChanged(s)
			return
		}
		// A Service that is not weft's appearing or going changes whether
		// an entry of its name is refused, and an export's status.
		c.enqueueByName(s.Namespace, s.Name)
		c.exportChanged(s.Namespace, s.Name)
	})); err != nil {
		return nil, fmt.Errorf("kube: watch services: %w", err)
	}
	return c, nil
}

// handler calls fn with the object of every add, update and delete.
func handler(fn func(obj any)) cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    fn,
		UpdateFunc: func(_, obj any) { fn(obj) },
		DeleteFunc: func(obj any) {
			if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = d.Obj
			}
			fn(obj)
		},
	}
}

// onSlices registers fn to be called with a Service's namespace and name
// whenever one of its EndpointSlices changes.
func (c *Controller) onSlices(fn func(namespace, service string)) {
	c.mu.Lock()
	c.sliceEvents = append(c.sliceEvents, fn)
	c.mu.Unlock()
}

func (c *Controller) sliceHandlers() []func(string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sliceEvents
}

// Run starts the informers and, once the whole desired state was handed
// over (Synced), the workers; it returns when ctx ends.
func (c *Controller) Run(ctx context.Context) error {
	defer c.queue.ShutDown()
	stopSecrets := c.secretObjs.run(ctx)
	defer stopSecrets()
	c.factory.Start(ctx.Done())
	c.all.Start(ctx.Done())
	defer c.factory.Shutdown()
	defer c.all.Shutdown()
	for typ, ok := range c.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("kube: %v informer did not sync: %w", typ, ctx.Err())
		}
	}
	for typ, ok := range c.all.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("kube: %v informer did not sync: %w", typ, ctx.Err())
		}
	}
	select {
	case <-c.syncedCh:
	case <-ctx.Done():
		return nil
	}
	c.log.Info("controller running")
	var wg sync.WaitGroup
	for range c.cfg.Workers {
		wg.Go(func() {
			for c.next(ctx) {
			}
		})
	}
	<-ctx.Done()
	c.queue.ShutDown()
	wg.Wait()
	return nil
}

// WaitForCacheSync blocks until the informers have listed the cluster;
// Routes need it before they can compute backends.
func (c *Controller) WaitForCacheSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), c.allSlices.HasSynced)
}

func (c *Controller) next(ctx context.Context) bool {
	key, quit := c.queue.Get()
	if quit {
		return false
	}
	defer c.queue.Done(key)
	err := c.reconcile(ctx, key)
	if err != nil && ctx.Err() == nil {
		c.log.Warn("reconcile failed; retrying", "key", key, "err", err)
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	return true
}

func (c *Controller) reconcile(ctx context.Context, key string) error {
	switch {
	case strings.HasPrefix(key, keyNS):
		return c.reconcileNamespace(ctx, strings.TrimPrefix(key, keyNS))
	case strings.HasPrefix(key, keyImportNS):
		return c.reconcileImportNamespace(ctx, strings.TrimPrefix(key, keyImportNS))
	case strings.HasPrefix(key, keyWorkload):
		return c.reconcileWorkload(ctx, strings.TrimPrefix(key, keyWorkload))
	case strings.HasPrefix(key, keyImport):
		return c.reconcileImport(ctx, strings.TrimPrefix(key, keyImport))
	case strings.HasPrefix(key, keyStatus):
		return c.reportApp(strings.TrimPrefix(key, keyStatus))
	case strings.HasPrefix(key, keyConfig):
		return c.reconcileConfigMap(ctx, strings.TrimPrefix(key, keyConfig))
	case strings.HasPrefix(key, keySecret):
		return c.reconcileSecret(ctx, strings.TrimPrefix(key, keySecret))
	case strings.HasPrefix(key, keyRouter):
		return c.reconcileRouter(ctx, strings.TrimPrefix(key, keyRouter))
	case strings.HasPrefix(key, keyManaged):
		return c.reconcileManaged(ctx, strings.TrimPrefix(key, keyManaged))
	}
	return nil
}

// SetEntry hands over one Kubernetes entry (nil v: removed).
func (c *Controller) SetEntry(kind, id string, v []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var key string
	switch kind {
	case clusterstate.KindNamespace:
		key = keyNS + id
		if v == nil {
			delete(c.namespaces, id)
			break
		}
		var n clusterstate.Namespace
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("namespace %s: %w", id, err)
		}
		c.namespaces[id] = n
	case clusterstate.KindWorkload:
		key = keyWorkload + id
		if v == nil {
			delete(c.workloads, id)
			break
		}
		var w clusterstate.Workload
		if err := json.Unmarshal(v, &w); err != nil {
			return fmt.Errorf("workload %s: %w", id, err)
		}
		c.workloads[id] = w
	case clusterstate.KindExport:
		// Nothing to apply: the route names the Service to follow; its
		// ready endpoints are the app's status.
		if v == nil {
			delete(c.exports, id)
			delete(c.sentApp, id)
			return nil
		}
		var e clusterstate.Export
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("export %s: %w", id, err)
		}
		c.exports[id] = e
		c.scheduleStatusLocked(id)
		return nil
	case clusterstate.KindImport:
		key = keyImport + id
		old, had := c.imports[id]
		if v == nil {
			delete(c.imports, id)
		} else {
			var im clusterstate.Import
			if err := json.Unmarshal(v, &im); err != nil {
				return fmt.Errorf("import %s: %w", id, err)
			}
			c.imports[id] = im
			c.queue.Add(keyImportNS + envIDOf(im.Labels))
		}
		if had {
			c.queue.Add(keyImportNS + envIDOf(old.Labels))
		}
	case clusterstate.KindConfig:
		var err error
		if key, err = c.setConfig(id, v); err != nil {
			return err
		}
	case clusterstate.KindSecret:
		var err error
		if key, err = c.setSecret(id, v); err != nil {
			return err
		}
	case clusterstate.KindManaged:
		var err error
		if key, err = c.setManaged(id, v); err != nil {
			return err
		}
	case clusterstate.KindRouter:
		var err error
		if key, err = c.setRouter(id, v); err != nil {
			return err
		}
	default:
		return nil
	}
	c.queue.Add(key)
	return nil
}

func envIDOf(l map[string]string) string { return l[clusterstate.LabelEnvID] }

// SetIntercepted says whether app id's route is intercepted (and its
// service IP): while it is, its Service's endpoints lead there (see
// intercept.go).
func (c *Controller) SetIntercepted(id, serviceIP string, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	was, had := c.intercepted[id]
	if on == had && (!on || was == serviceIP) {
		return
	}
	if on {
		c.intercepted[id] = serviceIP
	} else {
		delete(c.intercepted, id)
	}
	if _, ok := c.workloads[id]; ok {
		c.queue.Add(keyWorkload + id)
	}
}

// EntryIDs are the entries of kind the controller holds.
func (c *Controller) EntryIDs(kind string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ids []string
	switch kind {
	case clusterstate.KindNamespace:
		ids = keys(c.namespaces)
	case clusterstate.KindWorkload:
		ids = keys(c.workloads)
	case clusterstate.KindExport:
		ids = keys(c.exports)
	case clusterstate.KindImport:
		ids = keys(c.imports)
	case clusterstate.KindConfig:
		ids = keys(c.configs)
	case clusterstate.KindSecret:
		ids = keys(c.secrets)
	case clusterstate.KindManaged:
		ids = keys(c.managed)
	case clusterstate.KindRouter:
		ids = keys(c.routers)
	}
	return ids
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Synced says the whole desired state was handed over: the workers start
// (the first time), and every weft object in the cluster is looked at, so
// what no entry wants any more is pruned.
func (c *Controller) Synced() {
	c.mu.Lock()
	if !c.synced {
		c.synced = true
		close(c.syncedCh)
	}
	for id := range c.namespaces {
		c.queue.Add(keyNS + id)
	}
	for id := range c.workloads {
		c.queue.Add(keyWorkload + id)
	}
	for id, im := range c.imports {
		c.queue.Add(keyImport + id)
		c.queue.Add(keyImportNS + envIDOf(im.Labels))
	}
	for id := range c.configs {
		c.queue.Add(keyConfig + id)
	}
	for id := range c.secrets {
		c.queue.Add(keySecret + id)
	}
	for id := range c.managed {
		c.queue.Add(keyManaged + id)
	}
	for id := range c.routers {
		c.queue.Add(keyRouter + id)
	}
	c.mu.Unlock()
	// Objects made for entries that are gone: their keys find no entry and
	// delete them. The listers may not have synced yet when the agent
	// converges before Run; objectChanged queues them then.
	if nss, err := c.nsLister.List(labels.Everything()); err == nil {
		for _, o := range nss {
			c.objectChanged(o)
		}
	}
	if cms, err := c.configMaps.List(labels.Everything()); err == nil {
		for _, o := range cms {
			c.objectChanged(o)
		}
	}
	if is, err := c.ingresses.List(labels.Everything()); err == nil {
		for _, o := range is {
			c.objectChanged(o)
		}
	}
	for _, inf := range []cache.SharedIndexInformer{c.deployments, c.svcInformer, c.allSlices, c.statefulSets} {
		for _, o := range inf.GetStore().List() {
			c.objectChanged(o)
		}
	}
}

// ownedBy are the objects in inf's cache that weft made for the entry of
// role and app id.
func ownedBy[T any](inf cache.SharedIndexInformer, role, id string) []T {
	objs, _ := inf.GetIndexer().ByIndex(byOwner, ownerKey(role, id))
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		if v, ok := o.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// objectChanged queues the entry a weft object was made for.
func (c *Controller) objectChanged(obj any) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return
	}
	l := m.GetLabels()
	if l[clusterstate.LabelManagedBy] != clusterstate.ManagedBy {
		return
	}
	switch _, isNS := obj.(*corev1.Namespace); {
	case isNS && l[clusterstate.LabelRole] == clusterstate.RoleEnv:
		c.queue.Add(keyNS + l[clusterstate.LabelEnvID])
	case isNS && l[clusterstate.LabelRole] == clusterstate.RoleImport:
		c.queue.Add(keyImportNS + l[clusterstate.LabelEnvID])
	case isNS:
	case isConfigMap(obj):
		if l[clusterstate.LabelRole] == clusterstate.RoleConfig {
			c.queue.Add(keyConfig + l[clusterstate.LabelConfigID])
		}
	case l[clusterstate.LabelRole] == clusterstate.RoleRouter:
		c.queue.Add(keyRouter + l[clusterstate.LabelRouterID])
	case l[clusterstate.LabelRole] == clusterstate.RoleManaged:
		// A managed service's StatefulSet, pods, Service, slices or
		// credentials.
		if id := l[clusterstate.LabelAppID]; id != "" {
			c.queue.Add(keyManaged + id)
		}
	case isSecret(obj):
		if l[clusterstate.LabelRole] == clusterstate.RoleSecret {
			c.queue.Add(keySecret + l[clusterstate.LabelSecretID])
		}
	case l[clusterstate.LabelRole] == clusterstate.RoleWorkload:
		id := l[clusterstate.LabelAppID]
		switch obj.(type) {
		case *corev1.Pod:
			c.scheduleStatus(id)
		case *discoveryv1.EndpointSlice:
			// The pods' slices matter to the workload only while it is
			// intercepted (they go); weft's own only when left over.
			c.mu.Lock()
			_, intercepted := c.intercepted[id]
			c.mu.Unlock()
			if intercepted || l[discoveryv1.LabelManagedBy] == SliceManager {
				c.queue.Add(keyWorkload + id)
			}
		default:
			c.queue.Add(keyWorkload + id)
			c.scheduleStatus(id)
		}
	case l[clusterstate.LabelRole] == clusterstate.RoleImport:
		c.queue.Add(keyImport + l[clusterstate.LabelAppID])
	}
}

// enqueueByName queues the entries that want an object called name in
// namespace (a Service that is not weft's changes whether they are
// refused).
func (c *Controller) enqueueByName(namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, w := range c.workloads {
		if w.Namespace == namespace && w.Name == name {
			c.queue.Add(keyWorkload + id)
		}
	}
	for id, im := range c.imports {
		if im.Namespace == namespace && im.Name == name {
			c.queue.Add(keyImport + id)
		}
	}
}

// exportChanged schedules the status of the apps that export the Service
// namespace/name.
func (c *Controller) exportChanged(namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.exports {
		if e.Namespace == namespace && e.Service == name {
			c.scheduleStatusLocked(id)
		}
	}
}

// owned reports whether an object's labels say weft made it for the entry
// with label key = id in role.
func owned(l map[string]string, key, id, role string) bool {
	return l[clusterstate.LabelManagedBy] == clusterstate.ManagedBy && l[key] == id && l[clusterstate.LabelRole] == role
}
