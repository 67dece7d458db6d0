package messageoffice_test

import (
	"strings"
	"testing"

	"weft.dev/events/clusterstate"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
)

// TestACloneInAnotherClusterIsThatClustersAloneWithItsSecretSealedToItsAgent:
// a clone of prod (cluster A) into cluster B becomes B's entries only (its
// namespace, its app's workload, its secret sealed to B's agent alone),
// A's agent cannot read B's copy of the secret, a router's copy without a
// domain has no Ingress entry, and deleting the clone tombstones all of
// it while prod's entries stay.
func TestACloneInAnotherClusterIsThatClustersAloneWithItsSecretSealedToItsAgent(t *testing.T) {
	w := newWorld(t)
	con, ring := w.withSecrets(t)
	o := w.startWith(t, messageofficeConfig(ring))
	a := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	b := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	keyA, keyB := w.sealingKey(t, a), w.sealingKey(t, b)
	must(con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a}))
	const known = "clone-known-value-93e"
	must(con.SetSecret(w.ctx, w.owner, ccmd.SetSecretInput{Team: "acme", Env: "prod", Name: "db-creds", Set: map[string]string{"PASSWORD": known}}))
	must(con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1", Replicas: 1,
			EnvFrom: []cd.EnvFrom{{Source: cd.Source{Kind: cd.SourceSecret, Name: "db-creds"}}}}}}))
	must(con.CreateRouter(w.ctx, w.owner, ccmd.RouterInput{Team: "acme", Env: "prod", Name: "web", Domain: "shop.example.com",
		Routes: []cd.Route{{Path: "/", Target: cd.Backend{Kind: cd.TargetApp, Name: "api", Port: 80}}}}))
	w.converge(t, o)
	before := w.state(t, a)

	clone := must(con.CloneEnv(w.ctx, w.owner, ccmd.CloneEnvInput{Team: "acme", Source: "prod", Name: "pr-142", ClusterID: b})).Object
	w.converge(t, o)
	sb := w.state(t, b)
	var secret clusterstate.Secret
	kinds := map[string]int{}
	for k := range sb {
		kind, _, _ := strings.Cut(k, ".")
		kinds[kind]++
		if kind == clusterstate.KindSecret {
			secret = decode[clusterstate.Secret](t, sb, k)
		}
	}
	if kinds["namespace"] != 1 || kinds["workload"] != 1 || kinds["secret"] != 1 || kinds["router"] != 0 {
		t.Fatalf("cluster B's entries by kind %v: want the clone's namespace, workload and secret, and no router without a domain", kinds)
	}
	ns := decode[clusterstate.Namespace](t, sb, "namespace."+clone.ID)
	if ns.Name != "pr-142" || secret.Namespace != "pr-142" || secret.Name != "db-creds" {
		t.Fatalf("namespace %+v, secret %+v", ns, secret)
	}
	if got, err := keyB.Open(secret.Sealed["PASSWORD"]); err != nil || string(got) != known {
		t.Fatalf("cluster B's agent opens %q, %v", got, err)
	}
	if _, err := keyA.Open(secret.Sealed["PASSWORD"]); err == nil {
		t.Errorf("cluster A's key opens the clone's secret sealed to B's")
	}
	// A gets none of the clone's objects (only what every cluster of the
	// team has of an app: its name, and an import leading to the mesh).
	for k := range w.state(t, a) {
		kind, _, _ := strings.Cut(k, ".")
		if _, ok := before[k]; !ok && kind != "import" && kind != "dns" {
			t.Errorf("cluster A got the clone's entry %s", k)
		}
	}
	w.agentCannotRead(t, o, a, b, clusterstate.KindSecret, secret.ID)

	must(con.DeleteEnv(w.ctx, w.owner, "acme", "pr-142"))
	w.converge(t, o)
	for k := range w.state(t, b) {
		if kind, _, _ := strings.Cut(k, "."); kind == "namespace" || kind == "workload" || kind == "secret" {
			t.Errorf("the deleted clone's entry %s stayed in cluster B", k)
		}
	}
	if after := w.state(t, a); len(after) != len(before) {
		t.Errorf("cluster A has %d entries after the clone's deletion, %d before it was made", len(after), len(before))
	}
}
