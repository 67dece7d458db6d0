package kube

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	discoveryv1ac "k8s.io/client-go/applyconfigurations/discovery/v1"

	"weft.dev/events/clusterstate"
)

// appliedObject is what the controller last applied to one object: the
// apply configuration and the object as the API server answered.
type appliedObject struct {
	desired []byte
	uid     types.UID
	version string
}

// version is what changes when someone else changes obj: a Deployment's
// generation (its status changes all the time and is not weft's), any
// other object's resourceVersion.
func version(obj metav1.Object) string {
	if _, ok := obj.(*appsv1.Deployment); ok {
		return "g" + strconv.FormatInt(obj.GetGeneration(), 10)
	}
	return obj.GetResourceVersion()
}

func appliedKey(kind, namespace, name string) string { return kind + "/" + namespace + "/" + name }

// marshal is an apply configuration's JSON, to compare with the last one
// applied.
func marshal(ac any) []byte {
	b, err := json.Marshal(ac)
	if err != nil {
		// Apply configurations are plain structs; this cannot fail.
		panic(fmt.Sprintf("kube: marshal an apply configuration: %v", err))
	}
	return b
}

// unchanged reports whether desired is what the controller applied last to
// the object cached now (nil: none cached): applying it again would change
// nothing, so the reconcile sends no request. Any change by someone else
// (a new generation or resourceVersion, or the object made anew) applies
// again.
func (c *Controller) unchanged(kind string, desired []byte, cached metav1.Object) bool {
	if cached == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.applied[appliedKey(kind, cached.GetNamespace(), cached.GetName())]
	return ok && a.uid == cached.GetUID() && a.version == version(cached) && string(a.desired) == string(desired)
}

// remember records what was applied to the object got.
func (c *Controller) remember(kind string, desired []byte, got metav1.Object) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applied[appliedKey(kind, got.GetNamespace(), got.GetName())] = appliedObject{desired: desired, uid: got.GetUID(), version: version(got)}
}

// forget drops the record of an object deleted.
func (c *Controller) forget(kind, namespace, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.applied, appliedKey(kind, namespace, name))
}

// meshAddress is where an EndpointSlice of weft's sends pods of this
// cluster to reach serviceIP: --import-address, or the service IP itself.
func (c *Controller) meshAddress(serviceIP string) (netip.Addr, error) {
	if c.cfg.ImportAddress.IsValid() {
		return c.cfg.ImportAddress, nil
	}
	ip, err := netip.ParseAddr(serviceIP)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("service IP %q: %w", serviceIP, err)
	}
	return ip, nil
}

// meshSlice is the EndpointSlice weft writes for the Service namespace/name
// when its pods are elsewhere (an import) or must reach the proxy (an
// intercepted workload): one ready endpoint, ip, on each of ports.
func meshSlice(namespace, name string, lbls map[string]string, ip netip.Addr, ports []clusterstate.ServicePort) *discoveryv1ac.EndpointSliceApplyConfiguration {
	slice := discoveryv1ac.EndpointSlice(ImportSliceName(name), namespace).
		WithLabels(lbls).
		WithLabels(map[string]string{discoveryv1.LabelServiceName: name, discoveryv1.LabelManagedBy: SliceManager}).
		WithAddressType(discoveryv1.AddressTypeIPv4).
		WithEndpoints(discoveryv1ac.Endpoint().WithAddresses(ip.String()).WithConditions(discoveryv1ac.EndpointConditions().WithReady(true)))
	if ip.Is6() {
		slice.WithAddressType(discoveryv1.AddressTypeIPv6)
	}
	for _, p := range ports {
		ep := discoveryv1ac.EndpointPort().WithName(p.Name).WithPort(int32(p.Port)).WithProtocol(protocol(p.Protocol))
		if p.AppProto != "" {
			ep.WithAppProtocol(p.AppProto)
		}
		slice.WithPorts(ep)
	}
	return slice
}

// Kinds of applied objects.
const (
	kindDeployment = "deployment"
	kindService    = "service"
	kindSlice      = "endpointslice"
)
