package command_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/crypto/nacl/box"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/keyring"
)

// agentSeal seals credentials as an agent does: a JSON object in an
// anonymous box to the service's credentials key.
func agentSeal(t *testing.T, pub string, values map[string]string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(pub)
	if err != nil || len(raw) != 32 {
		t.Fatalf("credentials key %q", pub)
	}
	var k [32]byte
	copy(k[:], raw)
	b, _ := json.Marshal(values)
	out, err := box.SealAnonymous(nil, b, &k, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(out)
}

func TestARunServiceGetsItsKindsPortAndCredentialsOnlyAnAdminOpensWithARecord(t *testing.T) {
	h := setup(t)
	cluster, _, _ := h.world()
	c := h.withKeyring()
	res, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "db", Kind: cd.Postgres,
		Run: &command.RunInput{Version: "17", Storage: "10Gi"}})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Object
	if s.Instance == nil || s.Instance.Version != "17" || s.Instance.Storage != "10Gi" || s.Instance.CredentialsKey == "" || s.Instance.SealedKey == "" {
		t.Fatalf("instance %+v", s.Instance)
	}
	if len(s.Spec.Ports) != 1 || s.Spec.Ports[0] != (cd.Port{Port: 5432, Protocol: cd.TCP}) || len(s.Spec.Backends) != 0 || s.ServiceIP == "" {
		t.Fatalf("spec %+v ip %s", s.Spec, s.ServiceIP)
	}
	// Before the agent reports, there is nothing to reveal.
	if _, err := c.RevealServiceCredentials(h.ctx, admin, "acme", s.ID); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("reveal before the report: %v", err)
	}
	const known = "pw-run-known-7f3a91"
	creds := map[string]string{"USERNAME": "weft", "PASSWORD": known, "DATABASE": "db", "HOST": "db.dev.svc", "PORT": "5432"}
	sys := auth.SystemPrincipal("agent-" + cluster)
	if _, err := c.ReportService(h.ctx, member, command.ReportServiceInput{Team: "acme", ClusterID: cluster, ID: s.ID,
		Credentials: &cd.Credentials{Source: "uid-1", Sealed: agentSeal(t, s.Instance.CredentialsKey, creds)}}); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a member reports: %v", err)
	}
	if _, err := c.ReportService(h.ctx, sys, command.ReportServiceInput{Team: "acme", ClusterID: newID(t), ID: s.ID,
		Status: &cd.InstanceStatus{Ready: true}}); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("another cluster reports: %v", err)
	}
	rep, err := c.ReportService(h.ctx, sys, command.ReportServiceInput{Team: "acme", ClusterID: cluster, ID: s.ID,
		Credentials: &cd.Credentials{Source: "uid-1", Sealed: agentSeal(t, s.Instance.CredentialsKey, creds)},
		Status:      &cd.InstanceStatus{Ready: true, Image: "postgres:17", Replicas: 1}})
	if err != nil {
		t.Fatal(err)
	}
	// The same Secret reported again (an agent's restart) records nothing.
	again, err := c.ReportService(h.ctx, sys, command.ReportServiceInput{Team: "acme", ClusterID: cluster, ID: s.ID,
		Credentials: &cd.Credentials{Source: "uid-1", Sealed: agentSeal(t, s.Instance.CredentialsKey, creds)},
		Status:      &cd.InstanceStatus{Ready: true, Image: "postgres:17", Replicas: 1}})
	if err != nil || again.Seq != rep.Seq {
		t.Fatalf("an unchanged report was recorded again: %d after %d (%v)", again.Seq, rep.Seq, err)
	}
	got, err := h.q.Service(h.ctx, member, "acme", s.ID, rep.Seq)
	if err != nil || got.Status == nil || !got.Status.Ready || got.Status.Image != "postgres:17" || !got.CredentialsReady || got.Instance.Version != "17" {
		t.Fatalf("read model %+v (%v)", got, err)
	}
	if _, err := c.RevealServiceCredentials(h.ctx, member, "acme", s.ID); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("a member's reveal: %v", err)
	}
	rev, err := c.RevealServiceCredentials(h.ctx, admin, "acme", s.ID)
	if err != nil || rev.Object.Values["PASSWORD"] != known {
		t.Fatalf("an admin's reveal: %v (%v)", rev.Object.Values, err)
	}
	var revealedBy []string
	if err := h.store.Read(h.ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		if strings.Contains(string(r.Raw), known) {
			t.Errorf("event %s holds the password in clear", r.Type)
		}
		if _, ok := r.Data.(cd.ServiceCredentialsRevealed); ok {
			revealedBy = append(revealedBy, r.Actor)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(revealedBy) != 1 || revealedBy[0] != admin.Actor() {
		t.Fatalf("reveals recorded: %v", revealedBy)
	}

	// Deleting it destroys the key: the credentials in the log no longer
	// open, even with the keyring.
	if _, err := c.DeleteService(h.ctx, member, "acme", s.ID, true); err != nil {
		t.Fatal(err)
	}
	ring := ringOf(t, h)
	if _, err := ring.Open(h.ctx, "acme", s.ID, map[string]string{"credentials-key": s.Instance.SealedKey}); !errors.Is(err, keyring.ErrShredded) {
		t.Fatalf("the key of a deleted service's credentials: %v", err)
	}
	// The agent's word that the data is gone is recorded once.
	dd, err := c.ReportService(h.ctx, sys, command.ReportServiceInput{Team: "acme", ClusterID: cluster, ID: s.ID, DataDeleted: true})
	if err != nil || dd.Object.DataDeleted != true {
		t.Fatalf("data deleted: %+v (%v)", dd.Object, err)
	}
}

func ringOf(t *testing.T, h *harness) *keyring.Ring {
	t.Helper()
	js, err := jetstreamOf(h)
	if err != nil {
		t.Fatal(err)
	}
	r, err := keyring.Open(h.ctx, js, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunServiceInputIsCheckedAtTheEdgeAndNothingIsAppended(t *testing.T) {
	h := setup(t)
	h.world()
	c := h.withKeyring()
	before := h.lastSeq()
	for _, tt := range []struct {
		name  string
		in    command.CreateServiceInput
		code  fault.Code
		field string
	}{
		{"kind weft does not run", command.CreateServiceInput{Kind: cd.Kafka, Run: &command.RunInput{}}, fault.Invalid, "kind"},
		{"unknown version", command.CreateServiceInput{Kind: cd.Postgres, Run: &command.RunInput{Version: "9.6"}}, fault.Invalid, "version"},
		{"storage not a quantity", command.CreateServiceInput{Kind: cd.Redis, Run: &command.RunInput{Storage: "ten gigs"}}, fault.Invalid, "storage"},
		{"storage too small", command.CreateServiceInput{Kind: cd.Redis, Run: &command.RunInput{Storage: "1Mi"}}, fault.Invalid, "storage"},
		{"storage negative", command.CreateServiceInput{Kind: cd.Redis, Run: &command.RunInput{Storage: "-1Gi"}}, fault.Invalid, "storage"},
		{"backends and a version", command.CreateServiceInput{Kind: cd.MySQL, Run: &command.RunInput{Version: "8.4"},
			Spec: cd.Spec{Backends: []string{"10.0.0.1:3306"}}}, fault.Invalid, "spec.backends"},
		{"another port", command.CreateServiceInput{Kind: cd.MongoDB, Run: &command.RunInput{},
			Spec: cd.Spec{Ports: []cd.Port{{Port: 27018}}}}, fault.Invalid, "spec.ports[0]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Team, tt.in.Env, tt.in.Name = "acme", "dev", "db"
			_, err := c.CreateService(h.ctx, member, tt.in)
			f, ok := fault.As(err)
			if !ok || f.Code != tt.code || f.Field != tt.field {
				t.Fatalf("want %s on %s, got %v", tt.code, tt.field, err)
			}
		})
	}
	if after := h.lastSeq(); after != before {
		t.Fatalf("refused input appended %d events", after-before)
	}
	// Without a keyring a run service is unavailable; fixed backends work.
	if _, err := h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "db", Kind: cd.Postgres,
		Run: &command.RunInput{}}); fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("a run service without a keyring: %v", err)
	}
	fixed, err := h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "legacy", Kind: cd.Postgres,
		Spec: cd.Spec{Ports: []cd.Port{{Port: 5432}}, Backends: []string{"10.0.0.20:5432"}}})
	if err != nil || fixed.Object.Instance != nil {
		t.Fatalf("fixed backends: %+v (%v)", fixed.Object, err)
	}
	if _, err := h.h.DeleteService(h.ctx, member, "acme", fixed.Object.ID, true); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("deleting the data of fixed backends: %v", err)
	}
}

func TestAnAppTakesARunServicesCredentialsAndTheServiceStaysWhileItDoes(t *testing.T) {
	h := setup(t)
	h.world()
	c := h.withKeyring()
	db, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "db", Kind: cd.Postgres, Run: &command.RunInput{}})
	if err != nil {
		t.Fatal(err)
	}
	if db.Object.Instance.Version != "17" || db.Object.Instance.Storage != cd.DefaultStorage {
		t.Fatalf("defaults: %+v", db.Object.Instance)
	}
	w := &cd.Workload{Image: "ghcr.io/acme/api:1", EnvFrom: []cd.EnvFrom{{Source: cd.Source{Kind: cd.SourceService, Name: "db"}, Prefix: "DB_"}}}
	spec := cd.Spec{Ports: []cd.Port{{Port: 80}}}
	if _, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "bad", Spec: spec,
		Backing: cd.Backing{Workload: &cd.Workload{Image: "x:1", EnvFrom: []cd.EnvFrom{{Source: cd.Source{Kind: cd.SourceService, Name: "web"}}}}}}); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("credentials of an app, not a service: %v", err)
	}
	if _, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "bad2", Spec: spec,
		Backing: cd.Backing{Workload: &cd.Workload{Image: "x:1", Env: []cd.EnvVar{{Name: "X", From: &cd.KeyRef{Source: cd.Source{Kind: cd.SourceService, Name: "db"}, Key: "TOKEN"}}}}}}); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("a key credentials lack: %v", err)
	}
	app, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "api", Spec: spec, Backing: cd.Backing{Workload: w}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteService(h.ctx, member, "acme", db.Object.ID, false); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting a service an app uses: %v", err)
	}
	if _, err := c.DeleteApp(h.ctx, member, "acme", app.Object.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteService(h.ctx, member, "acme", db.Object.ID, false); err != nil {
		t.Fatalf("deleting an unused service: %v", err)
	}
}

func jetstreamOf(h *harness) (jetstream.JetStream, error) { return jetstream.New(h.env.Conn) }
