package subgraph

import (
	"context"

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
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	es, total, err := r.Queries.Envs(ctx, auth.From(ctx), team, clusterID, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(es, start, total, func(c string, e readmodel.Env) model.EnvironmentEdge {
		return model.EnvironmentEdge{Cursor: c, Node: *envOut(e)}
	})
	return &model.EnvironmentConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

// listArgs checks a list's minSeq, first and after: the read model reads
// only the page they select (graph.Window), in the order it keeps.
func listArgs(minSeq, first *int, after *string) (seq uint64, start, n int, err error) {
	if seq, err = graph.MinSeq(minSeq); err != nil {
		return 0, 0, 0, err
	}
	start, n, err = graph.Window(first, after)
	return seq, start, n, err
}

func (r *Resolver) apps(ctx context.Context, team, env, clusterID string, first *int, after *string, minSeq *int) (*model.AppConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	as, total, err := r.Queries.Apps(ctx, auth.From(ctx), team, env, clusterID, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(as, start, total, func(c string, a readmodel.App) model.AppEdge {
		return model.AppEdge{Cursor: c, Node: appValue(a)}
	})
	return &model.AppConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) services(ctx context.Context, team, env string, kind *model.ServiceKind, first *int, after *string, minSeq *int) (*model.ManagedServiceConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	k := lower[model.ServiceKind, cd.ServiceKind](kind)
	ss, total, err := r.Queries.Services(ctx, auth.From(ctx), team, env, k, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(ss, start, total, func(c string, s readmodel.Service) model.ManagedServiceEdge {
		return model.ManagedServiceEdge{Cursor: c, Node: *serviceOut(s)}
	})
	return &model.ManagedServiceConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) policies(ctx context.Context, team string, first *int, after *string, minSeq *int) (*model.PolicyConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	ps, total, err := r.Queries.Policies(ctx, auth.From(ctx), team, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(ps, start, total, func(c string, p readmodel.Policy) model.PolicyEdge {
		return model.PolicyEdge{Cursor: c, Node: *policyOut(p)}
	})
	return &model.PolicyConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) configs(ctx context.Context, team, env string, first *int, after *string, minSeq *int) (*model.ConfigConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	cs, total, err := r.Queries.Configs(ctx, auth.From(ctx), team, env, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(cs, start, total, func(c string, x readmodel.Config) model.ConfigEdge {
		return model.ConfigEdge{Cursor: c, Node: *configOut(x)}
	})
	return &model.ConfigConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) secrets(ctx context.Context, team, env string, first *int, after *string, minSeq *int) (*model.SecretConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	ss, total, err := r.Queries.Secrets(ctx, auth.From(ctx), team, env, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(ss, start, total, func(c string, x readmodel.Secret) model.SecretEdge {
		return model.SecretEdge{Cursor: c, Node: *secretOut(x)}
	})
	return &model.SecretConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) routers(ctx context.Context, team, env string, first *int, after *string, minSeq *int) (*model.RouterConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	rs, total, err := r.Queries.Routers(ctx, auth.From(ctx), team, env, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(rs, start, total, func(c string, x readmodel.Router) model.RouterEdge {
		return model.RouterEdge{Cursor: c, Node: *routerOut(x)}
	})
	return &model.RouterConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}
