package command

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

var at = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func sampleClusters() []api.ClusterFields {
	online, applied, kube := true, 41, "v1.37.2"
	key, endpoint := "hY3bJq2L6m1z8vWc0aQpR5sT7uVxYzA1bC2dE3fG4hI=", "203.0.113.7:51820"
	return []api.ClusterFields{
		{Id: "0193a1c2-0000-7000-8000-000000000001", Name: "eu-1", GatewayIp: "100.64.0.1", ServiceRange: "100.96.0.0/24",
			Enrolled: true, EnrolledAt: &at, PublicKey: &key, Endpoint: &endpoint, CreatedAt: &at,
			Status: api.ClusterFieldsStatusClusterStatus{Online: &online, AppliedSeq: &applied, LastHeartbeatAt: &at, Seq: 42, Kubernetes: &kube}},
		{Id: "0193a1c2-0000-7000-8000-000000000002", Name: "us-east-with-a-long-name", GatewayIp: "100.64.0.2", ServiceRange: "100.96.1.0/24",
			CreatedAt: &at, Status: api.ClusterFieldsStatusClusterStatus{Seq: 43}},
	}
}

func sampleApps() []api.AppFields {
	lb := api.LBModeRoundRobin
	dev := "laptop"
	crash := "pod web-7d9-x1: CrashLoopBackOff (4 restarts)"
	return []api.AppFields{{
		Id: "0193a1c2-0000-7000-8000-00000000000a", Name: "api", ServiceIp: "100.96.0.10", CreatedAt: &at,
		Environment: api.AppFieldsEnvironment{Name: "prod"},
		Cluster:     api.AppFieldsCluster{Id: "0193a1c2-0000-7000-8000-000000000001", Name: "eu-1"},
		Spec: api.AppFieldsSpec{SpecFields: api.SpecFields{
			Ports:    []api.SpecFieldsPortsPort{{Port: 80, Protocol: api.ProtocolHttp}, {Port: 53, Protocol: api.ProtocolUdp}},
			Backends: []string{"10.0.0.7:8080", "10.0.0.8:8080"}, Lb: lb,
			Health: api.SpecFieldsHealthHealthCheck{Type: api.HealthCheckTypeTcp, IntervalSeconds: 10, TimeoutSeconds: 2, HealthyThreshold: 2, UnhealthyThreshold: 3},
		}},
		ActiveIntercepts: []api.AppFieldsActiveInterceptsIntercept{{Id: "i1", Port: api.AppFieldsActiveInterceptsInterceptPort{Port: 80, Protocol: api.ProtocolHttp}, Target: "100.64.0.9:3000", DeviceName: &dev}},
	}, {
		Id: "0193a1c2-0000-7000-8000-00000000000b", Name: "web", ServiceIp: "100.96.0.11", CreatedAt: &at, Generation: 57,
		Environment: api.AppFieldsEnvironment{Name: "prod"},
		Cluster:     api.AppFieldsCluster{Id: "0193a1c2-0000-7000-8000-000000000001", Name: "eu-1"},
		Spec: api.AppFieldsSpec{SpecFields: api.SpecFields{
			Ports: []api.SpecFieldsPortsPort{{Port: 80, Protocol: api.ProtocolHttp}}, Backends: []string{}, Lb: lb,
			Health: api.SpecFieldsHealthHealthCheck{Type: api.HealthCheckTypeTcp, IntervalSeconds: 10, TimeoutSeconds: 2, HealthyThreshold: 2, UnhealthyThreshold: 3},
		}},
		Workload: &api.AppFieldsWorkload{WorkloadFields: api.WorkloadFields{Image: "ghcr.io/acme/web:1.4", Replicas: 2, Command: []string{}, Args: []string{},
			Ports: []api.WorkloadFieldsPortsPortMapping{{Port: 80, Protocol: api.ProtocolHttp, ContainerPort: 8080}}}},
		Rollout: &api.AppFieldsRollout{RolloutFields: api.RolloutFields{Generation: 57, Desired: 2, Updated: 2, Ready: 1, Available: 1,
			Failing: &crash}},
		ActiveIntercepts: []api.AppFieldsActiveInterceptsIntercept{},
	}}
}

func sampleEvents() []api.EventFields {
	data := json.RawMessage(`{"name":"api","serviceIp":"100.96.0.10"}`)
	app, cluster := "prod/api", "eu-1"
	return []api.EventFields{
		{Seq: 44, Id: "0193a1c2-0000-7000-8000-0000000000e1", Time: at, Type: "console.app.created", Version: 1, Team: "acme",
			AggregateType: "app", AggregateId: "0193a1c2-0000-7000-8000-00000000000a", Actor: "user:0193a1c2-0000-7000-8000-0000000000u1", ActorName: "admin", ResourceName: &app, Data: &data, Known: true},
		{Seq: 42, Id: "0193a1c2-0000-7000-8000-0000000000e0", Time: at.Add(-time.Minute), Type: "infra.cluster.created", Version: 1, Team: "acme",
			AggregateType: "cluster", AggregateId: "0193a1c2-0000-7000-8000-000000000001", Actor: "user:0193a1c2-0000-7000-8000-0000000000u1", ActorName: "admin", ResourceName: &cluster, Known: true},
		{Seq: 41, Id: "0193a1c2-0000-7000-8000-0000000000d9", Time: at.Add(-2 * time.Minute), Type: "infra.network.address-allocated", Version: 1, Team: "acme",
			AggregateType: "network", AggregateId: "net", Actor: "system:infra", ActorName: "system:infra", Known: true},
	}
}

func TestResourceOutputMatchesGoldenInEveryFormat(t *testing.T) {
	t.Parallel()
	clusters, apps, events := sampleClusters(), sampleApps(), sampleEvents()
	cases := []struct {
		name  string
		value any
		rows  func() output.Rows
	}{
		{"clusters", clusters, func() output.Rows { return clusterRows(clusters) }},
		{"apps", apps, func() output.Rows { return appRows(apps) }},
		{"events", events, func() output.Rows { return eventRows(events, false) }},
		{"events-wide", events, func() output.Rows { return eventRows(events, true) }},
	}
	for _, c := range cases {
		for _, f := range []output.Format{output.Table, output.JSON, output.YAML} {
			var b bytes.Buffer
			if err := output.Render(&b, f, 0, c.value, c.rows); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+"."+string(f), b.Bytes())
		}
	}
}

func TestClusterTableFitsAnEightyColumnTerminal(t *testing.T) {
	t.Parallel()
	clusters := sampleClusters()
	var b bytes.Buffer
	if err := output.Render(&b, output.Table, 80, clusters, func() output.Rows { return clusterRows(clusters) }); err != nil {
		t.Fatal(err)
	}
	golden(t, "clusters.table-80", b.Bytes())
}

func TestEventsJSONIsOneEventPerLine(t *testing.T) {
	t.Parallel()
	a := &app{}
	a.global.output = "json"
	var b bytes.Buffer
	if err := a.renderEvents(&b, nil, sampleEvents()); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), b.String())
	}
	for _, l := range lines {
		var e map[string]any
		if err := json.Unmarshal(l, &e); err != nil || e["seq"] == nil {
			t.Errorf("line is not an event: %s (%v)", l, err)
		}
	}
}

func TestCreateClusterPrintsTheEnrolmentCommandOnce(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	printEnrolment(&b, "http://127.0.0.1:4000", sampleClusters()[0], "enrol_s3cret")
	golden(t, "cluster-create.table", b.Bytes())
	if n := bytes.Count(b.Bytes(), []byte("enrol_s3cret")); n != 1 {
		t.Errorf("secret printed %d times", n)
	}
	// A server others reach is printed as it is, without the loopback note.
	b.Reset()
	printEnrolment(&b, "https://weft.example.com", sampleClusters()[0], "enrol_s3cret")
	if !bytes.Contains(b.Bytes(), []byte("--server https://weft.example.com ")) || bytes.Contains(b.Bytes(), []byte("this machine only")) {
		t.Errorf("enrolment for a reachable server:\n%s", b.Bytes())
	}
}

func TestDeviceStatusMatchesGolden(t *testing.T) {
	t.Parallel()
	hs := at.Add(-42 * time.Second)
	st := &connectStatus{Device: "laptop", Team: "acme", Address: "100.64.0.3", Mode: "userspace netstack, rootless", Interface: "a userspace network (no interface)",
		Subscription: "live", Socks: "127.0.0.1:1080", Expose: []int{3000},
		Peers: []peerStatus{
			{Gateway: "eu-1", PublicKey: "hY3bJq2L6m1z8vWc0aQpR5sT7uVxYzA1bC2dE3fG4hI=", Endpoint: "203.0.113.7:51820", AllowedIPs: []string{"100.64.0.1/32", "100.80.0.0/20"}, LastHandshake: &hs, RxBytes: 123456, TxBytes: 2048},
			{Gateway: "us-1", PublicKey: "aY3bJq2L6m1z8vWc0aQpR5sT7uVxYzA1bC2dE3fG4hI=", Endpoint: "198.51.100.2:51820", AllowedIPs: []string{"100.64.0.2/32", "100.80.16.0/20"}},
		}}
	var b bytes.Buffer
	renderStatus(&b, st, at)
	golden(t, "device-status.table", b.Bytes())
}

// A followed trail applies --actor on the client: the username matches as
// the recorded actor does.
func TestFollowedEventsMatchTheActorByUsernameOrAsRecorded(t *testing.T) {
	t.Parallel()
	e := sampleEvents()[0]
	for actor, want := range map[string]bool{"admin": true, e.Actor: true, "bob": false, "user:other": false} {
		if got := matches(e, &api.EventFilter{Actor: &actor}); got != want {
			t.Errorf("actor %q: matches = %v, want %v", actor, got, want)
		}
	}
}
