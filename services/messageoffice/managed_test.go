package messageoffice_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/nacl/box"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
)

// TestARunServiceBecomesAManagedEntryItsAppsCredentialsAndItsDataGoesOnlyWhenAsked:
// a run service is a managed entry of its own cluster (kind, version,
// storage, port, its credentials key), routed to its Service's
// endpoints; an app's --env-from-service names its credentials Secret;
// the agent's sealed credentials and status become events (the
// credentials never in clear), and the entry then names the Secret it
// has; deleting keeps the data (the entry goes), deleting with the data
// keeps a purge entry until the agent says the data is gone.
func TestARunServiceBecomesAManagedEntryItsAppsCredentialsAndItsDataGoesOnlyWhenAsked(t *testing.T) {
	w := newWorld(t)
	con, _ := w.withSecrets(t)
	o := w.start(t)
	a := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	must(con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a}))
	db := must(con.CreateService(w.ctx, w.owner, ccmd.CreateServiceInput{Team: "acme", Env: "prod", Name: "db", Kind: cd.Postgres,
		Run: &ccmd.RunInput{Version: "16", Storage: "10Gi"}})).Object
	api := must(con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1", Replicas: 1,
			EnvFrom: []cd.EnvFrom{{Source: cd.Source{Kind: cd.SourceService, Name: "db"}, Prefix: "DB_"}}}}})).Object.ID
	w.converge(t, o)
	st := w.state(t, a)
	m := decode[clusterstate.Managed](t, st, "managed."+db.ID)
	if m.Name != "db" || m.Namespace != "prod" || m.Kind != "postgres" || m.Version != "16" || m.Storage != "10Gi" || m.Port != 5432 ||
		m.CredentialsKey != db.Instance.CredentialsKey || m.CredentialsSource != "" || m.Purge ||
		m.Labels[clusterstate.LabelRole] != clusterstate.RoleManaged || m.Labels[clusterstate.LabelAppID] != db.ID {
		t.Fatalf("managed entry %+v", m)
	}
	rt := decode[clusterstate.Route](t, st, "route."+db.ID)
	if rt.Endpoints == nil || rt.Endpoints.Namespace != "prod" || rt.Endpoints.Service != "db" || rt.ServiceIP != db.ServiceIP {
		t.Fatalf("route %+v", rt)
	}
	wl := decode[clusterstate.Workload](t, st, "workload."+api)
	if len(wl.Container.EnvFrom) != 1 || wl.Container.EnvFrom[0] != (clusterstate.EnvFrom{Kind: clusterstate.SourceSecret, Name: "db-credentials", Prefix: "DB_"}) {
		t.Fatalf("the app's envFrom %+v", wl.Container.EnvFrom)
	}

	// The agent reports the credentials it made, sealed, and the status.
	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	agent := w.agentConn(t, a)
	const known = "office-run-pw-5d2e"
	var pub [32]byte
	raw, _ := base64.StdEncoding.DecodeString(m.CredentialsKey)
	copy(pub[:], raw)
	plain, _ := json.Marshal(map[string]string{"USERNAME": "db", "PASSWORD": known})
	sealed, err := box.SealAnonymous(nil, plain, &pub, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportService(agent, a, clusterstate.ServiceStatus{ID: db.ID, Ready: true, Replicas: 1, Image: "postgres:16", Time: time.Now(),
		Credentials: &clusterstate.SealedCredentials{Source: "uid-7", Sealed: base64.StdEncoding.EncodeToString(sealed)}}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 20*time.Second, func() error {
		w.converge(t, o)
		if got := decode[clusterstate.Managed](t, w.state(t, a), "managed."+db.ID); got.CredentialsSource != "uid-7" {
			return errors.New("the entry does not name the reported credentials")
		}
		return nil
	})
	wl2 := decode[clusterstate.Workload](t, w.state(t, a), "workload."+api)
	if wl2.SourcesDigest == wl.SourcesDigest {
		t.Errorf("new credentials did not change the app's digest (it would not roll)")
	}
	// More storage (a new postgres major is refused at the edge): the
	// entry asks for it, and it keeps everything else, so the app that
	// takes the credentials does not roll.
	must(con.ChangeServiceInstance(w.ctx, w.owner, ccmd.ChangeServiceInstanceInput{Team: "acme", ID: db.ID, Storage: "20Gi"}))
	w.converge(t, o)
	if got := decode[clusterstate.Managed](t, w.state(t, a), "managed."+db.ID); got.Storage != "20Gi" || got.Version != "16" || got.CredentialsSource != "uid-7" {
		t.Errorf("managed entry after more storage: %+v", got)
	}
	if wl3 := decode[clusterstate.Workload](t, w.state(t, a), "workload."+api); wl3.SourcesDigest != wl2.SourcesDigest {
		t.Errorf("more storage for the service rolled the app that uses it")
	}
	var types []string
	if err := w.store.Read(w.ctx, events.Filter{Team: "acme"}, func(r events.Recorded) error {
		if strings.Contains(string(r.Raw), known) {
			t.Errorf("event %s holds the password in clear", r.Type)
		}
		if r.Aggregate.ID == db.ID {
			types = append(types, r.Type)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(types, ",") != "console.service.created,console.service.credentials-reported,console.service.status-reported,console.service.instance-changed" {
		t.Errorf("the service's events: %v", types)
	}
	for k, v := range w.state(t, a) {
		if strings.Contains(string(v), known) {
			t.Errorf("entry %s holds the password in clear", k)
		}
	}

	// Deleted keeping its data: the entry goes.
	must(con.DeleteApp(w.ctx, w.owner, "acme", api))
	must(con.DeleteService(w.ctx, w.owner, "acme", db.ID, false))
	w.converge(t, o)
	if _, ok := w.state(t, a)["managed."+db.ID]; ok {
		t.Fatalf("a deleted service's entry stayed")
	}
	// Deleted with its data: a purge entry until the agent reports it done.
	db2 := must(con.CreateService(w.ctx, w.owner, ccmd.CreateServiceInput{Team: "acme", Env: "prod", Name: "db", Kind: cd.Postgres, Run: &ccmd.RunInput{}})).Object
	must(con.DeleteService(w.ctx, w.owner, "acme", db2.ID, true))
	w.converge(t, o)
	p := decode[clusterstate.Managed](t, w.state(t, a), "managed."+db2.ID)
	if !p.Purge || p.Name != "db" || p.Namespace != "prod" || p.Labels[clusterstate.LabelAppID] != db2.ID {
		t.Fatalf("purge entry %+v", p)
	}
	if err := clusterstate.ReportService(agent, a, clusterstate.ServiceStatus{ID: db2.ID, DataDeleted: true, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 20*time.Second, func() error {
		w.converge(t, o)
		if _, ok := w.state(t, a)["managed."+db2.ID]; ok {
			return errors.New("the purge entry stayed after the agent deleted the data")
		}
		return nil
	})
}
