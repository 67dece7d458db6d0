package messageoffice_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// agentConn connects as cluster's agent, with its enrolled permissions.
func (w *world) agentConn(t *testing.T, cluster string) *nats.Conn {
	t.Helper()
	pw, err := broker.NewPassword()
	if err != nil {
		t.Fatal(err)
	}
	h, err := broker.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	pub, sub := clusterstate.AgentPermissions(cluster)
	if err := w.env.Server.SetAgent(broker.Agent{Name: "agent-" + cluster, PasswordHash: h, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	nc, err := w.env.Server.Connect("agent-"+cluster, nats.UserInfo("agent-"+cluster, pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix(cluster)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// rollouts are the app's recorded rollouts, in log order.
func (w *world) rollouts(t *testing.T, app string) []cd.AppRolloutReported {
	t.Helper()
	var out []cd.AppRolloutReported
	if err := w.store.Replay(w.ctx, events.Filter{Team: "acme", AggType: cd.AppAggregate, AggID: app, Types: []string{"console.app.rollout-reported"}},
		func(r events.Recorded) error {
			out = append(out, r.Data.(cd.AppRolloutReported))
			return nil
		}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAgentsRolloutReportsBecomeEventsOnlyWhenChangedDebouncedAndOnlyForTheirOwnApps(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	k := w.buildKube(t)
	w.converge(t, o)
	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// Cluster A's agent, with exactly an agent's permissions.
	agent := w.agentConn(t, k.a)
	a := decode[clusterstate.Workload](t, w.state(t, k.a), "workload."+k.api)

	report := clusterstate.AppStatus{ID: k.api, Generation: a.Generation, DeploymentGeneration: 1, ObservedGeneration: 1,
		Desired: 2, Updated: 2, Ready: 1, Available: 1, Image: "ghcr.io/acme/api:1.4",
		Conditions:   []clusterstate.Condition{{Type: "Progressing", Status: "True", Reason: "ReplicaSetUpdated"}},
		CrashLooping: []clusterstate.PodProblem{{Pod: "api-7d9-x1", Reason: "CrashLoopBackOff", Restarts: 4}}, Time: time.Now()}
	if err := clusterstate.ReportApp(agent, k.a, report); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 5*time.Second, func() error {
		if n := len(w.rollouts(t, k.api)); n != 1 {
			return fmt.Errorf("%d rollouts recorded, want 1", n)
		}
		return nil
	})
	got := w.rollouts(t, k.api)[0]
	if got.ClusterID != k.a || got.Rollout.Ready != 1 || got.Rollout.Desired != 2 || got.Rollout.Generation != a.Generation ||
		len(got.Rollout.CrashLooping) != 1 || got.Rollout.CrashLooping[0].Restarts != 4 || got.Rollout.Conditions[0].Reason != "ReplicaSetUpdated" {
		t.Errorf("recorded %+v", got)
	}

	// The same status again, later: nothing new. Cluster B reporting A's
	// app, and A reporting an app that is not a workload: refused.
	report.Time = time.Now()
	if err := clusterstate.ReportApp(agent, k.a, report); err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportApp(w.agentConn(t, k.b), k.b, clusterstate.AppStatus{ID: k.api, Generation: a.Generation, Desired: 9, Ready: 9}); err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportApp(agent, k.a, clusterstate.AppStatus{ID: k.web, Desired: 1}); err != nil {
		t.Fatal(err)
	}
	// Then a change (the pod came up): recorded, and nothing in between.
	marker := report
	marker.Ready, marker.Available, marker.CrashLooping, marker.Time = 2, 1, nil, time.Now()
	if err := clusterstate.ReportApp(agent, k.a, marker); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 5*time.Second, func() error {
		if n := len(w.rollouts(t, k.api)); n != 2 {
			return fmt.Errorf("%d rollouts recorded, want 2", n)
		}
		return nil
	})
	if r := w.rollouts(t, k.api)[1]; r.ClusterID != k.a || r.Rollout.Ready != 2 || r.Rollout.Available != 1 {
		t.Errorf("second record %+v, want the change", r)
	}
	// A burst of progress: recorded at most about once a second, ending
	// with the last report.
	for ready := range int32(20) {
		r := report
		r.Ready, r.Available, r.CrashLooping, r.Time = ready%3, ready%3, nil, time.Now()
		if ready == 19 {
			r.Ready, r.Available = 2, 2
		}
		if err := clusterstate.ReportApp(agent, k.a, r); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var last []cd.AppRolloutReported
	wait.For(t, 5*time.Second, func() error {
		last = w.rollouts(t, k.api)
		if l := last[len(last)-1].Rollout; l.Ready != 2 || l.Available != 2 || len(l.CrashLooping) != 0 {
			return fmt.Errorf("last recorded rollout %+v", l)
		}
		return nil
	})
	if len(last) > 6 {
		t.Errorf("a 200 ms burst of 20 reports was recorded %d times", len(last))
	}
	if !last[len(last)-1].Rollout.RolledOut(a.Generation) {
		t.Errorf("2/2 ready of generation %d does not count as rolled out: %+v", a.Generation, last[len(last)-1].Rollout)
	}
	for _, r := range last {
		if r.ClusterID != k.a || r.Rollout.Desired != 2 {
			t.Errorf("recorded a report it should have refused: %+v", r)
		}
	}
	if n := len(w.rollouts(t, k.web)); n != 0 {
		t.Errorf("the plain app got %d rollouts", n)
	}
}

func TestAnAgentReportingKubernetesModeGetsTheTeamsImports(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	k := w.buildKube(t)
	w.converge(t, o)
	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	gw, _ := json.Marshal(clusterstate.Gateway{PublicKey: keyB, Endpoint: "198.51.100.3:51820", Kubernetes: &clusterstate.Kubernetes{Version: "v1.37.2"}})
	if err := w.env.Conn.Publish(clusterstate.StatusSubject(k.c, clusterstate.StatusGateway), gw); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 5*time.Second, func() error {
		var n int
		if err := w.store.Replay(w.ctx, events.Filter{Team: "acme", AggType: infra.ClusterAggregate, AggID: k.c, Types: []string{"infra.cluster.kubernetes-reported"}},
			func(events.Recorded) error { n++; return nil }); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("%d mode reports recorded", n)
		}
		return nil
	})
	w.converge(t, o)
	c := w.state(t, k.c)
	for _, id := range []string{k.api, k.db, k.web} {
		if _, ok := c["import."+id]; !ok {
			t.Errorf("cluster C in Kubernetes mode lacks import.%s", id)
		}
	}
}

func TestAnAgentsNamespaceReportIsRecordedOnceOnTheEnvironmentOfItsOwnCluster(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	k := w.buildKube(t)
	w.converge(t, o)
	stop, err := o.Relay(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	reports := func() []cd.EnvNamespaceReported {
		var out []cd.EnvNamespaceReported
		if err := w.store.Replay(w.ctx, events.Filter{Team: "acme", AggType: cd.EnvAggregate, AggID: k.env, Types: []string{"console.env.namespace-reported"}},
			func(r events.Recorded) error {
				out = append(out, r.Data.(cd.EnvNamespaceReported))
				return nil
			}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := w.agentConn(t, k.a), w.agentConn(t, k.b)
	refused := clusterstate.NamespaceStatus{ID: k.env, Namespace: "prod", Error: "namespace prod exists and is not weft's", Time: time.Now()}
	for range 3 {
		if err := clusterstate.ReportNamespace(a, k.a, refused); err != nil {
			t.Fatal(err)
		}
	}
	// Cluster B cannot speak for A's environment.
	if err := clusterstate.ReportNamespace(b, k.b, clusterstate.NamespaceStatus{ID: k.env, Namespace: "prod", Ready: true}); err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportNamespace(a, k.a, clusterstate.NamespaceStatus{ID: k.env, Namespace: "prod", Ready: true}); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 5*time.Second, func() error {
		if got := reports(); len(got) != 2 || got[0].Error == "" || got[0].Ready || !got[1].Ready || got[1].ClusterID != k.a {
			return fmt.Errorf("recorded %+v, want the refusal then ready, from A", got)
		}
		return nil
	})
}
