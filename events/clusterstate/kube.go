package clusterstate

import (
	"encoding/json"
	"fmt"
	"time"
)

// Kubernetes desired state: four more kinds of entry in CL_<cluster>, for
// an agent in Kubernetes mode. An agent that is not ignores them (they are
// never team-wide).
//
//	cl.<cluster>.namespace.<envID>  Namespace: an environment homed here
//	cl.<cluster>.workload.<appID>   Workload: an app with a container spec homed here
//	cl.<cluster>.export.<appID>     Export: an app homed here that follows an existing Service
//	cl.<cluster>.import.<id>        Import: an app or managed service homed in another cluster
//	cl.<cluster>.config.<configID>  ConfigMap: a config of an environment homed here
//	cl.<cluster>.secret.<secretID>  Secret: a secret of one, its values sealed to the agent (seal.go)
//	cl.<cluster>.managed.<svcID>    Managed: a managed service the agent runs (StatefulSet, volume, Service, credentials)
//	cl.<cluster>.router.<routerID>  Router: an Ingress for a router of an environment homed here
//
// Imports are written only to the clusters whose agent reported Kubernetes
// mode (Gateway.Kubernetes), never to the app's own cluster. The route of
// a workload or exported app (cl.<cluster>.route.<appID>) names the
// Service whose ready endpoints are its backends (Route.Endpoints),
// besides any fixed backends.
const (
	KindNamespace = "namespace"
	KindWorkload  = "workload"
	KindExport    = "export"
	KindImport    = "import"
	KindConfig    = "config"
	KindSecret    = "secret"
	KindManaged   = "managed"
	KindRouter    = "router"
)

// Labels weft puts on every Kubernetes object it creates. An agent prunes
// only objects that carry LabelManagedBy=ManagedBy, and never touches one
// that does not.
const (
	LabelManagedBy = "app.kubernetes.io/managed-by"
	ManagedBy      = "weft"
	LabelTeam      = "weft.dev/team"
	LabelEnv       = "weft.dev/env"    // the environment's name
	LabelEnvID     = "weft.dev/env-id" // the environment's id
	LabelApp       = "weft.dev/app"    // the app's name
	LabelAppID     = "weft.dev/app-id" // the app's (or managed service's) id
	// LabelRole says why weft made the object: RoleEnv (an environment's
	// namespace), RoleWorkload (an app's Deployment and Service),
	// RoleImport (an import's Service and endpoints, and a namespace made
	// only to hold imports).
	LabelRole    = "weft.dev/role"
	RoleEnv      = "env"
	RoleWorkload = "workload"
	RoleImport   = "import"
	RoleConfig   = "config" // a config's ConfigMap
	// LabelConfigID is the id of the config a ConfigMap was made for.
	LabelConfigID = "weft.dev/config-id"
	RoleSecret    = "secret" // a secret's Secret
	// RoleManaged: a run managed service's StatefulSet, Service, volume
	// claims and credentials Secret (LabelAppID is the service's id).
	RoleManaged = "managed"
	// RoleRouter: a router's Ingress; LabelRouterID is the router's id.
	RoleRouter    = "router"
	LabelRouterID = "weft.dev/router-id"
	// LabelSecretID is the id of the secret a Secret was made for.
	LabelSecretID = "weft.dev/secret-id"
	// AnnotationSources, on a workload's pod template, is
	// Workload.SourcesDigest: a change of a config the pods take values
	// from changes it, which rolls the Deployment.
	AnnotationSources = "weft.dev/sources-digest"
	// AnnotationGeneration, on a Deployment, is the Workload.Generation it
	// was applied from; the agent reports it back in AppStatus.
	AnnotationGeneration = "weft.dev/generation"
)

// FieldManager is the server-side apply field manager of the agent.
const FieldManager = "weft-agent"

// Namespace is an environment homed in the cluster: the agent creates the
// namespace Name with Labels, and deletes it when the entry goes (only if
// it carries weft's labels for this environment). A namespace of that name
// that exists without them is not adopted: the agent reports it refused
// (NamespaceStatus).
//
// Name is the environment's name, which is already a DNS label; an
// environment called "default" or "kube-…" (names Kubernetes keeps for
// itself) gets "weft-" before it (NamespaceName).
type Namespace struct {
	ID     string            `json:"id"`   // the environment's id
	Name   string            `json:"name"` // the Kubernetes namespace
	Env    string            `json:"env"`  // the environment's name
	Team   string            `json:"team"`
	Labels map[string]string `json:"labels"`
}

// Workload is an app with a container spec homed in the cluster: the agent
// applies a Deployment and a Service, both called Name, in Namespace, with
// Labels, by server-side apply under FieldManager. The Deployment's pod
// selector is {LabelAppID: ID}; its pods carry Labels too. The Service
// selects those pods and has Ports. Deleting the entry deletes both.
type Workload struct {
	ID        string `json:"id"` // the app's id
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Env       string `json:"env"`
	// Generation is the EVENTS sequence of the app's last change of spec:
	// the agent annotates the Deployment with it (AnnotationGeneration)
	// and reports it back, so a status says which spec it describes.
	Generation uint64            `json:"generation"`
	Labels     map[string]string `json:"labels"`
	Replicas   int32             `json:"replicas"`
	Container  Container         `json:"container"`
	// SourcesDigest sums the content of every config the container takes
	// values from (empty: none); the agent puts it on the pod template
	// (AnnotationSources), so a change of one rolls the pods.
	SourcesDigest string `json:"sourcesDigest,omitempty"`
	// Ports are the Service's: one per app port, to the container's port.
	Ports []ServicePort `json:"ports"`
}

// Container is the one container of a workload's pods, named after the app.
type Container struct {
	Image     string          `json:"image"`
	Command   []string        `json:"command,omitempty"`
	Args      []string        `json:"args,omitempty"`
	Env       []EnvVar        `json:"env,omitempty"`
	Ports     []ContainerPort `json:"ports"`
	Resources Resources       `json:"resources"`
	Readiness *Probe          `json:"readiness,omitempty"`
	Liveness  *Probe          `json:"liveness,omitempty"`
	// EnvFrom and Files take values from ConfigMaps of the workload's
	// namespace, as EnvVar.From does.
	EnvFrom []EnvFrom   `json:"envFrom,omitempty"`
	Files   []FileMount `json:"files,omitempty"`
}

// EnvVar is one environment variable of the container: Value, or the
// value of a key of a ConfigMap of the workload's namespace (From).
type EnvVar struct {
	Name  string  `json:"name"`
	Value string  `json:"value"`
	From  *KeyRef `json:"from,omitempty"`
}

// Kinds of object a container takes values from: a ConfigMap (ConfigMap
// entries) or a Secret (Secret entries).
const (
	SourceConfigMap = "configmap"
	SourceSecret    = "secret"
)

// KeyRef is a key of the object Kind called Name in the workload's
// namespace.
type KeyRef struct {
	Kind string `json:"kind"` // SourceConfigMap or SourceSecret
	Name string `json:"name"`
	Key  string `json:"key"`
}

// EnvFrom takes every key of an object as a variable, Prefix before it.
type EnvFrom struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Prefix string `json:"prefix,omitempty"`
}

// FileMount mounts an object's keys as files of the directory Path,
// read-only (a volume per mount).
type FileMount struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	Path string `json:"path"`
}

// ConfigMap is a config of an environment homed in the cluster: the agent
// applies a ConfigMap called Name in Namespace with Labels (RoleConfig,
// LabelConfigID) and Data, and deletes it when the entry goes.
type ConfigMap struct {
	ID        string            `json:"id"` // the config's id
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Env       string            `json:"env"`
	Labels    map[string]string `json:"labels"`
	Data      map[string]string `json:"data"`
}

// Secret is a secret of an environment homed in the cluster: the agent
// opens each of Sealed (sealed to its own key, SealTo) and applies a
// Kubernetes Secret (type Opaque) called Name in Namespace with Labels
// (RoleSecret, LabelSecretID) and those values; it deletes it when the
// entry goes. No value is in the entry in clear, and the agent logs
// none. Version is the EVENTS sequence of the secret's last change.
type Secret struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Env       string            `json:"env"`
	Labels    map[string]string `json:"labels"`
	Version   uint64            `json:"version"`
	Sealed    map[string]string `json:"sealed"`
}

// Managed is a managed service homed in the cluster that its agent runs:
// a StatefulSet called Name (one replica of Kind's official image at
// Version, a volume claim "data" of Storage), a Service called Name to
// its pod on Port, and a Secret CredentialsSecretName(Name) the agent
// generates once (USERNAME, PASSWORD, DATABASE, HOST, PORT, URL) and
// reports sealed to CredentialsKey until the office's entry names its uid
// in CredentialsSource. All labelled with Labels (RoleManaged, the
// service's id as LabelAppID).
//
// When the entry goes the agent deletes the StatefulSet and the Service
// and keeps the volume claim and the credentials Secret, which a service
// created again under Name takes back. Purge (the service was deleted
// with its data) deletes those too; the agent then reports DataDeleted
// and the office removes the entry.
type Managed struct {
	ID                string            `json:"id"`
	Name              string            `json:"name"`
	Namespace         string            `json:"namespace"`
	Env               string            `json:"env"`
	Kind              string            `json:"kind"` // postgres, mysql, redis, mongodb
	Version           string            `json:"version"`
	Storage           string            `json:"storage"`
	Port              int               `json:"port"`
	Labels            map[string]string `json:"labels"`
	CredentialsKey    string            `json:"credentialsKey"`
	CredentialsSource string            `json:"credentialsSource,omitempty"`
	Purge             bool              `json:"purge,omitempty"`
}

// Router is a router of an environment homed in the cluster: the agent
// applies an Ingress called Name in Namespace with Labels (RoleRouter,
// LabelRouterID) for Host, one Prefix path per rule to the Service of
// that name and port in the namespace (an app's or managed service's),
// with TLS for Host when TLS (the certificate as the agent is configured:
// a cert-manager issuer, or a Secret). It deletes it when the entry goes,
// and reports the addresses the ingress controller gives it.
type Router struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Env       string            `json:"env"`
	Host      string            `json:"host"`
	TLS       bool              `json:"tls"`
	Rules     []IngressRule     `json:"rules"`
	Labels    map[string]string `json:"labels"`
}

// IngressRule sends requests under Path to Service:Port.
type IngressRule struct {
	Path    string `json:"path"`
	Service string `json:"service"`
	Port    int    `json:"port"`
}

// CredentialsSecretName is the Secret holding the credentials of the
// managed service called name (what apps' EnvFrom of it names).
func CredentialsSecretName(name string) string { return name + "-credentials" }

// ContainerPort is a port the container listens on. Name is the Service
// port's name that targets it.
type ContainerPort struct {
	Name          string `json:"name"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"` // "tcp" or "udp" (Kubernetes: TCP, UDP)
}

// Resources are the container's requests and limits, as canonical
// Kubernetes quantities ("250m", "128Mi"); empty means none.
type Resources struct {
	Requests ResourceList `json:"requests"`
	Limits   ResourceList `json:"limits"`
}

// ResourceList is CPU and memory.
type ResourceList struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// Probe is a readiness or liveness probe: an HTTP GET of Path on Port, a
// TCP connect to Port, or Exec run in the container. Zero numbers take
// Kubernetes' defaults.
type Probe struct {
	Kind                string   `json:"kind"`           // "http", "tcp" or "exec"
	Path                string   `json:"path,omitempty"` // http
	Port                int      `json:"port,omitempty"` // a container port; http and tcp
	Exec                []string `json:"exec,omitempty"` // exec
	InitialDelaySeconds int32    `json:"initialDelaySeconds,omitempty"`
	PeriodSeconds       int32    `json:"periodSeconds,omitempty"`
	TimeoutSeconds      int32    `json:"timeoutSeconds,omitempty"`
	FailureThreshold    int32    `json:"failureThreshold,omitempty"`
	SuccessThreshold    int32    `json:"successThreshold,omitempty"`
}

// ServicePort is one port of a Service weft applies: Port on the Service
// (the app's port), TargetPort on the pods (0 for an import: no pods).
type ServicePort struct {
	Name       string `json:"name"`
	Port       int    `json:"port"`
	Protocol   string `json:"protocol"`              // "tcp" or "udp"
	AppProto   string `json:"appProtocol,omitempty"` // "http" for an HTTP port
	TargetPort int    `json:"targetPort,omitempty"`
}

// PortName is the Kubernetes name weft gives an app port: "tcp-80",
// "udp-53", "http-8080" (at most 10 characters, a valid IANA_SVC_NAME).
func PortName(protocol string, port int) string { return fmt.Sprintf("%s-%d", protocol, port) }

// Export is an app homed in the cluster whose backends are an existing
// Service's ready endpoints: the agent only reads Namespace/Service (and
// its EndpointSlices), never changes it. The app's ports are the Service's
// ports of the same number and protocol.
type Export struct {
	ID        string `json:"id"` // the app's id
	Name      string `json:"name"`
	Env       string `json:"env"`
	Namespace string `json:"namespace"` // the followed Service's
	Service   string `json:"service"`
	Ports     []Port `json:"ports"`
}

// Import is an app or managed service of another cluster of the team: the
// agent applies, in Namespace (created with NamespaceLabels when missing),
// a Service called Name without a selector, with Labels and Ports, and
// endpoints for it that lead to ServiceIP over the mesh (the service IP
// itself, or an address of the agent's that forwards there), so pods here
// reach it by its usual in-cluster name <name>.<namespace>.svc.
type Import struct {
	ID              string            `json:"id"`   // the app's or managed service's id
	Kind            string            `json:"kind"` // "app" or "service"
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	Env             string            `json:"env"`
	Cluster         string            `json:"cluster"` // the id of the cluster it is homed in
	ServiceIP       string            `json:"serviceIp"`
	Labels          map[string]string `json:"labels"`
	NamespaceLabels map[string]string `json:"namespaceLabels"`
	Ports           []ServicePort     `json:"ports"`
}

// EndpointSource is the Service whose ready endpoints are (besides any
// fixed backends) a route's backends: for each route port, the endpoints'
// port of the Service port with the same number and protocol (HTTP is
// TCP).
type EndpointSource struct {
	Namespace string `json:"namespace"`
	Service   string `json:"service"`
}

// NamespaceName is the Kubernetes namespace of an environment called env
// (a DNS label, as every weft name is).
func NamespaceName(env string) string {
	if env == "default" || len(env) >= 5 && env[:5] == "kube-" {
		n := "weft-" + env
		if len(n) > 63 {
			n = n[:63]
		}
		for n[len(n)-1] == '-' {
			n = n[:len(n)-1]
		}
		return n
	}
	return env
}

// Kubernetes is what an agent in Kubernetes mode says of its cluster, in
// its Gateway report.
type Kubernetes struct {
	Version string `json:"version"` // the API server's, e.g. v1.37.2
}

// Status subjects of an agent in Kubernetes mode.
const (
	StatusApp       = "app"       // AppStatus, per app, when it changes
	StatusNamespace = "namespace" // NamespaceStatus, per environment, when it changes
	StatusService   = "service"   // ServiceStatus, per managed service, when it changes
	StatusRouter    = "router"    // RouterStatus, per router, when it changes
)

// RouterStatus is an agent's report of a router's Ingress: the addresses
// (IPs or host names) in its status.loadBalancer, or why it could not be
// applied.
type RouterStatus struct {
	ID        string    `json:"id"`
	Addresses []string  `json:"addresses,omitempty"`
	LastError string    `json:"lastError,omitempty"`
	Time      time.Time `json:"time"`
}

// ReportRouter publishes a router's status on status.<cluster>.router.
func ReportRouter(p Publisher, cluster string, s RouterStatus) error {
	return report(p, cluster, StatusRouter, s)
}

// ServiceStatus is an agent's report of one managed service it runs (a
// Managed entry): how it is doing, credentials it generated (sealed to
// the entry's CredentialsKey, never in clear), or that a purged
// service's data is gone.
type ServiceStatus struct {
	ID          string             `json:"id"`
	Ready       bool               `json:"ready"`
	Replicas    int32              `json:"replicas"` // ready pods
	Image       string             `json:"image,omitempty"`
	LastError   string             `json:"lastError,omitempty"`
	Credentials *SealedCredentials `json:"credentials,omitempty"`
	DataDeleted bool               `json:"dataDeleted,omitempty"`
	Time        time.Time          `json:"time"`
}

// SealedCredentials are a managed service's credentials as an agent
// reports them: Source is the uid of the Secret holding them, Sealed the
// JSON object of its keys and values in an anonymous box to the service's
// CredentialsKey (base64).
type SealedCredentials struct {
	Source string `json:"source"`
	Sealed string `json:"sealed"`
}

// ReportService publishes a managed service's status on status.<cluster>.service.
func ReportService(p Publisher, cluster string, s ServiceStatus) error {
	return report(p, cluster, StatusService, s)
}

// AppStatus is an agent's report of one app's rollout, for a Workload (or
// Export) entry of its stream. The agent sends it when something in it
// changes (it may send it again unchanged; the office records changes
// only, at most about once a second per app). An agent may report only the
// apps homed in its own cluster; anything else is dropped.
type AppStatus struct {
	ID string `json:"id"` // the app's id
	// Generation is the Workload.Generation the Deployment was last
	// applied from (0: nothing applied yet).
	Generation uint64 `json:"generation"`
	// DeploymentGeneration and ObservedGeneration are the Deployment's
	// metadata.generation and status.observedGeneration.
	DeploymentGeneration int64  `json:"deploymentGeneration"`
	ObservedGeneration   int64  `json:"observedGeneration"`
	Desired              int32  `json:"desired"` // spec.replicas
	Updated              int32  `json:"updated"`
	Ready                int32  `json:"ready"`
	Available            int32  `json:"available"`
	Image                string `json:"image"` // the Deployment's container image
	// Conditions are the Deployment's (Available, Progressing,
	// ReplicaFailure), without timestamps.
	Conditions []Condition `json:"conditions,omitempty"`
	// LastError is what stopped the agent from applying the spec (e.g. the
	// API server refused it), empty when it applied.
	LastError string `json:"lastError,omitempty"`
	// CrashLooping are the app's pods whose container is waiting in
	// CrashLoopBackOff (or keeps restarting), by name.
	CrashLooping []PodProblem `json:"crashLooping,omitempty"`
	Time         time.Time    `json:"time"`
}

// Condition is one Deployment condition.
type Condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"` // "True", "False", "Unknown"
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// PodProblem is a pod that does not come up.
type PodProblem struct {
	Pod      string `json:"pod"`
	Reason   string `json:"reason"` // e.g. CrashLoopBackOff
	Restarts int32  `json:"restarts"`
	Message  string `json:"message,omitempty"`
}

// NamespaceStatus is an agent's report of an environment's namespace.
type NamespaceStatus struct {
	ID        string `json:"id"` // the environment's id
	Namespace string `json:"namespace"`
	// Ready is true once the namespace exists with weft's labels.
	Ready bool `json:"ready"`
	// Error says why not, e.g. the namespace exists and is not weft's.
	Error string    `json:"error,omitempty"`
	Time  time.Time `json:"time"`
}

// Publisher is what an agent reports with (a *nats.Conn).
type Publisher interface {
	Publish(subject string, data []byte) error
}

// ReportApp publishes an app's status on status.<cluster>.app.
func ReportApp(p Publisher, cluster string, s AppStatus) error {
	return report(p, cluster, StatusApp, s)
}

// ReportNamespace publishes a namespace's status on status.<cluster>.namespace.
func ReportNamespace(p Publisher, cluster string, s NamespaceStatus) error {
	return report(p, cluster, StatusNamespace, s)
}

func report(p Publisher, cluster, kind string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("report %s status: %w", kind, err)
	}
	if err := p.Publish(StatusSubject(cluster, kind), b); err != nil {
		return fmt.Errorf("report %s status: %w", kind, err)
	}
	return nil
}
