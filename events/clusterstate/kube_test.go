package clusterstate_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
)

func TestNamespaceNamesAreTheEnvironmentsUnlessKubernetesKeepsThem(t *testing.T) {
	for env, want := range map[string]string{
		"prod": "prod", "default": "weft-default", "kube-system": "weft-kube-system", "kubernetes": "kubernetes", "kube": "kube",
		"kube-" + strings.Repeat("a", 58):        "weft-kube-" + strings.Repeat("a", 53),
		"kube-" + strings.Repeat("a", 52) + "-b": "weft-kube-" + strings.Repeat("a", 52),
	} {
		if got := clusterstate.NamespaceName(env); got != want {
			t.Errorf("%s: %s, want %s", env, got, want)
		}
	}
}

func TestARolloutIsDoneOnlyWhenItsGenerationIsEveryReplicaUpdatedReadyAndAvailable(t *testing.T) {
	done := clusterstate.AppStatus{Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2}
	if !done.RolledOut(7) || !done.RolledOut(5) {
		t.Fatal("a finished rollout does not count")
	}
	for name, s := range map[string]clusterstate.AppStatus{
		"older spec":          {Generation: 6, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2},
		"not observed":        {Generation: 7, DeploymentGeneration: 4, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 2, Available: 2},
		"old pods":            {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 1, Ready: 2, Available: 2},
		"not ready":           {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, Desired: 2, Updated: 2, Ready: 1, Available: 1},
		"refused":             {Generation: 7, DeploymentGeneration: 3, ObservedGeneration: 3, LastError: "forbidden"},
		"nothing applied (0)": {},
	} {
		if s.RolledOut(7) {
			t.Errorf("%s counts as rolled out", name)
		}
	}
}

// An agent's report arrives on its status subject as the JSON the office
// decodes.
func TestReportAppPublishesTheStatusOnTheClustersAppSubject(t *testing.T) {
	env := eventstest.Start(t)
	sub, err := env.Conn.SubscribeSync("status.>")
	if err != nil {
		t.Fatal(err)
	}
	s := clusterstate.AppStatus{ID: "a1", Generation: 9, Desired: 3, Ready: 1, Image: "ghcr.io/acme/api:1.4",
		CrashLooping: []clusterstate.PodProblem{{Pod: "api-1", Reason: "CrashLoopBackOff", Restarts: 5}}, Time: time.Unix(1, 0).UTC()}
	if err := clusterstate.ReportApp(env.Conn, "c1", s); err != nil {
		t.Fatal(err)
	}
	if err := clusterstate.ReportNamespace(env.Conn, "c1", clusterstate.NamespaceStatus{ID: "e1", Namespace: "prod", Error: "namespace prod exists and is not weft's"}); err != nil {
		t.Fatal(err)
	}
	m, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got clusterstate.AppStatus
	if m.Subject != "status.c1.app" || json.Unmarshal(m.Data, &got) != nil || got.ID != "a1" || got.CrashLooping[0].Restarts != 5 || !got.Time.Equal(s.Time) {
		t.Errorf("%s %s", m.Subject, m.Data)
	}
	m, err = sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var ns clusterstate.NamespaceStatus
	if m.Subject != "status.c1.namespace" || json.Unmarshal(m.Data, &ns) != nil || ns.Ready || ns.Error == "" {
		t.Errorf("%s %s", m.Subject, m.Data)
	}
}
