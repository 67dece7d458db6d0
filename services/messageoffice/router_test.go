package messageoffice_test

import (
	"errors"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
)

// TestARouterIsAnIngressEntryOfItsClusterAndItsAddressBecomesAnEvent: a
// router is a router entry of its environment's cluster only (host, TLS,
// one rule per route to the Service of the app or run service named, on
// its port); the agent's report of the Ingress's address is recorded on
// the router; deleting it tombstones the entry.
func TestARouterIsAnIngressEntryOfItsClusterAndItsAddressBecomesAnEvent(t *testing.T) {
	w := newWorld(t)
	con, _ := w.withSecrets(t)
	o := w.start(t)
	a := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	b := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	env := must(con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a})).Object.ID
	for _, n := range []string{"frontend", "api"} {
		must(con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: n, Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}},
			Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/" + n + ":1", Replicas: 1}}}))
	}
	r := must(con.CreateRouter(w.ctx, w.owner, ccmd.RouterInput{Team: "acme", Env: "prod", Name: "web", Domain: "shop.example.com", TLS: true,
		Routes: []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "frontend", Port: 80}}, {Path: "/api", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 80}}}})).Object
	w.converge(t, o)
	e := decode[clusterstate.Router](t, w.state(t, a), "router."+r.ID)
	want := []clusterstate.IngressRule{{Path: "/", Service: "frontend", Port: 80}, {Path: "/api", Service: "api", Port: 80}}
	if e.Name != "web" || e.Namespace != "prod" || e.Host != "shop.example.com" || !e.TLS || len(e.Rules) != 2 || e.Rules[0] != want[0] || e.Rules[1] != want[1] ||
		e.Labels[clusterstate.LabelRole] != clusterstate.RoleRouter || e.Labels[clusterstate.LabelRouterID] != r.ID || e.Labels[clusterstate.LabelEnvID] != env {
		t.Fatalf("router entry %+v", e)
	}
	if _, ok := w.state(t, b)["router."+r.ID]; ok {
		t.Errorf("another cluster got the router")
	}

	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := clusterstate.ReportRouter(w.agentConn(t, b), b, clusterstate.RouterStatus{ID: r.ID, Addresses: []string{"198.51.100.9"}, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportRouter(w.agentConn(t, a), a, clusterstate.RouterStatus{ID: r.ID, Addresses: []string{"203.0.113.7"}, Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 20*time.Second, func() error {
		x, _, err := loadRouter(w, r.ID)
		if err != nil {
			return err
		}
		if x.Status == nil || len(x.Status.Addresses) != 1 || x.Status.Addresses[0] != "203.0.113.7" {
			return errors.New("the router's address is not recorded")
		}
		return nil
	})
	must(con.DeleteRouter(w.ctx, w.owner, "acme", r.ID))
	w.converge(t, o)
	if _, ok := w.state(t, a)["router."+r.ID]; ok {
		t.Errorf("a deleted router's entry stayed")
	}
}

func loadRouter(w *world, id string) (cd.Router, uint64, error) {
	var x cd.Router
	v, err := w.store.LoadFunc(w.ctx, "acme", events.AggregateRef{Type: cd.RouterAggregate, ID: id}, func(r events.Recorded) error {
		x = cd.EvolveRouter(x, r)
		return nil
	})
	return x, v, err
}
