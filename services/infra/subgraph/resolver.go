// Package subgraph is the infra GraphQL subgraph (schema
// schemas/graphql/infra.graphqls): the team network, clusters and devices,
// and a cluster's status live. The resolvers are thin: they take the
// caller from the context (graph.Authenticate put it there), call
// command.Handlers and readmodel.Queries, and convert their results. Every
// read is scoped to the team the caller acts in by the queries themselves.
package subgraph

//go:generate go tool gqlgen --config gqlgen.yml
//go:generate go run weft.dev/services/graph/cmd/sequential generated.go federation.go

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/schemas"
	"weft.dev/services/graph"
	"weft.dev/services/infra/command"
	"weft.dev/services/infra/domain"
	"weft.dev/services/infra/readmodel"
	"weft.dev/services/infra/subgraph/model"
	"weft.dev/services/platform"
)

// Name is the subgraph's name in paths and in weft.dev/schemas.
const Name = "infra"

// Resolver holds what the resolvers call.
type Resolver struct {
	Commands *command.Handlers
	Queries  *readmodel.Queries
	Store    *events.Store // for the subscriptions' Store.Watch
}

// NewHandler returns the subgraph's HTTP handler.
func NewHandler(h *command.Handlers, q *readmodel.Queries, store *events.Store, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) http.Handler {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Commands: h, Queries: q, Store: store}})
	return graph.NewHandler(Name, es, s, tp, log.With("subgraph", Name))
}

// Route mounts the subgraph at /subgraphs/infra/graphql (POST, and
// graphql-transport-ws on GET).
func Route(h *command.Handlers, q *readmodel.Queries, store *events.Store, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) platform.Route {
	return platform.Route{Pattern: "/subgraphs/" + Name + "/graphql", Handler: NewHandler(h, q, store, s, tp, log)}
}

// SDLRoute serves the schema at /subgraphs/infra/sdl.
func SDLRoute() platform.Route {
	return platform.Route{Pattern: "GET /subgraphs/" + Name + "/sdl", Handler: graph.SDLHandler(SDL())}
}

// SDL is the subgraph's schema.
func SDL() string {
	sdl, err := schemas.SDL(Name)
	if err != nil {
		// The schema is embedded at build time; its absence is a broken build.
		panic(err)
	}
	return sdl
}

func timeOut(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func kindOut(k domain.DeviceKind) model.DeviceKind {
	return model.DeviceKind(strings.ToUpper(string(k)))
}

func kindIn(k *model.DeviceKind) domain.DeviceKind {
	if k == nil {
		return ""
	}
	return domain.DeviceKind(strings.ToLower(string(*k)))
}

func statusOut(c readmodel.Cluster) model.ClusterStatus {
	s := model.ClusterStatus{ClusterID: c.ID, Enrolled: c.Enrolled, PublicKey: graph.Str(c.PublicKey), Endpoint: graph.Str(c.Endpoint), Seq: int(c.Seq),
		Kubernetes: graph.Str(c.Kubernetes)}
	// Null until the message office has recorded the agent at least once.
	if c.AgentReportedAt != nil {
		online, applied := c.Online, int(c.AppliedSeq)
		s.Online, s.AppliedSeq, s.LastHeartbeatAt = &online, &applied, c.AgentReportedAt
	}
	return s
}

func clusterOut(c readmodel.Cluster) *model.Cluster {
	return &model.Cluster{ID: c.ID, Name: c.Name, GatewayIP: c.GatewayIP, ServiceRange: c.ServiceRange, Enrolled: c.Enrolled,
		EnrolledAt: c.EnrolledAt, PublicKey: graph.Str(c.PublicKey), Endpoint: graph.Str(c.Endpoint),
		CreatedAt: timeOut(c.CreatedAt), UpdatedAt: timeOut(c.UpdatedAt), Status: statusOut(c)}
}

// clusterFromCommand is a command's cluster: what the aggregate knows,
// at seq, without the read model's timestamps or the agent's last report.
func clusterFromCommand(c domain.Cluster, seq uint64) model.Cluster {
	return model.Cluster{ID: c.ID, Name: c.Name, GatewayIP: c.GatewayIP, ServiceRange: c.ServiceRange, Enrolled: c.Enrolled,
		PublicKey: graph.Str(c.PublicKey), Endpoint: graph.Str(c.Endpoint),
		Status: model.ClusterStatus{ClusterID: c.ID, Enrolled: c.Enrolled, PublicKey: graph.Str(c.PublicKey), Endpoint: graph.Str(c.Endpoint),
			Seq: int(seq), Kubernetes: graph.Str(c.Kubernetes)}}
}

func deviceOut(d readmodel.Device) *model.Device {
	return &model.Device{ID: d.ID, Name: d.Name, Kind: kindOut(d.Kind), Owner: model.User{ID: d.Owner}, PublicKey: d.PublicKey,
		IP: d.IP, CreatedAt: timeOut(d.CreatedAt), UpdatedAt: timeOut(d.UpdatedAt)}
}

func deviceFromCommand(d domain.Device) model.Device {
	return model.Device{ID: d.ID, Name: d.Name, Kind: kindOut(d.Kind), Owner: model.User{ID: d.Owner}, PublicKey: d.PublicKey, IP: d.IP}
}

func ref(id, name *string) readmodel.Ref {
	return readmodel.Ref{ID: graph.Deref(id), Name: graph.Deref(name)}
}
