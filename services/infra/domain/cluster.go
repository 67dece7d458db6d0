package domain

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"

	"weft.dev/events/event"
	"weft.dev/events/gatewaykey"
	"weft.dev/kernel/fault"
)

// ClusterNameKind is the kind of a cluster's name claim (weft.dev/services/uniq):
// claimed when the cluster is created and released, in the same batch, when
// it is deleted, so other services can guard on it (console.place).
const ClusterNameKind = "cluster"

// Cluster is a cluster aggregate's state, including what only commands may
// see (the enrolment secret's hash).
type Cluster struct {
	ID, Name     string
	GatewayIP    string
	ServiceRange string
	SecretHash   string // SHA-256 hex of the current enrolment secret
	SecretSpent  bool   // the current secret enrolled an agent
	Enrolled     bool   // an agent enrolled at least once
	PublicKey    string // the gateway's, as reported
	// KeyBound: the agent of the current enrolment reported PublicKey, so
	// its gateway keeps that key until the cluster enrols again.
	KeyBound   bool
	Endpoint   string
	Created    bool
	Deleted    bool
	Online     bool   // its agent, as the message office last saw it
	AppliedSeq uint64 // converged through this EVENTS sequence
	// Kubernetes is the API server version its agent reported in
	// Kubernetes mode; empty when the agent does not run in it.
	Kubernetes string
	// SealingKey is the public half of its agent's sealing key pair;
	// SealingBound, like KeyBound, keeps it until the cluster enrols again.
	SealingKey   string
	SealingBound bool
}

// Live reports whether the cluster exists and is not deleted.
func (c Cluster) Live() bool { return c.Created && !c.Deleted }

// EvolveCluster folds one event into c.
func EvolveCluster(c Cluster, r event.Recorded) Cluster {
	switch e := r.Data.(type) {
	case ClusterCreated:
		c = Cluster{ID: e.ID, Name: e.Name, GatewayIP: e.GatewayIP, ServiceRange: e.ServiceRange, SecretHash: e.EnrolmentSecretHash, Created: true}
	case ClusterEnrolmentSecretRotated:
		c.SecretHash, c.SecretSpent = e.EnrolmentSecretHash, false
	case ClusterEnrolled:
		c.SecretSpent, c.Enrolled, c.KeyBound, c.SealingBound = true, true, false, false
	case ClusterGatewayReported:
		c.PublicKey, c.Endpoint, c.KeyBound = e.PublicKey, e.Endpoint, true
	case ClusterDeleted:
		c.Deleted = true
	case ClusterAgentReported:
		c.Online, c.AppliedSeq = e.Online, e.AppliedSeq
	case ClusterAgentApplied:
		c.AppliedSeq = e.AppliedSeq
	case ClusterKubernetesReported:
		c.Kubernetes = e.Version
	case ClusterSealingKeyReported:
		c.SealingKey, c.SealingBound = e.SealingKey, true
	}
	return c
}

// DecideReportAgent records the agent's status when it changed: coming or
// going as AgentReported, progress alone as AgentApplied (a status report
// the audit trail leaves out by default). The applied sequence never goes
// back (a restarted agent reports from scratch).
func DecideReportAgent(c Cluster, id string, online bool, applied uint64) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	applied = max(applied, c.AppliedSeq)
	switch {
	case c.Online != online:
		return []any{ClusterAgentReported{ID: c.ID, Online: online, AppliedSeq: applied}}, nil
	case c.AppliedSeq != applied:
		return []any{ClusterAgentApplied{ID: c.ID, AppliedSeq: applied}}, nil
	}
	return nil, nil
}

// HashSecret is how enrolment secrets are stored: SHA-256, hex. A secret
// carries 256 random bits, so an unsalted fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// DecideCreateCluster creates cluster id with the gateway address and
// service range the team network handed it in allocated
// (DecideAllocateCluster's events, decided in the same command), and the
// hash of its first enrolment secret.
func DecideCreateCluster(allocated []any, id, name, secretHash string) ([]any, error) {
	ip, cidr := Allocated(allocated, id)
	if ip == "" || cidr == "" {
		return nil, fmt.Errorf("create cluster %s: the network allocated it no address or service range", id)
	}
	return []any{ClusterCreated{ID: id, Name: name, GatewayIP: ip, ServiceRange: cidr, EnrolmentSecretHash: secretHash}}, nil
}

// DecideEnrol spends the enrolment secret when it matches the current one,
// which has not been used. Every refusal looks the same, so a caller learns
// nothing about which check failed.
func DecideEnrol(c Cluster, secret string) ([]any, error) {
	presented := HashSecret(secret)
	match := subtle.ConstantTimeCompare([]byte(presented), []byte(c.SecretHash)) == 1
	if !c.Live() || c.SecretHash == "" || c.SecretSpent || !match {
		return nil, fault.WithKind(ErrEnrolmentRefused, &fault.Error{Code: fault.Unauthenticated, Field: "secret", Msg: "enrolment secret is not valid (wrong, already used, or rotated)"})
	}
	return []any{ClusterEnrolled{ID: c.ID}}, nil
}

// DecideRotateSecret replaces the enrolment secret by one hashing to hash.
func DecideRotateSecret(c Cluster, id, hash string) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	return []any{ClusterEnrolmentSecretRotated{ID: c.ID, EnrolmentSecretHash: hash}}, nil
}

// DecideReportGateway records the gateway's public key and endpoint; nothing
// when they did not change (agents report periodically). The first key an
// enrolled agent reports is its gateway's until the cluster enrols again
// (a new enrolment secret) or the gateway proves a move to another key
// with a signature by the key it has (rotation, weft-agent
// rotate-gateway-key): a later report of another key without that proof
// is refused, so whoever holds the agent's NATS credentials alone cannot
// move the gateway to a key of their own.
func DecideReportGateway(c Cluster, id, publicKey, endpoint string, rotation *gatewaykey.Rotation) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	if c.PublicKey == publicKey && c.Endpoint == endpoint {
		return nil, nil
	}
	ev := ClusterGatewayReported{ID: c.ID, PublicKey: publicKey, Endpoint: endpoint}
	if c.KeyBound && c.PublicKey != publicKey {
		if rotation == nil {
			return nil, fault.WithKind(ErrKeyBound, fault.Invalidf("publicKey", "cluster %s's gateway enrolled with key %s; a gateway keeps its key unless it signs a move to another with it (weft-agent rotate-gateway-key) or the cluster enrols again (weft cluster rotate-secret)", c.Name, c.PublicKey))
		}
		if rotation.From != c.PublicKey {
			return nil, fault.WithKind(ErrKeyBound, fault.Invalidf("publicKey", "cluster %s's gateway has key %s, but the key rotation moves from %s", c.Name, c.PublicKey, rotation.From))
		}
		if err := gatewaykey.Verify(c.ID, publicKey, *rotation); err != nil {
			return nil, fault.WithKind(ErrKeyBound, fault.Invalidf("publicKey", "cluster %s: %v", c.Name, err))
		}
		ev.RotatedFrom, ev.RotationSignature = rotation.From, rotation.Signature
	}
	return []any{ev}, nil
}

// DecideReportKubernetes records whether the cluster's agent runs in
// Kubernetes mode (version: its API server's; empty: not), when it changed.
func DecideReportKubernetes(c Cluster, id, version string) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	if c.Kubernetes == version {
		return nil, nil
	}
	return []any{ClusterKubernetesReported{ID: c.ID, Version: version}}, nil
}

// DecideReportSealingKey records the public half of the agent's sealing
// key pair when it changed. An agent keeps the key its enrolment first
// reported until the cluster enrols again, so an agent's NATS credentials
// alone cannot have secrets sealed to another key.
func DecideReportSealingKey(c Cluster, id, key string) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	if c.SealingKey == key {
		return nil, nil
	}
	if c.SealingBound {
		return nil, fault.Invalidf("sealingKey", "cluster %s's agent enrolled with another sealing key; to change it, rotate the enrolment secret (weft cluster rotate-secret) and enrol the agent again", c.Name)
	}
	return []any{ClusterSealingKeyReported{ID: c.ID, SealingKey: key}}, nil
}

// DecideDeleteCluster removes a live cluster.
func DecideDeleteCluster(c Cluster, id string) ([]any, error) {
	if !c.Live() {
		return nil, NotFound("id", "cluster %s", id)
	}
	return []any{ClusterDeleted{ID: c.ID, Name: c.Name}}, nil
}
