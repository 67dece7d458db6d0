package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/fx"

	"weft.dev/gateway"
	"weft.dev/services/accounts/command"
	"weft.dev/services/platform"
)

// introspection asks the composed schema for what the generator needs: every
// type's fields with their arguments, input fields and enum values.
const introspection = `{ __schema {
	queryType { name } mutationType { name } subscriptionType { name }
	types { kind name
		fields { name args { name type { ...T } } type { ...T } }
		inputFields { name type { ...T } }
		enumValues { name }
	}
} }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`

type typeRef struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name"`
	OfType *typeRef `json:"ofType"`
}

// named is the type under any NON_NULL and LIST wrappers.
func (r typeRef) named() typeRef {
	for r.OfType != nil {
		r = *r.OfType
	}
	return r
}

type inputValue struct {
	Name string  `json:"name"`
	Type typeRef `json:"type"`
}

type field struct {
	Name string       `json:"name"`
	Args []inputValue `json:"args"`
	Type typeRef      `json:"type"`
}

type schemaType struct {
	Kind        string       `json:"kind"`
	Name        string       `json:"name"`
	Fields      []field      `json:"fields"`
	InputFields []inputValue `json:"inputFields"`
	EnumValues  []struct {
		Name string `json:"name"`
	} `json:"enumValues"`
}

// generator builds one request per root field from the composed schema,
// filling arguments with the victim team's real ids and names so each
// request aims at the victim's data.
type generator struct {
	types map[string]schemaType
	// ids maps a resource keyword (app, cluster, ...) to the victim's id.
	ids map[string]string
	// names maps a resource keyword to the victim's name for it.
	names map[string]string
	// extra holds what the schema cannot say, by "field.argument": which
	// of two optional arguments to give, what a free string names.
	extra map[string]string
	// secret is the victim's cluster enrolment secret.
	secret string
	// aimed records whether the request being built names a victim resource.
	aimed bool
}

// resourceOf finds the resource a field or argument is about from its name:
// "deleteApp" and "appId" are about the app. Longer keywords win so that
// "deleteEnvironment" is not read as something shorter.
func (g *generator) resourceOf(name string) string {
	lower := strings.ToLower(name)
	best := ""
	for k := range g.ids {
		if strings.Contains(lower, k) && len(k) > len(best) {
			best = k
		}
	}
	return best
}

// value builds a GraphQL literal for an argument or input field; owner is
// the field or input type it belongs to, which names the resource when the
// argument itself is just "id" or "name".
func (g *generator) value(owner, name string, t typeRef, required bool) (string, bool, error) {
	if v, ok := g.extra[owner+"."+name]; ok {
		g.aimed = true
		return v, true, nil
	}
	if t.Kind == "NON_NULL" {
		return g.value(owner, name, *t.OfType, true)
	}
	if t.Kind == "LIST" {
		if !required {
			return "", false, nil
		}
		v, ok, err := g.value(owner, name, *t.OfType, true)
		if err != nil || !ok {
			return "", ok, err
		}
		return "[" + v + "]", true, nil
	}
	lower := strings.ToLower(name)
	// An id-like argument names a victim resource whether or not it is
	// required: cluster(id:), tokens(userId:) and the like must be probed.
	if t.Name == "ID" || (t.Name == "String" && strings.HasSuffix(lower, "id")) {
		res := g.resourceOf(strings.TrimSuffix(lower, "id"))
		if res == "" || lower == "id" {
			res = g.resourceOf(owner)
		}
		if id, ok := g.ids[res]; ok && res != "" {
			// A user belongs to no team: what a team owns is its
			// memberships, and membership mutations act on the
			// caller's own team, so naming a user aims at nothing of
			// team A (tokens minted for team A's users are checked
			// apart, below).
			if res != "user" && res != "member" {
				g.aimed = true
			}
			return jsonString(id), true, nil
		}
		if !required {
			return "", false, nil
		}
		return jsonString("0000000000000000000000000"), true, nil
	}
	if !required {
		return "", false, nil
	}
	switch t.Kind {
	case "SCALAR":
		switch t.Name {
		case "String":
			switch {
			case lower == "name" && strings.HasPrefix(owner, "create"):
				// A create names a new resource of the caller's team;
				// team A's name there is no reference to team A.
				return jsonString("probe-new"), true, nil
			case lower == "slug" && !strings.HasPrefix(owner, "create"):
				// deleteTeam names the team it deletes: aim it at team A.
				if n, ok := g.names["team"]; ok {
					g.aimed = true
					return jsonString(n), true, nil
				}
				return jsonString("probe-slug"), true, nil
			case lower == "env" || lower == "username" || lower == "name" || lower == "aggregatetype":
				res := g.resourceOf(owner)
				if lower == "env" {
					res = "environment"
				}
				if lower == "username" {
					res = "user"
				}
				if n, ok := g.names[res]; ok {
					// As for ids above: a user belongs to no team, and
					// naming one (an invitation into the caller's own
					// team) aims at nothing of team A.
					g.aimed = g.aimed || res != "user"
					return jsonString(n), true, nil
				}
				return jsonString("probe-" + lower), true, nil
			case lower == "secret" && g.secret != "":
				// The real secret: knowing it must still not let
				// another team act on the resource.
				g.aimed = true
				return jsonString(g.secret), true, nil
			case lower == "publickey":
				return jsonString(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))), true, nil
			case lower == "backends" || lower == "endpoint":
				return jsonString("10.0.0.1:8080"), true, nil
			default:
				return jsonString("probe"), true, nil
			}
		case "Int":
			return "80", true, nil
		case "Boolean":
			return "true", true, nil
		case "Time":
			return jsonString(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), true, nil
		}
		return "", false, fmt.Errorf("argument %s.%s has scalar type %s the generator does not know; teach authz_test.go's generator.value", owner, name, t.Name)
	case "ENUM":
		st := g.types[t.Name]
		if len(st.EnumValues) == 0 {
			return "", false, fmt.Errorf("enum %s has no values", t.Name)
		}
		for _, e := range st.EnumValues {
			if e.Name == "APP" && lower == "kind" {
				return e.Name, true, nil
			}
		}
		return st.EnumValues[0].Name, true, nil
	case "INPUT_OBJECT":
		st, ok := g.types[t.Name]
		if !ok {
			return "", false, fmt.Errorf("input type %s is not in the schema", t.Name)
		}
		// An input with a kind and an id names one resource of that
		// kind (a policy's subject): aim it at team A's app.
		subject := ""
		for _, f := range st.InputFields {
			if f.Name == "kind" && f.Type.named().Kind == "ENUM" {
				for _, e := range g.types[f.Type.named().Name].EnumValues {
					if e.Name == "APP" {
						// Sources are who connects: aim them at a device.
						subject = "app"
						if name == "sources" {
							subject = "device"
						}
					}
				}
			}
		}
		var parts []string
		for _, f := range st.InputFields {
			if f.Type.named().Kind == "ENUM" && f.Type.Kind != "NON_NULL" {
				// An optional enum inside an input (a member's role) is
				// what makes the input valid enough to reach the
				// authorization check; give it.
				parts = append(parts, f.Name+": "+g.types[f.Type.named().Name].EnumValues[0].Name)
				continue
			}
			if f.Name == "kind" && subject != "" {
				parts = append(parts, "kind: "+strings.ToUpper(subject))
				continue
			}
			if f.Name == "id" && subject != "" {
				g.aimed = true
				parts = append(parts, "id: "+jsonString(g.ids[subject]))
				continue
			}
			v, ok, err := g.value(owner, f.Name, f.Type, false)
			if err != nil {
				return "", false, err
			}
			if ok {
				parts = append(parts, f.Name+": "+v)
			}
		}
		return "{" + strings.Join(parts, ", ") + "}", true, nil
	}
	return "", false, fmt.Errorf("argument %s.%s has kind %s the generator does not know; teach authz_test.go's generator.value", owner, name, t.Kind)
}

// selection selects every scalar leaf of t and recurses into objects, down
// to depth, where it keeps only ids; fields with required arguments are
// left out because nested arguments are not what this test probes.
func (g *generator) selection(t typeRef, depth int) (string, error) {
	n := t.named()
	st, ok := g.types[n.Name]
	if !ok {
		return "", fmt.Errorf("type %s is not in the schema", n.Name)
	}
	switch st.Kind {
	case "SCALAR", "ENUM":
		return "", nil
	case "UNION", "INTERFACE":
		return "{ __typename }", nil
	}
	var parts []string
	for _, f := range st.Fields {
		if hasRequired(f.Args) {
			continue
		}
		fn := g.types[f.Type.named().Name]
		if fn.Kind == "SCALAR" || fn.Kind == "ENUM" {
			parts = append(parts, f.Name)
			continue
		}
		if depth == 0 {
			// Only the object's key, which is what would leak.
			for _, key := range []string{"id", "slug", "name"} {
				if hasField(fn, key) {
					parts = append(parts, f.Name+" { "+key+" }")
					break
				}
			}
			continue
		}
		sub, err := g.selection(f.Type, depth-1)
		if err != nil {
			return "", err
		}
		if sub != "" {
			parts = append(parts, f.Name+" "+sub)
		}
	}
	if len(parts) == 0 {
		// Nothing selectable at this depth (an object of objects only).
		return "", nil
	}
	return "{ " + strings.Join(parts, " ") + " }", nil
}

func hasRequired(args []inputValue) bool {
	for _, a := range args {
		if a.Type.Kind == "NON_NULL" {
			return true
		}
	}
	return false
}

func hasField(t schemaType, name string) bool {
	for _, f := range t.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// probe is one generated request for one root field.
type probe struct {
	op, field, doc string
	aimed          bool
}

func (g *generator) probes(op, root string) ([]probe, error) {
	st, ok := g.types[root]
	if !ok {
		return nil, nil
	}
	var out []probe
	for _, f := range st.Fields {
		if strings.HasPrefix(f.Name, "_") {
			continue
		}
		g.aimed = false
		var args []string
		for _, a := range f.Args {
			v, ok, err := g.value(f.Name, a.Name, a.Type, false)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", root, f.Name, err)
			}
			if ok {
				args = append(args, a.Name+": "+v)
			}
		}
		sel, err := g.selection(f.Type, 2)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w; teach authz_test.go's generator.selection", root, f.Name, err)
		}
		doc := f.Name
		if len(args) > 0 {
			doc += "(" + strings.Join(args, ", ") + ")"
		}
		out = append(out, probe{op: op, field: f.Name, doc: op + " { " + doc + " " + sel + " }", aimed: g.aimed})
	}
	return out, nil
}

// errorCodes lists the extensions.code of a response's errors.
func errorCodes(out map[string]any) []string {
	var codes []string
	errs, _ := out["errors"].([]any)
	for _, e := range errs {
		m, _ := e.(map[string]any)
		ext, _ := m["extensions"].(map[string]any)
		c, _ := ext["code"].(string)
		codes = append(codes, c)
	}
	return codes
}

// startServer starts the all-in-one server and returns its base URL and the
// bootstrap administrator's token; populate receives more of its parts.
func startServer(t testing.TB, populate ...any) (string, string) {
	t.Helper()
	return startServerWith(t, nil, populate...)
}

// startServerWith is startServer with options changed by tune first.
func startServerWith(t testing.TB, tune func(*options), populate ...any) (string, string) {
	t.Helper()
	o := &options{logLevel: "error", logFormat: "text"}
	if tune != nil {
		tune(o)
	}
	o.DataDir = t.TempDir()
	o.HTTPAddr = "127.0.0.1:0"
	var h *platform.HTTP
	var acc *command.Handlers
	var gw *gateway.Gateway
	app, err := newApp(o, slog.New(slog.DiscardHandler), fx.Populate(append([]any{&h, &acc, &gw}, populate...)...))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Stop(context.Background()) })
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	boot, err := acc.Bootstrap(ctx)
	if err != nil || !boot.Created {
		t.Fatalf("bootstrap: %+v %v", boot, err)
	}
	return "http://" + h.Addr(), boot.Token.Secret
}

// path walks nested maps of a GraphQL response.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

// TestAnotherTeamGetsNothingOfThisTeamFromAnyField generates one request per
// root field of the composed schema, aimed at team A's resources, sends it as
// team B's owner and checks that no answer carries anything of team A and
// that no mutation changes team A; subscriptions aimed at team A stay silent
// of it while team A changes. A member of team A is refused every
// admin-only mutation. A root field the generator cannot build fails the
// test, so a new field is never skipped.
func TestAnotherTeamGetsNothingOfThisTeamFromAnyField(t *testing.T) {
	base, admin := startServer(t)
	must := mustData(t)

	// The administrator creates the people and hands out their tokens.
	users := map[string]string{}
	tokens := map[string]string{}
	for _, u := range []string{"alice-owner", "adam-admin", "mia-member", "bob-owner"} {
		d := must(gql(t, base, admin, "", `mutation($u: String!) { createUser(input: {username: $u, displayName: $u}) { user { id } } }`, map[string]any{"u": u}))
		users[u] = path(d, "createUser", "user", "id").(string)
		d = must(gql(t, base, admin, "", `mutation($u: ID!) { createToken(input: {userId: $u}) { secret } }`, map[string]any{"u": users[u]}))
		tokens[u] = path(d, "createToken", "secret").(string)
	}
	alice, bob, mia := tokens["alice-owner"], tokens["bob-owner"], tokens["mia-member"]

	// Team A, with one of everything.
	const a = "alpha-victim"
	must(gql(t, base, alice, "", `mutation { createTeam(input: {slug: "alpha-victim", displayName: "Alpha Victim Corp"}) { seq } }`, nil))
	// Members join by invitation: the owner invites, the invitee accepts.
	invite := func(by, username, role string) (int, map[string]any) {
		return gql(t, base, by, a, `mutation($n: String!, $r: Role) { inviteMember(input: {username: $n, role: $r}) { seq } }`, map[string]any{"n": username, "r": role})
	}
	accept := func(token string) {
		must(gql(t, base, token, "", `mutation($t: String!) { acceptInvitation(team: $t) { seq } }`, map[string]any{"t": a}))
	}
	must(invite(alice, "adam-admin", "ADMIN"))
	accept(tokens["adam-admin"])
	must(invite(alice, "mia-member", "MEMBER"))
	accept(mia)
	d := must(gql(t, base, alice, a, `mutation { createCluster(input: {name: "alpha-cluster-eu"}) { cluster { id } enrolmentSecret } }`, nil))
	ids := map[string]string{
		"user":    users["alice-owner"],
		"cluster": path(d, "createCluster", "cluster", "id").(string),
	}
	secrets := []string{path(d, "createCluster", "enrolmentSecret").(string), alice, mia, tokens["adam-admin"]}
	d = must(gql(t, base, alice, a, `mutation { createDevice(input: {name: "alpha-laptop", publicKey: "YWxwaGEtbGFwdG9wLXB1YmxpYy1rZXktMzItYnl0ZXM="}) { device { id ip } } }`, nil))
	ids["device"] = path(d, "createDevice", "device", "id").(string)
	d = must(gql(t, base, alice, a, `mutation($c: ID!) { createEnvironment(input: {name: "alpha-prod-env", clusterId: $c}) { environment { id } } }`, map[string]any{"c": ids["cluster"]}))
	ids["environment"] = path(d, "createEnvironment", "environment", "id").(string)
	ids["env"] = ids["environment"]
	d = must(gql(t, base, alice, a, `mutation { createApp(input: {env: "alpha-prod-env", name: "alpha-api-app", spec: {ports: [{port: 80}], backends: ["10.9.9.1:8080"]}}) { app { id serviceIp } } }`, nil))
	ids["app"] = path(d, "createApp", "app", "id").(string)
	d = must(gql(t, base, alice, a, `mutation { createService(input: {env: "alpha-prod-env", name: "alpha-db-svc", kind: POSTGRES, spec: {ports: [{port: 5432}], backends: ["10.9.9.2:5432"]}}) { service { id } } }`, nil))
	ids["service"] = path(d, "createService", "service", "id").(string)
	must(gql(t, base, alice, a, `mutation { createApp(input: {env: "alpha-prod-env", name: "alpha-web-app", spec: {ports: [{port: 80}]}, workload: {image: "ghcr.io/alpha/web:1"}}) { seq } }`, nil))
	d = must(gql(t, base, alice, a, `mutation { createRouter(input: {env: "alpha-prod-env", name: "alpha-router", domain: "alpha-shop.example.com", routes: [{path: "/", target: {kind: APP, name: "alpha-web-app", port: 80}}]}) { router { id } } }`, nil))
	ids["router"] = path(d, "createRouter", "router", "id").(string)
	d = must(gql(t, base, alice, a, `mutation($app: ID!, $dev: ID!) { startIntercept(input: {appId: $app, port: 80, deviceId: $dev}) { intercept { id } } }`, map[string]any{"app": ids["app"], "dev": ids["device"]}))
	ids["intercept"] = path(d, "startIntercept", "intercept", "id").(string)
	d = must(gql(t, base, alice, a, `mutation { createPolicy(input: {name: "alpha-deny-policy", rule: {action: DENY, sources: [{kind: ALL}], targets: [{kind: ALL}]}}) { policy { id } } }`, nil))
	ids["policy"] = path(d, "createPolicy", "policy", "id").(string)
	d = must(gql(t, base, alice, a, `mutation { setConfig(input: {env: "alpha-prod-env", name: "alpha-app-settings", set: [{key: "ALPHA_KEY", value: "alpha-config-value"}]}) { config { id } } }`, nil))
	ids["config"] = path(d, "setConfig", "config", "id").(string)
	d = must(gql(t, base, alice, a, `mutation { setSecret(input: {env: "alpha-prod-env", name: "alpha-db-creds", set: [{key: "ALPHA_PASSWORD", value: "alpha-secret-value-9c1"}]}) { secret { id } } }`, nil))
	ids["secret"] = path(d, "setSecret", "secret", "id").(string)
	secrets = append(secrets, "alpha-secret-value-9c1")
	d = must(gql(t, base, alice, a, `mutation { createToken(input: {name: "alpha-ci-token"}) { token { id } secret } }`, nil))
	ids["token"] = path(d, "createToken", "token", "id").(string)
	secrets = append(secrets, path(d, "createToken", "secret").(string))
	ids["member"] = users["mia-member"]
	ids["team"] = a
	names := map[string]string{
		"team": a, "cluster": "alpha-cluster-eu", "device": "alpha-laptop", "environment": "alpha-prod-env",
		"app": "alpha-api-app", "service": "alpha-db-svc", "policy": "alpha-deny-policy", "user": "mia-member",
		"token": "alpha-ci-token", "config": "alpha-app-settings", "secret": "alpha-db-creds", "router": "alpha-router",
	}

	// Team B, whose owner is the attacker.
	const b = "bravo-attacker"
	must(gql(t, base, bob, "", `mutation { createTeam(input: {slug: "bravo-attacker", displayName: "Bravo"}) { seq } }`, nil))

	before := snapshot(t, base, alice, a)

	// The schema as the gateway composes it, so a new field is covered
	// the day it is added.
	sd := must(gql(t, base, bob, b, introspection, nil))
	raw, _ := json.Marshal(sd["__schema"])
	var sch struct {
		QueryType, MutationType, SubscriptionType *struct{ Name string }
		Types                                     []schemaType
	}
	if err := json.Unmarshal(raw, &sch); err != nil {
		t.Fatalf("decode introspection: %v", err)
	}
	g := &generator{types: map[string]schemaType{}, ids: ids, names: names, secret: secrets[0],
		extra: map[string]string{
			// resourceAsOf takes exactly one of seq and time.
			"resourceAsOf.aggregateType": `"app"`,
			"resourceAsOf.aggregateId":   jsonString(ids["app"]),
			"resourceAsOf.seq":           "1000000",
		}}
	for _, st := range sch.Types {
		g.types[st.Name] = st
	}
	var probes []probe
	for _, root := range []struct {
		op  string
		typ *struct{ Name string }
	}{{"query", sch.QueryType}, {"mutation", sch.MutationType}} {
		if root.typ == nil {
			t.Fatalf("the composed schema has no %s type", root.op)
		}
		ps, err := g.probes(root.op, root.typ.Name)
		if err != nil {
			t.Fatalf("cannot build a request: %v", err)
		}
		probes = append(probes, ps...)
	}
	if len(probes) < 40 {
		t.Fatalf("only %d root fields generated; the introspection lost some", len(probes))
	}

	// Everything of team A that must never reach team B. Names are only
	// checked in data: an error may echo the name the caller sent.
	var needles []string
	for k, id := range ids {
		if k != "team" {
			needles = append(needles, id)
		}
	}
	for _, n := range names {
		if n != "mia-member" { // a user's name is shared across teams by design
			needles = append(needles, n)
		}
	}
	needles = append(needles, "Alpha Victim Corp")

	var minted []string // token secrets handed to team B
	for _, p := range probes {
		t.Run(p.op+"/"+p.field, func(t *testing.T) {
			// The public key of the log's checkpoints, and the kinds and
			// versions of managed services clusters run, belong to no team.
			if p.op == "query" && p.field != "checkpointKey" && p.field != "runnableKinds" {
				// The same request as team A's owner must find team A's
				// data, or the probe aims at nothing and proves nothing.
				// The whole log is the administrator's, not an owner's.
				reader, in := alice, a
				if p.field == "log" {
					reader, in = admin, ""
					if _, out := gql(t, base, alice, a, p.doc, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "FORBIDDEN" {
						t.Errorf("team A's owner reads the whole log: %v", out)
					}
				}
				_, own := gql(t, base, reader, in, p.doc, nil)
				data, _ := json.Marshal(own["data"])
				found := false
				for _, n := range needles {
					found = found || strings.Contains(string(data), n)
				}
				// The caller's own invitations hold nothing of a team the
				// caller is in; e2e's TestCLIManagesEveryResourceOfARealServer
				// lists, accepts and declines them.
				if !found && p.field != "myInvitations" {
					all, _ := json.Marshal(own)
					t.Errorf("the probe finds nothing of team A even as its owner; teach the generator to aim it\nrequest: %s\nanswer: %s", p.doc, all)
				}
			}
			status, out := gql(t, base, bob, b, p.doc, nil)
			if sec, ok := path(out, "data", p.field, "secret").(string); ok {
				minted = append(minted, sec)
			}
			data, _ := json.Marshal(out["data"])
			for _, n := range needles {
				if strings.Contains(string(data), n) {
					t.Errorf("team B's answer carries team A's %q\nrequest: %s\nanswer: %s", n, p.doc, data)
				}
			}
			all, _ := json.Marshal(out)
			for _, s := range secrets {
				if strings.Contains(string(all), s) {
					t.Errorf("team B's answer carries a secret of team A\nrequest: %s", p.doc)
				}
			}
			if status >= 500 {
				t.Errorf("status %d for %s: %s", status, p.doc, all)
			}
			for i, c := range errorCodes(out) {
				msg, _ := path(out["errors"].([]any)[i], "message").(string)
				if c == "INTERNAL" && strings.HasPrefix(msg, "Cannot return null for non-nullable field") {
					// The gateway's note that a refused nested field
					// nulled its parent; the refusal itself is listed.
					continue
				}
				if c == "INTERNAL" || c == "INTERNAL_SERVER_ERROR" || c == "" {
					t.Errorf("internal error for %s: %s", p.doc, all)
				}
			}
			if p.op == "mutation" && p.aimed {
				codes := errorCodes(out)
				ok := len(codes) > 0
				for _, c := range codes {
					// UNAUTHENTICATED is enrolCluster's one answer to any
					// refused secret, so that it tells nothing either.
					if c != "NOT_FOUND" && c != "FORBIDDEN" && c != "BAD_USER_INPUT" && c != "UNAUTHENTICATED" {
						ok = false
					}
				}
				if !ok {
					t.Errorf("a mutation on team A's resources as team B: want NOT_FOUND or FORBIDDEN, got %v\nrequest: %s\nanswer: %s", codes, p.doc, all)
				}
			}
		})
	}

	// No token team B got hands it one of team A's people.
	for _, sec := range minted {
		_, out := gql(t, base, sec, "", `{ me { id } }`, nil)
		if id, _ := path(out, "data", "me", "id").(string); id != "" && id != users["bob-owner"] {
			t.Errorf("team B minted a token for user %s", id)
		}
	}

	// Subscriptions aimed at team A, open while team A changes, deliver
	// nothing of team A to team B.
	if sch.SubscriptionType != nil {
		subs, err := g.probes("subscription", sch.SubscriptionType.Name)
		if err != nil {
			t.Fatalf("cannot build a request: %v", err)
		}
		var conns []*websocket.Conn
		for _, p := range subs {
			conns = append(conns, subscribe(t, base, bob, b, p.doc))
		}
		must(gql(t, base, alice, a, `mutation($id: ID!) { updateApp(input: {id: $id, spec: {ports: [{port: 80}, {port: 81}], backends: ["10.9.9.1:8081"]}}) { seq } }`, map[string]any{"id": ids["app"]}))
		must(gql(t, base, alice, a, `mutation($c: ID!) { rotateEnrolmentSecret(id: $c) { seq } }`, map[string]any{"c": ids["cluster"]}))
		// Read every connection until one shared deadline: a leak would
		// arrive within it, since the mutations above are done.
		quiet := time.Now().Add(2 * time.Second)
		for i, c := range conns {
			_ = c.SetReadDeadline(quiet)
			for {
				var msg struct {
					Type    string
					Payload struct{ Data json.RawMessage }
				}
				if err := c.ReadJSON(&msg); err != nil {
					break
				}
				// Only data: an error may echo the id the caller sent.
				for _, n := range needles {
					if strings.Contains(string(msg.Payload.Data), n) {
						t.Errorf("subscription/%s: team B receives team A's %q: %s", subs[i].field, n, msg.Payload.Data)
					}
				}
			}
		}
		// Re-read A's state below without the mutations made here.
		before = snapshot(t, base, alice, a)
	}

	// Acting in team A with B's token is refused outright.
	if _, out := gql(t, base, bob, a, `{ team { slug } }`, nil); out["data"] != nil && path(out, "data", "team") != nil {
		t.Errorf("team B's owner reads team A with Weft-Team: %s: %v", a, out)
	}

	if after := snapshot(t, base, alice, a); !reflect.DeepEqual(before, after) {
		t.Errorf("team A changed under team B's requests\nbefore: %v\nafter:  %v", before, after)
	}

	// A member of team A cannot do what the services keep for admins and
	// owners; each field here is refused by a Require(auth.Admin) (or the
	// administrator-only check for createUser) in its command handler.
	adminOnly := []string{
		"renameTeam", "addMember", "inviteMember", "changeRole", "removeMember", "createUser",
		"createCluster", "rotateEnrolmentSecret", "enrolCluster", "deleteCluster", "reportGateway",
		"createEnvironment", "deleteEnvironment", "cloneEnvironment",
		"createPolicy", "updatePolicy", "deletePolicy",
		"revealSecret", "rotateSecretsKey", "revealServiceCredentials",
		"deleteTeam",
	}
	g.names["user"] = "adam-admin" // aim the member changes at the team's admin
	g.ids["user"] = users["adam-admin"]
	g.ids["member"] = users["adam-admin"]
	byField := map[string]probe{}
	ps, err := g.probes("mutation", sch.MutationType.Name)
	if err != nil {
		t.Fatalf("cannot build a request: %v", err)
	}
	for _, p := range ps {
		byField[p.field] = p
	}
	// Replay credentials read the team's whole log: auditors and owners
	// only, not even admins.
	for _, who := range []string{"member", "admin"} {
		tok := map[string]string{"member": mia, "admin": tokens["adam-admin"]}[who]
		p, ok := byField["issueReplayCredentials"]
		if !ok {
			t.Fatal("issueReplayCredentials is not in the composed schema")
		}
		if _, out := gql(t, base, tok, a, p.doc, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "FORBIDDEN" {
			t.Errorf("an %s's issueReplayCredentials: want FORBIDDEN, got %v", who, out)
		}
	}
	// Deleting the team is its owners' alone: an admin is refused, and
	// another team's owner, asking without a team, finds none.
	if p, ok := byField["deleteTeam"]; !ok {
		t.Error("deleteTeam is not in the composed schema")
	} else {
		if _, out := gql(t, base, tokens["adam-admin"], a, p.doc, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "FORBIDDEN" {
			t.Errorf("an admin's deleteTeam: want FORBIDDEN, got %v", out)
		}
		if _, out := gql(t, base, bob, "", p.doc, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "NOT_FOUND" {
			t.Errorf("another team's owner's deleteTeam of team A, team-less: want NOT_FOUND, got %v", out)
		}
	}
	for _, f := range adminOnly {
		p, ok := byField[f]
		if !ok {
			t.Errorf("admin-only mutation %s is not in the composed schema", f)
			continue
		}
		t.Run("member/"+f, func(t *testing.T) {
			_, out := gql(t, base, mia, a, p.doc, nil)
			codes := errorCodes(out)
			if len(codes) == 0 || codes[0] != "FORBIDDEN" {
				all, _ := json.Marshal(out)
				t.Errorf("a member's %s: want FORBIDDEN, got %v\nrequest: %s\nanswer: %s", f, codes, p.doc, all)
			}
		})
	}
	if after := snapshot(t, base, alice, a); !reflect.DeepEqual(before, after) {
		t.Errorf("team A changed under its member's refused requests\nbefore: %v\nafter:  %v", before, after)
	}

	// An auditor of team A, granted by its owner (never by an admin),
	// reads the team's whole history and its past states and is refused
	// every mutation that would change anything of the team.
	d = must(gql(t, base, admin, "", `mutation { createUser(input: {username: "audrey-auditor", displayName: "Audrey"}) { user { id } } }`, nil))
	users["audrey-auditor"] = path(d, "createUser", "user", "id").(string)
	d = must(gql(t, base, admin, "", `mutation($u: ID!) { createToken(input: {userId: $u}) { secret } }`, map[string]any{"u": users["audrey-auditor"]}))
	audrey := path(d, "createToken", "secret").(string)
	if _, out := invite(tokens["adam-admin"], "audrey-auditor", "AUDITOR"); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "FORBIDDEN" {
		t.Errorf("an admin offered the auditor role: %v", out)
	}
	must(invite(alice, "audrey-auditor", "AUDITOR"))
	accept(audrey)
	before = snapshot(t, base, alice, a)
	// Self-service that touches no resource of team A: a team of their
	// own, a token of their own, leaving.
	// Replay credentials are the auditor's to have: they read, and
	// e2e's TestAnAuditorReplaysTheTeamsLogWithTheirOwnNATSClientAndNothingElse
	// shows they read nothing else.
	own := map[string]bool{"createTeam": true, "createToken": true, "leaveTeam": true, "issueReplayCredentials": true}
	for _, p := range ps {
		if own[p.field] {
			continue
		}
		t.Run("auditor/"+p.field, func(t *testing.T) {
			_, out := gql(t, base, audrey, a, p.doc, nil)
			codes := errorCodes(out)
			ok := len(codes) > 0
			for _, c := range codes {
				if c != "FORBIDDEN" && c != "NOT_FOUND" && c != "BAD_USER_INPUT" && c != "UNAUTHENTICATED" {
					ok = false
				}
			}
			if !ok {
				all, _ := json.Marshal(out)
				t.Errorf("an auditor's %s: want a refusal, got %v\nrequest: %s\nanswer: %s", p.field, codes, p.doc, all)
			}
		})
	}
	if after := snapshot(t, base, alice, a); !reflect.DeepEqual(before, after) {
		t.Errorf("team A changed under its auditor's requests\nbefore: %v\nafter:  %v", before, after)
	}
	history := `{ events(first: 500, order: OLDEST_FIRST) { edges { node { seq type data } } } }`
	asAuditor := must(gql(t, base, audrey, a, history, nil))
	asOwner := must(gql(t, base, alice, a, history, nil))
	if n := len(path(asAuditor, "events", "edges").([]any)); n < 10 || !reflect.DeepEqual(asAuditor, asOwner) {
		t.Errorf("the auditor reads %d events, not the history its owner reads", n)
	}
	asOf := `query($id: String!) { resourceAsOf(aggregateType: "app", aggregateId: $id, seq: 1000000) { seq resource } }`
	if d := must(gql(t, base, audrey, a, asOf, map[string]any{"id": ids["app"]})); path(d, "resourceAsOf", "resource") == nil {
		t.Errorf("the auditor reads no past state of team A's app: %v", d)
	}
	if d := must(gql(t, base, audrey, a, `{ team { slug } }`, nil)); path(d, "team", "slug") != a {
		t.Errorf("the auditor reads no team: %v", d)
	}
}

// subscribe opens a graphql-transport-ws connection to the gateway and
// starts one subscription on it.
func subscribe(t *testing.T, base, token, team, doc string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/graphql", nil)
	if err != nil {
		t.Fatalf("dial the gateway's websocket: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() { _ = c.Close() })
	send := func(m map[string]any) {
		if err := c.WriteJSON(m); err != nil {
			t.Fatalf("send %v: %v", m["type"], err)
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token, "Weft-Team": team}})
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ack struct{ Type string }
	if err := c.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v %v", ack, err)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": doc}})
	return c
}

// snapshot reads team A's state as its owner, in a stable order.
func snapshot(t *testing.T, base, token, team string) []string {
	t.Helper()
	d := mustData(t)(gql(t, base, token, team, `{
		team { slug displayName members { edges { node { role user { id } } } } }
		clusters { edges { node { id name } } }
		devices { edges { node { id name publicKey } } }
		environments { edges { node { id name } } }
		apps { edges { node { id name } } }
		services { edges { node { id name kind } } }
		intercepts { edges { node { id } } }
		policies { edges { node { id name } } }
		tokens { edges { node { id revoked } } }
	}`, nil))
	raw, _ := json.Marshal(d)
	// Split and sorted, so that list order does not count as a change.
	lines := strings.Split(string(raw), ",")
	sort.Strings(lines)
	return lines
}
