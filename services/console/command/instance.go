package command

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"golang.org/x/crypto/nacl/box"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
)

// credentialsKeyName is the one value the keyring seals for a run
// service: the private half of the key its credentials are sealed to.
const credentialsKeyName = "credentials-key"

// credentialsKey makes the key pair a run service's agent seals its
// credentials to: the public half in clear, the private half sealed by
// the keyring under the service's id (so destroying that key, when the
// service is deleted, makes the credentials in the log unreadable).
func (h *Handlers) credentialsKey(ctx context.Context, team, id string) (public, sealedPrivate string, err error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", fmt.Errorf("make the credentials key: %w", err)
	}
	sealed, err := h.sealer.Seal(ctx, team, id, map[string]string{credentialsKeyName: base64.StdEncoding.EncodeToString(priv[:])})
	if err != nil {
		return "", "", fmt.Errorf("seal the credentials key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(pub[:]), sealed[credentialsKeyName], nil
}

// shredUnused destroys the key made for a service that was never
// recorded.
func (h *Handlers) shredUnused(ctx context.Context, team, id string) {
	if err := h.sealer.Shred(ctx, team, id); err != nil {
		slog.Warn("destroy the key of a service never created", "service", id, "err", err)
	}
}

// serviceUnused refuses to delete a service whose credentials an app
// takes (checked against the read model caught up to the log's end).
func (h *Handlers) serviceUnused(ctx context.Context, team, id string) error {
	s, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, cd.EvolveService)
	if err != nil {
		return fmt.Errorf("delete service %s: %w", id, err)
	}
	if !s.Exists() || s.Instance == nil {
		return nil
	}
	if err := h.notRouted(ctx, team, cd.TargetService, id); err != nil {
		return err
	}
	if users := h.dir.SourceUsers(team, s.EnvID, cd.Source{Kind: cd.SourceService, Name: s.Name}, ""); len(users) > 0 {
		return &fault.Error{Code: fault.Conflict, Field: "id",
			Msg: fmt.Sprintf("app(s) %s take the credentials of service %s; change them first", strings.Join(users, ", "), s.Name)}
	}
	return nil
}

// RevealedCredentials are a run service's credentials in clear.
type RevealedCredentials struct {
	Service cd.Service
	Values  map[string]string
}

// RevealServiceCredentials returns the credentials its cluster's agent
// generated for a run service to an owner or admin, and records that they
// did (ServiceCredentialsRevealed) before answering.
func (h *Handlers) RevealServiceCredentials(ctx context.Context, p auth.Principal, team, id string) (Result[RevealedCredentials], error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return Result[RevealedCredentials]{}, err
	}
	if err := h.needSealer(); err != nil {
		return Result[RevealedCredentials]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[RevealedCredentials]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveService,
		Decide: cd.DecideRevealCredentials,
	})
	if err != nil {
		return Result[RevealedCredentials]{}, fmt.Errorf("reveal the credentials of service %s: %w", id, err)
	}
	s := res.State
	keys, err := h.sealer.Open(ctx, team, id, map[string]string{credentialsKeyName: s.Instance.SealedKey})
	if err != nil {
		return Result[RevealedCredentials]{}, fmt.Errorf("reveal the credentials of service %s: %w", id, err)
	}
	values, err := OpenCredentials(keys[credentialsKeyName], s.Instance.CredentialsKey, s.Credentials.Sealed)
	if err != nil {
		return Result[RevealedCredentials]{}, fmt.Errorf("reveal the credentials of service %s: %w", id, err)
	}
	return Result[RevealedCredentials]{Object: RevealedCredentials{Service: s, Values: values}, Seq: res.Seq()}, nil
}

// OpenCredentials opens credentials an agent sealed (an anonymous box of
// their JSON object) with the key pair's halves, both base64.
func OpenCredentials(private, public, sealed string) (map[string]string, error) {
	var priv, pub [32]byte
	pb, err1 := base64.StdEncoding.DecodeString(private)
	qb, err2 := base64.StdEncoding.DecodeString(public)
	if err1 != nil || err2 != nil || len(pb) != 32 || len(qb) != 32 {
		return nil, fmt.Errorf("open credentials: not a key pair")
	}
	copy(priv[:], pb)
	copy(pub[:], qb)
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("open credentials: %w", err)
	}
	plain, ok := box.OpenAnonymous(nil, b, &pub, &priv)
	if !ok {
		return nil, fmt.Errorf("open credentials: not sealed to this service's key")
	}
	var out map[string]string
	if err := json.Unmarshal(plain, &out); err != nil {
		return nil, fmt.Errorf("open credentials: %w", err)
	}
	return out, nil
}

// ReportServiceInput is what the agent of a run service's cluster
// reported: its status, credentials it generated (sealed), or that the
// data of a service deleted with it is gone.
type ReportServiceInput struct {
	Team        string
	ClusterID   string
	ID          string
	Status      *cd.InstanceStatus
	Credentials *cd.Credentials
	DataDeleted bool
}

// ReportService records what changed of an agent's report on a run
// service. System principal only (the message office, for the agent of
// ClusterID: an agent reports only services homed in its cluster).
func (h *Handlers) ReportService(ctx context.Context, p auth.Principal, in ReportServiceInput) (Result[cd.Service], error) {
	if !p.System {
		return Result[cd.Service]{}, fault.Forbiddenf("only the message office reports services")
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[cd.Service]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.ServiceAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveService,
		Decide: func(s cd.Service) ([]any, error) {
			if in.DataDeleted {
				return cd.DecideDataDeleted(s, in.ClusterID)
			}
			var out []any
			if in.Credentials != nil {
				evs, err := cd.DecideReportCredentials(s, in.ClusterID, *in.Credentials)
				if err != nil {
					return nil, err
				}
				out = append(out, evs...)
			}
			if in.Status != nil {
				evs, err := cd.DecideReportServiceStatus(s, in.ClusterID, *in.Status)
				if err != nil {
					return nil, err
				}
				out = append(out, evs...)
			}
			return out, nil
		},
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("report service %s: %w", in.ID, err)
	}
	return Result[cd.Service]{Object: res.State, Seq: res.Seq()}, nil
}

// ChangeServiceInstanceInput changes a run service's version or storage;
// an empty field stays as it is.
type ChangeServiceInstanceInput struct {
	Team    string
	ID      string
	Version string
	Storage string
}

// ChangeServiceInstance upgrades a run service's version where its image
// upgrades the data in place, and grows its volume (members). Its agent
// rolls its pod to the new image and asks its claim to grow.
func (h *Handlers) ChangeServiceInstance(ctx context.Context, p auth.Principal, in ChangeServiceInstanceInput) (Result[cd.Service], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Service]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Service]{}, err
	}
	if in.Version == "" && in.Storage == "" {
		return Result[cd.Service]{}, fault.Invalidf("version", "give a version, a storage size or both")
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Service]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.ServiceAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveService,
		Decide: func(s cd.Service) ([]any, error) { return cd.DecideChangeInstance(s, in.Version, in.Storage) },
	})
	if err != nil {
		return Result[cd.Service]{}, fmt.Errorf("change service %s: %w", in.ID, err)
	}
	return Result[cd.Service]{Object: res.State, Seq: res.Seq()}, nil
}
