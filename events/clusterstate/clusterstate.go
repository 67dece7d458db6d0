// Package clusterstate is the contract between the message office and the
// agents: the per-cluster stream CL_<cluster> that holds a cluster's desired
// state, and the status subjects an agent reports on.
//
// The stream keeps the last value per subject (MaxMsgsPerSubject 1):
//
//	cl.<cluster>.self          Self: the cluster's own interface settings
//	cl.<cluster>.peer.<id>     Peer: a WireGuard peer (another gateway, a device)
//	cl.<cluster>.route.<id>    Route: an app or managed service homed here
//	cl.<cluster>.dns.<id>      Record: DNS names of one resource of the team
//
// A delete is a tombstone: the subject's last message has an empty body
// and the header Weft-Deleted: true. Every message carries, in
// Weft-Events-Seq, the EVENTS sequence that caused it, so an agent reports
// how far it has converged. An agent reads the stream with
// DeliverLastPerSubject to get the whole desired state, then follows it.
//
// Agents report on status.<cluster>.<kind> (see Status, Gateway).
package clusterstate

import (
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Headers on per-cluster messages.
const (
	HeaderEventsSeq = "Weft-Events-Seq" // EVENTS sequence that caused the message
	HeaderDeleted   = "Weft-Deleted"    // "true" on a tombstone
)

// Kinds of desired-state entries (the third subject token).
const (
	KindSelf  = "self"
	KindPeer  = "peer"
	KindRoute = "route"
	KindDNS   = "dns"
)

// StreamName is the cluster's stream. Cluster ids are UUIDs or DNS labels,
// so they are valid stream-name and subject tokens.
func StreamName(cluster string) string { return "CL_" + cluster }

// Subject is the subject of one entry; id is empty for KindSelf.
func Subject(cluster, kind, id string) string {
	if kind == KindSelf {
		return "cl." + cluster + ".self"
	}
	return "cl." + cluster + "." + kind + "." + id
}

// ParseSubject splits a per-cluster subject into kind and id.
func ParseSubject(subject string) (cluster, kind, id string, err error) {
	p := strings.Split(subject, ".")
	switch {
	case len(p) == 3 && p[0] == "cl" && p[2] == KindSelf:
		return p[1], KindSelf, "", nil
	case len(p) == 4 && p[0] == "cl" && (p[2] == KindPeer || p[2] == KindRoute || p[2] == KindDNS):
		return p[1], p[2], p[3], nil
	}
	return "", "", "", fmt.Errorf("clusterstate: %q is not a per-cluster subject", subject)
}

// StreamConfig is the configuration of the cluster's stream.
func StreamConfig(cluster string, replicas int) jetstream.StreamConfig {
	if replicas < 1 {
		replicas = 1
	}
	return jetstream.StreamConfig{
		Name:              StreamName(cluster),
		Description:       "desired state of cluster " + cluster,
		Subjects:          []string{"cl." + cluster + ".>"},
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		Retention:         jetstream.LimitsPolicy,
		MaxMsgsPerSubject: 1,
		Discard:           jetstream.DiscardOld,
		AllowDirect:       true,
		Duplicates:        2 * time.Minute,
	}
}

// Self is the cluster's own gateway settings.
type Self struct {
	ClusterID    string   `json:"clusterId"`
	ClusterName  string   `json:"clusterName"`
	Team         string   `json:"team"`
	Address      string   `json:"address"`      // the gateway's mesh address, e.g. 100.64.0.1/32
	ServiceRange string   `json:"serviceRange"` // this cluster's service IPs
	MeshRoutes   []string `json:"meshRoutes"`   // prefixes routed into the interface (the team's mesh)
	Zone         string   `json:"zone"`         // DNS zone, e.g. weft.internal
}

// Peer is one WireGuard peer of the cluster's gateway.
type Peer struct {
	ID         string   `json:"id"`   // the peer's resource id
	Kind       string   `json:"kind"` // "gateway" or "device"
	Name       string   `json:"name"`
	PublicKey  string   `json:"publicKey"`
	AllowedIPs []string `json:"allowedIps"`
	Endpoint   string   `json:"endpoint,omitempty"` // host:port; devices dial in and have none
	Keepalive  int      `json:"keepaliveSeconds,omitempty"`
}

// Route is an app or managed service homed in the cluster: the agent's
// proxy listens on ServiceIP:Port for each port.
type Route struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"` // "app" or "service"
	Name      string       `json:"name"`
	Env       string       `json:"env"`
	ServiceIP string       `json:"serviceIp"`
	Ports     []Port       `json:"ports"`
	Backends  []string     `json:"backends"` // host:port
	Balance   string       `json:"balance"`  // "round_robin", "random" or "failover"
	Health    *Health      `json:"health,omitempty"`
	Intercept []Intercept  `json:"intercepts,omitempty"`
	Access    []AccessRule `json:"access,omitempty"` // by priority, highest first; no match: allow
}

// Port is one listening port of a route.
type Port struct {
	Name     string `json:"name,omitempty"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"` // "tcp" or "udp"
	// TargetPort is the backends' port for this port; 0 means the port the
	// backend address names.
	TargetPort int `json:"targetPort,omitempty"`
}

// Health is an active health check of the backends.
type Health struct {
	Kind      string `json:"kind"`           // "tcp" or "http"
	Path      string `json:"path,omitempty"` // http
	Interval  string `json:"interval"`       // Go duration
	Timeout   string `json:"timeout"`
	Unhealthy int    `json:"unhealthyThreshold"`
	Healthy   int    `json:"healthyThreshold"`
}

// Intercept sends new connections to Port to a device instead.
type Intercept struct {
	ID       string `json:"id"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Target   string `json:"target"` // device mesh ip:port
	DeviceID string `json:"deviceId"`
}

// AccessRule allows or denies connections from source prefixes. The message
// office resolves policy sources (devices, users, clusters, environments,
// all) to the mesh prefixes they use.
type AccessRule struct {
	PolicyID string   `json:"policyId"`
	Priority int      `json:"priority"`
	Allow    bool     `json:"allow"`
	From     []string `json:"from"` // CIDRs
}

// Record is the DNS names of one resource; every agent serves the team's
// whole zone.
type Record struct {
	ID   string   `json:"id"`
	Name string   `json:"name"` // fully qualified, without the trailing dot
	IPs  []string `json:"ips"`  // A records
	TTL  int      `json:"ttl"`
	// Ports are the name's SRV records: _<port>._<protocol>.<name> for
	// each, and _<port name>._<protocol>.<name> for a named one.
	Ports []Port `json:"ports,omitempty"`
}

// Status subjects: an agent publishes on status.<cluster>.<kind>.
const (
	StatusHeartbeat = "heartbeat" // Status, every few seconds
	StatusGateway   = "gateway"   // Gateway, at start and when it changes
)

// StatusSubject is where a cluster's agent reports kind.
func StatusSubject(cluster, kind string) string { return "status." + cluster + "." + kind }

// Status is an agent's heartbeat: how far it has applied its stream.
type Status struct {
	Applied    uint64    `json:"applied"` // highest Weft-Events-Seq applied
	Peers      int       `json:"peers"`
	Routes     int       `json:"routes"`
	Records    int       `json:"records"`
	Version    string    `json:"version"`
	Time       time.Time `json:"time"`
	LastError  string    `json:"lastError,omitempty"`
	Connected  bool      `json:"connected"`
	StartedAt  time.Time `json:"startedAt"`
	ListenPort int       `json:"listenPort,omitempty"`
}

// Gateway is the agent's WireGuard identity: never a private key.
type Gateway struct {
	PublicKey string `json:"publicKey"`
	Endpoint  string `json:"endpoint"`
}

// InboxPrefix is the reply-subject prefix an agent of cluster must use
// (nats.CustomInboxPrefix): its credentials may subscribe only there.
func InboxPrefix(cluster string) string { return "_INBOX_" + cluster }

// AgentPermissions are the subjects an agent of cluster may publish to and
// subscribe on, and nothing more: its own stream's consumer, info and
// direct-get API, its status subjects, and its own inbox. It cannot read
// another cluster's stream or EVENTS, nor publish events.
func AgentPermissions(cluster string) (publish, subscribe []string) {
	s := StreamName(cluster)
	publish = []string{
		"$JS.API.INFO",
		"$JS.API.STREAM.INFO." + s,
		"$JS.API.CONSUMER.CREATE." + s,
		"$JS.API.CONSUMER.CREATE." + s + ".>",
		"$JS.API.CONSUMER.INFO." + s + ".>",
		"$JS.API.CONSUMER.DELETE." + s + ".>",
		"$JS.API.CONSUMER.MSG.NEXT." + s + ".>",
		"$JS.API.DIRECT.GET." + s,
		"$JS.API.DIRECT.GET." + s + ".>",
		"$JS.ACK." + s + ".>",
		"$JS.FC." + s + ".>",
		"status." + cluster + ".>",
	}
	subscribe = []string{InboxPrefix(cluster) + ".>"}
	return publish, subscribe
}
