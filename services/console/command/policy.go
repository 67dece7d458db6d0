package command

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/validate"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// CreatePolicyInput creates an access policy.
type CreatePolicyInput struct {
	Team string
	Name string
	Rule cd.Rule
}

// CreatePolicy creates an access policy (admins). Its name is unique in the
// team; every device, cluster, environment and app it names must exist in
// the team (users are taken as given: accounts owns them).
func (h *Handlers) CreatePolicy(ctx context.Context, p auth.Principal, in CreatePolicyInput) (Result[cd.Policy], error) {
	if err := p.Require(in.Team, auth.Admin); err != nil {
		return Result[cd.Policy]{}, err
	}
	if err := validate.Name("name", in.Name); err != nil {
		return Result[cd.Policy]{}, err
	}
	if err := h.checkRule(ctx, in.Team, in.Rule); err != nil {
		return Result[cd.Policy]{}, err
	}
	id, err := events.NewID()
	if err != nil {
		return Result[cd.Policy]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Policy]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.PolicyAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolvePolicy,
		Decide: func(s cd.Policy) ([]any, error) { return cd.DecideCreatePolicy(s, id, in.Name, in.Rule) },
		Also: func(ctx context.Context, _ cd.Policy, _ []any) ([]events.Write, error) {
			w, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), cd.PolicyNameKind, in.Name, id)
			if err != nil {
				return nil, nameTaken(err, "name", fmt.Sprintf("policy %q already exists", in.Name))
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Policy]{}, fmt.Errorf("create policy %s: %w", in.Name, err)
	}
	return Result[cd.Policy]{Object: res.State, Seq: res.Seq()}, nil
}

// UpdatePolicyInput replaces a policy's rule.
type UpdatePolicyInput struct {
	Team string
	ID   string
	Rule cd.Rule
}

// UpdatePolicy replaces a policy's rule (admins).
func (h *Handlers) UpdatePolicy(ctx context.Context, p auth.Principal, in UpdatePolicyInput) (Result[cd.Policy], error) {
	if err := p.Require(in.Team, auth.Admin); err != nil {
		return Result[cd.Policy]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Policy]{}, err
	}
	if err := h.checkRule(ctx, in.Team, in.Rule); err != nil {
		return Result[cd.Policy]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Policy]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.PolicyAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolvePolicy,
		Decide: func(s cd.Policy) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "policy %s", in.ID)
			}
			return cd.DecideUpdatePolicy(s, in.Rule)
		},
	})
	if err != nil {
		return Result[cd.Policy]{}, fmt.Errorf("update policy %s: %w", in.ID, err)
	}
	return Result[cd.Policy]{Object: res.State, Seq: res.Seq()}, nil
}

// DeletePolicy deletes a policy (admins), freeing its name.
func (h *Handlers) DeletePolicy(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Policy], error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return Result[cd.Policy]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Policy]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Policy]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.PolicyAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolvePolicy,
		Decide: func(s cd.Policy) ([]any, error) {
			if s.ID == "" {
				return nil, cd.NotFound("id", "policy %s", id)
			}
			return cd.DecideDeletePolicy(s)
		},
		Also: func(ctx context.Context, s cd.Policy, _ []any) ([]events.Write, error) {
			w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.PolicyNameKind, s.Name, s.ID)
			if err != nil || !ok {
				return nil, err
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Policy]{}, fmt.Errorf("delete policy %s: %w", id, err)
	}
	return Result[cd.Policy]{Object: res.State, Seq: res.Seq()}, nil
}

// checkRule validates a rule and that what it names exists in the team.
func (h *Handlers) checkRule(ctx context.Context, team string, r cd.Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	check := func(field string, s cd.Subject) error {
		var ok bool
		switch s.Kind {
		case cd.SubjectDevice:
			d, err := h.device(ctx, team, s.ID)
			if err != nil {
				return err
			}
			ok = d.Created && !d.Deleted
		case cd.SubjectCluster:
			c, err := h.cluster(ctx, team, s.ID)
			if err != nil {
				return err
			}
			ok = c.Created && !c.Deleted
		case cd.SubjectEnv:
			e, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.EnvAggregate, ID: s.ID}, cd.EvolveEnv)
			if err != nil {
				return err
			}
			ok = e.Exists()
		case cd.SubjectApp:
			a, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.AppAggregate, ID: s.ID}, cd.EvolveApp)
			if err != nil {
				return err
			}
			ok = a.Exists()
		default: // users and all
			ok = true
		}
		if !ok {
			return cd.NotFound(field, "%s %s", s.Kind, s.ID)
		}
		return nil
	}
	for i, s := range r.Sources {
		if err := check(fmt.Sprintf("sources[%d].id", i), s); err != nil {
			return err
		}
	}
	for i, s := range r.Targets {
		if err := check(fmt.Sprintf("targets[%d].id", i), s); err != nil {
			return err
		}
	}
	return nil
}
