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

	// A rotation re-encrypts the private half of the credentials key
	// under a new data key: the credentials still open, what the
	// service's creation holds of the key no longer does.
	rot, err := c.RotateSecretsKey(h.ctx, admin, "acme")
	if err != nil || rot.Object.Resealed != 1 {
		t.Fatalf("rotation: %+v, %v", rot.Object, err)
	}
	if rev, err := c.RevealServiceCredentials(h.ctx, admin, "acme", s.ID); err != nil || rev.Object.Values["PASSWORD"] != known {
		t.Fatalf("reveal after the rotation: %v (%v)", rev.Object.Values, err)
	}
	if _, err := ringOf(t, h).Open(h.ctx, "acme", s.ID, map[string]string{"credentials-key": s.Instance.SealedKey}); !errors.Is(err, keyring.ErrShredded) {
		t.Fatalf("the credentials key as created, after the rotation: %v", err)
	}
	after, _, err := events.LoadState(h.ctx, h.store, "acme", eventsRef(cd.ServiceAggregate, s.ID), cd.EvolveService)
	if err != nil || after.Instance.KeyGen != 1 || after.Instance.SealedKey == s.Instance.SealedKey {
		t.Fatalf("the service after the rotation: %+v (%v)", after.Instance, err)
	}
	s = after

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

// TestARunServiceUpgradesOnlyInPlaceAndItsVolumeOnlyGrows: weft service
// update --version/--storage records console.service.instance-changed
// for a version its image upgrades the data of in place (redis upward,
// mysql 8.0 → 8.4 → 9) and a larger volume; a Postgres or MongoDB major
// version, a downgrade, a skipped LTS, a smaller volume, a version weft
// does not run and a service of fixed backends are refused naming the
// field, and nothing is appended; the read model shows the new version.
func TestARunServiceUpgradesOnlyInPlaceAndItsVolumeOnlyGrows(t *testing.T) {
	h := setup(t)
	h.world()
	c := h.withKeyring()
	create := func(name string, kind cd.ServiceKind, version string) cd.Service {
		t.Helper()
		res, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: name, Kind: kind,
			Run: &command.RunInput{Version: version, Storage: "10Gi"}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Object
	}
	pg, my, rd, mg := create("pg", cd.Postgres, "16"), create("my", cd.MySQL, "8.0"), create("rd", cd.Redis, "7.2"), create("mg", cd.MongoDB, "7.0")
	fixed, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "ext", Kind: cd.Postgres,
		Spec: cd.Spec{Ports: []cd.Port{{Port: 5432, Protocol: cd.TCP}}, Backends: []string{"10.1.0.9:5432"}}})
	if err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		name             string
		id               string
		version, storage string
		field            string
	}{
		{"postgres major", pg.ID, "17", "", "version"},
		{"mongodb major", mg.ID, "8.0", "", "version"},
		{"redis downgrade", rd.ID, "6.2", "", "version"},
		{"mysql skipping an LTS", my.ID, "9", "", "version"},
		{"a version weft does not run", rd.ID, "7.3", "", "version"},
		{"a smaller volume", pg.ID, "", "5Gi", "storage"},
		{"a volume beyond the bound", pg.ID, "", "100Ti", "storage"},
		{"fixed backends", fixed.Object.ID, "17", "", "version"},
		{"nothing asked", pg.ID, "", "", "version"},
	}
	last, err := h.store.LastSeq(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range refused {
		_, err := c.ChangeServiceInstance(h.ctx, member, command.ChangeServiceInstanceInput{Team: "acme", ID: tt.id, Version: tt.version, Storage: tt.storage})
		if fe, ok := fault.As(err); !ok || fe.Code != fault.Invalid || fe.Field != tt.field {
			t.Errorf("%s: %v, want BAD_USER_INPUT on %s", tt.name, err, tt.field)
		}
	}
	if now, _ := h.store.LastSeq(h.ctx); now != last {
		t.Fatalf("refused changes appended %d events", now-last)
	}

	for _, step := range []struct {
		s                cd.Service
		version, storage string
		wantV, wantS     string
	}{
		{rd, "8", "", "8", "10Gi"},
		{my, "8.4", "20Gi", "8.4", "20Gi"},
		{my, "9", "", "9", "20Gi"},
		{pg, "", "1Ti", "16", "1Ti"},
	} {
		res, err := c.ChangeServiceInstance(h.ctx, member, command.ChangeServiceInstanceInput{Team: "acme", ID: step.s.ID, Version: step.version, Storage: step.storage})
		if err != nil {
			t.Fatalf("%s to %q/%q: %v", step.s.Name, step.version, step.storage, err)
		}
		if in := res.Object.Instance; in.Version != step.wantV || in.Storage != step.wantS || in.CredentialsKey != step.s.Instance.CredentialsKey {
			t.Errorf("%s after the change: %+v", step.s.Name, in)
		}
		got, err := h.q.Service(h.ctx, member, "acme", step.s.ID, res.Seq)
		if err != nil || got.Instance.Version != step.wantV || got.Instance.Storage != step.wantS {
			t.Errorf("%s in the read model: %+v (%v)", step.s.Name, got.Instance, err)
		}
	}
	// The same again changes nothing.
	before, _ := h.store.LastSeq(h.ctx)
	if _, err := c.ChangeServiceInstance(h.ctx, member, command.ChangeServiceInstanceInput{Team: "acme", ID: pg.ID, Storage: "1024Gi"}); err != nil {
		t.Fatal(err)
	}
	if now, _ := h.store.LastSeq(h.ctx); now != before {
		t.Errorf("an unchanged instance appended %d events", now-before)
	}
	if _, err := c.ChangeServiceInstance(h.ctx, auth.Principal{UserID: "eve", Team: "acme", Role: auth.Auditor}, command.ChangeServiceInstanceInput{Team: "acme", ID: pg.ID, Storage: "2Ti"}); fault.CodeOf(err) != fault.Forbidden {
		t.Errorf("an auditor's change: %v", err)
	}
}
