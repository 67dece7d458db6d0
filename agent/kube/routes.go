package kube

import (
	"net"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"sync"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"weft.dev/events/clusterstate"
)

// RouteApplier is what Routes hands routes to (the proxy).
type RouteApplier interface {
	UpsertRoute(clusterstate.Route) error
	DeleteRoute(id string) error
	RouteIDs() []string
}

// Routes is a RouteApplier in front of the proxy: a route that names a
// Service (Route.Endpoints) gets that Service's ready endpoints as
// backends, besides its fixed ones, and again whenever its EndpointSlices
// change (from the controller's informer: no event in the log per pod).
// The proxy keeps the listeners and every connection of a route whose
// backends change; only new connections see the new set.
type Routes struct {
	next RouteApplier
	c    *Controller

	mu      sync.Mutex
	desired map[string]clusterstate.Route // as the stream gave them
	applied map[string]clusterstate.Route // as the proxy has them
	bySvc   map[string]map[string]bool    // "ns/svc" → route ids
	// found is each route's endpoints and target ports as last read from
	// its Service's slices: kept while the Service is intercepted.
	found   map[string]endpoints
	onApply func(clusterstate.Route) // for benchmarks
}

// NewRoutes follows endpoints for next with c's informers.
func NewRoutes(c *Controller, next RouteApplier) *Routes {
	r := &Routes{next: next, c: c, desired: map[string]clusterstate.Route{}, applied: map[string]clusterstate.Route{}, bySvc: map[string]map[string]bool{},
		found: map[string]endpoints{}}
	c.onSlices(r.serviceChanged)
	return r
}

// OnApply calls fn with each route the proxy was given again because its
// endpoints changed (benchmarks measure with it). fn runs with the Routes'
// lock held: it must not call back.
func (r *Routes) OnApply(fn func(clusterstate.Route)) {
	r.mu.Lock()
	r.onApply = fn
	r.mu.Unlock()
}

// UpsertRoute hands the route to the proxy with its Service's endpoints.
func (r *Routes) UpsertRoute(rt clusterstate.Route) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.desired[rt.ID]; ok && old.Endpoints != nil {
		delete(r.bySvc[svcKey(*old.Endpoints)], rt.ID)
	}
	r.desired[rt.ID] = rt
	if rt.Endpoints != nil {
		k := svcKey(*rt.Endpoints)
		if r.bySvc[k] == nil {
			r.bySvc[k] = map[string]bool{}
		}
		r.bySvc[k][rt.ID] = true
	}
	// A workload's own Service follows its intercepts (intercept.go).
	r.c.SetIntercepted(rt.ID, rt.ServiceIP, rt.Endpoints != nil && len(rt.Intercept) > 0)
	return r.apply(rt)
}

// apply gives the proxy rt with its endpoints, if that differs from what
// it has.
func (r *Routes) apply(rt clusterstate.Route) error {
	merged := r.withEndpoints(rt)
	if old, ok := r.applied[rt.ID]; ok && routeEqual(old, merged) {
		return nil
	}
	if err := r.next.UpsertRoute(merged); err != nil {
		return err
	}
	r.applied[rt.ID] = merged
	return nil
}

// DeleteRoute removes the route.
func (r *Routes) DeleteRoute(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.desired[id]; ok && old.Endpoints != nil {
		delete(r.bySvc[svcKey(*old.Endpoints)], id)
	}
	delete(r.desired, id)
	delete(r.applied, id)
	delete(r.found, id)
	r.c.SetIntercepted(id, "", false)
	return r.next.DeleteRoute(id)
}

// RouteIDs are the proxy's routes.
func (r *Routes) RouteIDs() []string { return r.next.RouteIDs() }

// RouteCount is how many routes the proxy holds.
func (r *Routes) RouteCount() int { return len(r.next.RouteIDs()) }

// Backends are the backends the proxy has for route id (for tests).
func (r *Routes) Backends(id string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.applied[id].Backends)
}

func svcKey(e clusterstate.EndpointSource) string { return e.Namespace + "/" + e.Service }

// serviceChanged re-applies the routes that follow a Service.
func (r *Routes) serviceChanged(namespace, service string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.bySvc[namespace+"/"+service] {
		if err := r.apply(r.desired[id]); err != nil {
			r.c.log.Warn("route not updated with its endpoints", "route", id, "err", err)
			continue
		}
		if r.onApply != nil {
			r.onApply(r.applied[id])
		}
	}
}

// withEndpoints is rt with its Service's ready endpoints added to the
// backends (sorted, so the same set gives the same route), and each port's
// TargetPort set to the endpoints' port of the Service port it maps to
// when the Service has more than one.
func (r *Routes) withEndpoints(rt clusterstate.Route) clusterstate.Route {
	if rt.Endpoints == nil {
		return rt
	}
	out := rt
	out.Ports = slices.Clone(rt.Ports)
	out.Backends = slices.Clone(rt.Backends)
	svc, err := r.c.allServices.Services(rt.Endpoints.Namespace).Get(rt.Endpoints.Service)
	if err != nil || len(rt.Ports) == 0 {
		return out
	}
	var found endpoints
	if prev, ok := r.found[rt.ID]; ok && len(rt.Intercept) > 0 {
		// Intercepted: a workload's Service's slices lead to the proxy
		// itself meanwhile (intercept.go); the pods it had when the
		// intercept began are the backends of the ports not intercepted.
		found = prev
	} else {
		found = r.read(rt, svc)
		r.found[rt.ID] = found
	}
	out.Backends = append(out.Backends, found.backends...)
	if len(out.Ports) > 1 {
		for i := range out.Ports {
			if i < len(found.ports) && found.ports[i] != 0 {
				out.Ports[i].TargetPort = found.ports[i]
			}
		}
	}
	return out
}

// endpoints are a route's ready endpoints and, per route port, the
// endpoints' port.
type endpoints struct {
	backends []string
	ports    []int
}

// read finds rt's endpoints in svc's EndpointSlices, leaving out those
// weft writes (an intercept's, which lead back to the proxy).
func (r *Routes) read(rt clusterstate.Route, svc *corev1.Service) endpoints {
	// The Service port's name of each route port (same number and
	// protocol; HTTP is TCP).
	names := make([]string, len(rt.Ports))
	for i, p := range rt.Ports {
		names[i] = "\x00" // matches no endpoint port
		for _, sp := range svc.Spec.Ports {
			if int(sp.Port) == p.Port && sp.Protocol == protocol(p.Protocol) {
				names[i] = sp.Name
			}
		}
	}
	objs, _ := r.c.allSlices.GetIndexer().ByIndex(serviceByName, svcKey(*rt.Endpoints))
	ports := make([]int, len(rt.Ports)) // the endpoints' port of each route port
	seen := map[string]bool{}
	var eps []string
	for _, o := range objs {
		s := o.(*discoveryv1.EndpointSlice)
		if s.AddressType == discoveryv1.AddressTypeFQDN || s.Labels[discoveryv1.LabelManagedBy] == SliceManager {
			continue
		}
		slicePort := make([]int, len(rt.Ports))
		for i, name := range names {
			for _, ep := range s.Ports {
				proto := corev1.ProtocolTCP
				if ep.Protocol != nil {
					proto = *ep.Protocol
				}
				if ep.Port != nil && epName(ep) == name && proto == protocol(rt.Ports[i].Protocol) {
					slicePort[i] = int(*ep.Port)
				}
			}
		}
		if slicePort[0] == 0 {
			continue
		}
		for _, e := range s.Endpoints {
			if e.Conditions.Ready != nil && !*e.Conditions.Ready || len(e.Addresses) == 0 {
				continue
			}
			b := net.JoinHostPort(e.Addresses[0], strconv.Itoa(slicePort[0]))
			if !seen[b] {
				seen[b] = true
				eps = append(eps, b)
			}
		}
		copy(ports, slicePort)
	}
	sort.Strings(eps)
	return endpoints{backends: eps, ports: ports}
}

func epName(p discoveryv1.EndpointPort) string {
	if p.Name == nil {
		return ""
	}
	return *p.Name
}

func routeEqual(a, b clusterstate.Route) bool { return reflect.DeepEqual(a, b) }
