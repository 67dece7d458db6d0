package domain

import "weft.dev/events/event"

// Aggregate types of the infra service (subject tokens).
const (
	NetworkAggregate = "network" // one per team, id NetworkID: owns address allocation
	ClusterAggregate = "cluster"
	DeviceAggregate  = "device"
	NetworkID        = "net"
)

// DeviceKind tells a developer machine from a remote workspace.
type DeviceKind string

// Device kinds.
const (
	KindDevice    DeviceKind = "device"
	KindWorkspace DeviceKind = "workspace"
)

// AddressAllocated: the network handed out an address (a gateway's or a
// device's /32) to an owner. Never allocated twice while in use.
type AddressAllocated struct {
	IP        string `json:"ip"`
	OwnerKind string `json:"ownerKind"` // "cluster" or "device"
	OwnerID   string `json:"ownerId"`
}

// AddressReleased: the address is free again (after its owner's delete).
type AddressReleased struct {
	IP      string `json:"ip"`
	OwnerID string `json:"ownerId"`
}

// RangeAllocated: the network handed a service range to a cluster.
type RangeAllocated struct {
	CIDR      string `json:"cidr"`
	ClusterID string `json:"clusterId"`
}

// RangeReleased: the service range is free again.
type RangeReleased struct {
	CIDR      string `json:"cidr"`
	ClusterID string `json:"clusterId"`
}

// ClusterCreated: a cluster joined the team's network.
type ClusterCreated struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	GatewayIP    string `json:"gatewayIp"`
	ServiceRange string `json:"serviceRange"` // CIDR apps' service IPs come from
	// EnrolmentSecretHash is the SHA-256 (hex) of the one-time agent
	// enrolment secret; the secret itself is shown once and never stored.
	EnrolmentSecretHash string `json:"enrolmentSecretHash"`
}

// ClusterEnrolled: the agent used the enrolment secret; it is spent.
type ClusterEnrolled struct {
	ID string `json:"id"`
}

// ClusterGatewayReported: the agent reported its gateway's WireGuard public
// key and endpoint. Private keys never leave the agent's host.
type ClusterGatewayReported struct {
	ID                string `json:"id"`
	PublicKey         string `json:"publicKey"`
	Endpoint          string `json:"endpoint"`                    // host:port where peers reach the gateway
	RotatedFrom       string `json:"rotatedFrom,omitempty"`       // the key the gateway moved from (weft-agent rotate-gateway-key)
	RotationSignature string `json:"rotationSignature,omitempty"` // the move signed by RotatedFrom's private key (XEdDSA, base64, over gatewaykey.Message), for an auditor to check
}

// ClusterSealingKeyReported: the cluster's agent reported the public
// half of its sealing key pair (made on its host, whose private half never
// leaves it): secrets reach the agent sealed to it.
type ClusterSealingKeyReported struct {
	ID         string `json:"id"`
	SealingKey string `json:"sealingKey"`
}

// ClusterDeleted: the cluster left the network.
type ClusterDeleted struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DeviceCreated: a device or workspace joined with its public key.
type DeviceCreated struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Kind      DeviceKind `json:"kind"`
	Owner     string     `json:"owner"` // user id
	PublicKey string     `json:"publicKey"`
	IP        string     `json:"ip"`
}

// DeviceKeyRotated: the device registered a new public key.
type DeviceKeyRotated struct {
	ID        string `json:"id"`
	PublicKey string `json:"publicKey"`
}

// DeviceDeleted: the device left the network.
type DeviceDeleted struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	IP   string `json:"ip"`
}

// Register registers the infra event types.
func Register(r *event.Registry) {
	event.Register[AddressAllocated](r, "infra.network.address-allocated", 1)
	event.Register[AddressReleased](r, "infra.network.address-released", 1)
	event.Register[RangeAllocated](r, "infra.network.range-allocated", 1)
	event.Register[RangeReleased](r, "infra.network.range-released", 1)
	event.Register[ClusterCreated](r, "infra.cluster.created", 1)
	event.Register[ClusterEnrolled](r, "infra.cluster.enrolled", 1)
	event.Register[ClusterGatewayReported](r, "infra.cluster.gateway-reported", 1)
	event.Register[ClusterDeleted](r, "infra.cluster.deleted", 1)
	event.Register[DeviceCreated](r, "infra.device.created", 1)
	event.Register[DeviceKeyRotated](r, "infra.device.key-rotated", 1)
	event.Register[DeviceDeleted](r, "infra.device.deleted", 1)
	event.Register[ClusterEnrolmentSecretRotated](r, "infra.cluster.enrolment-secret-rotated", 1)
	event.Register[ClusterAgentReported](r, "infra.cluster.agent-reported", 1)
	event.Register[ClusterAgentApplied](r, "infra.cluster.agent-applied", 1)
	event.Register[ClusterKubernetesReported](r, "infra.cluster.kubernetes-reported", 1)
	event.Register[ClusterSealingKeyReported](r, "infra.cluster.sealing-key-reported", 1)
}

// ClusterKubernetesReported: the cluster's agent started in Kubernetes
// mode against an API server of Version, or (Version empty) without it.
// The message office writes the team's imports to the clusters in it.
type ClusterKubernetesReported struct {
	ID      string `json:"id"`
	Version string `json:"version,omitempty"`
}

// ClusterAgentReported: the message office saw the cluster's agent come
// or go (with how far it had converged). Recorded on change, never per
// heartbeat. Logs written before ClusterAgentApplied existed also hold it
// for progress alone.
// AppliedSeq is the EVENTS sequence the cluster has converged through: every
// change up to it that concerns the cluster is applied there.
type ClusterAgentReported struct {
	ID         string `json:"id"`
	Online     bool   `json:"online"`
	AppliedSeq uint64 `json:"appliedSeq"`
}

// ClusterAgentApplied: the cluster's agent, online as it was, converged
// further: every change up to AppliedSeq that concerns the cluster is
// applied there. A status report (at most about once a second per
// cluster): the audit trail leaves it out unless asked (AgentReported is
// the agent's state changing, and stays in).
type ClusterAgentApplied struct {
	ID         string `json:"id"`
	AppliedSeq uint64 `json:"appliedSeq"`
}

// ClusterEnrolmentSecretRotated: an admin replaced the cluster's agent
// enrolment secret (e.g. to reinstall the agent). The new secret is unspent;
// the old one no longer enrols. Only the SHA-256 (hex) is stored.
type ClusterEnrolmentSecretRotated struct {
	ID                  string `json:"id"`
	EnrolmentSecretHash string `json:"enrolmentSecretHash"`
}
