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

// The entries' JSON is the contract the agent's controller reads: a field
// renamed here must fail a test, not an agent.
func TestKubernetesEntriesKeepTheirJSONFieldNames(t *testing.T) {
	labels := map[string]string{clusterstate.LabelManagedBy: clusterstate.ManagedBy}
	for name, c := range map[string]struct {
		v    any
		want string
	}{
		"namespace": {clusterstate.Namespace{ID: "e1", Name: "prod", Env: "prod", Team: "acme", Labels: labels},
			`{"id":"e1","name":"prod","env":"prod","team":"acme","labels":{"app.kubernetes.io/managed-by":"weft"}}`},
		"workload": {clusterstate.Workload{ID: "a1", Name: "api", Namespace: "prod", Env: "prod", Generation: 7, Labels: labels, Replicas: 2,
			Container: clusterstate.Container{Image: "api:1", Command: []string{"/api"}, Args: []string{"-v"}, Env: []clusterstate.EnvVar{{Name: "A", Value: "b"}},
				Ports:     []clusterstate.ContainerPort{{Name: "http-80", ContainerPort: 8080, Protocol: "tcp"}},
				Resources: clusterstate.Resources{Requests: clusterstate.ResourceList{CPU: "250m", Memory: "128Mi"}, Limits: clusterstate.ResourceList{Memory: "1Gi"}},
				Readiness: &clusterstate.Probe{Kind: "http", Path: "/healthz", Port: 8080, PeriodSeconds: 5},
				Liveness:  &clusterstate.Probe{Kind: "exec", Exec: []string{"true"}, FailureThreshold: 3}},
			Ports: []clusterstate.ServicePort{{Name: "http-80", Port: 80, Protocol: "tcp", AppProto: "http", TargetPort: 8080}}},
			`{"id":"a1","name":"api","namespace":"prod","env":"prod","generation":7,"labels":{"app.kubernetes.io/managed-by":"weft"},"replicas":2,` +
				`"container":{"image":"api:1","command":["/api"],"args":["-v"],"env":[{"name":"A","value":"b"}],"ports":[{"name":"http-80","containerPort":8080,"protocol":"tcp"}],` +
				`"resources":{"requests":{"cpu":"250m","memory":"128Mi"},"limits":{"memory":"1Gi"}},` +
				`"readiness":{"kind":"http","path":"/healthz","port":8080,"periodSeconds":5},"liveness":{"kind":"exec","exec":["true"],"failureThreshold":3}},` +
				`"ports":[{"name":"http-80","port":80,"protocol":"tcp","appProtocol":"http","targetPort":8080}]}`},
		"export": {clusterstate.Export{ID: "a2", Name: "db", Env: "prod", Namespace: "prod", Service: "postgres", Ports: []clusterstate.Port{{Port: 5432, Protocol: "tcp"}}},
			`{"id":"a2","name":"db","env":"prod","namespace":"prod","service":"postgres","ports":[{"port":5432,"protocol":"tcp"}]}`},
		"import": {clusterstate.Import{ID: "a1", Kind: "app", Name: "api", Namespace: "prod", Env: "prod", Cluster: "c1", ServiceIP: "100.80.0.1", Labels: labels,
			NamespaceLabels: labels, Ports: []clusterstate.ServicePort{{Name: "tcp-80", Port: 80, Protocol: "tcp", TargetPort: 80}}},
			`{"id":"a1","kind":"app","name":"api","namespace":"prod","env":"prod","cluster":"c1","serviceIp":"100.80.0.1","labels":{"app.kubernetes.io/managed-by":"weft"},` +
				`"namespaceLabels":{"app.kubernetes.io/managed-by":"weft"},"ports":[{"name":"tcp-80","port":80,"protocol":"tcp","targetPort":80}]}`},
		"route endpoints": {clusterstate.EndpointSource{Namespace: "prod", Service: "api"}, `{"namespace":"prod","service":"api"}`},
		"app status": {clusterstate.AppStatus{ID: "a1", Generation: 7, DeploymentGeneration: 2, ObservedGeneration: 2, Desired: 2, Updated: 2, Ready: 1, Available: 1,
			Image: "api:1", Conditions: []clusterstate.Condition{{Type: "Available", Status: "False", Reason: "MinimumReplicasUnavailable"}}, LastError: "x",
			CrashLooping: []clusterstate.PodProblem{{Pod: "api-1", Reason: "CrashLoopBackOff", Restarts: 3}}, Time: time.Unix(0, 0).UTC()},
			`{"id":"a1","generation":7,"deploymentGeneration":2,"observedGeneration":2,"desired":2,"updated":2,"ready":1,"available":1,"image":"api:1",` +
				`"conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable"}],"lastError":"x",` +
				`"crashLooping":[{"pod":"api-1","reason":"CrashLoopBackOff","restarts":3}],"time":"1970-01-01T00:00:00Z"}`},
		"namespace status": {clusterstate.NamespaceStatus{ID: "e1", Namespace: "prod", Ready: true, Time: time.Unix(0, 0).UTC()},
			`{"id":"e1","namespace":"prod","ready":true,"time":"1970-01-01T00:00:00Z"}`},
		"gateway": {clusterstate.Gateway{PublicKey: "k", Endpoint: "h:1", Kubernetes: &clusterstate.Kubernetes{Version: "v1.37.2"}},
			`{"publicKey":"k","endpoint":"h:1","kubernetes":{"version":"v1.37.2"}}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil || string(b) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", name, b, c.want)
		}
	}
}
