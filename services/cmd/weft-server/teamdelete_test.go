package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
	"weft.dev/services/keyring"
	"weft.dev/services/messageoffice"
	"weft.dev/services/platform"
)

// TestDeletingATeamShredsItsSecretsRevokesItsAgentAndLeavesItsHistoryToTheAdministrator
// runs the whole server: a team with a member, a secret set twice and an
// enrolled cluster's agent is deleted by its owner. Then the secret's
// sealed values, as the log holds them, no longer open with the server's
// keyring and the key bucket keeps nothing of the team (no revision
// either); the owner's and the member's tokens get "was deleted" for the
// team and no query answers its resources; the agent's NATS user and the
// cluster's and team's streams are gone; the name is not used again; the
// administrator's whole-log trail still lists the team's history, the
// secret's events and the deletion; and deleting it again succeeds.
func TestDeletingATeamShredsItsSecretsRevokesItsAgentAndLeavesItsHistoryToTheAdministrator(t *testing.T) {
	var ring *keyring.Ring
	var store *events.Store
	var b *platform.Broker
	base, admin := startServer(t, &ring, &store, &b)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	must := mustData(t)
	tokens := map[string]string{}
	for _, u := range []string{"alice", "mia"} {
		d := must(gql(t, base, admin, "", `mutation($u: String!) { createUser(input: {username: $u, displayName: $u}) { user { id } } }`, map[string]any{"u": u}))
		id := path(d, "createUser", "user", "id").(string)
		d = must(gql(t, base, admin, "", `mutation($u: ID!) { createToken(input: {userId: $u}) { secret } }`, map[string]any{"u": id}))
		tokens[u] = path(d, "createToken", "secret").(string)
	}
	alice, mia := tokens["alice"], tokens["mia"]
	must(gql(t, base, alice, "", `mutation { createTeam(input: {slug: "acme", displayName: "Acme"}) { seq } }`, nil))
	must(gql(t, base, alice, "acme", `mutation { inviteMember(input: {username: "mia", role: MEMBER}) { seq } }`, nil))
	must(gql(t, base, mia, "", `mutation { acceptInvitation(team: "acme") { seq } }`, nil))
	d := must(gql(t, base, alice, "acme", `mutation { createCluster(input: {name: "eu-1"}) { cluster { id } enrolmentSecret } }`, nil))
	cluster := path(d, "createCluster", "cluster", "id").(string)
	enrolment := path(d, "createCluster", "enrolmentSecret").(string)
	must(gql(t, base, alice, "acme", `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": cluster}))
	// A second cluster whose enrolment secret is never spent.
	d = must(gql(t, base, alice, "acme", `mutation { createCluster(input: {name: "eu-2"}) { cluster { id } enrolmentSecret } }`, nil))
	unspent := map[string]string{"cluster": path(d, "createCluster", "cluster", "id").(string), "secret": path(d, "createCluster", "enrolmentSecret").(string)}
	set := `mutation($v: String!) { setSecret(input: {env: "prod", name: "db-creds", set: [{key: "PASSWORD", value: $v}]}) { secret { id } seq } }`
	d = must(gql(t, base, alice, "acme", set, map[string]any{"v": "team-deletion-known-1"}))
	secret := path(d, "setSecret", "secret", "id").(string)
	must(gql(t, base, alice, "acme", set, map[string]any{"v": "team-deletion-known-2"}))

	// The cluster's agent enrols: it gets a NATS user.
	body, _ := json.Marshal(map[string]string{"cluster": cluster, "secret": enrolment})
	resp, err := http.Post(base+"/agent/enrol", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("enrol: %s", resp.Status)
	}
	agent := messageoffice.AgentUser(cluster)
	if !slices.Contains(b.Embedded.AgentNames(), agent) {
		t.Fatalf("the enrolled agent has no NATS user: %v", b.Embedded.AgentNames())
	}
	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	streams := []string{clusterstate.StreamName(cluster), clusterstate.TeamStreamName("acme")}
	wait.For(t, 30*time.Second, func() error {
		for _, s := range streams {
			if _, err := js.Stream(ctx, s); err != nil {
				return fmt.Errorf("stream %s: %w", s, err)
			}
		}
		return nil
	})

	// The sealed values as the log holds them; they open now.
	sealed := sealedValues(t, ctx, store, "acme", secret)
	if len(sealed) != 2 {
		t.Fatalf("%d sealed versions in the log, want 2", len(sealed))
	}
	if v, err := ring.Open(ctx, "acme", secret, sealed[1]); err != nil || v["PASSWORD"] != "team-deletion-known-2" {
		t.Fatalf("the secret does not open before the deletion: %v %v", v, err)
	}
	kv, err := js.KeyValue(ctx, keyring.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	if len(remaining(t, ctx, kv, "acme")) == 0 {
		t.Fatal("the bucket holds no key of the team; the check after the deletion proves nothing")
	}

	// The member's open websocket, following the team's events.
	ws, code := dialWS(t, base, mia, "acme")
	if ws == nil {
		t.Fatalf("the member's websocket refused (%d)", code)
	}
	ws.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { teamEvents { type } }`}})

	// A member may not delete it; the owner does, naming it.
	if _, out := gql(t, base, mia, "acme", `mutation { deleteTeam(slug: "acme") { seq } }`, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "FORBIDDEN" {
		t.Fatalf("a member's deleteTeam: %v", out)
	}
	d = must(gql(t, base, alice, "acme", `mutation { deleteTeam(slug: "acme") { slug seq } }`, nil))
	if path(d, "deleteTeam", "slug") != "acme" {
		t.Fatalf("deleteTeam answered %v", d)
	}

	// The member's socket ends: no right is left it in the team.
	select {
	case c := <-ws.closed:
		if c != 4403 {
			t.Errorf("the member's websocket closed with %d, want 4403", c)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("the member's websocket stays open after the team's deletion")
	}

	// No value opens with anything the server holds.
	for i, s := range sealed {
		if _, err := ring.Open(ctx, "acme", secret, s); !errors.Is(err, keyring.ErrShredded) {
			t.Errorf("sealed version %d opens after the team's deletion: %v", i+1, err)
		}
	}
	if left := remaining(t, ctx, kv, "acme"); len(left) > 0 {
		t.Errorf("the key bucket still holds the deleted team's %v", left)
	}

	// Its people are told, and nothing of it is answered.
	for who, tok := range map[string]string{"owner": alice, "member": mia} {
		for _, q := range []string{`{ team { slug } }`, `{ secrets { edges { node { name } } } }`, `{ clusters { edges { node { name } } } }`, `{ events(first: 5) { edges { node { type } } } }`} {
			_, out := gql(t, base, tok, "acme", q, nil)
			msg, _ := path(out["errors"].([]any)[0], "message").(string)
			if codes := errorCodes(out); len(codes) == 0 || codes[0] != "NOT_FOUND" || !strings.Contains(msg, `team "acme" was deleted`) || out["data"] != nil && path(out, "data", strings.Fields(strings.Trim(q, "{ "))[0]) != nil {
				all, _ := json.Marshal(out)
				t.Errorf("the %s's %s in the deleted team: %s", who, q, all)
			}
		}
	}
	d = must(gql(t, base, alice, "", `{ myTeams { edges { node { team { slug } } } } }`, nil))
	if raw, _ := json.Marshal(d); strings.Contains(string(raw), `"acme"`) {
		t.Errorf("the owner's teams still list the deleted team: %s", raw)
	}

	// Its agent's credentials and its streams are gone.
	wait.For(t, 30*time.Second, func() error {
		if slices.Contains(b.Embedded.AgentNames(), agent) {
			return errors.New("the deleted team's agent keeps its NATS user")
		}
		for _, s := range streams {
			if _, err := js.Stream(ctx, s); !errors.Is(err, jetstream.ErrStreamNotFound) {
				return fmt.Errorf("stream %s of the deleted team: %v", s, err)
			}
		}
		return nil
	})

	// An enrolment secret it never spent enrols nothing any more.
	body, _ = json.Marshal(unspent)
	resp, err = http.Post(base+"/agent/enrol", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || slices.Contains(b.Embedded.AgentNames(), messageoffice.AgentUser(unspent["cluster"])) {
		t.Errorf("a deleted team's cluster enrols: %s, users %v", resp.Status, b.Embedded.AgentNames())
	}

	// Its name is taken for good.
	if _, out := gql(t, base, mia, "", `mutation { createTeam(input: {slug: "acme", displayName: "Acme again"}) { seq } }`, nil); len(errorCodes(out)) == 0 || errorCodes(out)[0] != "CONFLICT" {
		t.Errorf("creating a team of the deleted team's name: %v", out)
	}

	// The administrator's trail keeps the team's history: that the secret
	// existed and who changed it, and who deleted the team.
	d = must(gql(t, base, admin, "", `{ log(first: 500, order: OLDEST_FIRST) { edges { node { team type actorName } } } }`, nil))
	var trail []string
	for _, e := range path(d, "log", "edges").([]any) {
		n := path(e, "node").(map[string]any)
		if n["team"] == "acme" {
			trail = append(trail, fmt.Sprint(n["type"], " by ", n["actorName"]))
		}
	}
	for _, want := range []string{"accounts.team.created by alice", "console.secret.created by alice", "console.secret.changed by alice", "accounts.team.deleted by alice"} {
		if !slices.Contains(trail, want) {
			t.Errorf("the administrator's trail of the deleted team lacks %q:\n%s", want, strings.Join(trail, "\n"))
		}
	}

	// Deleting it again (team-less, as the CLI does) finishes nothing
	// more and says it is deleted.
	d = must(gql(t, base, alice, "", `mutation { deleteTeam(slug: "acme") { slug seq } }`, nil))
	if path(d, "deleteTeam", "slug") != "acme" {
		t.Errorf("deleting the team again: %v", d)
	}
}

// remaining is what the bucket still holds of team's keys (keyring.Remaining).
func remaining(t *testing.T, ctx context.Context, kv jetstream.KeyValue, team string) []string {
	t.Helper()
	left, err := keyring.Remaining(ctx, kv, team)
	if err != nil {
		t.Fatal(err)
	}
	return left
}
