package command

import (
	"context"
	"fmt"
	"strings"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/uniq"
)

// RouterInput creates or replaces a router of an environment.
type RouterInput struct {
	Team   string
	Env    string // creating: the environment's name
	Name   string
	ID     string // updating
	Domain string
	Routes []cd.Route
	TLS    bool
}

// normalizeRouter checks domain and routes at the edge.
func normalizeRouter(in RouterInput) (string, []cd.Route, error) {
	domain, err := cd.NormalizeDomain("domain", in.Domain)
	if err != nil {
		return "", nil, err
	}
	routes, err := cd.NormalizeRoutes(in.Routes)
	return domain, routes, err
}

// checkTargets checks, against the log, that each route leads to an app
// of the environment with a workload (its Service is the Ingress's
// backend) or a service its cluster runs, on one of its TCP or HTTP
// ports.
func (h *Handlers) checkTargets(ctx context.Context, team, envID string, routes []cd.Route) error {
	for i, r := range routes {
		field := fmt.Sprintf("routes[%d].target", i)
		id, _, err := uniq.Owner(ctx, h.store, team, cd.AppNameKind, cd.AppNameKey(envID, r.Target.Name))
		if err != nil {
			return err
		}
		var spec cd.Spec
		found := false
		if id != "" && r.Target.Kind == cd.TargetApp {
			a, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.AppAggregate, ID: id}, cd.EvolveApp)
			if err != nil {
				return err
			}
			if a.Exists() {
				if a.Workload == nil {
					return fault.Invalidf(field+".name", "app %s has no container its cluster runs (--image): a router reaches apps through their Kubernetes Service", r.Target.Name)
				}
				spec, found = a.Spec, true
			}
		}
		if id != "" && r.Target.Kind == cd.TargetService {
			s, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, cd.EvolveService)
			if err != nil {
				return err
			}
			if s.Exists() {
				if s.Instance == nil {
					return fault.Invalidf(field+".name", "service %s is not run by its cluster: a router reaches services through their Kubernetes Service", r.Target.Name)
				}
				spec, found = s.Spec, true
			}
		}
		if !found {
			return cd.NotFound(field+".name", "the router's environment has no %s %q", r.Target.Kind, r.Target.Name)
		}
		if !spec.Has(cd.Port{Port: r.Target.Port, Protocol: cd.TCP}) && !spec.Has(cd.Port{Port: r.Target.Port, Protocol: cd.HTTP}) {
			return fault.Invalidf(field+".port", "%s %s has no TCP or HTTP port %d", r.Target.Kind, r.Target.Name, r.Target.Port)
		}
	}
	return nil
}

// notRouted refuses to delete the app or run service id (kind
// cd.TargetApp or TargetService) while a router routes to it (checked
// against the read model caught up to the log's end, as a config's
// users are); it leaves the read model caught up.
func (h *Handlers) notRouted(ctx context.Context, team, kind, id string) error {
	var envID, name string
	if kind == cd.TargetApp {
		a, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.AppAggregate, ID: id}, cd.EvolveApp)
		if err != nil || !a.Exists() || a.Workload == nil {
			return err // only apps with a workload can be routed to
		}
		envID, name = a.EnvID, a.Name
	} else {
		s, _, err := events.LoadState(ctx, h.store, team, events.AggregateRef{Type: cd.ServiceAggregate, ID: id}, cd.EvolveService)
		if err != nil || !s.Exists() {
			return err
		}
		envID, name = s.EnvID, s.Name
	}
	if err := h.caughtUp(ctx); err != nil {
		return fmt.Errorf("delete %s %s: %w", kind, name, err)
	}
	if users := h.dir.RouteUsers(team, envID, kind, name); len(users) > 0 {
		return &fault.Error{Code: fault.Conflict, Field: "id",
			Msg: fmt.Sprintf("router(s) %s route to %s %s; change them first", strings.Join(users, ", "), kind, name)}
	}
	return nil
}

// CreateRouter creates a router in an environment (members); its name is
// unique among the environment's routers.
func (h *Handlers) CreateRouter(ctx context.Context, p auth.Principal, in RouterInput) (Result[cd.Router], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Router]{}, err
	}
	domain, routes, err := normalizeRouter(in)
	if err != nil {
		return Result[cd.Router]{}, err
	}
	pl, err := h.place(ctx, in.Team, in.Env, in.Name)
	if err != nil {
		return Result[cd.Router]{}, err
	}
	if err := h.checkTargets(ctx, in.Team, pl.env.ID, routes); err != nil {
		return Result[cd.Router]{}, err
	}
	id, err := events.NewID()
	if err != nil {
		return Result[cd.Router]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Router]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.RouterAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveRouter,
		Decide: func(s cd.Router) ([]any, error) {
			return cd.DecideCreateRouter(s, id, in.Name, pl.env.ID, pl.cluster.ID, domain, routes, in.TLS)
		},
		Also: func(ctx context.Context, _ cd.Router, _ []any) ([]events.Write, error) {
			w, err := uniq.Claim(ctx, h.store, in.Team, p.Actor(), cd.RouterNameKind, cd.ConfigNameKey(pl.env.ID, in.Name), id)
			if err != nil {
				return nil, nameTaken(err, "name", fmt.Sprintf("a router called %q already exists in environment %s", in.Name, in.Env))
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Router]{}, fmt.Errorf("create router %s/%s: %w", in.Env, in.Name, err)
	}
	return Result[cd.Router]{Object: res.State, Seq: res.Seq()}, nil
}

// UpdateRouter replaces a router's domain, routes and TLS (members).
func (h *Handlers) UpdateRouter(ctx context.Context, p auth.Principal, in RouterInput) (Result[cd.Router], error) {
	if err := p.Require(in.Team, auth.Member); err != nil {
		return Result[cd.Router]{}, err
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Router]{}, err
	}
	domain, routes, err := normalizeRouter(in)
	if err != nil {
		return Result[cd.Router]{}, err
	}
	cur, _, err := events.LoadState(ctx, h.store, in.Team, events.AggregateRef{Type: cd.RouterAggregate, ID: in.ID}, cd.EvolveRouter)
	if err != nil {
		return Result[cd.Router]{}, fmt.Errorf("update router %s: %w", in.ID, err)
	}
	if !cur.Exists() {
		return Result[cd.Router]{}, cd.NotFound("id", "router %s", in.ID)
	}
	if err := h.checkTargets(ctx, in.Team, cur.EnvID, routes); err != nil {
		return Result[cd.Router]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Router]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.RouterAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveRouter,
		Decide: func(s cd.Router) ([]any, error) { return cd.DecideUpdateRouter(s, domain, routes, in.TLS) },
	})
	if err != nil {
		return Result[cd.Router]{}, fmt.Errorf("update router %s: %w", in.ID, err)
	}
	return Result[cd.Router]{Object: res.State, Seq: res.Seq()}, nil
}

// DeleteRouter deletes a router (members), freeing its name.
func (h *Handlers) DeleteRouter(ctx context.Context, p auth.Principal, team, id string) (Result[cd.Router], error) {
	if err := p.Require(team, auth.Member); err != nil {
		return Result[cd.Router]{}, err
	}
	if err := checkID("id", id); err != nil {
		return Result[cd.Router]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Router]{
		Team: team, Aggregate: events.AggregateRef{Type: cd.RouterAggregate, ID: id}, Actor: p.Actor(),
		Evolve: cd.EvolveRouter,
		Decide: cd.DecideDeleteRouter,
		Also: func(ctx context.Context, s cd.Router, _ []any) ([]events.Write, error) {
			w, ok, err := uniq.Release(ctx, h.store, team, p.Actor(), cd.RouterNameKind, cd.ConfigNameKey(s.EnvID, s.Name), s.ID)
			if err != nil || !ok {
				return nil, err
			}
			return []events.Write{w}, nil
		},
	})
	if err != nil {
		return Result[cd.Router]{}, fmt.Errorf("delete router %s: %w", id, err)
	}
	return Result[cd.Router]{Object: res.State, Seq: res.Seq()}, nil
}

// ReportRouterInput is what the agent of a router's cluster reported of
// its Ingress.
type ReportRouterInput struct {
	Team      string
	ClusterID string
	ID        string
	Status    cd.RouterStatus
}

// ReportRouter records a router's status when it changed. System
// principal only (the message office, for the agent of ClusterID).
func (h *Handlers) ReportRouter(ctx context.Context, p auth.Principal, in ReportRouterInput) (Result[cd.Router], error) {
	if !p.System {
		return Result[cd.Router]{}, fault.Forbiddenf("only the message office reports routers")
	}
	if err := checkID("id", in.ID); err != nil {
		return Result[cd.Router]{}, err
	}
	if err := checkID("clusterId", in.ClusterID); err != nil {
		return Result[cd.Router]{}, err
	}
	res, err := events.Handle(ctx, h.store, events.Command[cd.Router]{
		Team: in.Team, Aggregate: events.AggregateRef{Type: cd.RouterAggregate, ID: in.ID}, Actor: p.Actor(),
		Evolve: cd.EvolveRouter,
		Decide: func(s cd.Router) ([]any, error) { return cd.DecideReportRouter(s, in.ClusterID, in.Status) },
	})
	if err != nil {
		return Result[cd.Router]{}, fmt.Errorf("report router %s: %w", in.ID, err)
	}
	return Result[cd.Router]{Object: res.State, Seq: res.Seq()}, nil
}
