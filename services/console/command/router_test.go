package command_test

import (
	"testing"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
)

func TestRoutersLeadToAppsAndRunServicesOfTheirEnvironmentAndBadInputIsRefusedAtTheEdge(t *testing.T) {
	h := setup(t)
	cluster, _, _ := h.world() // "web" has fixed backends only
	c := h.withKeyring()
	spec := cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}}
	for _, name := range []string{"frontend", "api"} {
		if _, err := c.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: "dev", Name: name, Spec: spec,
			Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/" + name + ":1"}}}); err != nil {
			t.Fatal(err)
		}
	}
	routes := []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "frontend", Port: 80}},
		{Path: "/api", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 80}}}
	before := h.lastSeq()
	for _, tt := range []struct {
		name   string
		domain string
		routes []cd.Route
		code   fault.Code
		field  string
	}{
		{"no domain", "", routes, fault.Invalid, "domain"},
		{"one label", "localhost", routes, fault.Invalid, "domain"},
		{"bad label", "shop_1.example.com", routes, fault.Invalid, "domain"},
		{"no routes", "shop.example.com", nil, fault.Invalid, "routes"},
		{"relative path", "shop.example.com", []cd.Route{{Path: "api", Target: routes[0].Target}}, fault.Invalid, "routes[0].path"},
		{"unclean path", "shop.example.com", []cd.Route{{Path: "/a/../b", Target: routes[0].Target}}, fault.Invalid, "routes[0].path"},
		{"path twice", "shop.example.com", []cd.Route{routes[0], routes[0]}, fault.Invalid, "routes[1].path"},
		{"bad kind", "shop.example.com", []cd.Route{{Path: "/", Target: cd.Backend{Kind: "device", Name: "x", Port: 80}}}, fault.Invalid, "routes[0].target.kind"},
		{"bad port", "shop.example.com", []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 0}}}, fault.Invalid, "routes[0].target.port"},
		{"unknown app", "shop.example.com", []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "nope", Port: 80}}}, fault.NotFound, "routes[0].target.name"},
		{"port the app lacks", "shop.example.com", []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 81}}}, fault.Invalid, "routes[0].target.port"},
		{"app without a container", "shop.example.com", []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "web", Port: 80}}}, fault.Invalid, "routes[0].target.name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateRouter(h.ctx, member, command.RouterInput{Team: "acme", Env: "dev", Name: "web-in", Domain: tt.domain, Routes: tt.routes})
			if f, ok := fault.As(err); !ok || f.Code != tt.code || f.Field != tt.field {
				t.Fatalf("want %s on %s, got %v", tt.code, tt.field, err)
			}
		})
	}
	if h.lastSeq() != before {
		t.Fatalf("refused routers appended events")
	}
	res, err := c.CreateRouter(h.ctx, member, command.RouterInput{Team: "acme", Env: "dev", Name: "web-in", Domain: "Shop.Example.com", Routes: routes, TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Object.Domain != "shop.example.com" || len(res.Object.Routes) != 2 || !res.Object.TLS {
		t.Fatalf("router %+v", res.Object)
	}
	if _, err := c.CreateRouter(h.ctx, member, command.RouterInput{Team: "acme", Env: "dev", Name: "web-in", Domain: "x.example.com", Routes: routes}); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("a second router of the name: %v", err)
	}
	// A run service is a target too, on its kind's port.
	if _, err := c.CreateService(h.ctx, member, command.CreateServiceInput{Team: "acme", Env: "dev", Name: "search", Kind: cd.Redis, Run: &command.RunInput{}}); err != nil {
		t.Fatal(err)
	}
	up, err := c.UpdateRouter(h.ctx, member, command.RouterInput{Team: "acme", ID: res.Object.ID, Domain: "shop.example.com",
		Routes: append(routes, cd.Route{Path: "/search", Target: cd.Backend{Kind: cd.TargetService, Name: "search", Port: 6379}})})
	if err != nil || len(up.Object.Routes) != 3 || up.Object.TLS {
		t.Fatalf("update: %+v (%v)", up.Object, err)
	}
	sys := auth.SystemPrincipal("agent-" + cluster)
	if _, err := c.ReportRouter(h.ctx, sys, command.ReportRouterInput{Team: "acme", ClusterID: newID(t), ID: res.Object.ID,
		Status: cd.RouterStatus{Addresses: []string{"203.0.113.7"}}}); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("another cluster's report: %v", err)
	}
	rep, err := c.ReportRouter(h.ctx, sys, command.ReportRouterInput{Team: "acme", ClusterID: cluster, ID: res.Object.ID,
		Status: cd.RouterStatus{Addresses: []string{"203.0.113.7"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.q.Router(h.ctx, member, "acme", res.Object.ID, rep.Seq)
	if err != nil || got.Status == nil || got.Status.Addresses[0] != "203.0.113.7" || got.EnvName != "dev" || len(got.Routes) != 3 {
		t.Fatalf("read model %+v (%v)", got, err)
	}
	// What a router routes to stays while it does.
	if _, err := c.DeleteApp(h.ctx, member, "acme", appID(t, h, "api")); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting an app a router routes to: %v", err)
	}
	if _, err := c.DeleteService(h.ctx, member, "acme", serviceID(t, h, "search"), false); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting a service a router routes to: %v", err)
	}
	if _, err := c.DeleteEnv(h.ctx, admin, "acme", "dev"); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("deleting an environment with a router: %v", err)
	}
	if _, err := c.DeleteRouter(h.ctx, member, "acme", res.Object.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRouter(h.ctx, member, command.RouterInput{Team: "acme", Env: "dev", Name: "web-in", Domain: "shop.example.com", Routes: routes}); err != nil {
		t.Fatalf("the name of a deleted router: %v", err)
	}
}

func appID(t *testing.T, h *harness, name string) string {
	t.Helper()
	apps, _, err := h.q.Apps(h.ctx, member, "acme", "dev", "", readmodel.All, h.lastSeq())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if a.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no app %s", name)
	return ""
}

func serviceID(t *testing.T, h *harness, name string) string {
	t.Helper()
	ss, _, err := h.q.Services(h.ctx, member, "acme", "dev", "", readmodel.All, h.lastSeq())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no service %s", name)
	return ""
}
