package subgraph

import (
	"context"

	"weft.dev/kernel/auth"
	"weft.dev/services/graph"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/infra/subgraph/model"
)

// clusters lists a team's clusters, scoped by the query to the caller's
// team; the read model reads only the page (graph.Window) in the order it
// keeps.
func (r *Resolver) clusters(ctx context.Context, team string, first *int, after *string, enrolled *bool, minSeq *int) (*model.ClusterConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	cs, total, err := r.Queries.Clusters(ctx, auth.From(ctx), team, enrolled, readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(cs, start, total, func(cur string, c readmodel.Cluster) model.ClusterEdge {
		return model.ClusterEdge{Cursor: cur, Node: *clusterOut(c)}
	})
	return &model.ClusterConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

func (r *Resolver) devices(ctx context.Context, team string, first *int, after *string, kind *model.DeviceKind, minSeq *int) (*model.DeviceConnection, error) {
	seq, start, n, err := listArgs(minSeq, first, after)
	if err != nil {
		return nil, err
	}
	ds, total, err := r.Queries.Devices(ctx, auth.From(ctx), team, kindIn(kind), readmodel.Window{Start: start, N: n}, seq)
	if err != nil {
		return nil, err
	}
	edges, info := graph.Edges(ds, start, total, func(cur string, d readmodel.Device) model.DeviceEdge {
		return model.DeviceEdge{Cursor: cur, Node: *deviceOut(d)}
	})
	return &model.DeviceConnection{Edges: edges, PageInfo: info, TotalCount: total}, nil
}

// listArgs checks a list's minSeq, first and after.
func listArgs(minSeq, first *int, after *string) (seq uint64, start, n int, err error) {
	if seq, err = graph.MinSeq(minSeq); err != nil {
		return 0, 0, 0, err
	}
	start, n, err = graph.Window(first, after)
	return seq, start, n, err
}
