package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// wsMsg is one graphql-transport-ws message as the test reads it.
type wsMsg struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
	at      time.Time
}

// wsClient is one graphql-transport-ws connection: a goroutine reads every
// message into msgs and records how the server closed the connection.
type wsClient struct {
	t      *testing.T
	c      *websocket.Conn
	msgs   chan wsMsg
	closed chan int // the close code; closed once the connection ends
}

// dialWS connects and initialises as token in team; it returns the client,
// or nil and the close code when the server refused the initialisation.
func dialWS(t *testing.T, base, token, team string) (*wsClient, int) {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/graphql", nil)
	if err != nil {
		t.Fatalf("dial the gateway's websocket: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() { _ = c.Close() })
	w := &wsClient{t: t, c: c, msgs: make(chan wsMsg, 1024), closed: make(chan int, 1)}
	go func() {
		defer close(w.msgs)
		for {
			var m wsMsg
			if err := c.ReadJSON(&m); err != nil {
				code := -1
				var ce *websocket.CloseError
				if errors.As(err, &ce) {
					code = ce.Code
				}
				w.closed <- code
				close(w.closed)
				return
			}
			m.at = time.Now()
			w.msgs <- m
		}
	}()
	w.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token, "Weft-Team": team}})
	select {
	case m, ok := <-w.msgs:
		if ok && m.Type == "connection_ack" {
			return w, 0
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer to connection_init")
	}
	return nil, <-w.closed
}

func (w *wsClient) send(m map[string]any) {
	w.t.Helper()
	if err := w.c.WriteJSON(m); err != nil {
		w.t.Fatalf("send %v: %v", m["type"], err)
	}
}

// next reads the next message, failing the test at the deadline.
func (w *wsClient) next(deadline time.Time) (wsMsg, bool) {
	select {
	case m, ok := <-w.msgs:
		return m, ok
	case <-time.After(time.Until(deadline)):
		return wsMsg{}, false
	}
}

// result runs one operation to its end on the socket and returns its error
// codes (none: it succeeded).
func (w *wsClient) result(id, doc string) ([]string, bool) {
	w.t.Helper()
	w.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": doc}})
	var codes []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, ok := w.next(deadline)
		if !ok {
			return codes, false
		}
		if m.ID != id {
			continue
		}
		switch m.Type {
		case "next":
			var p struct{ Errors []map[string]any }
			_ = json.Unmarshal(m.Payload, &p)
			codes = append(codes, errorCodes(map[string]any{"errors": anySlice(p.Errors)})...)
		case "error":
			var errs []map[string]any
			_ = json.Unmarshal(m.Payload, &errs)
			return append(codes, errorCodes(map[string]any{"errors": anySlice(errs)})...), true
		case "complete":
			return codes, true
		}
	}
}

func anySlice(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

// errorCode is the extensions.code of an error message's first error.
func (m wsMsg) errorCode() string {
	var errs []struct{ Extensions map[string]any }
	_ = json.Unmarshal(m.Payload, &errs)
	if len(errs) == 0 {
		return ""
	}
	c, _ := errs[0].Extensions["code"].(string)
	return c
}

// TestOpenWebsocketsFollowThePrincipalsRightsLive opens, for each way a
// principal's rights can shrink (its token revoked, its membership removed,
// its role lowered, its token expiring), a socket as an admin of the team
// running every subscription of the composed schema, makes the change, and
// checks that within one second every running subscription ended with a
// clear code and nothing more was delivered; a principal without rights has
// its socket closed (4403) and cannot open another, and a demoted one is
// refused on the same socket every mutation HTTP refuses it.
func TestOpenWebsocketsFollowThePrincipalsRightsLive(t *testing.T) {
	base, admin := startServer(t)
	must := mustData(t)

	mkUser := func(name string) string {
		d := must(gql(t, base, admin, "", `mutation($u: String!) { createUser(input: {username: $u, displayName: $u}) { user { id } } }`, map[string]any{"u": name}))
		return path(d, "createUser", "user", "id").(string)
	}
	mkToken := func(user string, expires *time.Time) (id, secret string) {
		in := map[string]any{"userId": user}
		if expires != nil {
			in["expiresAt"] = expires.UTC().Format(time.RFC3339Nano)
		}
		d := must(gql(t, base, admin, "", `mutation($in: CreateTokenInput!) { createToken(input: $in) { token { id } secret } }`, map[string]any{"in": in}))
		return path(d, "createToken", "token", "id").(string), path(d, "createToken", "secret").(string)
	}
	owner := mkUser("olga-owner")
	_, alice := mkToken(owner, nil)
	const team = "rights-team"
	must(gql(t, base, alice, "", `mutation { createTeam(input: {slug: "rights-team", displayName: "Rights"}) { seq } }`, nil))
	d := must(gql(t, base, alice, team, `mutation { createCluster(input: {name: "rights-eu"}) { cluster { id } } }`, nil))
	cluster := path(d, "createCluster", "cluster", "id").(string)
	must(gql(t, base, alice, team, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { environment { id } } }`, map[string]any{"c": cluster}))
	d = must(gql(t, base, alice, team, `mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["10.9.9.1:8080"]}}) { app { id } } }`, nil))
	app := path(d, "createApp", "app", "id").(string)
	backend := 8000
	touch := func() string {
		backend++
		b := fmt.Sprintf("10.9.9.1:%d", backend)
		must(gql(t, base, alice, team, `mutation($id: ID!, $b: String!) { updateApp(input: {id: $id, spec: {ports: [{port: 80}], backends: [$b]}}) { seq } }`, map[string]any{"id": app, "b": b}))
		return b
	}

	// Every subscription and mutation of the composed schema, aimed at
	// this team's resources.
	sd := must(gql(t, base, alice, team, introspection, nil))
	raw, _ := json.Marshal(sd["__schema"])
	var sch struct {
		MutationType, SubscriptionType *struct{ Name string }
		Types                          []schemaType
	}
	if err := json.Unmarshal(raw, &sch); err != nil {
		t.Fatal(err)
	}
	g := &generator{types: map[string]schemaType{}, names: map[string]string{"cluster": "rights-eu", "environment": "prod", "app": "api", "team": team},
		ids: map[string]string{"cluster": cluster, "app": app, "team": team, "user": owner, "member": owner}}
	for _, st := range sch.Types {
		g.types[st.Name] = st
	}
	subs, err := g.probes("subscription", sch.SubscriptionType.Name)
	if err != nil || len(subs) < 3 {
		t.Fatalf("subscriptions: %v (%d)", err, len(subs))
	}
	muts, err := g.probes("mutation", sch.MutationType.Name)
	if err != nil || len(muts) < 20 {
		t.Fatalf("mutations: %v (%d)", err, len(muts))
	}

	type scenario struct {
		name string
		// change shrinks the rights of user (whose token is tokenID) and
		// returns when they are shrunk.
		change  func(user, tokenID, secret string)
		expires time.Duration // the token's lifetime; 0: none
		closes  bool          // the principal has no rights left: the socket closes
		code    string        // the code each running operation ends with
	}
	scenarios := []scenario{
		{name: "token-revoked", closes: true, code: "UNAUTHENTICATED", change: func(_, id, secret string) {
			// Revoked by its owner elsewhere, e.g. a leaked token.
			must(gql(t, base, secret, "", `mutation($id: ID!) { revokeToken(id: $id) { seq } }`, map[string]any{"id": id}))
		}},
		{name: "member-removed", closes: true, code: "NOT_FOUND", change: func(user, _, _ string) {
			must(gql(t, base, alice, team, `mutation($u: ID!) { removeMember(input: {userId: $u}) { seq } }`, map[string]any{"u": user}))
		}},
		{name: "token-expired", closes: true, code: "UNAUTHENTICATED", expires: 6 * time.Second},
		// Last: its mutations delete what the others use.
		{name: "role-lowered", closes: false, code: "FORBIDDEN", change: func(user, _, _ string) {
			must(gql(t, base, alice, team, `mutation($u: ID!) { changeRole(input: {userId: $u, role: MEMBER}) { seq } }`, map[string]any{"u": user}))
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			user := mkUser("u-" + sc.name)
			var exp *time.Time
			if sc.expires > 0 {
				at := time.Now().Add(sc.expires)
				exp = &at
			}
			tokenID, secret := mkToken(user, exp)
			// The owner invites, the user accepts: how members join.
			must(gql(t, base, alice, team, `mutation($n: String!) { inviteMember(input: {username: $n, role: ADMIN}) { seq } }`, map[string]any{"n": "u-" + sc.name}))
			must(gql(t, base, secret, "", `mutation($t: String!) { acceptInvitation(team: $t) { seq } }`, map[string]any{"t": team}))

			w, code := dialWS(t, base, secret, team)
			if w == nil {
				t.Fatalf("connection_init refused (%d)", code)
			}
			for i, p := range subs {
				w.send(map[string]any{"id": fmt.Sprint("s", i), "type": "subscribe", "payload": map[string]any{"query": p.doc}})
			}
			// Every subscription delivers while the rights hold (a
			// status its state at once, the team's events the change).
			// The team's events start from when the subscription is
			// set up upstream, which the client cannot see: change the
			// team until every subscription has delivered.
			live := map[string]bool{}
			deadline := time.Now().Add(10 * time.Second)
			for len(live) < len(subs) {
				touch()
				m, ok := w.next(time.Now().Add(200 * time.Millisecond))
				if !ok && time.Now().Before(deadline) {
					continue
				}
				if !ok {
					t.Fatalf("only %d of %d subscriptions delivered before the change: %v", len(live), len(subs), live)
				}
				if m.Type == "next" {
					live[m.ID] = true
				}
				if m.Type == "error" {
					t.Fatalf("subscription %s failed before the change: %s", m.ID, m.Payload)
				}
			}

			var changed time.Time
			if sc.change != nil {
				sc.change(user, tokenID, secret)
				changed = time.Now()
			} else {
				changed = *exp
			}
			// A change of the team after the rights shrank: what it
			// delivers must not reach the socket's old operations.
			time.Sleep(time.Until(changed))
			after := touch()

			ended := map[string]time.Time{}
			closeCode := 0
			deadline = changed.Add(time.Second)
			for len(ended) < len(subs) || (sc.closes && closeCode == 0) {
				m, ok := w.next(deadline)
				if !ok {
					select {
					case c, open := <-w.closed:
						if open && closeCode == 0 {
							closeCode = c
							continue
						}
					default:
					}
					break
				}
				switch m.Type {
				case "next":
					if _, gone := ended[m.ID]; gone || strings.Contains(string(m.Payload), after) {
						t.Errorf("subscription %s delivered after the rights shrank: %s", m.ID, m.Payload)
					}
				case "error":
					if c := m.errorCode(); c != sc.code {
						t.Errorf("subscription %s ended with %s, want %s: %s", m.ID, c, sc.code, m.Payload)
					}
					ended[m.ID] = m.at
				}
			}
			for i := range subs {
				id := fmt.Sprint("s", i)
				at, ok := ended[id]
				switch {
				case !ok:
					t.Errorf("%s (%s) did not end within a second of the change", id, subs[i].field)
				case at.Sub(changed) > time.Second:
					t.Errorf("%s ended %v after the change", id, at.Sub(changed))
				}
			}
			if sc.closes {
				if closeCode != 4403 {
					t.Errorf("the socket closed with %d, want 4403", closeCode)
				}
				if w2, code := dialWS(t, base, secret, team); w2 != nil || code != 4403 {
					t.Errorf("a new socket with the same credentials: refused with %d, want 4403", code)
				}
				return
			}

			// Demoted: the same socket runs every subscription again as a
			// member, and is refused every mutation HTTP refuses a member.
			for i, p := range subs {
				w.send(map[string]any{"id": fmt.Sprint("again", i), "type": "subscribe", "payload": map[string]any{"query": p.doc}})
			}
			again := map[string]bool{}
			deadline = time.Now().Add(10 * time.Second)
			for len(again) < len(subs) {
				touch()
				m, ok := w.next(time.Now().Add(200 * time.Millisecond))
				if !ok && time.Now().Before(deadline) {
					continue
				}
				if !ok {
					t.Fatalf("only %d of %d subscriptions ran again after the demotion", len(again), len(subs))
				}
				if m.Type == "next" && strings.HasPrefix(m.ID, "again") {
					again[m.ID] = true
				}
			}
			forbidden := 0
			for i, p := range muts {
				if p.field == "leaveTeam" || p.field == "revokeToken" {
					continue // would end the test's own principal
				}
				wsCodes, ok := w.result(fmt.Sprint("m", i), p.doc)
				if !ok {
					t.Fatalf("mutation %s: no answer on the socket", p.field)
				}
				_, out := gql(t, base, secret, team, p.doc, nil)
				httpCodes := errorCodes(out)
				if contains(httpCodes, "FORBIDDEN") {
					forbidden++
					if !contains(wsCodes, "FORBIDDEN") {
						t.Errorf("%s: HTTP refuses the demoted member (FORBIDDEN) but the socket answered %v", p.field, wsCodes)
					}
				}
				if len(wsCodes) == 0 && contains(httpCodes, "FORBIDDEN") {
					t.Errorf("%s: the socket let the demoted member do what HTTP forbids", p.field)
				}
			}
			if forbidden < 5 {
				t.Errorf("only %d mutations are forbidden to a member; the probe aims at nothing", forbidden)
			}
		})
	}
}
