package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/gateway"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/wait"
	"weft.dev/services/accounts/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	"weft.dev/services/keyring"
	"weft.dev/services/messageoffice"
	"weft.dev/services/platform"
)

// syncBuffer is a log sink the server writes from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// TestAKnownSecretValueIsNowhereInClear writes a known value as a secret
// (and a second one over it), uses it from an app, lets the message
// office seal it to a cluster's agent, reveals it once as the owner, and
// deletes it; then it searches every byte of the data directory (the
// event log, the desired-state streams, the key bucket, read-model
// snapshots), the server's debug log, /metrics and every API answer but
// the reveal for either value, in clear and in base64. The reveal is
// found in the audit trail; the deleted secret's sealed values in the log
// no longer open. A third value is a managed service's password as its
// agent reports it (sealed to the service's key), revealed once by the
// owner and searched for the same way.
func TestAKnownSecretValueIsNowhereInClear(t *testing.T) {
	random := func() string {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b)
	}
	known, known2, known3 := "known-"+random(), "known-"+random(), "known-"+random()

	var logs syncBuffer
	o := &options{logLevel: "debug", logFormat: "json"}
	o.DataDir = t.TempDir()
	o.HTTPAddr = "127.0.0.1:0"
	var h *platform.HTTP
	var acc *command.Handlers
	var gw *gateway.Gateway
	var inf *icmd.Handlers
	var ring *keyring.Ring
	var store *events.Store
	var b *platform.Broker
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app, err := newApp(o, log, fx.Populate(&h, &acc, &gw, &inf, &ring, &store, &b))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = app.Stop(context.Background())
		}
	}
	t.Cleanup(stop)
	if err := gw.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	boot, err := acc.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base, admin := "http://"+h.Addr(), boot.Token.Secret
	must := mustData(t)
	var answers [][]byte
	ask := func(doc string, vars map[string]any) map[string]any {
		t.Helper()
		status, out := gql(t, base, admin, "acme", doc, vars)
		b, _ := json.Marshal(out)
		answers = append(answers, b)
		return must(status, out)
	}

	must(gql(t, base, admin, "", `mutation { createTeam(input: {slug: "acme", displayName: "Acme"}) { seq } }`, nil))
	d := ask(`mutation { createCluster(input: {name: "eu-1"}) { cluster { id } } }`, nil)
	cluster := path(d, "createCluster", "cluster", "id").(string)
	ask(`mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": cluster})
	// The cluster's agent reported its sealing key (as the office records
	// an agent's gateway report).
	agentKey, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inf.ReportSealingKey(ctx, auth.SystemPrincipal("agent-"+cluster), icmd.ReportSealingKeyInput{
		Team: "acme", ClusterID: cluster, SealingKey: agentKey.PublicString()}); err != nil {
		t.Fatal(err)
	}
	set := `mutation($v: String!) { setSecret(input: {env: "prod", name: "db-creds", set: [{key: "PASSWORD", value: $v}]}) { secret { id keys version } seq } }`
	d = ask(set, map[string]any{"v": known})
	id := path(d, "setSecret", "secret", "id").(string)
	ask(set, map[string]any{"v": known2})
	ask(`mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}]},
		workload: {image: "ghcr.io/acme/api:1", env: [{name: "DB_PASSWORD", from: {kind: SECRET, name: "db-creds", key: "PASSWORD"}}]}}) { app { id } } }`, nil)
	ask(`{ secrets { edges { node { id name keys version usedBy environment { name secretCount } } } } }`, nil)
	ask(`query($id: ID!) { secret(id: $id) { id name keys version usedBy } }`, map[string]any{"id": id})
	ask(`{ apps { edges { node { name workload { env { name value from { kind name key } } } } } } }`, nil)
	ask(`query($id: String!) { resourceAsOf(aggregateType: "secret", aggregateId: $id, seq: 1000000) { resource } }`, map[string]any{"id": id})

	// The office seals it to the agent: the cluster's stream holds it,
	// and the agent opens it.
	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	wait.For(t, 30*time.Second, func() error {
		st, err := messageoffice.ReadState(ctx, js, "acme", cluster)
		if err != nil {
			return err
		}
		var e clusterstate.Secret
		if err := json.Unmarshal(st["secret."+id], &e); err != nil {
			return err
		}
		v, err := agentKey.Open(e.Sealed["PASSWORD"])
		if err != nil || string(v) != known2 {
			return errors.New("the agent does not open the latest value yet")
		}
		return nil
	})

	// The owner reveals it; the answer holds it (so the search below
	// would find it anywhere else), and the trail records who did.
	_, out := gql(t, base, admin, "acme", `mutation($id: ID!) { revealSecret(id: $id) { entries { key value } seq } }`, map[string]any{"id": id})
	if rb, _ := json.Marshal(out); !bytes.Contains(rb, []byte(known2)) {
		t.Fatalf("the reveal does not show the value: %s", rb)
	}
	d = ask(`{ events(first: 500, filter: {includeStatus: true}) { edges { node { type actorName aggregateType data } } } }`, nil)
	found := false
	for _, e := range path(d, "events", "edges").([]any) {
		n := path(e, "node").(map[string]any)
		found = found || n["type"] == "console.secret.revealed" && n["actorName"] == "admin"
	}
	if !found {
		t.Errorf("the reveal is not in the audit trail")
	}

	// The sealed values as the log holds them, to try after the delete.
	sealed := sealedValues(t, ctx, store, "acme", id)
	if len(sealed) != 2 {
		t.Fatalf("%d sealed versions in the log, want 2", len(sealed))
	}
	if v, err := ring.Open(ctx, "acme", id, sealed[0]); err != nil || v["PASSWORD"] != known {
		t.Fatalf("the first version before the delete: %v, %v", v, err)
	}
	ask(`mutation { deleteApp(id: "`+appID(t, base, admin)+`") { seq } }`, nil)
	ask(`mutation($id: ID!) { deleteSecret(id: $id) { seq } }`, map[string]any{"id": id})
	for _, s := range sealed {
		if _, err := ring.Open(ctx, "acme", id, s); !errors.Is(err, keyring.ErrShredded) {
			t.Errorf("a deleted secret's sealed values still open: %v", err)
		}
	}
	_, out = gql(t, base, admin, "acme", `mutation($id: ID!) { revealSecret(id: $id) { seq } }`, map[string]any{"id": id})
	if codes := errorCodes(out); len(codes) == 0 || codes[0] != "NOT_FOUND" {
		t.Errorf("revealing a deleted secret: %v", out)
	}

	// A managed service its cluster runs: the agent generates its
	// credentials and sends them sealed to the service's key; the owner
	// reveals them once; the service is deleted.
	d = ask(`mutation { createService(input: {env: "prod", name: "db", kind: POSTGRES, version: "17", storage: "1Gi"}) { service { id } } }`, nil)
	svc := path(d, "createService", "service", "id").(string)
	var credKey string
	wait.For(t, 30*time.Second, func() error {
		st, err := messageoffice.ReadState(ctx, js, "acme", cluster)
		if err != nil {
			return err
		}
		var m clusterstate.Managed
		if err := json.Unmarshal(st["managed."+svc], &m); err != nil {
			return err
		}
		credKey = m.CredentialsKey
		return nil
	})
	pub, err := clusterstate.ParseSealingKey(credKey)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(map[string]string{"USERNAME": "app", "PASSWORD": known3})
	sealedCreds, err := clusterstate.SealTo(pub, plain)
	if err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportService(b.Conn, cluster, clusterstate.ServiceStatus{ID: svc, Ready: true, Image: "postgres:17", Time: time.Now(),
		Credentials: &clusterstate.SealedCredentials{Source: "uid-1", Sealed: sealedCreds}}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 30*time.Second, func() error {
		d := ask(`query($id: ID!) { service(id: $id) { credentialsReady status { ready image } instance { version storage } } }`, map[string]any{"id": svc})
		if path(d, "service", "credentialsReady") != true {
			return errors.New("the service's credentials are not recorded yet")
		}
		return nil
	})
	_, out = gql(t, base, admin, "acme", `mutation($id: ID!) { revealServiceCredentials(id: $id) { entries { key value } seq } }`, map[string]any{"id": svc})
	if rb, _ := json.Marshal(out); !bytes.Contains(rb, []byte(known3)) {
		t.Fatalf("the reveal does not show the service's password: %s", rb)
	}
	ask(`mutation($id: ID!) { deleteService(id: $id, deleteData: true) { seq } }`, map[string]any{"id": svc})
	_, out = gql(t, base, admin, "acme", `mutation($id: ID!) { revealServiceCredentials(id: $id) { seq } }`, map[string]any{"id": svc})
	if codes := errorCodes(out); len(codes) == 0 || codes[0] != "NOT_FOUND" {
		t.Errorf("revealing a deleted service's credentials: %v", out)
	}

	ask(`{ events(first: 500, filter: {includeStatus: true}) { edges { node { type data resourceName } } } }`, nil)
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answers = append(answers, metrics)
	stop()

	needles := map[string][]byte{}
	for _, v := range []string{known, known2, known3} {
		needles[v] = []byte(v)
		needles["base64 of "+v] = []byte(base64.StdEncoding.EncodeToString([]byte(v)))
		needles["raw base64 of "+v] = []byte(base64.RawStdEncoding.EncodeToString([]byte(v)))
	}
	files := 0
	if err := filepath.WalkDir(o.DataDir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		for what, n := range needles {
			if bytes.Contains(b, n) {
				t.Errorf("%s is in %s", what, strings.TrimPrefix(p, o.DataDir))
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Fatalf("only %d files in the data dir: the search proves nothing", files)
	}
	logged := logs.Bytes()
	if len(logged) < 1000 {
		t.Fatalf("only %d bytes of debug log: the search proves nothing", len(logged))
	}
	for what, n := range needles {
		if bytes.Contains(logged, n) {
			t.Errorf("%s is in the server's log", what)
		}
		for i, a := range answers {
			if bytes.Contains(a, n) {
				t.Errorf("%s is in API answer %d: %s", what, i, a)
			}
		}
	}
}

// appID is the id of the team's one app.
func appID(t *testing.T, base, token string) string {
	t.Helper()
	d := mustData(t)(gql(t, base, token, "acme", `{ apps { edges { node { id } } } }`, nil))
	return path(d, "apps", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
}

// sealedValues is every version of a secret's values as the log holds
// them, sealed.
func sealedValues(t *testing.T, ctx context.Context, store *events.Store, team, id string) []map[string]string {
	t.Helper()
	var sealed []map[string]string
	if err := store.Read(ctx, events.Filter{Team: team, AggType: cd.SecretAggregate, AggID: id}, func(r events.Recorded) error {
		switch e := r.Data.(type) {
		case cd.SecretCreated:
			sealed = append(sealed, e.Values)
		case cd.SecretChanged:
			sealed = append(sealed, e.Set)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return sealed
}
