package domain

import (
	"encoding/json"
	"fmt"
	"strings"

	"weft.dev/events/event"
)

// Aggregate types of the console service (subject tokens).
const (
	EnvAggregate       = "env"
	AppAggregate       = "app"
	ServiceAggregate   = "service"
	InterceptAggregate = "intercept"
	PolicyAggregate    = "policy"
	SvcRangeAggregate  = "svcrange" // id: the cluster's id
	ConfigAggregate    = "config"
	SecretAggregate    = "secret"
)

// Name kinds claimed through uniq.
const (
	EnvNameKind    = "env"
	AppNameKind    = "app" // apps and services, name "<envID>-<name>"
	PolicyNameKind = "policy"
	ConfigNameKind = "config" // name "<envID>-<name>", as apps
	SecretNameKind = "secret" // name "<envID>-<name>", as apps
	// IPKind claims a service IP of a cluster, name IPKey(cluster, ip):
	// the claim, not a version of the range, is what keeps two creations
	// (in any process) from taking one address.
	IPKind = "ip"
)

// IPKey is the uniq name of ip in cluster's range (a subject token holds
// no '.').
func IPKey(clusterID, ip string) string {
	return clusterID + "-" + strings.NewReplacer(".", "_").Replace(ip)
}

// AppNameKey is the uniq name of an app or service called name in env.
func AppNameKey(envID, name string) string { return envID + "-" + name }

// ConfigNameKey is the uniq name of a config called name in env.
func ConfigNameKey(envID, name string) string { return envID + "-" + name }

// EnvCreated: an environment was made in a cluster.
type EnvCreated struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ClusterID string `json:"clusterId"`
	// ClonedFrom is the id of the environment this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// EnvDeleted: the environment is gone; its name is free.
type EnvDeleted struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// EnvNamespaceReported: the agent of the environment's cluster (in
// Kubernetes mode) reported its namespace: made and weft's (Ready), or
// refused with Error (e.g. a namespace of that name that is not weft's).
type EnvNamespaceReported struct {
	ID        string `json:"id"`
	ClusterID string `json:"clusterId"`
	Namespace string `json:"namespace"`
	Ready     bool   `json:"ready"`
	Error     string `json:"error,omitempty"`
}

// AppCreated: an app got its spec and a service IP in its cluster's range.
// Version 2 added the workload and export (version 1 had neither, and
// reads as version 2 without them).
type AppCreated struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	EnvID     string      `json:"envId"`
	ClusterID string      `json:"clusterId"`
	ServiceIP string      `json:"serviceIp"`
	Spec      Spec        `json:"spec"`
	Workload  *Workload   `json:"workload,omitempty"`
	Export    *ServiceRef `json:"export,omitempty"`
	// ClonedFrom is the id of the resource this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// AppUpdated: the app's spec and backing were replaced. Version 2 added
// the workload and export, as AppCreated.
type AppUpdated struct {
	ID       string      `json:"id"`
	Spec     Spec        `json:"spec"`
	Workload *Workload   `json:"workload,omitempty"`
	Export   *ServiceRef `json:"export,omitempty"`
}

// AppRolloutReported: the agent of the app's cluster reported a change in
// the rollout of its workload (recorded by the message office, debounced).
type AppRolloutReported struct {
	ID        string  `json:"id"`
	ClusterID string  `json:"clusterId"`
	Rollout   Rollout `json:"rollout"`
}

// AppDeleted: the app is gone; its service IP is released with it.
type AppDeleted struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	EnvID     string `json:"envId"`
	ClusterID string `json:"clusterId"`
	ServiceIP string `json:"serviceIp"`
}

// AppInterceptAttached: one of the app's ports is now intercepted.
type AppInterceptAttached struct {
	ID          string `json:"id"` // the app's
	InterceptID string `json:"interceptId"`
	Port        Port   `json:"port"`
}

// AppInterceptDetached: the port's intercept ended.
type AppInterceptDetached struct {
	ID          string `json:"id"`
	InterceptID string `json:"interceptId"`
	Port        Port   `json:"port"`
}

// ServiceCreated: a managed service got its spec and a service IP.
type ServiceCreated struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Kind      ServiceKind `json:"kind"`
	EnvID     string      `json:"envId"`
	ClusterID string      `json:"clusterId"`
	ServiceIP string      `json:"serviceIp"`
	Spec      Spec        `json:"spec"`
	// Instance: its cluster runs it (absent: fixed backends).
	Instance *Instance `json:"instance,omitempty"`
	// ClonedFrom is the id of the resource this one was cloned from
	// (weft env clone); empty for one made otherwise.
	ClonedFrom string `json:"clonedFrom,omitempty"`
}

// ServiceUpdated: the managed service's spec (and kind) was replaced.
type ServiceUpdated struct {
	ID   string      `json:"id"`
	Kind ServiceKind `json:"kind"`
	Spec Spec        `json:"spec"`
}

// ServiceDeleted: the managed service is gone; its IP is released. A
// service its cluster ran leaves its volume and credentials there unless
// DeleteData.
type ServiceDeleted struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	EnvID      string `json:"envId"`
	ClusterID  string `json:"clusterId"`
	ServiceIP  string `json:"serviceIp"`
	DeleteData bool   `json:"deleteData,omitempty"`
}

// ServiceIPAllocated: the cluster's range handed an IP to an app or service.
// CIDR is the range, recorded so the aggregate decides without infra's data.
type ServiceIPAllocated struct {
	ClusterID string `json:"clusterId"`
	CIDR      string `json:"cidr"`
	IP        string `json:"ip"`
	OwnerKind string `json:"ownerKind"` // app or service
	OwnerID   string `json:"ownerId"`
}

// ServiceIPReleased: the IP is free again.
type ServiceIPReleased struct {
	ClusterID string `json:"clusterId"`
	IP        string `json:"ip"`
	OwnerID   string `json:"ownerId"`
}

// InterceptStarted: traffic to the app's port now goes to a device.
type InterceptStarted struct {
	ID         string `json:"id"`
	AppID      string `json:"appId"`
	EnvID      string `json:"envId"`
	Port       Port   `json:"port"`
	DeviceID   string `json:"deviceId"`
	TargetIP   string `json:"targetIp"` // the device's mesh IP when started
	TargetPort int    `json:"targetPort"`
	StartedBy  string `json:"startedBy"` // user id
}

// InterceptStopped: traffic goes to the app's backends again.
type InterceptStopped struct {
	ID        string `json:"id"`
	AppID     string `json:"appId"`
	Port      Port   `json:"port"`
	StoppedBy string `json:"stoppedBy"`
}

// PolicyCreated: an access rule was added.
type PolicyCreated struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Rule Rule   `json:"rule"`
}

// PolicyUpdated: the rule was replaced.
type PolicyUpdated struct {
	ID   string `json:"id"`
	Rule Rule   `json:"rule"`
}

// PolicyDeleted: the rule is gone; its name is free.
type PolicyDeleted struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Register registers the console event types.
func Register(r *event.Registry) {
	event.Register[EnvCreated](r, "console.env.created", 1)
	event.Register[EnvDeleted](r, "console.env.deleted", 1)
	event.Register[EnvNamespaceReported](r, "console.env.namespace-reported", 1)
	event.Register[AppCreated](r, "console.app.created", 2)
	r.Upcast("console.app.created", 1, appV1ToV2)
	event.Register[AppUpdated](r, "console.app.updated", 2)
	r.Upcast("console.app.updated", 1, appV1ToV2)
	event.Register[AppRolloutReported](r, "console.app.rollout-reported", 1)
	event.Register[AppDeleted](r, "console.app.deleted", 1)
	event.Register[AppInterceptAttached](r, "console.app.intercept-attached", 1)
	event.Register[AppInterceptDetached](r, "console.app.intercept-detached", 1)
	event.Register[ServiceCreated](r, "console.service.created", 1)
	event.Register[ServiceUpdated](r, "console.service.updated", 1)
	event.Register[ServiceInstanceChanged](r, "console.service.instance-changed", 1)
	event.Register[ServiceKeyRekeyed](r, "console.service.key-rekeyed", 1)
	event.Register[ServiceDeleted](r, "console.service.deleted", 1)
	event.Register[ServiceStatusReported](r, "console.service.status-reported", 1)
	event.Register[ServiceCredentialsReported](r, "console.service.credentials-reported", 1)
	event.Register[ServiceCredentialsRevealed](r, "console.service.credentials-revealed", 1)
	event.Register[ServiceDataDeleted](r, "console.service.data-deleted", 1)
	event.Register[ServiceIPAllocated](r, "console.svcrange.ip-allocated", 1)
	event.Register[ServiceIPReleased](r, "console.svcrange.ip-released", 1)
	event.Register[InterceptStarted](r, "console.intercept.started", 1)
	event.Register[InterceptStopped](r, "console.intercept.stopped", 1)
	event.Register[PolicyCreated](r, "console.policy.created", 1)
	event.Register[PolicyUpdated](r, "console.policy.updated", 1)
	event.Register[PolicyDeleted](r, "console.policy.deleted", 1)
	event.Register[ConfigCreated](r, "console.config.created", 1)
	event.Register[ConfigChanged](r, "console.config.changed", 1)
	event.Register[ConfigDeleted](r, "console.config.deleted", 1)
	event.Register[SecretCreated](r, "console.secret.created", 1)
	event.Register[SecretChanged](r, "console.secret.changed", 1)
	event.Register[SecretRevealed](r, "console.secret.revealed", 1)
	event.Register[SecretDeleted](r, "console.secret.deleted", 1)
	event.Register[SecretsKeyRotated](r, "console.keyring.rotated", 1)
	event.Register[SecretRekeyed](r, "console.secret.rekeyed", 1)
	event.Register[RouterCreated](r, "console.router.created", 1)
	event.Register[RouterUpdated](r, "console.router.updated", 1)
	event.Register[RouterStatusReported](r, "console.router.status-reported", 1)
	event.Register[RouterDeleted](r, "console.router.deleted", 1)
}

// appV1ToV2 upcasts console.app.created and console.app.updated: version 1
// is version 2 without a workload or export, which is what its JSON object
// already reads as; anything but an object is refused.
func appV1ToV2(old json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(old, &m); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object: %s", old)
	}
	if _, ok := m["workload"]; ok {
		return nil, fmt.Errorf("version 1 has no workload")
	}
	return old, nil
}
