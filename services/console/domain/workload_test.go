package domain_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
)

func TestAppBackingNormalizeFillsDefaultsAndRefusesBadInputNamingTheField(t *testing.T) {
	spec := cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 9090}}}
	good := func() cd.Backing {
		return cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1.4", Replicas: 2,
			Ports:     []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 8080}},
			Env:       []cd.EnvVar{{Name: "LOG", Value: "debug"}},
			Resources: cd.Resources{Requests: cd.ResourceList{CPU: "0.25", Memory: "128Mi"}, Limits: cd.ResourceList{CPU: "1", Memory: "1Gi"}},
			Readiness: &cd.Probe{Type: cd.ProbeHTTP}, Liveness: &cd.Probe{Type: cd.ProbeTCP, Port: 9090}}}
	}
	tests := []struct {
		name      string
		mutate    func(*cd.Backing, *cd.Spec)
		wantField string // "" = valid
	}{
		{"valid", func(*cd.Backing, *cd.Spec) {}, ""},
		{"no backends needed with a workload", func(_ *cd.Backing, s *cd.Spec) { s.Backends = nil }, ""},
		{"backends besides", func(_ *cd.Backing, s *cd.Spec) { s.Backends = []string{"10.0.0.7:8080"} }, ""},
		{"no image", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "" }, "workload.image"},
		{"image with uppercase path", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "ghcr.io/Acme/api" }, "workload.image"},
		{"image with space", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "api 1.4" }, "workload.image"},
		{"image bad tag", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "api:-x" }, "workload.image"},
		{"image bad digest", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "api@sha256:abc" }, "workload.image"},
		{"image with registry port and digest", func(b *cd.Backing, _ *cd.Spec) {
			b.Workload.Image = "registry.local:5000/team/api@sha256:" + strings.Repeat("a", 64)
		}, ""},
		{"image plain", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Image = "postgres" }, ""},
		{"negative replicas", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Replicas = -1 }, "workload.replicas"},
		{"zero replicas", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Replicas = 0 }, ""},
		{"too many replicas", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Replicas = cd.MaxReplicas + 1 }, "workload.replicas"},
		{"env name with '='", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Env = []cd.EnvVar{{Name: "A=B"}} }, "workload.env[0].name"},
		{"env name starting with a digit", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Env = []cd.EnvVar{{Name: "1A"}} }, "workload.env[0].name"},
		{"env twice", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Env = []cd.EnvVar{{Name: "A"}, {Name: "A"}} }, "workload.env[1].name"},
		{"container port of no app port", func(b *cd.Backing, _ *cd.Spec) {
			b.Workload.Ports = []cd.PortMap{{Port: 81, ContainerPort: 8080}}
		}, "workload.ports[0].port"},
		{"container port zero", func(b *cd.Backing, _ *cd.Spec) {
			b.Workload.Ports = []cd.PortMap{{Port: 80, Protocol: cd.HTTP}}
		}, "workload.ports[0].containerPort"},
		{"container port too big", func(b *cd.Backing, _ *cd.Spec) {
			b.Workload.Ports = []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 65536}}
		}, "workload.ports[0].containerPort"},
		{"cpu not a quantity", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Resources.Requests.CPU = "half" }, "workload.resources.requests.cpu"},
		{"memory in MB with a typo", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Resources.Limits.Memory = "1GB" }, "workload.resources.limits.memory"},
		{"negative cpu", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Resources.Limits.CPU = "-1" }, "workload.resources.limits.cpu"},
		{"request above limit", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Resources.Requests.Memory = "2Gi" }, "workload.resources.requests.memory"},
		{"probe of another port", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Readiness.Port = 80 }, "workload.readiness.port"},
		{"probe kind", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Readiness.Type = "grpc" }, "workload.readiness.type"},
		{"exec probe without command", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Liveness = &cd.Probe{Type: cd.ProbeExec} }, "workload.liveness.command"},
		{"liveness success threshold", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Liveness.SuccessThreshold = 2 }, "workload.liveness.successThreshold"},
		{"readiness success threshold", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Readiness.SuccessThreshold = 2 }, ""},
		{"relative probe path", func(b *cd.Backing, _ *cd.Spec) { b.Workload.Readiness.Path = "healthz" }, "workload.readiness.path"},
		{"workload and export", func(b *cd.Backing, _ *cd.Spec) { b.Export = &cd.ServiceRef{Namespace: "prod", Name: "pg"} }, "export"},
		{"export", func(b *cd.Backing, s *cd.Spec) {
			*b = cd.Backing{Export: &cd.ServiceRef{Namespace: "prod", Name: "postgres"}}
			s.Backends = nil
		}, ""},
		{"export of a bad name", func(b *cd.Backing, _ *cd.Spec) {
			*b = cd.Backing{Export: &cd.ServiceRef{Namespace: "prod", Name: "Postgres"}}
		}, "export.name"},
		{"neither needs backends", func(b *cd.Backing, s *cd.Spec) { *b, s.Backends = cd.Backing{}, nil }, "spec.backends"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, s := good(), spec
			tt.mutate(&b, &s)
			gotSpec, out, err := b.Normalize(s)
			if tt.wantField != "" {
				f, ok := fault.As(err)
				if !ok || f.Code != fault.Invalid || f.Field != tt.wantField {
					t.Fatalf("want BAD_USER_INPUT on %s, got %v", tt.wantField, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("want valid, got %v", err)
			}
			if gotSpec.LB == "" || (out.Workload == nil) == (out.Export == nil) {
				t.Fatalf("normalized %+v %+v", gotSpec, out)
			}
		})
	}
}

func TestAWorkloadsDefaultsAreItsPortsAndCanonicalQuantities(t *testing.T) {
	_, b, err := cd.Backing{Workload: &cd.Workload{Image: "api", Replicas: 1,
		Ports:     []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 8080}},
		Resources: cd.Resources{Requests: cd.ResourceList{CPU: "0.25", Memory: "131072Ki"}},
		Readiness: &cd.Probe{Type: cd.ProbeHTTP}}}.Normalize(cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 53, Protocol: cd.UDP}}})
	if err != nil {
		t.Fatal(err)
	}
	w := b.Workload
	if !reflect.DeepEqual(w.Ports, []cd.PortMap{{Port: 80, Protocol: cd.HTTP, ContainerPort: 8080}, {Port: 53, Protocol: cd.UDP, ContainerPort: 53}}) {
		t.Errorf("ports %+v", w.Ports)
	}
	if w.Resources.Requests.CPU != "250m" || w.Resources.Requests.Memory != "128Mi" {
		t.Errorf("quantities %+v, want 250m and 128Mi", w.Resources.Requests)
	}
	if !reflect.DeepEqual(*w.Readiness, cd.Probe{Type: cd.ProbeHTTP, Path: "/", Port: 8080}) {
		t.Errorf("probe %+v", *w.Readiness)
	}
}

// Logs written before workloads hold version 1 of app created and updated:
// they replay as version 2 without a workload.
func TestVersionOneAppEventsReadAsAppsWithoutAWorkload(t *testing.T) {
	reg := events.NewRegistry()
	cd.Register(reg)
	v1 := json.RawMessage(`{"id":"a1","name":"api","envId":"e1","clusterId":"c1","serviceIp":"100.80.0.1","spec":{"ports":[{"port":80,"protocol":"tcp"}],"backends":["10.0.0.7:8080"],"lb":"round_robin","health":{"type":"tcp","intervalSeconds":10,"timeoutSeconds":2,"healthyThreshold":2,"unhealthyThreshold":3}}}`)
	got, err := reg.Decode("console.app.created", 1, v1)
	if err != nil {
		t.Fatal(err)
	}
	c := got.(cd.AppCreated)
	if c.ID != "a1" || c.Workload != nil || c.Export != nil || c.Spec.Backends[0] != "10.0.0.7:8080" {
		t.Errorf("upcast %+v", c)
	}
	up, err := reg.Decode("console.app.updated", 1, json.RawMessage(`{"id":"a1","spec":{"ports":[{"port":81,"protocol":"tcp"}],"backends":["b:1"],"lb":"random","health":{"type":"tcp"}}}`))
	if err != nil || up.(cd.AppUpdated).Spec.LB != cd.Random || up.(cd.AppUpdated).Workload != nil {
		t.Errorf("upcast update %+v %v", up, err)
	}
	if _, err := reg.Decode("console.app.created", 1, json.RawMessage(`[1]`)); err == nil {
		t.Error("a version 1 event that is not an object was upcast")
	}
	app := cd.EvolveApp(cd.App{}, events.Recorded{Seq: 12, Data: c})
	if app.Generation != 12 || app.Workload != nil {
		t.Errorf("app from a v1 event: %+v", app)
	}
}

func TestARolloutReportIsRecordedOnlyFromTheAppsClusterAndOnlyWhenItChanged(t *testing.T) {
	app := cd.EvolveApp(cd.App{}, events.Recorded{Seq: 5, Data: cd.AppCreated{ID: "a1", Name: "api", ClusterID: "c1",
		Workload: &cd.Workload{Image: "api", Replicas: 2}}})
	r := cd.Rollout{Generation: 5, Desired: 2, Ready: 1}
	evs, err := cd.DecideReportRollout(app, "c1", r)
	if err != nil || len(evs) != 1 {
		t.Fatalf("first report: %v %v", evs, err)
	}
	app = cd.EvolveApp(app, events.Recorded{Seq: 6, Data: evs[0]})
	if app.Generation != 5 || app.Rollout == nil || app.Rollout.Ready != 1 {
		t.Fatalf("after the report %+v", app)
	}
	r.ReportedAt = r.ReportedAt.Add(1e9)
	if evs, err := cd.DecideReportRollout(app, "c1", r); err != nil || len(evs) != 0 {
		t.Errorf("the same report later: %v %v", evs, err)
	}
	if _, err := cd.DecideReportRollout(app, "c2", cd.Rollout{Ready: 2}); err == nil {
		t.Error("another cluster reported the app")
	}
	plain := cd.EvolveApp(cd.App{}, events.Recorded{Seq: 5, Data: cd.AppCreated{ID: "a2", ClusterID: "c1"}})
	if _, err := cd.DecideReportRollout(plain, "c1", r); err == nil {
		t.Error("a rollout of an app without a workload was recorded")
	}
}
