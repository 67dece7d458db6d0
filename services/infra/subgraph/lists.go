package subgraph

import (
	"context"
	"slices"

	"weft.dev/kernel/auth"
	"weft.dev/services/graph"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/infra/subgraph/model"
)

// clusters lists a team's clusters, scoped by the query to the caller's team.
func (r *Resolver) clusters(ctx context.Context, team string, first *int, after *string, enrolled *bool, minSeq *int) (*model.ClusterConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	cs, err := r.Queries.Clusters(ctx, auth.From(ctx), team, seq)
	if err != nil {
		return nil, err
	}
	if enrolled != nil {
		cs = slices.DeleteFunc(cs, func(c readmodel.Cluster) bool { return c.Enrolled != *enrolled })
	}
	edges, info, err := graph.Paginate(cs, first, after, func(cur string, c readmodel.Cluster) model.ClusterEdge {
		return model.ClusterEdge{Cursor: cur, Node: *clusterOut(c)}
	})
	if err != nil {
		return nil, err
	}
	return &model.ClusterConnection{Edges: edges, PageInfo: info, TotalCount: len(cs)}, nil
}
func (r *Resolver) devices(ctx context.Context, team string, first *int, after *string, kind *model.DeviceKind, minSeq *int) (*model.DeviceConnection, error) {
	seq, err := graph.MinSeq(minSeq)
	if err != nil {
		return nil, err
	}
	ds, err := r.Queries.Devices(ctx, auth.From(ctx), team, seq)
	if err != nil {
		return nil, err
	}
	if k := kindIn(kind); k != "" {
		ds = slices.DeleteFunc(ds, func(d readmodel.Device) bool { return d.Kind != k })
	}
	edges, info, err := graph.Paginate(ds, first, after, func(cur string, d readmodel.Device) model.DeviceEdge {
		return model.DeviceEdge{Cursor: cur, Node: *deviceOut(d)}
	})
	if err != nil {
		return nil, err
	}
	return &model.DeviceConnection{Edges: edges, PageInfo: info, TotalCount: len(ds)}, nil
}
