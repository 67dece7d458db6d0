package messageoffice_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/wait"
	accounts "weft.dev/services/accounts/domain"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	icmd "weft.dev/services/infra/command"
	infra "weft.dev/services/infra/domain"
	"weft.dev/services/messageoffice"
	"weft.dev/services/uniq"
)

const (
	keyB      = "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="
	keyLaptop = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
	keyPhone  = "q9EqR8Fz5qXl0m1f3vC0eJtq0o1m7b0l1oZ5b7w2e1Y="
)

type world struct {
	env   *eventstest.Env
	ctx   context.Context
	store *events.Store
	js    jetstream.JetStream
	inf   *icmd.Handlers
	con   *ccmd.Handlers
	owner auth.Principal
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	uniq.Register(reg)
	accounts.Register(reg)
	infra.Register(reg)
	cd.Register(reg)
	store := events.NewStore(env.Conn, reg)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	w := &world{env: env, ctx: ctx, store: store, js: js, inf: icmd.New(store),
		owner: auth.Principal{UserID: "u-owner", Team: "acme", Role: auth.Owner}}
	// The console's commands with its read model, as weft-server runs them:
	// deleting an app with a workload asks it whether a router routes there.
	w.con = w.withDirectory(t)
	return w
}

func (w *world) start(t *testing.T) *messageoffice.Office {
	t.Helper()
	return w.startWith(t, messageoffice.Config{})
}

func (w *world) startWith(t *testing.T, cfg messageoffice.Config) *messageoffice.Office {
	t.Helper()
	o, err := messageoffice.New(w.store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Stop(context.Background()) })
	return o
}

func (w *world) converge(t *testing.T, o *messageoffice.Office) {
	t.Helper()
	last, err := w.store.LastSeq(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.WaitFor(w.ctx, last); err != nil {
		t.Fatal(err)
	}
}

func (w *world) state(t *testing.T, cluster string) messageoffice.Desired {
	t.Helper()
	s, err := messageoffice.ReadState(w.ctx, w.js, "acme", cluster)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// must returns v, or panics (failing the test with a stack) on err: the
// scenario's commands are expected to succeed.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// ids of the scenario's resources
type scenario struct{ a, b, laptop, env, app, policy, intercept string }

// build creates two clusters (only B's agent has reported its key), a
// laptop, an app in A with a deny policy from the laptop, and an intercept
// of the app to the laptop.
func (w *world) build(t *testing.T) scenario {
	var s scenario
	s.a = must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	s.b = must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	must(w.inf.ReportGateway(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportGatewayInput{Team: "acme", ClusterID: s.b, PublicKey: keyB, Endpoint: "198.51.100.2:51820"}))
	s.laptop = must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "laptop", PublicKey: keyLaptop})).Object.ID
	s.env = must(w.con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: s.a})).Object.ID
	s.app = must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}, Backends: []string{"10.0.0.7:8080", "10.0.0.8:8080"}}})).Object.ID
	s.policy = must(w.con.CreatePolicy(w.ctx, w.owner, ccmd.CreatePolicyInput{Team: "acme", Name: "no-laptop", Rule: cd.Rule{
		Action: cd.Deny, Priority: 10, Sources: []cd.Subject{{Kind: cd.SubjectDevice, ID: s.laptop}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: s.app}}}})).Object.ID
	s.intercept = must(w.con.StartIntercept(w.ctx, w.owner, ccmd.StartInterceptInput{Team: "acme", AppID: s.app, Port: 80, DeviceID: s.laptop, TargetPort: 3000})).Object.ID
	return s
}

func subjects(d messageoffice.Desired) []string {
	s := slices.Collect(maps.Keys(d))
	sort.Strings(s)
	return s
}

func TestTeamEventsProduceExactlyTheExpectedClusterSubjectsAndValues(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	s := w.build(t)
	w.converge(t, o)

	a := w.state(t, s.a)
	want := []string{
		"dns." + s.a, "dns." + s.app, "dns." + s.b, "dns." + s.laptop,
		"peer." + s.b, "peer." + s.laptop,
		"route." + s.app, "self", "namespace." + s.env,
	}
	sort.Strings(want)
	if got := subjects(a); !slices.Equal(got, want) {
		t.Fatalf("A's entries:\n got %v\nwant %v", got, want)
	}
	// B hosts nothing and A's agent has not reported a key: B has no peer
	// for A, no routes, and the team's names.
	b := w.state(t, s.b)
	wantB := []string{
		"dns." + s.a, "dns." + s.app, "dns." + s.b, "dns." + s.laptop,
		"peer." + s.laptop, "self",
	}
	sort.Strings(wantB)
	if got := subjects(b); !slices.Equal(got, wantB) {
		t.Fatalf("B's entries:\n got %v\nwant %v", got, wantB)
	}

	var laptopIP string
	var dev clusterstate.Record
	if err := json.Unmarshal(a["dns."+s.laptop], &dev); err != nil {
		t.Fatal(err)
	}
	laptopIP = dev.IPs[0]
	if dev.Name != "laptop.acme.weft.internal" {
		t.Errorf("laptop's name %q", dev.Name)
	}
	var appRec clusterstate.Record
	if err := json.Unmarshal(b["dns."+s.app], &appRec); err != nil {
		t.Fatal(err)
	}
	if appRec.Name != "api.prod.acme.weft.internal" || len(appRec.Ports) != 1 || appRec.Ports[0] != (clusterstate.Port{Port: 80, Protocol: "tcp"}) {
		t.Errorf("the app's name and SRV ports in cluster B: %+v", appRec)
	}
	var peer clusterstate.Peer
	if err := json.Unmarshal(a["peer."+s.b], &peer); err != nil {
		t.Fatal(err)
	}
	if peer.PublicKey != keyB || peer.Endpoint != "198.51.100.2:51820" || len(peer.AllowedIPs) != 2 || peer.AllowedIPs[1] != "100.80.16.0/20" && peer.AllowedIPs[1] != "100.80.0.0/20" {
		t.Errorf("A's peer for B: %+v", peer)
	}
	var r clusterstate.Route
	if err := json.Unmarshal(a["route."+s.app], &r); err != nil {
		t.Fatal(err)
	}
	if r.Name != "api" || r.Env != "prod" || len(r.Backends) != 2 || r.Balance != "round_robin" || len(r.Ports) != 1 || r.Ports[0].Port != 80 || r.Health == nil {
		t.Errorf("route %+v", r)
	}
	if len(r.Intercept) != 1 || r.Intercept[0].Target != laptopIP+":3000" || r.Intercept[0].ID != s.intercept {
		t.Errorf("intercept %+v (laptop %s)", r.Intercept, laptopIP)
	}
	if len(r.Access) != 1 || r.Access[0].Allow || r.Access[0].PolicyID != s.policy || !slices.Equal(r.Access[0].From, []string{laptopIP + "/32"}) {
		t.Errorf("access %+v", r.Access)
	}

	// Team-wide entries are stored once, in the team's stream; a
	// cluster's stream holds only its own.
	for stream, want := range map[string]uint64{
		clusterstate.StreamName(s.a):        3, // self, the environment's namespace, the app's route
		clusterstate.StreamName(s.b):        1, // self
		clusterstate.TeamStreamName("acme"): 6, // peers B and laptop, names of A, B, the app and the laptop
	} {
		str, err := w.js.Stream(w.ctx, stream)
		if err != nil {
			t.Fatal(err)
		}
		if got := str.CachedInfo().State.Msgs; got != want {
			t.Errorf("%s holds %d messages, want %d", stream, got, want)
		}
	}

	// Every message carries the EVENTS sequence that caused it.
	m, err := w.js.Stream(w.ctx, clusterstate.StreamName(s.a))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := m.GetLastMsgForSubject(w.ctx, clusterstate.Subject("acme", s.a, clusterstate.KindRoute, s.app))
	if err != nil {
		t.Fatal(err)
	}
	if raw.Header.Get(clusterstate.HeaderEventsSeq) == "" {
		t.Error("route message without Weft-Events-Seq")
	}
}

func TestDeletingADeviceTombstonesItOnEveryClusterAndStoppingAnInterceptRestoresTheRoute(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	s := w.build(t)
	w.converge(t, o)

	must(w.con.StopIntercept(w.ctx, w.owner, "acme", s.intercept))
	must(w.inf.DeleteDevice(w.ctx, w.owner, icmd.DeviceInput{Team: "acme", ID: s.laptop}))
	w.converge(t, o)
	for _, c := range []string{s.a, s.b} {
		st := w.state(t, c)
		for _, key := range []string{"peer." + s.laptop, "dns." + s.laptop} {
			if _, ok := st[key]; ok {
				t.Errorf("cluster %s: %s still in the desired state", c, key)
			}
		}
	}
	// Once, in the team's stream, for every cluster.
	str, err := w.js.Stream(w.ctx, clusterstate.TeamStreamName("acme"))
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{clusterstate.KindPeer, clusterstate.KindDNS} {
		subj := clusterstate.Subject("acme", "", kind, s.laptop)
		m, err := str.GetLastMsgForSubject(w.ctx, subj)
		if err != nil || m.Header.Get(clusterstate.HeaderDeleted) != "true" || len(m.Data) != 0 {
			t.Errorf("%s: last message is not a tombstone (%v)", subj, err)
		}
	}
	var r clusterstate.Route
	if err := json.Unmarshal(w.state(t, s.a)["route."+s.app], &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Intercept) != 0 || len(r.Access) != 1 || len(r.Access[0].From) != 0 {
		t.Errorf("route after stop and device delete: intercepts %v, access %v", r.Intercept, r.Access)
	}
}

func TestReprojectingFromTheLogGivesIdenticalStreamsAndARestartWritesNothing(t *testing.T) {
	w := newWorld(t)
	o := w.start(t)
	s := w.build(t)
	must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: "phone", PublicKey: keyPhone}))
	w.converge(t, o)
	if err := o.Stop(w.ctx); err != nil {
		t.Fatal(err)
	}
	before := map[string]messageoffice.Desired{s.a: w.state(t, s.a), s.b: w.state(t, s.b)}
	lastSeq := func(stream string) uint64 {
		str, err := w.js.Stream(w.ctx, stream)
		if err != nil {
			t.Fatal(err)
		}
		info, err := str.Info(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.LastSeq
	}
	streams := []string{clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme")}
	seqs := map[string]uint64{}
	for _, st := range streams {
		seqs[st] = lastSeq(st)
	}

	// A restart reads the streams back and finds nothing to write.
	w.converge(t, w.start(t))
	for _, st := range streams {
		if got := lastSeq(st); got != seqs[st] {
			t.Fatalf("restart wrote %d messages to %s", got-seqs[st], st)
		}
	}

	// Streams lost: re-projecting the log rebuilds them identically.
	for _, st := range streams {
		if err := w.js.DeleteStream(w.ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	w.converge(t, w.start(t))
	for c, want := range before {
		got := w.state(t, c)
		if !maps.EqualFunc(got, want, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Errorf("cluster %s rebuilt differently:\n got %v\nwant %v", c, subjects(got), subjects(want))
		}
	}

	// A deleted cluster's stream goes.
	must(w.inf.DeleteCluster(w.ctx, w.owner, icmd.ClusterInput{Team: "acme", ID: s.b}))
	o2 := w.start(t)
	w.converge(t, o2)
	if _, err := w.js.Stream(w.ctx, clusterstate.StreamName(s.b)); err == nil {
		t.Error("CL_B survives its cluster")
	}
	if _, ok := w.state(t, s.a)["peer."+s.b]; ok {
		t.Error("A still peers with the deleted B")
	}

	// With its last cluster gone, no agent reads the team's stream.
	must(w.inf.DeleteCluster(w.ctx, w.owner, icmd.ClusterInput{Team: "acme", ID: s.a}))
	w.converge(t, o2)
	if _, err := w.js.Stream(w.ctx, clusterstate.TeamStreamName("acme")); err == nil {
		t.Error("TM_acme survives the team's last cluster")
	}
}

// A live office applies each event to what it already has; a fresh one
// rebuilds from the whole log. After a random mix of changes both must give
// the same streams, or the live path is missing (or leaking) a subject.
func TestAfterARandomSequenceOfChangesTheLiveStreamsEqualAFromScratchRebuild(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			w := newWorld(t)
			o := w.start(t)
			s := w.build(t)
			rng := rand.New(rand.NewPCG(seed, 0))
			key := func() string {
				b := make([]byte, 32)
				for i := range b {
					b[i] = byte(rng.IntN(256))
				}
				return base64.StdEncoding.EncodeToString(b)
			}
			keyA := key()
			devices, apps := []string{s.laptop}, []string{s.app}
			intercepts := map[string]string{s.intercept: s.app}
			pick := func(l []string) (string, []string) {
				i := rng.IntN(len(l))
				v := l[i]
				return v, slices.Delete(slices.Clone(l), i, i+1)
			}
			for i := range 40 {
				switch op := rng.IntN(10); {
				case op == 0 || len(devices) == 0:
					devices = append(devices, must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: fmt.Sprint("d", i), PublicKey: key()})).Object.ID)
				case op == 1 && len(devices) > 1:
					var d string
					d, devices = pick(devices)
					must(w.inf.DeleteDevice(w.ctx, w.owner, icmd.DeviceInput{Team: "acme", ID: d}))
				case op == 2:
					apps = append(apps, must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: fmt.Sprint("app", i),
						Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}, Backends: []string{fmt.Sprintf("10.0.1.%d:8080", i+1)}}})).Object.ID)
				case op == 3 && len(apps) > 0:
					var a string
					a, apps = pick(apps)
					for id, app := range intercepts {
						if app == a {
							must(w.con.StopIntercept(w.ctx, w.owner, "acme", id))
							delete(intercepts, id)
						}
					}
					must(w.con.DeleteApp(w.ctx, w.owner, "acme", a))
				case op == 4:
					// The gateway keeps the key it enrolled with; its endpoint moves.
					must(w.inf.ReportGateway(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportGatewayInput{Team: "acme", ClusterID: s.a,
						PublicKey: keyA, Endpoint: fmt.Sprintf("198.51.100.%d:51820", i+10)}))
				case op == 5 && len(intercepts) > 0:
					ids := slices.Sorted(maps.Keys(intercepts))
					id := ids[rng.IntN(len(ids))]
					must(w.con.StopIntercept(w.ctx, w.owner, "acme", id))
					delete(intercepts, id)
				case op == 7:
					// Cluster B's agent enters or leaves Kubernetes mode: imports.
					must(w.inf.ReportKubernetes(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportKubernetesInput{Team: "acme", ClusterID: s.b,
						Version: []string{"", "v1.37.2"}[rng.IntN(2)]}))
				case op == 8:
					apps = append(apps, must(w.con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: fmt.Sprint("wl", i),
						Spec:    cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}},
						Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1.0", Replicas: 2}}})).Object.ID)
				case op == 9 && len(apps) > 0:
					a := apps[rng.IntN(len(apps))]
					must(w.con.UpdateApp(w.ctx, w.owner, ccmd.UpdateAppInput{Team: "acme", ID: a,
						Spec:    cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}},
						Backing: cd.Backing{Workload: &cd.Workload{Image: fmt.Sprintf("ghcr.io/acme/api:1.%d", i), Replicas: rng.IntN(4)}}}))
				default:
					devices = append(devices, must(w.inf.CreateDevice(w.ctx, w.owner, icmd.CreateDeviceInput{Team: "acme", Name: fmt.Sprint("e", i), PublicKey: key()})).Object.ID)
				}
			}
			w.converge(t, o)
			if err := o.Stop(w.ctx); err != nil {
				t.Fatal(err)
			}
			live := map[string]messageoffice.Desired{s.a: w.state(t, s.a), s.b: w.state(t, s.b)}
			for _, st := range []string{clusterstate.StreamName(s.a), clusterstate.StreamName(s.b), clusterstate.TeamStreamName("acme")} {
				if err := w.js.DeleteStream(w.ctx, st); err != nil {
					t.Fatal(err)
				}
			}
			w.converge(t, w.start(t))
			for c, want := range live {
				got := w.state(t, c)
				if !maps.EqualFunc(got, want, func(a, b []byte) bool { return string(a) == string(b) }) {
					t.Errorf("cluster %s: rebuild differs from the live stream:\n rebuilt %v\n    live %v", c, subjects(got), subjects(want))
				}
			}
		})
	}
}

func TestAQuietTeamsStreamIsSnapshottedWithExactlyItsEntries(t *testing.T) {
	w := newWorld(t)
	o := w.startWith(t, messageoffice.Config{SnapshotMin: 1})
	w.build(t)
	w.converge(t, o)

	// What the team stream holds: the last value of every live subject.
	want := map[string]string{}
	tm, err := w.js.Stream(w.ctx, clusterstate.TeamStreamName("acme"))
	if err != nil {
		t.Fatal(err)
	}
	batch, err := must(tm.OrderedConsumer(w.ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})).FetchNoWait(1000)
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
			want[m.Subject()] = string(m.Data())
		}
	}
	last := must(tm.Info(w.ctx)).State.LastSeq

	// The log is quiet, so within a second or two the snapshot is there,
	// as of the stream's last sequence.
	var (
		ts jetstream.Stream
		m0 *jetstream.RawStreamMsg
	)
	wait.ForEvery(t, 10*time.Second, 100*time.Millisecond, func() error {
		var err error
		if ts, err = w.js.Stream(w.ctx, clusterstate.SnapshotStreamName("acme")); err != nil {
			return fmt.Errorf("no snapshot stream: %w", err)
		}
		m0, err = ts.GetLastMsgForSubject(w.ctx, clusterstate.SnapshotSubject("acme", 0))
		if err != nil {
			return fmt.Errorf("no snapshot as of %d: %w", last, err)
		}
		if got := m0.Header.Get(clusterstate.HeaderSnapshotSeq); got != fmt.Sprint(last) {
			return fmt.Errorf("the snapshot is as of %s, not %d", got, last)
		}
		return nil
	})
	got := map[string]string{}
	n := must(strconv.Atoi(m0.Header.Get(clusterstate.HeaderSnapshotChunks)))
	for i := range n {
		m := must(ts.GetLastMsgForSubject(w.ctx, clusterstate.SnapshotSubject("acme", i)))
		if err := clusterstate.DecodeSnapshot(m.Data, func(e clusterstate.SnapshotEntry) error {
			got[e.Subject] = string(e.Value)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if e := m0.Header.Get(clusterstate.HeaderSnapshotEntries); e != strconv.Itoa(len(want)) {
		t.Errorf("chunk 0 says %s entries, the stream holds %d", e, len(want))
	}
	if !maps.Equal(got, want) {
		t.Fatalf("snapshot:\n got %v\nwant %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}
