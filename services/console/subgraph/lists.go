package subgraph

import (
	"context"
	"slices"

	"weft.dev/kernel/auth"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	"weft.dev/services/console/subgraph/model"
	"weft.dev/services/graph"
)

// The lists below serve both the root query fields and the fields the
// console adds to Team and Cluster; the queries scope them to the caller's
// team, so a Team or Cluster of another team lists nothing.

func (r *Resolver) envs(ctx context.Context, team, clusterID string, first *int, after *string, minSeq *int) (*model.EnvironmentConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	es, err := r.Queries.Envs(ctx, auth.From(ctx), team, seq)
	if err != nil {
		return nil, err
	}
	if clusterID != "" {
		es = slices.DeleteFunc(es, func(e readmodel.Env) bool { return e.ClusterID != clusterID })
	}
	edges, info, err := graph.Paginate(es, first, after, func(c string, e readmodel.Env) model.EnvironmentEdge {
		return model.EnvironmentEdge{Cursor: c, Node: *envOut(e)}
	})
	if err != nil {
		return nil, err
	}
	return &model.EnvironmentConnection{Edges: edges, PageInfo: info, TotalCount: len(es)}, nil
}

func (r *Resolver) apps(ctx context.Context, team, env, clusterID string, first *int, after *string, minSeq *int) (*model.AppConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	as, err := r.Queries.Apps(ctx, auth.From(ctx), team, env, seq)
	if err != nil {
		return nil, err
	}
	if clusterID != "" {
		as = slices.DeleteFunc(as, func(a readmodel.App) bool { return a.ClusterID != clusterID })
	}
	edges, info, err := graph.Paginate(as, first, after, func(c string, a readmodel.App) model.AppEdge {
		return model.AppEdge{Cursor: c, Node: appValue(a)}
	})
	if err != nil {
		return nil, err
	}
	return &model.AppConnection{Edges: edges, PageInfo: info, TotalCount: len(as)}, nil
}

func (r *Resolver) services(ctx context.Context, team, env string, kind *model.ServiceKind, first *int, after *string, minSeq *int) (*model.ManagedServiceConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	ss, err := r.Queries.Services(ctx, auth.From(ctx), team, env, seq)
	if err != nil {
		return nil, err
	}
	if k := lower[model.ServiceKind, cd.ServiceKind](kind); k != "" {
		ss = slices.DeleteFunc(ss, func(s readmodel.Service) bool { return s.Kind != k })
	}
	edges, info, err := graph.Paginate(ss, first, after, func(c string, s readmodel.Service) model.ManagedServiceEdge {
		return model.ManagedServiceEdge{Cursor: c, Node: *serviceOut(s)}
	})
	if err != nil {
		return nil, err
	}
	return &model.ManagedServiceConnection{Edges: edges, PageInfo: info, TotalCount: len(ss)}, nil
}

func (r *Resolver) policies(ctx context.Context, team string, first *int, after *string, minSeq *int) (*model.PolicyConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	ps, err := r.Queries.Policies(ctx, auth.From(ctx), team, seq)
	if err != nil {
		return nil, err
	}
	edges, info, err := graph.Paginate(ps, first, after, func(c string, p readmodel.Policy) model.PolicyEdge {
		return model.PolicyEdge{Cursor: c, Node: *policyOut(p)}
	})
	if err != nil {
		return nil, err
	}
	return &model.PolicyConnection{Edges: edges, PageInfo: info, TotalCount: len(ps)}, nil
}

func (r *Resolver) configs(ctx context.Context, team, env string, first *int, after *string, minSeq *int) (*model.ConfigConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	cs, err := r.Queries.Configs(ctx, auth.From(ctx), team, env, seq)
	if err != nil {
		return nil, err
	}
	edges, info, err := graph.Paginate(cs, first, after, func(c string, x readmodel.Config) model.ConfigEdge {
		return model.ConfigEdge{Cursor: c, Node: *configOut(x)}
	})
	if err != nil {
		return nil, err
	}
	return &model.ConfigConnection{Edges: edges, PageInfo: info, TotalCount: len(cs)}, nil
}

func (r *Resolver) secrets(ctx context.Context, team, env string, first *int, after *string, minSeq *int) (*model.SecretConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	ss, err := r.Queries.Secrets(ctx, auth.From(ctx), team, env, seq)
	if err != nil {
		return nil, err
	}
	edges, info, err := graph.Paginate(ss, first, after, func(c string, x readmodel.Secret) model.SecretEdge {
		return model.SecretEdge{Cursor: c, Node: *secretOut(x)}
	})
	if err != nil {
		return nil, err
	}
	return &model.SecretConnection{Edges: edges, PageInfo: info, TotalCount: len(ss)}, nil
}
