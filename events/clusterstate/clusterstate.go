// Package clusterstate is the contract between the message office and the
// agents: the streams that hold a cluster's desired state, and the status
// subjects an agent reports on.
//
// A cluster's desired state lives in two streams, both keeping the last
// value per subject (MaxMsgsPerSubject 1):
//
//	CL_<cluster>, what only this cluster gets:
//	cl.<cluster>.self          Self: the cluster's own interface settings
//	cl.<cluster>.route.<id>    Route: an app or managed service homed here
//	cl.<cluster>.namespace.<id>, .workload.<id>, .export.<id>, .import.<id>,
//	.config.<id>, .secret.<id>, .managed.<id>, .router.<id>: Kubernetes
//	                           objects (kube.go: Namespace, Workload, Export,
//	                           Import, ConfigMap, Secret, Managed, Router)
//
//	TM_<team>, what every cluster of the team gets:
//	tm.<team>.peer.<id>        Peer: a WireGuard peer (a gateway, a device)
//	tm.<team>.dns.<id>         Record: DNS names of one resource of the team
//
// Team-wide entries are written once per team, not once per cluster: at
// 500 clusters and 10,000 devices a copy per cluster was 5.25 million
// subjects to write, index and read. A gateway's peer entry has the
// gateway's cluster id as its id; that cluster's agent skips it (a gateway
// is not its own peer).
//
// A delete is a tombstone: the subject's last message has an empty body
// and the header Weft-Deleted: true. Every message carries, in
// Weft-Events-Seq, the EVENTS sequence that caused it, so an agent reports
// how far it has converged. An agent reads both streams with
// DeliverLastPerSubject to get the whole desired state, then follows them.
//
// A large team's stream is also kept as a snapshot, TS_<team>: the team
// stream's entries as of one of its sequences, in chunks (ts.<team>.<i>).
// An agent's cold start reads the snapshot and then the team stream after
// that sequence: a few large messages instead of one per entry (500 agents
// reading 21,000 entries each one message at a time took raw JetStream
// alone 36 s here).
//
// Agents report on status.<cluster>.<kind>: heartbeat (Status), gateway
// (Gateway), and in Kubernetes mode app (AppStatus), namespace
// (NamespaceStatus), service (ServiceStatus) and router (RouterStatus).
package clusterstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"weft.dev/events/gatewaykey"

	"weft.dev/kernel/token"
)

// Headers on desired-state messages.
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

// TeamWide reports whether entries of kind live in the team's stream.
func TeamWide(kind string) bool { return kind == KindPeer || kind == KindDNS }

// ClusterKind reports whether entries of kind live in a cluster's stream
// under an id (every kind but self).
func ClusterKind(kind string) bool {
	switch kind {
	case KindRoute, KindNamespace, KindWorkload, KindExport, KindImport, KindConfig, KindSecret, KindManaged, KindRouter:
		return true
	}
	return false
}

// StreamName is the cluster's stream. Cluster ids are UUIDs or DNS labels,
// so they are valid stream-name and subject tokens.
func StreamName(cluster string) string { return "CL_" + cluster }

// TeamStreamName is the team's stream. Team slugs are DNS labels.
func TeamStreamName(team string) string { return "TM_" + team }

// Subject is the subject of one entry of cluster's team: the cluster's
// stream for self and routes, the team's stream for peers and names. id is
// empty for KindSelf.
func Subject(team, cluster, kind, id string) string {
	switch {
	case kind == KindSelf:
		return "cl." + cluster + ".self"
	case TeamWide(kind):
		return "tm." + team + "." + kind + "." + id
	}
	return "cl." + cluster + "." + kind + "." + id
}

// CheckToken refuses a cluster id or team slug that cannot be a stream
// name and subject token: what token.Validate refuses, and path
// separators (stream names become directories).
func CheckToken(what, s string) error {
	if err := token.Validate(what, s); err != nil {
		return err
	}
	if strings.ContainsAny(s, "/\\") {
		return fmt.Errorf("%s %q contains a path separator, which may not appear in a stream name", what, s)
	}
	return nil
}

// Key names an entry in a cluster's desired state, whichever stream holds
// it: "self", or "<kind>.<id>".
func Key(kind, id string) string {
	if kind == KindSelf {
		return KindSelf
	}
	return kind + "." + id
}

// ParseKey splits a Key.
func ParseKey(key string) (kind, id string) {
	if key == KindSelf {
		return KindSelf, ""
	}
	kind, id, _ = strings.Cut(key, ".")
	return kind, id
}

// ParseSubject splits a desired-state subject of either stream into its
// kind and id; scope is the cluster (cl.) or the team (tm.) it belongs to.
func ParseSubject(subject string) (scope, kind, id string, err error) {
	// Cut, not Split: agents parse every subject of their team at start.
	root, rest, ok1 := strings.Cut(subject, ".")
	scope, rest, ok2 := strings.Cut(rest, ".")
	kind, id, ok3 := strings.Cut(rest, ".")
	switch {
	case !ok1 || !ok2 || scope == "":
	case root == "cl" && !ok3 && kind == KindSelf:
		return scope, KindSelf, "", nil
	case root == "cl" && ok3 && ClusterKind(kind) && validID(id):
		return scope, kind, id, nil
	case root == "tm" && ok3 && TeamWide(kind) && validID(id):
		return scope, kind, id, nil
	}
	return "", "", "", fmt.Errorf("clusterstate: %q is not a desired-state subject", subject)
}

// validID is a subject's last token: not empty, no further dots.
func validID(id string) bool { return id != "" && !strings.Contains(id, ".") }

// SnapshotStreamName is the stream of the team's snapshot.
func SnapshotStreamName(team string) string { return "TS_" + team }

// SnapshotSubject is chunk i of the team's snapshot.
func SnapshotSubject(team string, i int) string { return "ts." + team + "." + strconv.Itoa(i) }

// Headers on snapshot chunks.
const (
	HeaderSnapshotSeq     = "Weft-Snapshot-Seq"     // the TM_ stream sequence the snapshot holds everything up to
	HeaderSnapshotChunks  = "Weft-Snapshot-Chunks"  // how many chunks it has
	HeaderSnapshotEntries = "Weft-Snapshot-Entries" // how many entries, on chunk 0: a reader sizes its table
)

// SnapshotEntry is one subject of the team stream in a snapshot.
type SnapshotEntry struct {
	Subject   string
	EventsSeq uint64
	Value     []byte
}

// EncodeSnapshot packs entries into chunks of at most about maxChunk bytes
// (one entry may exceed it alone). Each entry is its subject, its events
// sequence and its value, length-prefixed.
func EncodeSnapshot(entries []SnapshotEntry, maxChunk int) [][]byte {
	var chunks [][]byte
	var cur []byte
	for _, e := range entries {
		n := 3*binary.MaxVarintLen64 + len(e.Subject) + len(e.Value)
		if len(cur) > 0 && len(cur)+n > maxChunk {
			chunks = append(chunks, cur)
			cur = nil
		}
		cur = binary.AppendUvarint(cur, uint64(len(e.Subject)))
		cur = append(cur, e.Subject...)
		cur = binary.AppendUvarint(cur, e.EventsSeq)
		cur = binary.AppendUvarint(cur, uint64(len(e.Value)))
		cur = append(cur, e.Value...)
	}
	if len(cur) > 0 || len(chunks) == 0 {
		chunks = append(chunks, cur)
	}
	return chunks
}

// errCorrupt is a chunk that does not decode.
var errCorrupt = errors.New("clusterstate: corrupt snapshot chunk")

// DecodeSnapshot calls fn with every entry of a chunk. The value aliases
// the chunk.
func DecodeSnapshot(chunk []byte, fn func(SnapshotEntry) error) error {
	next := func() ([]byte, error) {
		n, k := binary.Uvarint(chunk)
		if k <= 0 || uint64(len(chunk)-k) < n {
			return nil, errCorrupt
		}
		b := chunk[k : k+int(n)]
		chunk = chunk[k+int(n):]
		return b, nil
	}
	for len(chunk) > 0 {
		subj, err := next()
		if err != nil {
			return err
		}
		seq, k := binary.Uvarint(chunk)
		if k <= 0 {
			return errCorrupt
		}
		chunk = chunk[k:]
		val, err := next()
		if err != nil {
			return err
		}
		if err := fn(SnapshotEntry{Subject: string(subj), EventsSeq: seq, Value: val}); err != nil {
			return err
		}
	}
	return nil
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
	// Endpoints, for an app with a workload or an exported Service, is the
	// Service whose ready endpoints are backends too (Kubernetes mode).
	Endpoints *EndpointSource `json:"endpoints,omitempty"`
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
	// Owner is who holds the record's addresses where one table serves
	// several teams (weft-server's public DNS: the team); empty in a
	// team's own streams. A reverse lookup answers only an address that
	// one owner holds.
	Owner string `json:"owner,omitempty"`
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
	Applied uint64 `json:"applied"` // highest Weft-Events-Seq applied, from either stream
	// ClusterApplied and TeamApplied are the highest Weft-Events-Seq
	// applied from each stream: an event can write both, and the office
	// knows what it last wrote to each.
	ClusterApplied uint64    `json:"clusterApplied"`
	TeamApplied    uint64    `json:"teamApplied"`
	Peers          int       `json:"peers"`
	Routes         int       `json:"routes"`
	Records        int       `json:"records"`
	Version        string    `json:"version"`
	Time           time.Time `json:"time"`
	LastError      string    `json:"lastError,omitempty"`
	Connected      bool      `json:"connected"`
	StartedAt      time.Time `json:"startedAt"`
	ListenPort     int       `json:"listenPort,omitempty"`
}

// Gateway is the agent's WireGuard identity: never a private key.
type Gateway struct {
	PublicKey string `json:"publicKey"`
	Endpoint  string `json:"endpoint"`
	// Kubernetes is set by an agent in Kubernetes mode; the office then
	// writes the team's imports to its cluster. An agent reports its
	// gateway at every start, so a change of mode is seen.
	Kubernetes *Kubernetes `json:"kubernetes,omitempty"`
	// SealingKey is the public half of the agent's sealing key pair
	// (seal.go), base64: secrets reach the agent sealed to it.
	SealingKey string `json:"sealingKey,omitempty"`
	// Rotation proves a move from the key the gateway enrolled with to
	// PublicKey (weft-agent rotate-gateway-key); nil when it did not move.
	Rotation *gatewaykey.Rotation `json:"rotation,omitempty"`
}

// InboxPrefix is the reply-subject prefix an agent of cluster must use
// (nats.CustomInboxPrefix): its credentials may subscribe only there.
func InboxPrefix(cluster string) string { return "_INBOX_" + cluster }

// AgentAPIPrefix is where an agent of cluster sends its JetStream API
// requests (jetstream.NewWithAPIPrefix): weft's guard (events/jsguard)
// answers there and forwards what the agent may do to $JS.API. An agent
// never publishes to $JS.API itself, because inside one NATS account the
// server does not check a request's reply subject: a direct get or a push
// consumer answering to ev.<team>.… would append to EVENTS, or to another
// cluster's stream, as the server.
func AgentAPIPrefix(cluster string) string { return agentAPIRoot + "." + cluster }

const agentAPIRoot = "weft.jsapi"

// AgentAPISubjects is what the guard subscribes to: every agent's prefix.
const AgentAPISubjects = agentAPIRoot + ".*.>"

// ParseAgentAPI splits a subject under AgentAPISubjects into the cluster
// and the JetStream API request that follows $JS.API (e.g.
// "DIRECT.GET.CL_a").
func ParseAgentAPI(subject string) (cluster, api string, ok bool) {
	rest, ok := strings.CutPrefix(subject, agentAPIRoot+".")
	if !ok {
		return "", "", false
	}
	cluster, api, ok = strings.Cut(rest, ".")
	if !ok || cluster == "" || api == "" {
		return "", "", false
	}
	return cluster, api, true
}

// EdgeDenyExports is what an edge cluster's NATS leaf node must not pass
// to the hub: an edge agent reads mirrors through the leaf's own
// JetStream API, which answers to any reply subject, so nothing published
// on the edge may reach the hub's streams (EVENTS, cluster, team and
// snapshot streams) or JetStream API. Mirrors use $JS.<domain>.API and
// status reports status.<c>.>, which stay open.
var EdgeDenyExports = []string{"ev.>", "cl.>", "tm.>", "ts.>", "$JS.API.>", agentAPIRoot + ".>", "$KV.>", "$O.>"}

// AgentPermissions are the subjects an agent of cluster may publish to and
// subscribe on, and nothing more: its JetStream API requests through weft's
// guard (which allows only its own cluster's and its team's streams), its
// status subjects, and its own inbox. It cannot read another cluster's or
// team's stream or EVENTS, nor publish events, nor name a reply subject
// anything answers to outside its inbox.
func AgentPermissions(cluster string) (publish, subscribe []string) {
	publish = []string{AgentAPIPrefix(cluster) + ".>", "status." + cluster + ".>"}
	subscribe = []string{InboxPrefix(cluster) + ".>"}
	return publish, subscribe
}
