package messageoffice_test

import (
	"reflect"
	"testing"

	"weft.dev/events/clusterstate"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
)

func TestConfigsBecomeConfigMapsOfTheirClusterAndAChangeRollsTheAppsThatUseThem(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	con := w.withDirectory(t)
	a := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	b := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	env := must(con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a})).Object.ID
	set := func(name string, kv map[string]string) string {
		return must(con.SetConfig(w.ctx, w.owner, ccmd.SetConfigInput{Team: "acme", Env: "prod", Name: name, Set: kv})).Object.ID
	}
	settings := set("app-settings", map[string]string{"LOG_LEVEL": "debug", "app.yaml": "port: 8080\n"})
	other := set("unrelated", map[string]string{"X": "1"})
	api := must(con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1.4", Replicas: 1,
			Env:     []cd.EnvVar{{Name: "LOG_LEVEL", From: &cd.KeyRef{Source: cd.Source{Name: "app-settings"}, Key: "LOG_LEVEL"}}},
			EnvFrom: []cd.EnvFrom{{Source: cd.Source{Name: "app-settings"}, Prefix: "APP_"}},
			Files:   []cd.FileMount{{Source: cd.Source{Name: "app-settings"}, Path: "/etc/app"}},
		}}})).Object.ID
	w.converge(t, o)

	sa := w.state(t, a)
	cm := decode[clusterstate.ConfigMap](t, sa, "config."+settings)
	want := clusterstate.ConfigMap{ID: settings, Name: "app-settings", Namespace: "prod", Env: "prod",
		Labels: map[string]string{"app.kubernetes.io/managed-by": "weft", "weft.dev/team": "acme", "weft.dev/env": "prod",
			"weft.dev/env-id": env, "weft.dev/role": "config", "weft.dev/config-id": settings},
		Data: map[string]string{"LOG_LEVEL": "debug", "app.yaml": "port: 8080\n"}}
	if !reflect.DeepEqual(cm, want) {
		t.Errorf("config map\n got %+v\nwant %+v", cm, want)
	}
	if _, ok := w.state(t, b)["config."+settings]; ok {
		t.Errorf("cluster B, not the environment's, got the config")
	}
	wl := decode[clusterstate.Workload](t, sa, "workload."+api)
	c := wl.Container
	if !reflect.DeepEqual(c.Env, []clusterstate.EnvVar{{Name: "LOG_LEVEL", From: &clusterstate.KeyRef{Kind: "configmap", Name: "app-settings", Key: "LOG_LEVEL"}}}) ||
		!reflect.DeepEqual(c.EnvFrom, []clusterstate.EnvFrom{{Kind: "configmap", Name: "app-settings", Prefix: "APP_"}}) ||
		!reflect.DeepEqual(c.Files, []clusterstate.FileMount{{Kind: "configmap", Name: "app-settings", Path: "/etc/app"}}) || wl.SourcesDigest == "" {
		t.Fatalf("the workload's sources: %+v %+v %+v digest %q", c.Env, c.EnvFrom, c.Files, wl.SourcesDigest)
	}

	// A config the app does not use changes nothing of it; one it uses
	// changes its digest, not its generation.
	set("unrelated", map[string]string{"X": "2"})
	w.converge(t, o)
	if got := decode[clusterstate.Workload](t, w.state(t, a), "workload."+api); !reflect.DeepEqual(got, wl) {
		t.Errorf("another config's change changed the workload: %+v", got)
	}
	set("app-settings", map[string]string{"LOG_LEVEL": "info"})
	w.converge(t, o)
	sa = w.state(t, a)
	wl2 := decode[clusterstate.Workload](t, sa, "workload."+api)
	if wl2.SourcesDigest == wl.SourcesDigest || wl2.Generation != wl.Generation {
		t.Errorf("after the config changed: digest %q (was %q), generation %d (was %d)", wl2.SourcesDigest, wl.SourcesDigest, wl2.Generation, wl.Generation)
	}
	if cm := decode[clusterstate.ConfigMap](t, sa, "config."+settings); cm.Data["LOG_LEVEL"] != "info" {
		t.Errorf("the config map after the change: %v", cm.Data)
	}

	must(con.DeleteConfig(w.ctx, w.owner, "acme", other))
	w.converge(t, o)
	if _, ok := w.state(t, a)["config."+other]; ok {
		t.Errorf("a deleted config's entry stayed")
	}
}
