package command

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"weft.dev/events"
	"weft.dev/events/gatewaykey"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/validate"
	"weft.dev/services/infra/domain"
	"weft.dev/services/uniq"
)

// CreateClusterInput names a new cluster.
type CreateClusterInput struct {
	Team string
	Name string
}

// CreateCluster adds a cluster to the team's network: a gateway address, a
// service range, the name, and a one-time agent enrolment secret, all in
// one atomic append. Admins and owners only.
func (h *Handlers) CreateCluster(ctx context.Context, p auth.Principal, in CreateClusterInput) (Result[ClusterWithSecret], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	if err := validate.Name("name", in.Name); err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	id, err := events.NewID()
	if err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	var res events.Result[domain.Network]
	err = h.onNetwork(in.Team, func(cache *events.Cached[domain.Network]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[domain.Network]{
			Team: in.Team, Aggregate: networkRef, Actor: p.Actor(),
			Evolve: domain.EvolveNetwork, Cache: cache,
			Decide: func(n domain.Network) ([]any, error) { return domain.DecideAllocateCluster(n, id) },
			Also: func(ctx context.Context, _ domain.Network, decided []any) ([]events.Write, error) {
				created, err := domain.DecideCreateCluster(decided, id, in.Name, domain.HashSecret(secret))
				if err != nil {
					return nil, err
				}
				claim, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), ClusterNameKind, in.Name, id)
				if err != nil {
					return nil, err
				}
				return []events.Write{claim, {Expected: 0, Events: eventsOf(in.Team, clusterRef(id), p.Actor(), created)}}, nil
			},
		})
		return err
	})
	if err != nil {
		return Result[ClusterWithSecret]{}, fmt.Errorf("create cluster %s: %w", in.Name, err)
	}
	c := events.FoldOf(res.Events, clusterRef(id), domain.Cluster{}, domain.EvolveCluster)
	return Result[ClusterWithSecret]{Object: ClusterWithSecret{Cluster: c, EnrolmentSecret: secret}, Seq: res.LastSeq}, nil
}

// ClusterInput points at one cluster.
type ClusterInput struct {
	Team string
	ID   string
}

// RotateEnrolmentSecret replaces the cluster's enrolment secret with a new
// one-time secret (returned once); the old one stops working, and the
// cluster can be enrolled again (e.g. after reinstalling its agent).
// Admins and owners only.
func (h *Handlers) RotateEnrolmentSecret(ctx context.Context, p auth.Principal, in ClusterInput) (Result[ClusterWithSecret], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	secret, err := newSecret()
	if err != nil {
		return Result[ClusterWithSecret]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) {
			return domain.DecideRotateSecret(c, in.ID, domain.HashSecret(secret))
		},
	})
	if err != nil {
		return Result[ClusterWithSecret]{}, fmt.Errorf("rotate enrolment secret of cluster %s: %w", in.ID, err)
	}
	return Result[ClusterWithSecret]{Object: ClusterWithSecret{Cluster: res.State, EnrolmentSecret: secret}, Seq: res.Seq()}, nil
}

// EnrolInput is what an agent presents to enrol its cluster.
type EnrolInput struct {
	Team      string
	ClusterID string
	Secret    string
}

// Enrol spends the cluster's enrolment secret: it must match (compared in
// constant time) and not have been used. Every refusal is the same
// UNAUTHENTICATED fault. The caller is the system principal acting for the
// agent (the enrolment endpoint), or an admin of the team.
func (h *Handlers) Enrol(ctx context.Context, p auth.Principal, in EnrolInput) (Result[domain.Cluster], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if in.Secret == "" {
		return Result[domain.Cluster]{}, fault.Invalidf("secret", "is required")
	}
	if len(in.Secret) > 256 {
		return Result[domain.Cluster]{}, fault.Invalidf("secret", "is longer than any enrolment secret")
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ClusterID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) { return domain.DecideEnrol(c, in.Secret) },
	})
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("enrol cluster %s: %w", in.ClusterID, err)
	}
	return Result[domain.Cluster]{Object: res.State, Seq: res.Seq()}, nil
}

// ReportGatewayInput is a gateway's WireGuard public key and endpoint.
type ReportGatewayInput struct {
	Team      string
	ClusterID string
	PublicKey string
	Endpoint  string // host:port
	// Rotation proves a move from the gateway's current key to PublicKey.
	Rotation *gatewaykey.Rotation
}

// ReportGateway records the cluster gateway's public key and endpoint, as
// its agent reported them. System principal only (the message office
// relays agents' status); nothing is appended when nothing changed.
func (h *Handlers) ReportGateway(ctx context.Context, p auth.Principal, in ReportGatewayInput) (Result[domain.Cluster], error) {
	if !p.System {
		return Result[domain.Cluster]{}, fault.Forbiddenf("only a cluster's agent reports its gateway")
	}
	if err := checkTeam(in.Team); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := validate.PublicKey("publicKey", in.PublicKey); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := validate.HostPort("endpoint", in.Endpoint); err != nil {
		return Result[domain.Cluster]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ClusterID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) {
			return domain.DecideReportGateway(c, in.ClusterID, in.PublicKey, in.Endpoint, in.Rotation)
		},
		Also: func(ctx context.Context, c domain.Cluster, _ []any) ([]events.Write, error) {
			return keyWrites(ctx, h.store, in.Team, p.Actor(), in.ClusterID, c.PublicKey, in.PublicKey)
		},
	})
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("report gateway of cluster %s: %w", in.ClusterID, err)
	}
	return Result[domain.Cluster]{Object: res.State, Seq: ownSeq(res, clusterRef(in.ClusterID))}, nil
}

// ReportKubernetesInput is the mode a cluster's agent reported.
type ReportKubernetesInput struct {
	Team      string
	ClusterID string
	Version   string // the API server's; empty: not in Kubernetes mode
}

// ReportKubernetes records whether the cluster's agent runs in Kubernetes
// mode, when that changed. System principal only (the agent's report,
// through the message office).
func (h *Handlers) ReportKubernetes(ctx context.Context, p auth.Principal, in ReportKubernetesInput) (Result[domain.Cluster], error) {
	if !p.System {
		return Result[domain.Cluster]{}, fault.Forbiddenf("only a cluster's agent reports its mode")
	}
	if err := checkTeam(in.Team); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if len(in.Version) > 64 || strings.ContainsAny(in.Version, " \t\r\n") {
		return Result[domain.Cluster]{}, fault.Invalidf("version", "%q is not a Kubernetes version", in.Version)
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ClusterID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) {
			return domain.DecideReportKubernetes(c, in.ClusterID, in.Version)
		},
	})
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("report mode of cluster %s: %w", in.ClusterID, err)
	}
	return Result[domain.Cluster]{Object: res.State, Seq: res.Seq()}, nil
}

// ReportSealingKeyInput is the sealing key a cluster's agent reported.
type ReportSealingKeyInput struct {
	Team       string
	ClusterID  string
	SealingKey string // base64, 32 bytes
}

// ReportSealingKey records the public half of a cluster's agent's sealing
// key pair, when it changed. System principal only (the agent's report,
// through the message office).
func (h *Handlers) ReportSealingKey(ctx context.Context, p auth.Principal, in ReportSealingKeyInput) (Result[domain.Cluster], error) {
	if !p.System {
		return Result[domain.Cluster]{}, fault.Forbiddenf("only a cluster's agent reports its sealing key")
	}
	if err := checkTeam(in.Team); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := validate.PublicKey("sealingKey", in.SealingKey); err != nil {
		return Result[domain.Cluster]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ClusterID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) {
			return domain.DecideReportSealingKey(c, in.ClusterID, in.SealingKey)
		},
	})
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("report sealing key of cluster %s: %w", in.ClusterID, err)
	}
	return Result[domain.Cluster]{Object: res.State, Seq: res.Seq()}, nil
}

// ReportAgentInput is what the message office saw of a cluster's agent.
type ReportAgentInput struct {
	Team       string
	ClusterID  string
	Online     bool
	AppliedSeq uint64
}

// ReportAgent records the agent's status when it changed. System principal
// only (the message office).
func (h *Handlers) ReportAgent(ctx context.Context, p auth.Principal, in ReportAgentInput) (Result[domain.Cluster], error) {
	if !p.System {
		return Result[domain.Cluster]{}, fault.Forbiddenf("only the message office reports agents")
	}
	if err := checkTeam(in.Team); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[domain.Cluster]{
		Team: in.Team, Aggregate: clusterRef(in.ClusterID), Actor: p.Actor(),
		Evolve: domain.EvolveCluster,
		Decide: func(c domain.Cluster) ([]any, error) {
			return domain.DecideReportAgent(c, in.ClusterID, in.Online, in.AppliedSeq)
		},
	})
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("report agent of cluster %s: %w", in.ClusterID, err)
	}
	return Result[domain.Cluster]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteCluster removes the cluster from the network, releasing its gateway
// address, service range and name in the same atomic append. Admins and
// owners only. It returns the cluster as it was.
func (h *Handlers) DeleteCluster(ctx context.Context, p auth.Principal, in ClusterInput) (Result[domain.Cluster], error) {
	if err := require(p, in.Team, auth.Admin); err != nil {
		return Result[domain.Cluster]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[domain.Cluster]{}, err
	}
	var last domain.Cluster
	var res events.Result[domain.Network]
	err := h.onNetwork(in.Team, func(cache *events.Cached[domain.Network]) (err error) {
		res, err = events.Handle(ctx, h.store, events.Command[domain.Network]{
			Team: in.Team, Aggregate: networkRef, Actor: p.Actor(),
			Evolve: domain.EvolveNetwork, Cache: cache,
			Decide: func(n domain.Network) ([]any, error) { return domain.DecideRelease(n, in.ID) },
			Also: func(ctx context.Context, _ domain.Network, _ []any) ([]events.Write, error) {
				c, v, err := loadCluster(ctx, h.store, in.Team, in.ID)
				if err != nil {
					return nil, err
				}
				deleted, err := domain.DecideDeleteCluster(c, in.ID)
				if err != nil {
					return nil, err
				}
				last = c
				w, err := resourceDeleted(ctx, h.store, in.Team, p.Actor(), clusterRef(in.ID), v, deleted, ClusterNameKind, c.Name)
				if err != nil {
					return nil, err
				}
				key, err := keyWrites(ctx, h.store, in.Team, p.Actor(), in.ID, c.PublicKey, "")
				return append(w, key...), err
			},
		})
		return err
	})
	if errors.Is(err, domain.ErrNotAllocated) {
		err = domain.NotFound("id", "cluster %s", in.ID)
	}
	if err != nil {
		return Result[domain.Cluster]{}, fmt.Errorf("delete cluster %s: %w", in.ID, err)
	}
	return Result[domain.Cluster]{Object: last, Seq: res.LastSeq}, nil
}

// resourceDeleted is the writes that go with a release: the resource's
// deleted event at its version, and freeing its name.
func resourceDeleted(ctx context.Context, s *events.Store, team, actor string, agg events.AggregateRef, version uint64, deleted []any, kind, name string) ([]events.Write, error) {
	w := events.Write{Expected: version}
	for _, d := range deleted {
		w.Events = append(w.Events, events.Event{Team: team, Aggregate: agg, Actor: actor, Data: d})
	}
	writes := []events.Write{w}
	release, ok, err := uniq.Release(ctx, s, team, actor, kind, name, agg.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		writes = append(writes, release)
	}
	return writes, nil
}
