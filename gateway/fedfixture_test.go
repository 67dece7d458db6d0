package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	graphql "github.com/graph-gophers/graphql-go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/astparser"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
)

// The federation cases (fed*_test.go) each compose a few small subgraphs of
// their own. A fixture subgraph is a real GraphQL server over HTTP: it
// validates every request against its own schema (graph-gophers, not the
// library the gateway plans with, so a request the gateway built wrongly is
// caught by someone else's reading of GraphQL), then executes the selection
// over plain Go data. It records the requests it refused, and each case
// fails on any.

// fedV2 is the @link every Federation v2 fixture starts with.
const fedV2 = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@provides", "@requires", "@inaccessible", "@interfaceObject", "@override", "@tag"])
`

// obj is an object of a fixture's data: its fields by name, with
// "__typename". A field's value may be a func(args map[string]any) any,
// called with the field's arguments.
type obj = map[string]any

// fixture describes one subgraph.
type fixture struct {
	name string
	sdl  string
	// root holds the Query (and Mutation) fields.
	root obj
	// entity resolves one representation to its object, nil if unknown.
	entity func(rep obj) obj
}

type fixtureServer struct {
	fixture
	t        testing.TB
	srv      *httptest.Server
	schema   *graphql.Schema // what requests are validated against
	possible map[string]map[string]bool

	mu      sync.Mutex
	queries []string
	refused []string
}

// serveFixture starts f on loopback.
func serveFixture(t testing.TB, f fixture) *fixtureServer {
	t.Helper()
	s := &fixtureServer{fixture: f, t: t, possible: possibleTypes(t, f.sdl)}
	exe := executableFixtureSDL(f.sdl, s.entityTypes())
	schema, err := graphql.ParseSchema(exe, nil)
	if err != nil {
		t.Fatalf("fixture %s: its schema does not parse: %v\n%s", f.name, err, exe)
	}
	s.schema = schema
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// entityTypes are the types with @key (resolvable or not), for _Entity.
func (s *fixtureServer) entityTypes() []string {
	var names []string
	re := regexp.MustCompile(`(?m)^(?:extend\s+)?type\s+(\w+)[^{]*@key`)
	for _, m := range re.FindAllStringSubmatch(s.sdl, -1) {
		names = append(names, m[1])
	}
	return names
}

// executableFixtureSDL is the schema the fixture's server validates
// against: the SDL without @link, Federation 1 extensions made types, the
// federation directives declared, _service and _entities added.
func executableFixtureSDL(sdl string, entities []string) string {
	var b strings.Builder
	for _, line := range strings.Split(sdl, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "extend schema") {
			continue
		}
		line = strings.Replace(line, "extend type ", "type ", 1)
		line = strings.Replace(line, "extend interface ", "interface ", 1)
		line = strings.Replace(line, "extend union ", "union ", 1)
		b.WriteString(line + "\n")
	}
	s := b.String()
	root := "type Query {\n  _service: _Service!\n"
	if len(entities) > 0 {
		root += "  _entities(representations: [_Any!]!): [_Entity]!\n"
		s += "union _Entity = " + strings.Join(entities, " | ") + "\n"
	}
	if strings.Contains(s, "type Query {") {
		s = strings.Replace(s, "type Query {", root, 1)
	} else {
		s += root + "}\n"
	}
	return s + `
scalar _Any
scalar FieldSet
type _Service { sdl: String! }
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @override(from: String!) on FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
`
}

// possibleTypes maps each abstract type of sdl to its object types, and
// each object type to itself.
func possibleTypes(t testing.TB, sdl string) map[string]map[string]bool {
	doc, rep := astparser.ParseGraphqlDocumentString(sdl)
	if rep.HasErrors() {
		t.Fatalf("parse fixture SDL: %v", rep)
	}
	out := map[string]map[string]bool{}
	add := func(abstract, concrete string) {
		if out[abstract] == nil {
			out[abstract] = map[string]bool{}
		}
		out[abstract][concrete] = true
	}
	objects := func(name string, ifaces ast.TypeList) {
		add(name, name)
		for _, i := range ifaces.Refs {
			add(doc.TypeNameString(i), name)
		}
	}
	for i := range doc.ObjectTypeDefinitions {
		objects(doc.ObjectTypeDefinitionNameString(i), doc.ObjectTypeDefinitions[i].ImplementsInterfaces)
	}
	for i := range doc.ObjectTypeExtensions {
		objects(doc.ObjectTypeExtensionNameString(i), doc.ObjectTypeExtensions[i].ImplementsInterfaces)
	}
	for i := range doc.UnionTypeDefinitions {
		for _, m := range doc.UnionTypeDefinitions[i].UnionMemberTypes.Refs {
			add(doc.UnionTypeDefinitionNameString(i), doc.TypeNameString(m))
		}
	}
	for _, ext := range doc.UnionTypeExtensions {
		for _, m := range ext.UnionMemberTypes.Refs {
			add(doc.Input.ByteSliceString(ext.Name), doc.TypeNameString(m))
		}
	}
	return out
}

func (s *fixtureServer) url() string { return s.srv.URL + "/graphql" }

func (s *fixtureServer) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.queries = append(s.queries, req.Query)
	s.mu.Unlock()
	if errs := s.schema.ValidateWithVariables(req.Query, req.Variables); len(errs) > 0 {
		s.mu.Lock()
		s.refused = append(s.refused, fmt.Sprintf("%s: %v", req.Query, errs))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": fmt.Sprint(errs)}}})
		return
	}
	data, errs := s.execute(req.Query, req.Variables)
	out := map[string]any{"data": data}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// execute runs the (valid) operation over the fixture's data.
func (s *fixtureServer) execute(query string, vars map[string]any) (any, []obj) {
	doc, rep := astparser.ParseGraphqlDocumentString(query)
	if rep.HasErrors() || len(doc.OperationDefinitions) == 0 {
		return nil, []obj{{"message": fmt.Sprintf("parse: %v", rep)}}
	}
	x := &executor{s: s, doc: &doc, vars: vars}
	root := obj{"__typename": "Query"}
	for k, v := range s.root {
		root[k] = v
	}
	root["_service"] = obj{"__typename": "_Service", "sdl": s.sdl}
	root["_entities"] = func(args obj) any {
		reps, _ := args["representations"].([]any)
		out := make([]any, len(reps))
		for i, r := range reps {
			rep, _ := r.(obj)
			if s.entity != nil && rep != nil {
				if e := s.entity(rep); e != nil {
					out[i] = e
				}
			}
		}
		return out
	}
	return x.selection(doc.OperationDefinitions[0].SelectionSet, root, nil), x.errs
}

type executor struct {
	s    *fixtureServer
	doc  *ast.Document
	vars map[string]any
	errs []obj
}

func (x *executor) selection(set int, o obj, path []any) obj {
	out := obj{}
	x.collect(set, o, path, out)
	return out
}

func (x *executor) collect(set int, o obj, path []any, out obj) {
	typ, _ := o["__typename"].(string)
	for _, sel := range x.doc.SelectionSets[set].SelectionRefs {
		s := x.doc.Selections[sel]
		switch s.Kind {
		case ast.SelectionKindInlineFragment:
			if x.doc.InlineFragmentHasTypeCondition(s.Ref) && !x.s.possible[x.doc.InlineFragmentTypeConditionNameString(s.Ref)][typ] {
				continue
			}
			x.collect(x.doc.InlineFragments[s.Ref].SelectionSet, o, path, out)
		case ast.SelectionKindField:
			name, key := x.doc.FieldNameString(s.Ref), x.doc.FieldAliasOrNameString(s.Ref)
			v := o[name]
			if f, ok := v.(func(obj) any); ok {
				v = f(x.args(s.Ref))
			}
			if err, ok := v.(error); ok {
				x.errs = append(x.errs, obj{"message": err.Error(), "path": append(append([]any{}, path...), key)})
				v = nil
			}
			if x.doc.FieldHasSelections(s.Ref) {
				v = x.value(x.doc.Fields[s.Ref].SelectionSet, v, append(append([]any{}, path...), key))
			}
			out[key] = v
		}
	}
}

func (x *executor) value(set int, v any, path []any) any {
	switch v := v.(type) {
	case obj:
		return x.selection(set, v, path)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = x.value(set, e, append(append([]any{}, path...), i))
		}
		return out
	case []obj:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = x.value(set, e, append(append([]any{}, path...), i))
		}
		return out
	}
	return v
}

func (x *executor) args(field int) obj {
	out := obj{}
	for _, a := range x.doc.Fields[field].Arguments.Refs {
		val := x.doc.ArgumentValue(a)
		if val.Kind == ast.ValueKindVariable {
			out[x.doc.ArgumentNameString(a)] = x.vars[x.doc.VariableValueNameString(val.Ref)]
			continue
		}
		raw, err := x.doc.ValueToJSON(val)
		if err != nil {
			continue
		}
		var v any
		_ = json.Unmarshal(raw, &v)
		out[x.doc.ArgumentNameString(a)] = v
	}
	return out
}

// fedCase is a gateway composed from fixtures.
type fedCase struct {
	t    testing.TB
	fx   []*fixtureServer
	gw   *gateway.Gateway
	srv  *httptest.Server
	harn *harness
}

// composeFixtures serves fixtures and a gateway composed from them; it
// fails the test when they do not compose.
func composeFixtures(t testing.TB, fixtures ...fixture) *fedCase {
	t.Helper()
	c, err := tryComposeFixtures(t, fixtures...)
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	return c
}

// tryComposeFixtures is composeFixtures that returns the composition's
// error instead.
func tryComposeFixtures(t testing.TB, fixtures ...fixture) (*fedCase, error) {
	t.Helper()
	signer, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	c := &fedCase{t: t}
	var subs []gateway.Subgraph
	for _, f := range fixtures {
		s := serveFixture(t, f)
		c.fx = append(c.fx, s)
		sdl := f.sdl
		subs = append(subs, gateway.Subgraph{Name: f.name, URL: s.url(), SDL: func(context.Context) (string, error) { return sdl, nil }})
	}
	gw, err := gateway.New(gateway.Config{
		Subgraphs:     subs,
		Authenticator: testTokens,
		Signer:        signer,
		Registry:      prometheus.NewRegistry(),
		PollInterval:  -1,
		Logger:        fixtureLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Refresh composes once, synchronously, and says why it could not.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := gw.Refresh(ctx); err != nil {
		return nil, err
	}
	if err := gw.Start(ctx); err != nil {
		t.Fatal(err)
	}
	c.gw = gw
	c.srv = httptest.NewServer(gw.Handler())
	t.Cleanup(func() {
		c.srv.Close()
		_ = gw.Close()
		for _, f := range c.fx {
			f.mu.Lock()
			for _, q := range f.refused {
				t.Errorf("subgraph %s refused a request the gateway built: %s", f.name, q)
			}
			f.mu.Unlock()
		}
	})
	c.harn = &harness{t: t, gw: gw, srv: c.srv}
	return c, nil
}

// fixtureLogger shows the gateway's errors (an internal error's details
// are only logged) when the tests run with -v.
func fixtureLogger() *slog.Logger {
	if !testing.Verbose() {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

func (c *fedCase) query(q string, vars map[string]any) response {
	c.t.Helper()
	return c.harn.query(alice, q, vars)
}

// data asserts the response has no error and its data is want (JSON,
// compared as values).
func (r response) wantData(t testing.TB, want string) {
	t.Helper()
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("status %d, errors %+v, data %s", r.status, r.Errors, r.Data)
	}
	r.wantDataOnly(t, want)
}

// wantDataOnly compares data, whatever errors came with it.
func (r response) wantDataOnly(t testing.TB, want string) {
	t.Helper()
	var got, exp any
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	g, _ := json.Marshal(got)
	e, _ := json.Marshal(exp)
	if string(g) != string(e) {
		t.Fatalf("data = %s\nwant   %s", g, e)
	}
}

// count is how many requests the fixture has answered.
func (s *fixtureServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queries)
}
