package messageoffice_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"weft.dev/events/clusterstate"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	icmd "weft.dev/services/infra/command"
)

func decode[T any](t *testing.T, d map[string][]byte, key string) T {
	t.Helper()
	var v T
	b, ok := d[key]
	if !ok {
		t.Fatalf("no entry %s (have %v)", key, subjects(d))
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

// kubeWorld: clusters A (the environment prod), B (agent in Kubernetes
// mode) and C (plain agent); an app with a workload, an app exporting an
// existing Service, and a plain app, all in A.
type kubeWorld struct {
	a, b, c, env, api, db, web string
}

func (w *world) buildKube(t *testing.T) kubeWorld {
	var k kubeWorld
	k.a = must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	k.b = must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	k.c = must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "edge-1"})).Object.ID
	must(w.inf.ReportKubernetes(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportKubernetesInput{Team: "acme", ClusterID: k.b, Version: "v1.37.2"}))
	k.env = must(w.con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: k.a})).Object.ID
	k.api = must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 9090, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{
			Image: "ghcr.io/acme/api:1.4", Args: []string{"--serve"}, Replicas: 2,
			Env:       []cd.EnvVar{{Name: "LOG", Value: "debug"}},
			Ports:     []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 8080}},
			Resources: cd.Resources{Requests: cd.ResourceList{CPU: "0.25", Memory: "128Mi"}, Limits: cd.ResourceList{CPU: "1", Memory: "256Mi"}},
			Readiness: &cd.Probe{Type: cd.ProbeHTTP, Path: "/healthz"},
		}}})).Object.ID
	k.db = must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "db",
		Spec:    cd.Spec{Ports: []cd.Port{{Port: 5432, Protocol: cd.TCP}}},
		Backing: cd.Backing{Export: &cd.ServiceRef{Namespace: "prod", Name: "postgres"}}})).Object.ID
	k.web = must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "web",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}, Backends: []string{"10.0.0.7:8080"}}})).Object.ID
	return k
}

func TestKubernetesEntriesGoToTheAppsClusterAndImportsOnlyToOtherClustersInKubernetesMode(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	k := w.buildKube(t)
	w.converge(t, o)

	a, b, c := w.state(t, k.a), w.state(t, k.b), w.state(t, k.c)
	kube := func(d map[string][]byte) []string {
		var out []string
		for key := range d {
			switch kind, _ := clusterstate.ParseKey(key); kind {
			case clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport:
				out = append(out, key)
			}
		}
		slices.Sort(out)
		return out
	}
	wantA := []string{"export." + k.db, "namespace." + k.env, "workload." + k.api}
	slices.Sort(wantA)
	if got := kube(a); !slices.Equal(got, wantA) {
		t.Errorf("A's Kubernetes entries: %v, want %v", got, wantA)
	}
	wantB := []string{"import." + k.api, "import." + k.db, "import." + k.web}
	slices.Sort(wantB)
	if got := kube(b); !slices.Equal(got, wantB) {
		t.Errorf("B's Kubernetes entries: %v, want %v", got, wantB)
	}
	if got := kube(c); len(got) != 0 {
		t.Errorf("C, not in Kubernetes mode, got %v", got)
	}

	ns := decode[clusterstate.Namespace](t, a, "namespace."+k.env)
	wantLabels := map[string]string{"app.kubernetes.io/managed-by": "weft", "weft.dev/team": "acme", "weft.dev/env": "prod",
		"weft.dev/env-id": k.env, "weft.dev/role": "env"}
	if ns.Name != "prod" || ns.Env != "prod" || ns.Team != "acme" || ns.ID != k.env || !reflect.DeepEqual(ns.Labels, wantLabels) {
		t.Errorf("namespace %+v", ns)
	}

	wl := decode[clusterstate.Workload](t, a, "workload."+k.api)
	app := must(w.con.UpdateApp(w.ctx, w.owner, ccmd.UpdateAppInput{Team: "acme", ID: k.api, Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 9090, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1.4", Args: []string{"--serve"}, Replicas: 2,
			Env: []cd.EnvVar{{Name: "LOG", Value: "debug"}}, Ports: []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 8080}},
			Resources: cd.Resources{Requests: cd.ResourceList{CPU: "250m", Memory: "128Mi"}, Limits: cd.ResourceList{CPU: "1", Memory: "256Mi"}},
			Readiness: &cd.Probe{Type: cd.ProbeHTTP, Path: "/healthz"}}}}))
	if app.Object.Generation != wl.Generation {
		t.Errorf("an update that changes nothing (0.25 is 250m) changed the generation %d to %d", wl.Generation, app.Object.Generation)
	}
	want := clusterstate.Workload{
		ID: k.api, Name: "api", Namespace: "prod", Env: "prod", Generation: wl.Generation, Replicas: 2,
		Labels: map[string]string{"app.kubernetes.io/managed-by": "weft", "weft.dev/team": "acme", "weft.dev/env": "prod",
			"weft.dev/env-id": k.env, "weft.dev/role": "workload", "weft.dev/app": "api", "weft.dev/app-id": k.api},
		Container: clusterstate.Container{
			Image: "ghcr.io/acme/api:1.4", Args: []string{"--serve"}, Env: []clusterstate.EnvVar{{Name: "LOG", Value: "debug"}},
			Ports:     []clusterstate.ContainerPort{{Name: "http-80", ContainerPort: 8080, Protocol: "tcp"}, {Name: "tcp-9090", ContainerPort: 9090, Protocol: "tcp"}},
			Resources: clusterstate.Resources{Requests: clusterstate.ResourceList{CPU: "250m", Memory: "128Mi"}, Limits: clusterstate.ResourceList{CPU: "1", Memory: "256Mi"}},
			Readiness: &clusterstate.Probe{Kind: "http", Path: "/healthz", Port: 8080},
		},
		Ports: []clusterstate.ServicePort{{Name: "http-80", Port: 80, Protocol: "tcp", AppProto: "http", TargetPort: 8080}, {Name: "tcp-9090", Port: 9090, Protocol: "tcp", TargetPort: 9090}},
	}
	if wl.Generation == 0 || !reflect.DeepEqual(wl, want) {
		t.Errorf("workload\n got %+v\nwant %+v", wl, want)
	}
	r := decode[clusterstate.Route](t, a, "route."+k.api)
	if r.Endpoints == nil || *r.Endpoints != (clusterstate.EndpointSource{Namespace: "prod", Service: "api"}) || len(r.Backends) != 0 {
		t.Errorf("the workload's route: endpoints %+v, backends %v", r.Endpoints, r.Backends)
	}
	ex := decode[clusterstate.Export](t, a, "export."+k.db)
	if ex.Namespace != "prod" || ex.Service != "postgres" || ex.Name != "db" || len(ex.Ports) != 1 || ex.Ports[0].Port != 5432 {
		t.Errorf("export %+v", ex)
	}
	if r := decode[clusterstate.Route](t, a, "route."+k.db); r.Endpoints == nil || *r.Endpoints != (clusterstate.EndpointSource{Namespace: "prod", Service: "postgres"}) {
		t.Errorf("the export's route: endpoints %+v", r.Endpoints)
	}
	if r := decode[clusterstate.Route](t, a, "route."+k.web); r.Endpoints != nil {
		t.Errorf("a plain app's route has endpoints %+v", r.Endpoints)
	}

	im := decode[clusterstate.Import](t, b, "import."+k.api)
	if im.Name != "api" || im.Namespace != "prod" || im.Cluster != k.a || im.ServiceIP != r.ServiceIP || im.Kind != "app" ||
		im.Labels["weft.dev/role"] != "import" || im.NamespaceLabels["weft.dev/role"] != "import" || im.NamespaceLabels["weft.dev/app-id"] != "" ||
		!reflect.DeepEqual(im.Ports, []clusterstate.ServicePort{{Name: "http-80", Port: 80, Protocol: "tcp", AppProto: "http", TargetPort: 80}, {Name: "tcp-9090", Port: 9090, Protocol: "tcp", TargetPort: 9090}}) {
		t.Errorf("import %+v", im)
	}

	// A new image rolls: a new generation. B leaving Kubernetes mode loses
	// its imports; deleting the app and the environment removes the rest.
	up := must(w.con.UpdateApp(w.ctx, w.owner, ccmd.UpdateAppInput{Team: "acme", ID: k.api, Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1.5", Replicas: 3}}}))
	must(w.inf.ReportKubernetes(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportKubernetesInput{Team: "acme", ClusterID: k.b}))
	w.converge(t, o)
	a = w.state(t, k.a)
	wl2 := decode[clusterstate.Workload](t, a, "workload."+k.api)
	if wl2.Generation != up.Seq || wl2.Generation <= wl.Generation || wl2.Container.Image != "ghcr.io/acme/api:1.5" || wl2.Replicas != 3 {
		t.Errorf("after the update: generation %d (update at %d), image %s, replicas %d", wl2.Generation, up.Seq, wl2.Container.Image, wl2.Replicas)
	}
	if got := kube(w.state(t, k.b)); len(got) != 0 {
		t.Errorf("B out of Kubernetes mode still has %v", got)
	}
	// Deleting an app with a workload asks the read model whether a router
	// routes to it, as deleting an environment asks for its apps.
	con := w.withDirectory(t)
	for _, id := range []string{k.api, k.db, k.web} {
		must(con.DeleteApp(w.ctx, w.owner, "acme", id))
	}
	must(con.DeleteEnv(w.ctx, w.owner, "acme", "prod"))
	w.converge(t, o)
	if got := kube(w.state(t, k.a)); len(got) != 0 {
		t.Errorf("after deleting the apps and the environment A still has %v", got)
	}
}

// withDirectory is console handlers with the console's read model, which
// deleting an environment or an app with a workload needs.
func (w *world) withDirectory(t *testing.T) *ccmd.Handlers {
	t.Helper()
	m := readmodel.New()
	r := projection.New(w.store, m, projection.Config{Name: "console"})
	if err := r.CatchUp(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return ccmd.New(w.store, readmodel.NewQueries(m, r))
}
