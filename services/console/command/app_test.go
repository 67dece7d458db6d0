package command_test

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	"weft.dev/services/uniq"
)

func TestConcurrentAppCreationsInOneClusterGetDistinctServiceIPsInItsRange(t *testing.T) {
	h := setup(t)
	cluster := h.cluster("acme", "east", "10.96.4.0/25")
	for _, env := range []string{"dev", "stage"} {
		if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: env, ClusterID: cluster}); err != nil {
			t.Fatal(err)
		}
	}
	const n = 40
	apps := make([]cd.App, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			env := []string{"dev", "stage"}[i%2]
			var res command.Result[cd.App]
			res, errs[i] = h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: env, Name: fmt.Sprint("app", i), Spec: webSpec()})
			apps[i] = res.Object
		}()
	}
	close(start)
	wg.Wait()
	rng := netip.MustParsePrefix("10.96.4.0/25")
	seen := map[string]string{}
	for i, a := range apps {
		if errs[i] != nil {
			t.Fatalf("create app%d: %v", i, errs[i])
		}
		ip, err := netip.ParseAddr(a.ServiceIP)
		if err != nil || !rng.Contains(ip) || ip == rng.Addr() {
			t.Fatalf("app%d got %q, not a host address in %s", i, a.ServiceIP, rng)
		}
		if other, dup := seen[a.ServiceIP]; dup {
			t.Fatalf("%s and %s share %s", other, a.Name, a.ServiceIP)
		}
		seen[a.ServiceIP] = a.Name
		if a.ClusterID != cluster {
			t.Fatalf("app%d in cluster %s", i, a.ClusterID)
		}
	}
	listed, _, err := h.q.Apps(h.ctx, member, "acme", "", "", readmodel.All, h.lastSeq())
	if err != nil || len(listed) != n {
		t.Fatalf("listed %d apps, %v", len(listed), err)
	}
}

func TestDeletedAppsIPIsReusedOnlyAfterTheDelete(t *testing.T) {
	h := setup(t)
	_, _, web := h.world()
	api, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "api", Spec: webSpec()})
	if err != nil {
		t.Fatal(err)
	}
	if api.Object.ServiceIP == web.ServiceIP {
		t.Fatalf("api got web's live IP %s", web.ServiceIP)
	}
	if _, err := h.h.DeleteApp(h.ctx, member, "acme", web.ID); err != nil {
		t.Fatal(err)
	}
	// The name is free again too.
	again, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "web", Spec: webSpec()})
	if err != nil {
		t.Fatal(err)
	}
	if again.Object.ServiceIP != web.ServiceIP || again.Object.ID == web.ID {
		t.Fatalf("recreated web got %s (id %s); want the freed %s under a new id", again.Object.ServiceIP, again.Object.ID, web.ServiceIP)
	}
}

func TestAppAndServiceNamesAreUniqueWithinAnEnvironmentOnly(t *testing.T) {
	h := setup(t)
	cluster, _, _ := h.world()
	if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: cluster}); err != nil {
		t.Fatal(err)
	}
	_, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "web", Spec: webSpec()})
	if f, ok := fault.As(err); !ok || f.Code != fault.Conflict || f.Field != "name" {
		t.Fatalf("duplicate app: want CONFLICT on name, got %v", err)
	}
	_, err = h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "web", Kind: cd.Postgres, Spec: webSpec()})
	if fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("service named like an app (same DNS name): want CONFLICT, got %v", err)
	}
	if _, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "prod", Name: "web", Spec: webSpec()}); err != nil {
		t.Fatalf("same name in another environment: %v", err)
	}
}

func TestManagedServiceLifecycle(t *testing.T) {
	h := setup(t)
	h.world()
	spec := cd.Spec{Ports: []cd.Port{{Port: 5432}}, Backends: []string{"pg-0.db:5432", "pg-1.db:5432"}, LB: cd.Failover}
	res, err := h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "db", Kind: cd.Postgres, Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	if res.Object.ServiceIP == "" || res.Object.Kind != cd.Postgres || res.Object.Spec.Health.Type != cd.CheckTCP {
		t.Fatalf("service %+v", res.Object)
	}
	spec.Backends = spec.Backends[:1]
	up, err := h.h.UpdateService(h.ctx, member, command.UpdateServiceInput{Team: "acme", ID: res.Object.ID, Kind: cd.Postgres, Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.q.Service(h.ctx, member, "acme", res.Object.ID, up.Seq)
	if err != nil || len(got.Spec.Backends) != 1 || got.EnvName != "dev" || got.ClusterName != "east" || got.ServiceIP != res.Object.ServiceIP {
		t.Fatalf("service view %+v, %v", got, err)
	}
	del, err := h.h.DeleteService(h.ctx, member, "acme", res.Object.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.q.Service(h.ctx, member, "acme", res.Object.ID, del.Seq); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("deleted service: %v", err)
	}
}

func TestEnvironmentsAndTheirClusters(t *testing.T) {
	h := setup(t)
	cluster, env, app := h.world()
	if _, err := h.h.DeleteEnv(h.ctx, admin, "acme", "dev"); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("delete env with an app: want CONFLICT, got %v", err)
	}
	if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "dev", ClusterID: cluster}); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("duplicate env name: want CONFLICT, got %v", err)
	}
	if _, err := h.h.CreateEnv(h.ctx, member, command.CreateEnvInput{Team: "acme", Name: "qa", ClusterID: cluster}); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("member creating an env: want FORBIDDEN, got %v", err)
	}

	// Deleting the cluster leaves the environment, shown as homeless.
	seq := h.deleteCluster("acme", cluster, "east")
	got, err := h.q.Env(h.ctx, member, "acme", "dev", seq)
	if err != nil || !got.ClusterGone || got.ClusterName != "east" || got.Apps != 1 {
		t.Fatalf("env after cluster delete %+v, %v", got, err)
	}
	_, err = h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: env.Name, Name: "api", Spec: webSpec()})
	if fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("app in a deleted cluster: want CONFLICT, got %v", err)
	}
	if _, err := h.h.DeleteApp(h.ctx, member, "acme", app.ID); err != nil {
		t.Fatalf("delete app of a deleted cluster: %v", err)
	}
	del, err := h.h.DeleteEnv(h.ctx, admin, "acme", "dev")
	if err != nil {
		t.Fatal(err)
	}
	envs, _, err := h.q.Envs(h.ctx, member, "acme", "", readmodel.All, del.Seq)
	if err != nil || len(envs) != 0 {
		t.Fatalf("envs after delete %+v, %v", envs, err)
	}
}

// Deletions release their service IP in the cluster's range while
// creations in the same cluster allocate from it: in one process they take
// turns on the range, so no delete loses its version check to a creation
// and retries (under load deletes gave up after 12 attempts). Sixteen
// clients each create and delete apps in one cluster at once; every
// command succeeds, and no app is left.
func TestDeletesAndCreationsInOneClusterAllSucceedUnderContention(t *testing.T) {
	h := setup(t)
	cluster := h.cluster("acme", "east", "10.96.8.0/24")
	if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "dev", ClusterID: cluster}); err != nil {
		t.Fatal(err)
	}
	const clients, rounds = 16, 12
	errs := make(chan error, clients*rounds*2)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				res, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: fmt.Sprintf("a%d-%d", c, r), Spec: webSpec()})
				errs <- err
				if err != nil {
					continue
				}
				_, err = h.h.DeleteApp(h.ctx, member, "acme", res.Object.ID)
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	listed, _, err := h.q.Apps(h.ctx, member, "acme", "", "", readmodel.All, h.lastSeq())
	if err != nil || len(listed) != 0 {
		t.Fatalf("%d apps left after every one was deleted, %v", len(listed), err)
	}
}

// Only the message office (a system principal) records what agents report,
// and only for what is homed in the reporting cluster; nothing else is
// appended.
func TestOnlyTheOfficeRecordsAgentReportsAndOnlyForTheReportingCluster(t *testing.T) {
	h := setup(t)
	clusterID, env, _ := h.world()
	other := h.cluster("acme", "west", "10.97.0.0/24")
	app, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80}}}, Backing: cd.Backing{Workload: &cd.Workload{Image: "api:1", Replicas: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	office := auth.SystemPrincipal("messageoffice")
	r := cd.Rollout{Generation: app.Object.Generation, Desired: 1}
	for name, run := range map[string]func() error{
		"a member reports a rollout": func() error {
			_, err := h.h.ReportRollout(h.ctx, member, command.ReportRolloutInput{Team: "acme", ClusterID: clusterID, ID: app.Object.ID, Rollout: r})
			return err
		},
		"an admin reports a namespace": func() error {
			_, err := h.h.ReportNamespace(h.ctx, admin, command.ReportNamespaceInput{Team: "acme", ClusterID: clusterID, ID: env.ID,
				Namespace: cd.NamespaceState{Name: "dev", Ready: true}})
			return err
		},
		"another cluster reports the rollout": func() error {
			_, err := h.h.ReportRollout(h.ctx, office, command.ReportRolloutInput{Team: "acme", ClusterID: other, ID: app.Object.ID, Rollout: r})
			return err
		},
		"another cluster reports the namespace": func() error {
			_, err := h.h.ReportNamespace(h.ctx, office, command.ReportNamespaceInput{Team: "acme", ClusterID: other, ID: env.ID,
				Namespace: cd.NamespaceState{Name: "dev", Ready: true}})
			return err
		},
	} {
		before := h.lastSeq()
		if code := fault.CodeOf(run()); code != fault.Forbidden {
			t.Errorf("%s: %s, want FORBIDDEN", name, code)
		}
		if h.lastSeq() != before {
			t.Errorf("%s appended", name)
		}
	}
	if _, err := h.h.ReportRollout(h.ctx, office, command.ReportRolloutInput{Team: "acme", ClusterID: clusterID, ID: app.Object.ID, Rollout: r}); err != nil {
		t.Fatalf("the office reporting the app's own cluster: %v", err)
	}
}

// Two processes (two sets of handlers, each with its own cached range and
// its own stripes) creating apps in one cluster at once hand out distinct
// addresses: the range is appended to without a version check, so each
// address's claim is what keeps them apart, and the loser of a race picks
// again.
func TestTwoProcessesCreatingAppsInOneClusterGetDistinctServiceIPs(t *testing.T) {
	h := setup(t)
	cluster := h.cluster("acme", "east", "10.96.12.0/26")
	if _, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "dev", ClusterID: cluster}); err != nil {
		t.Fatal(err)
	}
	other := command.New(events.NewStore(h.env.Conn, registry()), h.q)
	const n = 40 // of 62 addresses
	ips := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			handlers := []*command.Handlers{h.h, other}[i%2]
			res, err := handlers.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: fmt.Sprint("app", i), Spec: webSpec()})
			ips[i], errs[i] = res.Object.ServiceIP, err
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for i, ip := range ips {
		if errs[i] != nil {
			t.Fatalf("app%d: %v", i, errs[i])
		}
		if j, dup := seen[ip]; dup {
			t.Fatalf("app%d and app%d both got %s", j, i, ip)
		}
		seen[ip] = i
	}
}

// TestAnAppIsNotPlacedInAClusterDeletedWhileItWasCreated interleaves a
// cluster's deletion between a creation's read of the cluster (live) and
// its append: the app, the managed service, the environment and the config
// are each refused as placed in a deleted cluster, and none of them exists
// after (secrets are created the same way as configs).
// Reading the cluster alone let each be stored.
func TestAnAppIsNotPlacedInAClusterDeletedWhileItWasCreated(t *testing.T) {
	for _, what := range []string{"app", "service", "environment", "config"} {
		t.Run(what, func(t *testing.T) {
			h := setup(t)
			cluster, env, _ := h.world()
			var once sync.Once
			command.OnPlaced(h.h, func() { once.Do(func() { h.deleteCluster("acme", cluster, "east") }) })
			var err error
			switch what {
			case "app":
				_, err = h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: env.Name, Name: "late", Spec: webSpec()})
			case "service":
				_, err = h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: env.Name, Name: "late", Kind: "postgres",
					Spec: cd.Spec{Ports: []cd.Port{{Port: 5432, Protocol: cd.TCP}}, Backends: []string{"10.1.0.9:5432"}}})
			case "environment":
				_, err = h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "late", ClusterID: cluster})
			case "config":
				_, err = h.h.SetConfig(h.ctx, member, command.SetConfigInput{Team: "acme", Env: env.Name, Name: "late", Set: map[string]string{"A": "1"}})
			}
			if err == nil {
				t.Fatalf("%s created in a cluster deleted while it was created", what)
			}
			if c := fault.CodeOf(err); c != fault.Conflict && c != fault.NotFound {
				t.Fatalf("%s: %v, want CONFLICT or NOT_FOUND for the deleted cluster", what, err)
			}
			owner, _, oerr := uniq.Owner(h.ctx, h.store, "acme", map[string]string{"app": cd.AppNameKind, "service": cd.AppNameKind, "environment": cd.EnvNameKind, "config": cd.ConfigNameKind}[what],
				map[string]string{"app": cd.AppNameKey(env.ID, "late"), "service": cd.AppNameKey(env.ID, "late"), "environment": "late", "config": cd.ConfigNameKey(env.ID, "late")}[what])
			if oerr != nil || owner != "" {
				t.Errorf("the refused %s's name is held by %q (%v): something of it was stored", what, owner, oerr)
			}
		})
	}
}
