// Package subgraph is the accounts GraphQL subgraph (schema
// schemas/graphql/accounts.graphqls): teams, users, memberships and API
// tokens. The resolvers are thin: they take the caller from the context
// (graph.Authenticate put it there), call command.Handlers and
// readmodel.Queries, and convert their results. Every read is scoped by the
// queries themselves; "the team" is always the team the caller acts in.
package subgraph

//go:generate go tool gqlgen --config gqlgen.yml
//go:generate go run weft.dev/services/graph/cmd/sequential generated.go federation.go

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"

	"weft.dev/kernel/auth"
	"weft.dev/schemas"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/accounts/subgraph/model"
	"weft.dev/services/graph"
	"weft.dev/services/platform"
)

// Name is the subgraph's name in paths and in weft.dev/schemas.
const Name = "accounts"

// Resolver holds what the resolvers call.
type Resolver struct {
	Commands *command.Handlers
	Queries  *readmodel.Queries
	// Replay issues the NATS user behind an audit grant; nil where weft
	// issues no NATS credentials (an external NATS).
	Replay ReplayIssuer
}

// ReplayIssuer makes the NATS user that stands for audit grant id of
// team (package accounts, on the embedded broker).
type ReplayIssuer interface {
	IssueReplay(team, id string) (ReplayUser, error)
}

// ReplayUser is what a replay client needs: where, who, and the prefixes
// weft's guard checks.
type ReplayUser struct {
	NATSURL, User, Password                string
	APIPrefix, InboxPrefix, ConsumerPrefix string
	Stream, Subjects                       string
}

// withdrawn waits until this process's read model applied seq, a mutation
// that takes access away (a revoked token, a removed member, a lower
// role). The authenticator reads the model, so once the mutation answers
// the access is refused here.
func (r *Resolver) withdrawn(ctx context.Context, seq uint64) error {
	if err := r.Queries.WaitFor(ctx, seq); err != nil {
		return fmt.Errorf("recorded at %d, not yet in effect here: %w", seq, err)
	}
	return nil
}

// NewHandler returns the subgraph's HTTP handler.
func NewHandler(h *command.Handlers, q *readmodel.Queries, replay ReplayIssuer, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) http.Handler {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Commands: h, Queries: q, Replay: replay}})
	return graph.NewHandler(Name, es, s, tp, log.With("subgraph", Name))
}

// Route mounts the subgraph at /subgraphs/accounts/graphql (POST, and
// graphql-transport-ws on GET).
func Route(h *command.Handlers, q *readmodel.Queries, replay ReplayIssuer, s *auth.Signer, tp trace.TracerProvider, log *slog.Logger) platform.Route {
	return platform.Route{Pattern: "/subgraphs/" + Name + "/graphql", Handler: NewHandler(h, q, replay, s, tp, log)}
}

// SDLRoute serves the schema at /subgraphs/accounts/sdl.
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

func invitationsOut(is []readmodel.Invitation) []model.Invitation {
	out := make([]model.Invitation, len(is))
	for i, v := range is {
		out[i] = model.Invitation{Team: v.Team, Username: v.Username, Role: roleOut(v.Role)}
	}
	return out
}

func roleOut(r auth.Role) model.Role { return model.Role(strings.ToUpper(string(r))) }

func roleIn(r *model.Role) auth.Role {
	if r == nil {
		return ""
	}
	return auth.Role(strings.ToLower(string(*r)))
}

func timeOut(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func teamOut(t readmodel.Team) *model.Team {
	return &model.Team{Slug: t.Slug, DisplayName: t.DisplayName, CreatedAt: timeOut(t.CreatedAt), UpdatedAt: timeOut(t.UpdatedAt), MemberList: t.Members}
}

func teamFromCommand(t command.Team) *model.Team {
	out := &model.Team{Slug: t.Slug, DisplayName: t.DisplayName}
	for _, m := range t.Members {
		out.MemberList = append(out.MemberList, readmodel.Member{UserID: m.UserID, Role: m.Role})
	}
	return out
}

func userOut(u readmodel.User) *model.User {
	return &model.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Superuser: u.Superuser, CreatedAt: timeOut(u.CreatedAt)}
}

func tokenOut(t readmodel.Token) model.Token {
	return model.Token{ID: t.ID, UserID: t.UserID, Name: graph.Str(t.Name), ExpiresAt: t.ExpiresAt, Bootstrap: t.Bootstrap,
		Revoked: t.Revoked, RevokedAt: t.RevokedAt, CreatedAt: timeOut(t.CreatedAt)}
}

func tokenFromCommand(t command.Token) model.Token {
	return model.Token{ID: t.ID, UserID: t.UserID, Name: graph.Str(t.Name), ExpiresAt: t.ExpiresAt, Bootstrap: t.Bootstrap, Revoked: t.Revoked}
}

func memberInput(team string, in model.MemberInput) command.MemberInput {
	return command.MemberInput{Team: team, UserID: graph.Deref(in.UserID), Username: graph.Deref(in.Username), Role: roleIn(in.Role)}
}
