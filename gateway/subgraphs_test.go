package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	graphql "github.com/graph-gophers/graphql-go"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// The test subgraphs are small but real Federation v2 subgraphs over
// HTTP: accounts owns Team, infra adds Team.clusters and owns Cluster,
// console adds Cluster.apps and owns App (whose cluster name comes back
// from infra). Each verifies Weft-Principal like the real ones must, and
// records what the gateway sent it.

const fedLink = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external"])
`

const accountsSDL = fedLink + `
type Query {
  team(slug: String!): Team
  whoami: Whoami!
}

type Whoami {
  userId: String!
  team: String!
  role: String!
}

type Team @key(fields: "slug") {
  slug: String!
  displayName: String!
}
`

const infraSDL = fedLink + `
type Query {
  cluster(id: ID!): Cluster
}

type Team @key(fields: "slug") {
  slug: String!
  clusters: [Cluster!]!
}

type Cluster @key(fields: "id") {
  id: ID!
  name: String!
}
`

// infraSDLWithRegion is infra after a deploy that added Cluster.region.
const infraSDLWithRegion = fedLink + `
type Query {
  cluster(id: ID!): Cluster
}

type Team @key(fields: "slug") {
  slug: String!
  clusters: [Cluster!]!
}

type Cluster @key(fields: "id") {
  id: ID!
  name: String!
  region: String!
}
`

const consoleSDL = fedLink + `
type Query {
  app(id: ID!): App
}

type Mutation {
  createApp(cluster: ID!, name: String!): App!
}

type Subscription {
  appCreated: App!
}

type Cluster @key(fields: "id") {
  id: ID!
  apps: [App!]!
}

type App @key(fields: "id") {
  id: ID!
  name: String!
  cluster: Cluster!
}
`

// executable turns a subgraph SDL into the schema its server runs: the
// federation directives declared, _service and _entities added.
func executable(sdl string, entities ...string) string {
	s := strings.Replace(sdl, fedLink, "", 1)
	s = strings.Replace(s, "type Query {", "type Query {\n  _service: _Service!\n  _entities(representations: [_Any!]!): [_Entity]!", 1)
	return s + `
scalar _Any
type _Service { sdl: String! }
union _Entity = ` + strings.Join(entities, " | ") + `
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
`
}

// world is the data behind the three subgraphs.
type world struct {
	mu       sync.Mutex
	teams    map[string]string // slug -> display name
	clusters []cluster
	apps     []app
	subs     map[chan app]struct{}
	nextApp  int
	gate     chan struct{} // when set, accounts' team resolver waits for it
	entered  chan struct{} // signalled when a team resolver waits at the gate
}

type cluster struct{ id, name, team, region string }
type app struct{ id, name, cluster string }

func newWorld() *world {
	return &world{
		teams: map[string]string{"acme": "Acme Corp"},
		clusters: []cluster{
			{"c1", "eu-1", "acme", "europe-west"},
			{"c2", "us-1", "acme", "us-east"},
		},
		apps: []app{
			{"a1", "web", "c1"},
			{"a2", "api", "c1"},
			{"a3", "db", "c2"},
		},
		subs:    map[chan app]struct{}{},
		nextApp: 4,
	}
}

func (w *world) cluster(id string) (cluster, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.clusters {
		if c.id == id {
			return c, true
		}
	}
	return cluster{}, false
}

func (w *world) app(id string) (app, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, a := range w.apps {
		if a.id == id {
			return a, true
		}
	}
	return app{}, false
}

// codedError is an error a subgraph reports with extensions.code, like
// the services' fault errors.
type codedError struct {
	code  fault.Code
	field string
	msg   string
}

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Extensions() map[string]any {
	ext := map[string]any{"code": string(e.code)}
	if e.field != "" {
		ext["field"] = e.field
	}
	return ext
}

// any_ is the federation _Any scalar: an entity representation.
type any_ map[string]any

func (any_) ImplementsGraphQLType(name string) bool { return name == "_Any" }
func (a *any_) UnmarshalGraphQL(input any) error {
	m, ok := input.(map[string]any)
	if !ok {
		return fmt.Errorf("_Any: want an object, got %T", input)
	}
	*a = m
	return nil
}

func (a any_) str(k string) string { s, _ := a[k].(string); return s }

type service struct{ sdl string }

func (s service) Sdl() string { return s.sdl }

type entitiesArgs struct{ Representations []any_ }

// --- accounts ---

type accountsRoot struct {
	w   *world
	sdl string
}

type accountsTeam struct{ slug, name string }

func (t *accountsTeam) Slug() string        { return t.slug }
func (t *accountsTeam) DisplayName() string { return t.name }

type whoami struct{ p auth.Principal }

func (w whoami) UserId() string { return w.p.UserID }
func (w whoami) Team() string   { return w.p.Team }
func (w whoami) Role() string   { return string(w.p.Role) }

type accountsEntity struct{ t *accountsTeam }

func (e *accountsEntity) ToTeam() (*accountsTeam, bool) { return e.t, e.t != nil }

func (r *accountsRoot) Service() service { return service{r.sdl} }

func (r *accountsRoot) Team(ctx context.Context, args struct{ Slug string }) (*accountsTeam, error) {
	r.w.mu.Lock()
	gate, entered := r.w.gate, r.w.entered
	name, ok := r.w.teams[args.Slug]
	r.w.mu.Unlock()
	if gate != nil {
		entered <- struct{}{}
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if !ok {
		return nil, &codedError{code: fault.NotFound, msg: fmt.Sprintf("team %q not found", args.Slug)}
	}
	return &accountsTeam{args.Slug, name}, nil
}

func (r *accountsRoot) Whoami(ctx context.Context) whoami { return whoami{auth.From(ctx)} }

func (r *accountsRoot) Entities(args entitiesArgs) []*accountsEntity {
	out := make([]*accountsEntity, len(args.Representations))
	for i, rep := range args.Representations {
		r.w.mu.Lock()
		name, ok := r.w.teams[rep.str("slug")]
		r.w.mu.Unlock()
		if ok && rep.str("__typename") == "Team" {
			out[i] = &accountsEntity{&accountsTeam{rep.str("slug"), name}}
		} else {
			out[i] = &accountsEntity{}
		}
	}
	return out
}

// --- infra ---

type infraRoot struct {
	w   *world
	sdl func() string
}

type infraTeam struct {
	w    *world
	slug string
}

func (t *infraTeam) Slug() string { return t.slug }
func (t *infraTeam) Clusters() []*infraCluster {
	t.w.mu.Lock()
	defer t.w.mu.Unlock()
	var out []*infraCluster
	for _, c := range t.w.clusters {
		if c.team == t.slug {
			out = append(out, &infraCluster{c})
		}
	}
	return out
}

type infraCluster struct{ c cluster }

func (c *infraCluster) ID() graphql.ID { return graphql.ID(c.c.id) }
func (c *infraCluster) Name() string   { return c.c.name }
func (c *infraCluster) Region() string { return c.c.region }

type infraEntity struct {
	t *infraTeam
	c *infraCluster
}

func (e *infraEntity) ToTeam() (*infraTeam, bool)       { return e.t, e.t != nil }
func (e *infraEntity) ToCluster() (*infraCluster, bool) { return e.c, e.c != nil }

func (r *infraRoot) Service() service { return service{r.sdl()} }

func (r *infraRoot) Cluster(args struct{ ID graphql.ID }) (*infraCluster, error) {
	c, ok := r.w.cluster(string(args.ID))
	if !ok {
		return nil, &codedError{code: fault.NotFound, msg: fmt.Sprintf("cluster %q not found", args.ID)}
	}
	return &infraCluster{c}, nil
}

func (r *infraRoot) Entities(args entitiesArgs) []*infraEntity {
	out := make([]*infraEntity, len(args.Representations))
	for i, rep := range args.Representations {
		out[i] = &infraEntity{}
		switch rep.str("__typename") {
		case "Team":
			out[i].t = &infraTeam{r.w, rep.str("slug")}
		case "Cluster":
			if c, ok := r.w.cluster(rep.str("id")); ok {
				out[i].c = &infraCluster{c}
			}
		}
	}
	return out
}

// --- console ---

type consoleRoot struct{ w *world }

type consoleCluster struct {
	w  *world
	id string
}

func (c *consoleCluster) ID() graphql.ID { return graphql.ID(c.id) }
func (c *consoleCluster) Apps() []*consoleApp {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	var out []*consoleApp
	for _, a := range c.w.apps {
		if a.cluster == c.id {
			out = append(out, &consoleApp{c.w, a})
		}
	}
	return out
}

type consoleApp struct {
	w *world
	a app
}

func (a *consoleApp) ID() graphql.ID           { return graphql.ID(a.a.id) }
func (a *consoleApp) Name() string             { return a.a.name }
func (a *consoleApp) Cluster() *consoleCluster { return &consoleCluster{a.w, a.a.cluster} }

type consoleEntity struct {
	c *consoleCluster
	a *consoleApp
}

func (e *consoleEntity) ToCluster() (*consoleCluster, bool) { return e.c, e.c != nil }
func (e *consoleEntity) ToApp() (*consoleApp, bool)         { return e.a, e.a != nil }

func (r *consoleRoot) Service() service { return service{consoleSDL} }

func (r *consoleRoot) App(args struct{ ID graphql.ID }) (*consoleApp, error) {
	a, ok := r.w.app(string(args.ID))
	if !ok {
		return nil, &codedError{code: fault.NotFound, msg: fmt.Sprintf("app %q not found", args.ID)}
	}
	return &consoleApp{r.w, a}, nil
}

func (r *consoleRoot) CreateApp(ctx context.Context, args struct {
	Cluster graphql.ID
	Name    string
}) (*consoleApp, error) {
	if args.Name == "" {
		return nil, &codedError{code: fault.Invalid, field: "name", msg: "name: must not be empty"}
	}
	if _, ok := r.w.cluster(string(args.Cluster)); !ok {
		return nil, &codedError{code: fault.NotFound, msg: fmt.Sprintf("cluster %q not found", args.Cluster)}
	}
	if p := auth.From(ctx); p.Team == "" {
		return nil, &codedError{code: fault.Forbidden, msg: "creating an app needs a team"}
	}
	r.w.mu.Lock()
	a := app{fmt.Sprintf("a%d", r.w.nextApp), args.Name, string(args.Cluster)}
	r.w.nextApp++
	r.w.apps = append(r.w.apps, a)
	for ch := range r.w.subs {
		select {
		case ch <- a:
		default: // a slow subscriber misses events rather than blocking writers
		}
	}
	r.w.mu.Unlock()
	return &consoleApp{r.w, a}, nil
}

func (r *consoleRoot) AppCreated(ctx context.Context) <-chan *consoleApp {
	in := make(chan app, 16)
	out := make(chan *consoleApp)
	r.w.mu.Lock()
	r.w.subs[in] = struct{}{}
	r.w.mu.Unlock()
	go func() {
		defer close(out)
		defer func() {
			r.w.mu.Lock()
			delete(r.w.subs, in)
			r.w.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case a := <-in:
				select {
				case out <- &consoleApp{r.w, a}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (r *consoleRoot) Entities(args entitiesArgs) []*consoleEntity {
	out := make([]*consoleEntity, len(args.Representations))
	for i, rep := range args.Representations {
		out[i] = &consoleEntity{}
		switch rep.str("__typename") {
		case "Cluster":
			out[i].c = &consoleCluster{r.w, rep.str("id")}
		case "App":
			if a, ok := r.w.app(rep.str("id")); ok {
				out[i].a = &consoleApp{r.w, a}
			}
		}
	}
	return out
}

// --- the HTTP/websocket server of a subgraph ---

// seen is one request a subgraph received.
type seen struct {
	principal auth.Principal
	query     string
	reps      int    // representations in an _entities call
	parent    string // the W3C traceparent header it came with
}

type subgraph struct {
	name   string
	signer *auth.Signer
	schema atomic.Pointer[graphql.Schema]
	sdl    atomic.Pointer[string]
	srv    *httptest.Server
	mux    *http.ServeMux
	// overHTTP counts GraphQL requests that came over the network; an
	// in-process call goes to mux directly.
	overHTTP atomic.Int64

	mu       sync.Mutex
	requests []seen
}

func newSubgraph(t testing.TB, name string, signer *auth.Signer, sdl string, schema *graphql.Schema) *subgraph {
	s := &subgraph{name: name, signer: signer}
	s.schema.Store(schema)
	s.sdl.Store(&sdl)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /subgraphs/"+name+"/sdl", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(*s.sdl.Load()))
	})
	mux.HandleFunc("/subgraphs/"+name+"/graphql", s.serve)
	s.mux = mux
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/graphql") {
			s.overHTTP.Add(1)
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subgraph) url() string { return s.srv.URL + "/subgraphs/" + s.name + "/graphql" }

// swap replaces the subgraph's schema, as a deploy would.
func (s *subgraph) swap(sdl string, schema *graphql.Schema) {
	s.schema.Store(schema)
	s.sdl.Store(&sdl)
}

func (s *subgraph) seen() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.requests...)
}

func (s *subgraph) reset() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

func (s *subgraph) serve(w http.ResponseWriter, r *http.Request) {
	p, err := s.signer.Verify(r.Header.Get(auth.Header))
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"errors":[{"message":"no valid principal","extensions":{"code":"UNAUTHENTICATED"}}]}`))
		return
	}
	ctx := auth.With(r.Context(), p)
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.serveWS(ctx, w, r, p)
		return
	}
	var req gqlRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reps := 0
	if list, ok := req.Variables["representations"].([]any); ok {
		reps = len(list)
	}
	s.mu.Lock()
	s.requests = append(s.requests, seen{principal: p, query: req.Query, reps: reps, parent: r.Header.Get("traceparent")})
	s.mu.Unlock()
	resp := s.schema.Load().Exec(ctx, req.Query, req.OperationName, req.Variables)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// serveWS speaks the server side of graphql-transport-ws, enough for the
// gateway's subscription client.
func (s *subgraph) serveWS(ctx context.Context, w http.ResponseWriter, r *http.Request, p auth.Principal) {
	up := ws.HTTPUpgrader{Protocol: func(p string) bool { return p == "graphql-transport-ws" }}
	conn, _, _, err := up.Upgrade(r, w)
	if err != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wmu sync.Mutex
	send := func(m map[string]any) {
		raw, _ := json.Marshal(m)
		wmu.Lock()
		defer wmu.Unlock()
		_ = wsutil.WriteServerMessage(conn, ws.OpText, raw)
	}
	go func() {
		defer cancel()
		defer conn.Close()
		for {
			data, op, err := wsutil.ReadClientData(conn)
			if err != nil {
				return
			}
			if op != ws.OpText {
				continue
			}
			var m struct {
				ID      string     `json:"id"`
				Type    string     `json:"type"`
				Payload gqlRequest `json:"payload"`
			}
			if json.Unmarshal(data, &m) != nil {
				return
			}
			switch m.Type {
			case "connection_init":
				send(map[string]any{"type": "connection_ack"})
			case "ping":
				send(map[string]any{"type": "pong"})
			case "subscribe":
				s.mu.Lock()
				s.requests = append(s.requests, seen{principal: p, query: m.Payload.Query, parent: r.Header.Get("traceparent")})
				s.mu.Unlock()
				events, err := s.schema.Load().Subscribe(ctx, m.Payload.Query, m.Payload.OperationName, m.Payload.Variables)
				if err != nil {
					send(map[string]any{"id": m.ID, "type": "error", "payload": []map[string]any{{"message": err.Error()}}})
					continue
				}
				go func(id string) {
					for ev := range events {
						send(map[string]any{"id": id, "type": "next", "payload": ev})
					}
					send(map[string]any{"id": id, "type": "complete"})
				}(m.ID)
			case "complete":
				// One subscription per connection in these tests: the
				// gateway opens a connection per upstream subscription.
				return
			}
		}
	}()
}

// subgraphs is the three of them over one world.
type subgraphs struct {
	world                    *world
	accounts, infra, console *subgraph
	signer                   *auth.Signer
}

func startSubgraphs(t testing.TB, signer *auth.Signer) *subgraphs {
	t.Helper()
	w := newWorld()
	must := func(s *graphql.Schema, err error) *graphql.Schema {
		t.Helper()
		if err != nil {
			t.Fatalf("subgraph schema: %v", err)
		}
		return s
	}
	sg := &subgraphs{world: w, signer: signer}
	sg.accounts = newSubgraph(t, "accounts", signer, accountsSDL,
		must(graphql.ParseSchema(executable(accountsSDL, "Team"), &accountsRoot{w: w, sdl: accountsSDL})))
	infra := &infraRoot{w: w}
	sg.infra = newSubgraph(t, "infra", signer, infraSDL,
		must(graphql.ParseSchema(executable(infraSDL, "Team", "Cluster"), infra)))
	infra.sdl = func() string { return *sg.infra.sdl.Load() }
	sg.console = newSubgraph(t, "console", signer, consoleSDL,
		must(graphql.ParseSchema(executable(consoleSDL, "Cluster", "App"), &consoleRoot{w: w}, graphql.UseFieldResolvers())))
	return sg
}

// deployInfraRegion makes infra serve Cluster.region, as a new release would.
func (sg *subgraphs) deployInfraRegion(t testing.TB) { sg.deployInfra(t, infraSDLWithRegion) }

// undeployInfraRegion rolls infra back to the release without region.
func (sg *subgraphs) undeployInfraRegion(t testing.TB) { sg.deployInfra(t, infraSDL) }

func (sg *subgraphs) deployInfra(t testing.TB, sdl string) {
	t.Helper()
	root := &infraRoot{w: sg.world, sdl: func() string { return *sg.infra.sdl.Load() }}
	schema, err := graphql.ParseSchema(executable(sdl, "Team", "Cluster"), root)
	if err != nil {
		t.Fatalf("infra schema: %v", err)
	}
	sg.infra.swap(sdl, schema)
}

func (sg *subgraphs) all() []*subgraph { return []*subgraph{sg.accounts, sg.infra, sg.console} }

func (sg *subgraphs) reset() {
	for _, s := range sg.all() {
		s.reset()
	}
}

func (sg *subgraphs) total() int {
	n := 0
	for _, s := range sg.all() {
		n += len(s.seen())
	}
	return n
}

// tokens is the test's Authenticator: API tokens issued to users, with
// their role per team, resolved the way the accounts service does.
type tokens map[string]struct {
	user  string
	roles map[string]auth.Role
}

func (tk tokens) Authenticate(_ context.Context, token, team string) (auth.Principal, error) {
	u, ok := tk[token]
	if !ok {
		return auth.Principal{}, &fault.Error{Code: fault.Unauthenticated, Msg: "invalid API token"}
	}
	if team == "" {
		return auth.Principal{UserID: u.user}, nil
	}
	role, ok := u.roles[team]
	if !ok {
		return auth.Principal{}, fault.NotFoundf("team %q", team)
	}
	return auth.Principal{UserID: u.user, Team: team, Role: role}, nil
}
