package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/converge"
	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/auth"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/messageoffice"
	"weft.dev/services/uniq"
)

// The office's snapshot and the agent's reading of it are two halves of one
// format: an agent that starts from the office's snapshot, with changes
// after it, holds exactly the cluster's desired state, and did not fall
// back to reading the stream.
func TestAnAgentStartingFromTheOfficesSnapshotHoldsExactlyTheDesiredState(t *testing.T) {
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	uniq.Register(reg)
	infra.Register(reg)
	cd.Register(reg)
	store := events.NewStore(env.Conn, reg)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	office, err := messageoffice.New(store, messageoffice.Config{SnapshotMin: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := office.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = office.Stop(context.Background()) }()

	inf, con := icmd.New(store), ccmd.New(store, nil)
	owner := auth.Principal{UserID: "u-owner", Team: "acme", Role: auth.Owner}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := inf.CreateCluster(ctx, owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := inf.CreateCluster(ctx, owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})
	if err != nil {
		t.Fatal(err)
	}
	must(inf.ReportGateway(ctx, auth.SystemPrincipal("agent"), icmd.ReportGatewayInput{Team: "acme", ClusterID: b.Object.ID, PublicKey: newKey(t), Endpoint: "198.51.100.2:51820"}))
	must(inf.ReportGateway(ctx, auth.SystemPrincipal("agent"), icmd.ReportGatewayInput{Team: "acme", ClusterID: a.Object.ID, PublicKey: newKey(t), Endpoint: "198.51.100.1:51820"}))
	var laptop string
	for i := range 8 {
		d, err := inf.CreateDevice(ctx, owner, icmd.CreateDeviceInput{Team: "acme", Name: fmt.Sprintf("d%d", i), PublicKey: newKey(t)})
		if err != nil {
			t.Fatal(err)
		}
		laptop = d.Object.ID
	}
	must(con.CreateEnv(ctx, owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a.Object.ID}))
	must(con.CreateApp(ctx, owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}, Backends: []string{"10.0.0.7:8080"}}}))

	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := js.Stream(ctx, clusterstate.TeamStreamName("acme"))
	if err != nil {
		t.Fatal(err)
	}
	// The log goes quiet: the office writes the snapshot within a second or
	// two, as of the team stream's last sequence.
	eventually(t, "the snapshot of the whole team stream", func() (bool, string) {
		info, err := tm.Info(ctx)
		if err != nil {
			return false, err.Error()
		}
		ts, err := js.Stream(ctx, clusterstate.SnapshotStreamName("acme"))
		if err != nil {
			return false, err.Error()
		}
		m, err := ts.GetLastMsgForSubject(ctx, clusterstate.SnapshotSubject("acme", 0))
		if err != nil {
			return false, err.Error()
		}
		at := m.Header.Get(clusterstate.HeaderSnapshotSeq)
		return at == strconv.FormatUint(info.State.LastSeq, 10), "snapshot at " + at
	})
	// Changes after it: one device goes, one key rotates, one comes.
	must(inf.DeleteDevice(ctx, owner, icmd.DeviceInput{Team: "acme", ID: laptop}))
	d, err := inf.CreateDevice(ctx, owner, icmd.CreateDeviceInput{Team: "acme", Name: "late", PublicKey: newKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	last, err := store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := office.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: newKey(t)})
	// The agent reads on the services' own connection, which may use
	// $JS.API itself (no guard, no enrolled user): what is tested here is
	// the snapshot, not the credentials.
	agent, err := converge.New(converge.Config{Cluster: a.Object.ID, Team: "acme", Peers: rec, Routes: rec, DNS: rec, JetStreamAPI: "$JS.API",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	actx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = agent.Run(actx, env.Conn) }()
	if err := agent.WaitFor(ctx, d.Seq); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the agent holds the late device", func() (bool, string) {
		_, ok := rec.PeersNow()[d.Object.ID]
		return ok, fmt.Sprint(rec.PeerIDs())
	})

	want, err := messageoffice.ReadState(ctx, js, "acme", a.Object.ID)
	if err != nil {
		t.Fatal(err)
	}
	// An agent that is not in Kubernetes mode holds no Kubernetes
	// entries (the environment's namespace): it reads and ignores them.
	for key := range want {
		for _, kind := range []string{clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport} {
			if strings.HasPrefix(key, kind+".") {
				delete(want, key)
			}
		}
	}
	self, peers, routes, records := rec.Snapshot()
	got := map[string]any{"self": self}
	for id, p := range peers {
		got[clusterstate.Key(clusterstate.KindPeer, id)] = p
	}
	for id, r := range routes {
		got[clusterstate.Key(clusterstate.KindRoute, id)] = r
	}
	for id, r := range records {
		got[clusterstate.Key(clusterstate.KindDNS, id)] = r
	}
	if g, w := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)); !slices.Equal(g, w) {
		t.Fatalf("agent holds\n %v\nthe streams say\n %v", g, w)
	}
	for key, v := range want {
		b, _ := json.Marshal(got[key])
		if !bytes.Equal(b, v) {
			t.Errorf("%s: agent holds %s, the stream %s", key, b, v)
		}
	}
	if bytes.Contains(logs.Bytes(), []byte("no usable team snapshot")) {
		t.Errorf("the agent fell back to reading the stream:\n%s", logs.String())
	}
}
