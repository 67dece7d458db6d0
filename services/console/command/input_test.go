package command_test

import (
	"testing"

	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
)

func TestBadInputIsRefusedNamingTheFieldAndAppendsNothing(t *testing.T) {
	h := setup(t)
	cluster, _, app := h.world()
	dev := h.device("acme", "laptop", "100.64.0.9")
	spec := func(mut func(*cd.Spec)) cd.Spec { s := webSpec(); mut(&s); return s }
	app2 := func(name, env string, s cd.Spec) func() error {
		return func() error {
			_, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: env, Name: name, Spec: s})
			return err
		}
	}
	tests := []struct {
		name  string
		run   func() error
		code  fault.Code
		field string
	}{
		{"env name with capitals", func() error {
			_, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "Dev", ClusterID: cluster})
			return err
		}, fault.Invalid, "name"},
		{"env in unknown cluster", func() error {
			_, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "qa", ClusterID: "0190c0de-0000-7000-8000-000000000000"})
			return err
		}, fault.NotFound, "clusterId"},
		{"env cluster id with a dot", func() error {
			_, err := h.h.CreateEnv(h.ctx, admin, command.CreateEnvInput{Team: "acme", Name: "qa", ClusterID: "a.b"})
			return err
		}, fault.Invalid, "clusterId"},
		{"app name with underscore", app2("my_app", "dev", webSpec()), fault.Invalid, "name"},
		{"app name too long", app2("a123456789012345678901234567890123456789012345678901234567890123", "dev", webSpec()), fault.Invalid, "name"},
		{"app in unknown env", app2("api", "nope", webSpec()), fault.NotFound, "env"},
		{"app port out of range", app2("api", "dev", spec(func(s *cd.Spec) { s.Ports[0].Port = 65536 })), fault.Invalid, "spec.ports[0].port"},
		{"app duplicate port", app2("api", "dev", spec(func(s *cd.Spec) { s.Ports[1] = s.Ports[0] })), fault.Invalid, "spec.ports[1]"},
		{"app bad backend", app2("api", "dev", spec(func(s *cd.Spec) { s.Backends = []string{"10.0.0.1"} })), fault.Invalid, "spec.backends[0]"},
		{"app bad lb mode", app2("api", "dev", spec(func(s *cd.Spec) { s.LB = "sticky" })), fault.Invalid, "spec.lb"},
		{"app bad health check", app2("api", "dev", spec(func(s *cd.Spec) { s.Health.Type = "ping" })), fault.Invalid, "spec.health.type"},
		{"service bad kind", func() error {
			_, err := h.h.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "db", Kind: "oracle", Spec: webSpec()})
			return err
		}, fault.Invalid, "kind"},
		{"update unknown app", func() error {
			_, err := h.h.UpdateApp(h.ctx, member, command.UpdateAppInput{Team: "acme", ID: "0190c0de-0000-7000-8000-000000000000", Spec: webSpec()})
			return err
		}, fault.NotFound, "id"},
		{"intercept unknown device", func() error {
			_, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: "0190c0de-0000-7000-8000-000000000000"})
			return err
		}, fault.NotFound, "deviceId"},
		{"intercept unknown app", func() error {
			_, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: "0190c0de-0000-7000-8000-000000000000", Port: 80, DeviceID: dev})
			return err
		}, fault.NotFound, "appId"},
		{"intercept port the app lacks", func() error {
			_, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 81, DeviceID: dev})
			return err
		}, fault.Invalid, "port"},
		{"intercept bad target port", func() error {
			_, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev, TargetPort: -1})
			return err
		}, fault.Invalid, "targetPort"},
		{"policy bad action", func() error {
			_, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "p", Rule: cd.Rule{Action: "block",
				Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}})
			return err
		}, fault.Invalid, "action"},
		{"policy unknown device source", func() error {
			_, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "p", Rule: cd.Rule{Action: cd.Deny,
				Sources: []cd.Subject{{Kind: cd.SubjectDevice, ID: "0190c0de-0000-7000-8000-000000000000"}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}})
			return err
		}, fault.NotFound, "sources[0].id"},
		{"policy unknown app target", func() error {
			_, err := h.h.CreatePolicy(h.ctx, admin, command.CreatePolicyInput{Team: "acme", Name: "p", Rule: cd.Rule{Action: cd.Deny,
				Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: "nope"}}}})
			return err
		}, fault.NotFound, "targets[0].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.lastSeq()
			err := tt.run()
			f, ok := fault.As(err)
			if !ok || f.Code != tt.code || f.Field != tt.field {
				t.Fatalf("want %s naming %q, got %v", tt.code, tt.field, err)
			}
			if after := h.lastSeq(); after != before {
				t.Fatalf("refused command appended %d event(s)", after-before)
			}
		})
	}
}

func TestAUserOfOneTeamSeesAndChangesNothingOfAnother(t *testing.T) {
	h := setup(t)
	cluster, _, app := h.world()
	dev := h.device("acme", "laptop", "100.64.0.9")
	ic, err := h.h.StartIntercept(h.ctx, member, command.StartInterceptInput{Team: "acme", AppID: app.ID, Port: 80, DeviceID: dev})
	if err != nil {
		t.Fatal(err)
	}
	seq := ic.Seq
	before := h.lastSeq()

	// Acting in acme with a globex principal is refused as if acme did not exist.
	notFound := func(what string, err error) {
		t.Helper()
		if fault.CodeOf(err) != fault.NotFound {
			t.Errorf("%s: want NOT_FOUND, got %v", what, err)
		}
	}
	_, _, err = h.q.Apps(h.ctx, rival, "acme", "", "", readmodel.All, seq)
	notFound("list acme apps", err)
	_, err = h.q.App(h.ctx, rival, "acme", app.ID, seq)
	notFound("read acme app", err)
	_, err = h.h.DeleteApp(h.ctx, rival, "acme", app.ID)
	notFound("delete acme app", err)
	_, err = h.h.StopIntercept(h.ctx, rival, "acme", ic.Object.ID)
	notFound("stop acme intercept", err)
	_, err = h.h.CreateEnv(h.ctx, rival, command.CreateEnvInput{Team: "acme", Name: "x", ClusterID: cluster})
	notFound("create env in acme", err)

	// Acting in their own team with acme's ids finds nothing either.
	_, err = h.h.UpdateApp(h.ctx, rival, command.UpdateAppInput{Team: "globex", ID: app.ID, Spec: webSpec()})
	notFound("update acme app via globex", err)
	_, err = h.h.StopIntercept(h.ctx, rival, "globex", ic.Object.ID)
	notFound("stop acme intercept via globex", err)
	_, err = h.h.CreateEnv(h.ctx, rival, command.CreateEnvInput{Team: "globex", Name: "dev", ClusterID: cluster})
	notFound("env in acme's cluster", err)
	gc := h.cluster("globex", "west", "10.97.0.0/24")
	if _, err := h.h.CreateEnv(h.ctx, rival, command.CreateEnvInput{Team: "globex", Name: "dev", ClusterID: gc}); err != nil {
		t.Fatalf("globex's own env named like acme's: %v", err)
	}
	_, err = h.h.StartIntercept(h.ctx, rival, command.StartInterceptInput{Team: "globex", AppID: app.ID, Port: 80, DeviceID: dev})
	notFound("intercept acme app via globex", err)
	_, err = h.h.CreatePolicy(h.ctx, rival, command.CreatePolicyInput{Team: "globex", Name: "p", Rule: cd.Rule{Action: cd.Deny,
		Sources: []cd.Subject{{Kind: cd.SubjectDevice, ID: dev}}, Targets: []cd.Subject{{Kind: cd.SubjectAll}}}})
	notFound("policy on acme's device", err)

	last := h.lastSeq()
	for _, list := range []func() (int, error){
		func() (int, error) {
			l, _, err := h.q.Apps(h.ctx, rival, "globex", "", "", readmodel.All, last)
			return len(l), err
		},
		func() (int, error) {
			l, _, err := h.q.Intercepts(h.ctx, rival, "globex", false, readmodel.All, last)
			return len(l), err
		},
		func() (int, error) {
			l, _, err := h.q.Services(h.ctx, rival, "globex", "", "", readmodel.All, last)
			return len(l), err
		},
		func() (int, error) {
			l, _, err := h.q.Policies(h.ctx, rival, "globex", readmodel.All, last)
			return len(l), err
		},
	} {
		if n, err := list(); err != nil || n != 0 {
			t.Errorf("globex sees %d of acme's resources (%v)", n, err)
		}
	}
	envs, _, _ := h.q.Envs(h.ctx, rival, "globex", "", readmodel.All, last)
	if len(envs) != 1 || envs[0].ClusterID != gc {
		t.Errorf("globex envs %+v", envs)
	}
	// Nothing of acme changed: only globex's cluster and env (and their name
	// claims) were appended.
	got, err := h.q.App(h.ctx, member, "acme", app.ID, last)
	if err != nil || len(got.Intercepts) != 1 {
		t.Fatalf("acme's app after globex's attempts: %+v, %v", got, err)
	}
	if last-before != 4 { // the cluster and its name, the env and its name
		t.Fatalf("globex's attempts appended %d events, want 4", last-before)
	}
}
