package domain_test

import (
	"errors"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	cd "weft.dev/services/console/domain"
)

func rec(data any) events.Recorded { return events.Recorded{Data: data} }

func TestSpecNormalizeFillsDefaultsAndRefusesBadInputNamingTheField(t *testing.T) {
	good := cd.Spec{Ports: []cd.Port{{Port: 80}}, Backends: []string{"10.0.0.1:8080"}}
	tests := []struct {
		name      string
		mutate    func(*cd.Spec)
		wantField string // "" = valid
	}{
		{"defaults", func(*cd.Spec) {}, ""},
		{"no ports", func(s *cd.Spec) { s.Ports = nil }, "spec.ports"},
		{"port zero", func(s *cd.Spec) { s.Ports = []cd.Port{{Port: 0}} }, "spec.ports[0].port"},
		{"port too big", func(s *cd.Spec) { s.Ports = []cd.Port{{Port: 70000}} }, "spec.ports[0].port"},
		{"unknown protocol", func(s *cd.Spec) { s.Ports = []cd.Port{{Port: 80, Protocol: "sctp"}} }, "spec.ports[0].protocol"},
		{"duplicate port+protocol", func(s *cd.Spec) { s.Ports = []cd.Port{{Port: 80}, {Port: 80, Protocol: cd.TCP}} }, "spec.ports[1]"},
		{"same port other protocol", func(s *cd.Spec) { s.Ports = []cd.Port{{Port: 53, Protocol: cd.TCP}, {Port: 53, Protocol: cd.UDP}} }, ""},
		{"no backends", func(s *cd.Spec) { s.Backends = nil }, "spec.backends"},
		{"backend without port", func(s *cd.Spec) { s.Backends = []string{"db.local"} }, "spec.backends[0]"},
		{"backend bad port", func(s *cd.Spec) { s.Backends = []string{"db.local:0"} }, "spec.backends[0]"},
		{"backend dns name", func(s *cd.Spec) { s.Backends = []string{"web.default.svc:80"} }, ""},
		{"duplicate backend", func(s *cd.Spec) { s.Backends = []string{"a:1", "A:1"} }, "spec.backends[1]"},
		{"unknown lb", func(s *cd.Spec) { s.LB = "least_conn" }, "spec.lb"},
		{"failover", func(s *cd.Spec) { s.LB = cd.Failover }, ""},
		{"unknown check", func(s *cd.Spec) { s.Health.Type = "icmp" }, "spec.health.type"},
		{"tcp check with path", func(s *cd.Spec) { s.Health.Path = "/x" }, "spec.health.path"},
		{"http relative path", func(s *cd.Spec) { s.Health = cd.HealthCheck{Type: cd.CheckHTTP, Path: "healthz"} }, "spec.health.path"},
		{"timeout above interval", func(s *cd.Spec) { s.Health = cd.HealthCheck{IntervalSeconds: 5, TimeoutSeconds: 6} }, "spec.health.timeoutSeconds"},
		{"interval too long", func(s *cd.Spec) { s.Health.IntervalSeconds = 4000 }, "spec.health.intervalSeconds"},
		{"threshold too high", func(s *cd.Spec) { s.Health.UnhealthyThreshold = 11 }, "spec.health.unhealthyThreshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			s.Ports = append([]cd.Port(nil), good.Ports...)
			tt.mutate(&s)
			out, err := s.Normalize("spec.")
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if out.LB == "" || out.Health.Type == "" || out.Health.IntervalSeconds == 0 || out.Ports[0].Protocol == "" {
					t.Fatalf("defaults not filled: %+v", out)
				}
				return
			}
			f, ok := fault.As(err)
			if !ok || f.Code != fault.Invalid || f.Field != tt.wantField {
				t.Fatalf("want BAD_USER_INPUT on %s, got %#v (%v)", tt.wantField, f, err)
			}
		})
	}
}

func TestHTTPCheckDefaultsToRootPath(t *testing.T) {
	s, err := cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}, Backends: []string{"a:80"}, Health: cd.HealthCheck{Type: cd.CheckHTTP}}.Normalize("")
	if err != nil {
		t.Fatal(err)
	}
	want := cd.HealthCheck{Type: cd.CheckHTTP, Path: "/", IntervalSeconds: 10, TimeoutSeconds: 2, HealthyThreshold: 2, UnhealthyThreshold: 3}
	if s.Health != want {
		t.Fatalf("health %+v, want %+v", s.Health, want)
	}
}

func allocate(t *testing.T, s cd.ServiceRange, cidr, owner string) (cd.ServiceRange, string, error) {
	t.Helper()
	evs, err := cd.DecideAllocate(s, "c1", cidr, "app", owner)
	if err != nil {
		return s, "", err
	}
	e := evs[0].(cd.ServiceIPAllocated)
	return cd.EvolveServiceRange(s, rec(e)), e.IP, nil
}

func TestServiceRangeHandsOutLowestFreeAddressSkippingNetworkAndBroadcast(t *testing.T) {
	tests := []struct {
		cidr string
		want []string // in order; then exhausted
	}{
		{"10.96.0.0/30", []string{"10.96.0.1", "10.96.0.2"}},
		{"10.96.0.0/31", []string{"10.96.0.0", "10.96.0.1"}},
		{"10.96.0.7/32", []string{"10.96.0.7"}},
		{"fd00::/126", []string{"fd00::1", "fd00::2", "fd00::3"}},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			var s cd.ServiceRange
			for i, want := range tt.want {
				var ip string
				var err error
				s, ip, err = allocate(t, s, tt.cidr, string(rune('a'+i)))
				if err != nil || ip != want {
					t.Fatalf("allocation %d: got %q, %v; want %s", i, ip, err, want)
				}
			}
			if _, _, err := allocate(t, s, tt.cidr, "late"); !errors.Is(err, cd.ErrRangeExhausted) || fault.CodeOf(err) != fault.Conflict {
				t.Fatalf("full range: want ErrRangeExhausted CONFLICT, got %v", err)
			}
		})
	}
}

func TestServiceRangeReusesAnAddressOnlyAfterItsRelease(t *testing.T) {
	var s cd.ServiceRange
	s, a, _ := allocate(t, s, "10.0.0.0/29", "a")
	s, b, _ := allocate(t, s, "10.0.0.0/29", "b")
	if a == b {
		t.Fatalf("two owners share %s", a)
	}
	if evs := cd.DecideRelease(s, a, "someone-else"); len(evs) != 0 {
		t.Fatalf("a non-owner released %s: %v", a, evs)
	}
	s, c, _ := allocate(t, s, "10.0.0.0/29", "c")
	if c == a {
		t.Fatalf("%s reused before release", a)
	}
	s = cd.EvolveServiceRange(s, rec(cd.DecideRelease(s, a, "a")[0]))
	_, d, _ := allocate(t, s, "10.0.0.0/29", "d")
	if d != a {
		t.Fatalf("after release got %s, want the freed %s", d, a)
	}
	// The recorded range wins over what a later caller passes.
	if _, ip, _ := allocate(t, s, "192.168.0.0/24", "e"); ip == "" || ip[:3] != "10." {
		t.Fatalf("allocated %s outside the recorded range", ip)
	}
}

func TestAppInterceptsOnePerPort(t *testing.T) {
	app := cd.EvolveApp(cd.App{}, rec(cd.AppCreated{ID: "a1", Name: "web", Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}, {Port: 53, Protocol: cd.UDP}}}}))
	http := cd.Port{Port: 80, Protocol: cd.HTTP}
	attached := func(s cd.App, id string, p cd.Port) cd.App {
		evs, err := cd.DecideAttachIntercept(s, id, p)
		if err != nil {
			t.Fatal(err)
		}
		return cd.EvolveApp(s, rec(evs[0]))
	}
	withOne := attached(app, "i1", http)
	tests := []struct {
		name    string
		state   cd.App
		id      string
		port    cd.Port
		wantErr error
		code    fault.Code
	}{
		{"free port", app, "i1", http, nil, ""},
		{"other port still free", withOne, "i2", cd.Port{Port: 53, Protocol: cd.UDP}, nil, ""},
		{"taken port", withOne, "i2", http, cd.ErrPortIntercepted, fault.Conflict},
		{"unknown port", app, "i1", cd.Port{Port: 81, Protocol: cd.HTTP}, cd.ErrUnknownPort, fault.Invalid},
		{"wrong protocol", app, "i1", cd.Port{Port: 80, Protocol: cd.TCP}, cd.ErrUnknownPort, fault.Invalid},
		{"deleted app", cd.EvolveApp(app, rec(cd.AppDeleted{ID: "a1"})), "i1", http, cd.ErrNotFound, fault.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cd.DecideAttachIntercept(tt.state, tt.id, tt.port)
			if !errors.Is(err, tt.wantErr) || (err != nil && fault.CodeOf(err) != tt.code) {
				t.Fatalf("got %v, want %v (%s)", err, tt.wantErr, tt.code)
			}
		})
	}
	if _, err := cd.DecideDeleteApp(withOne); !errors.Is(err, cd.ErrHasIntercepts) {
		t.Fatalf("deleting an intercepted app: %v", err)
	}
	if _, err := cd.DecideUpdateApp(withOne, cd.Spec{Ports: []cd.Port{{Port: 53, Protocol: cd.UDP}}}, cd.Backing{}); !errors.Is(err, cd.ErrHasIntercepts) {
		t.Fatalf("removing an intercepted port: %v", err)
	}
	if evs := cd.DecideDetachIntercept(withOne, "other", http); len(evs) != 0 {
		t.Fatalf("another intercept detached the port: %v", evs)
	}
	freed := cd.EvolveApp(withOne, rec(cd.DecideDetachIntercept(withOne, "i1", http)[0]))
	if len(freed.Intercepts) != 0 || len(withOne.Intercepts) != 1 {
		t.Fatalf("detach: new %v, old %v (evolve must not mutate its input)", freed.Intercepts, withOne.Intercepts)
	}
}

func TestInterceptStopIsIdempotent(t *testing.T) {
	ic := cd.EvolveIntercept(cd.Intercept{}, rec(cd.InterceptStarted{ID: "i1", AppID: "a1", StartedBy: "ada"}))
	evs, err := cd.DecideStopIntercept(ic, "bob")
	if err != nil || len(evs) != 1 {
		t.Fatalf("stop: %v %v", evs, err)
	}
	stopped := cd.EvolveIntercept(ic, rec(evs[0]))
	if stopped.Active || stopped.StoppedBy != "bob" || stopped.StartedBy != "ada" {
		t.Fatalf("stopped state %+v", stopped)
	}
	if evs, err := cd.DecideStopIntercept(stopped, "bob"); err != nil || len(evs) != 0 {
		t.Fatalf("second stop: %v %v", evs, err)
	}
	if _, err := cd.DecideStopIntercept(cd.Intercept{}, "bob"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("stop unknown: %v", err)
	}
}

func TestRuleValidate(t *testing.T) {
	ok := cd.Rule{Action: cd.Allow, Sources: []cd.Subject{{Kind: cd.SubjectAll}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: "a1"}}}
	tests := []struct {
		name      string
		mutate    func(*cd.Rule)
		wantField string
	}{
		{"valid", func(*cd.Rule) {}, ""},
		{"bad action", func(r *cd.Rule) { r.Action = "maybe" }, "action"},
		{"priority too high", func(r *cd.Rule) { r.Priority = cd.MaxPriority + 1 }, "priority"},
		{"no sources", func(r *cd.Rule) { r.Sources = nil }, "sources"},
		{"app as source", func(r *cd.Rule) { r.Sources = []cd.Subject{{Kind: cd.SubjectApp, ID: "x"}} }, "sources[0].kind"},
		{"device as target", func(r *cd.Rule) { r.Targets = []cd.Subject{{Kind: cd.SubjectDevice, ID: "x"}} }, "targets[0].kind"},
		{"missing id", func(r *cd.Rule) { r.Sources = []cd.Subject{{Kind: cd.SubjectUser}} }, "sources[0].id"},
		{"id with a dot", func(r *cd.Rule) { r.Sources = []cd.Subject{{Kind: cd.SubjectUser, ID: "a.b"}} }, "sources[0].id"},
		{"all with id", func(r *cd.Rule) { r.Targets = []cd.Subject{{Kind: cd.SubjectAll, ID: "x"}} }, "targets[0].id"},
		{"duplicate", func(r *cd.Rule) { r.Targets = append(r.Targets, r.Targets[0]) }, "targets[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			r.Sources = append([]cd.Subject(nil), ok.Sources...)
			r.Targets = append([]cd.Subject(nil), ok.Targets...)
			tt.mutate(&r)
			err := r.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if f, ok := fault.As(err); !ok || f.Code != fault.Invalid || f.Field != tt.wantField {
				t.Fatalf("want BAD_USER_INPUT on %s, got %v", tt.wantField, err)
			}
		})
	}
}

func pol(id string, a cd.Action, prio int, src, dst cd.Subject) cd.Policy {
	return cd.Policy{ID: id, Name: id, Rule: cd.Rule{Action: a, Priority: prio, Sources: []cd.Subject{src}, Targets: []cd.Subject{dst}}}
}

func TestDecideAccess(t *testing.T) {
	all := cd.Subject{Kind: cd.SubjectAll}
	dev := func(id string) cd.Subject { return cd.Subject{Kind: cd.SubjectDevice, ID: id} }
	user := func(id string) cd.Subject { return cd.Subject{Kind: cd.SubjectUser, ID: id} }
	app := func(id string) cd.Subject { return cd.Subject{Kind: cd.SubjectApp, ID: id} }
	env := func(id string) cd.Subject { return cd.Subject{Kind: cd.SubjectEnv, ID: id} }
	cluster := func(id string) cd.Subject { return cd.Subject{Kind: cd.SubjectCluster, ID: id} }
	laptop := cd.Identity{UserID: "ada", DeviceID: "d1"}
	web := cd.Target{AppID: "web", EnvID: "prod"}
	deleted := pol("gone", cd.Deny, 100, all, all)
	deleted.Deleted = true

	tests := []struct {
		name     string
		policies []cd.Policy
		src      cd.Identity
		dst      cd.Target
		allow    bool
		by       string
	}{
		{"no policies: team default allow", nil, laptop, web, true, ""},
		{"nothing matches: default allow", []cd.Policy{pol("p", cd.Deny, 0, dev("d2"), all)}, laptop, web, true, ""},
		{"deny by device", []cd.Policy{pol("p", cd.Deny, 0, dev("d1"), app("web"))}, laptop, web, false, "p"},
		{"deny by user on env", []cd.Policy{pol("p", cd.Deny, 0, user("ada"), env("prod"))}, laptop, web, false, "p"},
		{"higher priority allow beats deny", []cd.Policy{
			pol("deny-all", cd.Deny, 0, all, all), pol("ada-web", cd.Allow, 10, user("ada"), app("web")),
		}, laptop, web, true, "ada-web"},
		{"higher priority deny beats allow", []cd.Policy{
			pol("allow-all", cd.Allow, 0, all, all), pol("no-prod", cd.Deny, 5, all, env("prod")),
		}, laptop, web, false, "no-prod"},
		{"tie: deny wins", []cd.Policy{
			pol("a-allow", cd.Allow, 7, user("ada"), all), pol("z-deny", cd.Deny, 7, dev("d1"), all),
		}, laptop, web, false, "z-deny"},
		{"negative priority ranks below zero", []cd.Policy{
			pol("low", cd.Deny, -1, all, all), pol("zero", cd.Allow, 0, all, app("web")),
		}, laptop, web, true, "zero"},
		{"cluster source", []cd.Policy{pol("p", cd.Deny, 0, cluster("c1"), all)}, cd.Identity{ClusterID: "c1", EnvID: "dev"}, web, false, "p"},
		{"empty identity matches only all", []cd.Policy{pol("p", cd.Deny, 0, user(""), all)}, cd.Identity{}, web, true, ""},
		{"other app not targeted", []cd.Policy{pol("p", cd.Deny, 0, all, app("db"))}, laptop, web, true, ""},
		{"deleted policy ignored", []cd.Policy{deleted}, laptop, web, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := cd.Decide(tt.policies, tt.src, tt.dst)
			if v.Allow != tt.allow || v.PolicyID != tt.by {
				t.Fatalf("got %+v, want allow=%v by %q", v, tt.allow, tt.by)
			}
		})
	}
}
