package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/enrol"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// chaosDuration is how long faults are injected: WEFT_CHAOS_DURATION (a
// Go duration) for a longer run, else 75 s, so the test stays well under
// five minutes in CI.
func chaosDuration(t *testing.T) time.Duration {
	if v := os.Getenv("WEFT_CHAOS_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("WEFT_CHAOS_DURATION: %v", err)
		}
		return d
	}
	return 75 * time.Second
}

// agentCut is how long an agent's link stays down: longer than its
// consumers take to miss two heartbeats (5 s apart), so the agent finds
// them silent while it reaches no node, and not only a pause TCP's
// retransmissions hide. Its NATS connection does not notice (pings every
// two minutes): what it sent is delivered once the link is back.
const agentCut = 12 * time.Second

// While a client keeps changing a team through two weft-server replicas
// on a three-node NATS cluster (R3 streams) that authenticates agents
// through weft's auth callout, with an agent per cluster (two clusters,
// each agent on a host of its own: a network namespace with wireguard-go
// on a TUN device, reaching the nodes over one link), NATS nodes are
// stopped and started one at a time (the EVENTS leader among them), the
// second replica is cut off from NATS and let back, the replica holding
// the message office's lease is killed without a goodbye and started
// again, an agent's link is taken down and brought up again, and an
// agent is SIGKILLed and started again. Afterwards: every
// acknowledged change (devices, apps) is in the log exactly once; both
// replicas' read models and one built afresh answer exactly what the log
// holds; no component of either replica is left stopped; the lease moved
// to the surviving replica; and every agent holds exactly the peers,
// routes and names the API says (the time each took is logged with the
// faults).
func TestUnderNodeFailuresAndAKilledReplicaNoAcknowledgedChangeIsLostOrDoubled(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: minutes of faults")
	}
	// The agents' hosts first: the nodes listen on this host's address on
	// the agents' network.
	natsHost, hosts := agentHosts(t, 2)
	ext := startCalloutNATSOn(t, 3, natsHost)
	cluster := ext.Cluster
	nc := cluster.Connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// Replicas of one platform sign the log's checkpoints with one key.
	// Agents' authorisations last 30 s, so they go through the callout
	// again several times while the faults come.
	replica := append(slices.Clone(ext.args), "--replicas", "3", "--checkpoint-key-file", filepath.Join(t.TempDir(), "checkpoint.key"),
		"--nats-callout-ttl", "30s")
	s1 := startServer(t, replica...)
	// The second replica, on this host, reaches each node through a link
	// the test can cut (a TCP relay).
	var links []*cuttable
	var linked []string
	for _, n := range cluster.Nodes {
		l := newCuttable(t, strings.TrimPrefix(n.URL, "nats://"))
		links = append(links, l)
		linked = append(linked, "nats://"+l.l.Addr().String())
	}
	s2 := startReplica(t, s1.Token, append(slices.Clone(replica), "--nats-url", strings.Join(linked, ","))...)
	c1, c2 := newCLI(t), newCLI(t)
	c1.ok("login", "--server", s1.URL, "--token", s1.Token)
	c1.ok("team", "create", "acme", "--display-name", "Acme")
	c2.ok("login", "--server", s2.URL, "--token", s1.Token, "--team", "acme")
	var agents []*chaosAgent
	for i, name := range []string{"eu-1", "us-1"} {
		created := c1.json("cluster", "create", name)
		id, _ := find(created, "id").(string)
		secret, _ := find(created, "enrolmentSecret").(string)
		c1.ok("env", "create", "prod-"+name, "--cluster", name)
		a := &chaosAgent{cluster: name, id: id, dir: t.TempDir(), host: hosts[i]}
		// Enrolled here, eu-1 through the replica holding the lease and
		// us-1 through the other (whose office does not run), then started
		// on the credentials it keeps.
		through := s1
		if name == "us-1" {
			through = s2
		}
		wait.For(t, 60*time.Second, func() error {
			creds, err := enrol.Enrol(context.Background(), through.URL, id, secret)
			if err != nil {
				return err
			}
			return enrol.Save(a.dir, creds)
		})
		// Enrolled, it needs no --server; it reaches the nodes at their
		// addresses on its network, and the other gateway on the same.
		a.args = []string{"--cluster", id, "--state-dir", a.dir, "--nats-url", cluster.URLs(),
			"--interface", a.host.iface, "--endpoint", a.host.addr + ":51820"}
		a.start(t)
		agents = append(agents, a)
	}

	// The client: device creations (and now and then a deletion), and
	// every fourth change one to an app (created in either cluster,
	// updated, deleted), through whichever replica is up, one at a time
	// as a user would. Devices reach every agent as peers and names, apps
	// their cluster's agent as routes and every agent as names.
	var mu sync.Mutex
	acked := map[string]bool{}   // devices created, acknowledged
	deleted := map[string]bool{} // devices deleted, acknowledged
	appsAcked := map[string]bool{}
	appsDeleted := map[string]bool{}
	var liveApps []string // "name env", created and acknowledged, oldest first
	attempts := 0
	// stall is the longest the client went without an acknowledgement.
	var stall time.Duration
	lastAck := time.Now()
	stop := make(chan struct{})
	var client sync.WaitGroup
	client.Add(1)
	go func() {
		defer client.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := c1
			if i%2 == 1 {
				c = c2
			}
			ack := func(code int) {
				mu.Lock()
				defer mu.Unlock()
				attempts++
				if code == 0 {
					stall = max(stall, time.Since(lastAck))
					lastAck = time.Now()
				}
			}
			if i%4 == 3 {
				op := (i / 4) % 4
				switch {
				case op < 2 || len(liveApps) == 0:
					name, env := fmt.Sprintf("a%04d", i), "prod-"+[]string{"eu-1", "us-1"}[(i/4)%2]
					_, _, code := c.run("app", "create", name, "--env", env, "--port", "80", "--backend", fmt.Sprintf("10.0.0.%d:8080", 1+i%250))
					ack(code)
					if code == 0 {
						mu.Lock()
						appsAcked[name] = true
						mu.Unlock()
						liveApps = append(liveApps, name+" "+env)
					}
				case op == 2:
					f := strings.Fields(liveApps[0])
					_, _, code := c.run("app", "update", f[0], "--env", f[1], "--port", "80", "--backend", fmt.Sprintf("10.0.1.%d:8080", 1+i%250))
					ack(code)
				default:
					f := strings.Fields(liveApps[0])
					_, _, code := c.run("app", "delete", f[0], "--env", f[1])
					ack(code)
					if code == 0 {
						mu.Lock()
						appsDeleted[f[0]] = true
						mu.Unlock()
						liveApps = liveApps[1:]
					}
				}
				continue
			}
			name := fmt.Sprintf("d%04d", i)
			_, _, code := c.run("device", "create", name, "--public-key", newKey(t))
			ack(code)
			if code == 0 {
				mu.Lock()
				acked[name] = true
				mu.Unlock()
			}
			if code == 0 && i%5 == 4 {
				if _, _, code := c.run("device", "delete", name); code == 0 {
					mu.Lock()
					deleted[name] = true
					mu.Unlock()
				}
			}
		}
	}()

	leaseHolder := func() string {
		kv, err := js.KeyValue(context.Background(), "weft_leases")
		if err != nil {
			return ""
		}
		e, err := kv.Get(context.Background(), "messageoffice")
		if err != nil {
			return ""
		}
		return string(e.Value())
	}
	holds := func(s *server, holder string) bool {
		return s.cmd != nil && strings.HasSuffix(holder, fmt.Sprintf("/%d", s.cmd.Process.Pid))
	}

	// The faults, one at a time.
	var faults []string
	// timeline is each fault with when it began, for a failed run's log:
	// an agent's or a replica's log is read beside it.
	var timeline []string
	fault := func(at time.Time, what string) {
		faults = append(faults, what)
		timeline = append(timeline, at.UTC().Format("15:04:05.000")+" "+what)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("faults (UTC, when each began): %s", strings.Join(timeline, "; "))
		}
	})
	var failover time.Duration
	deadline := time.Now().Add(chaosDuration(t))
	for step := 0; time.Now().Before(deadline); step++ {
		time.Sleep(3 * time.Second)
		agent := agents[(step/5)%len(agents)]
		switch {
		case step%5 == 2 && failover == 0:
			// Kill the replica holding the office's lease.
			holder := leaseHolder()
			victim, other := s1, s2
			if holds(s2, holder) {
				victim, other = s2, s1
			}
			if !holds(victim, holder) {
				continue // the lease is between holders: try later
			}
			killed := time.Now()
			_ = victim.cmd.Process.Kill()
			_, _ = victim.cmd.Process.Wait()
			victim.cmd = nil
			eventually(t, "the lease moves to the other replica", func() (bool, string) {
				h := leaseHolder()
				return holds(other, h), h
			})
			failover = time.Since(killed)
			fault(killed, fmt.Sprintf("SIGKILL lease holder (lease moved in %s)", failover.Round(100*time.Millisecond)))
			time.Sleep(3 * time.Second)
			if err := victim.restart(binaries(t)); err != nil {
				t.Fatalf("restart the killed replica: %v", err)
			}
		case step%5 == 1:
			// Cut the second replica off from every node for a while.
			fault(time.Now(), "cut replica 2 off NATS")
			for _, l := range links {
				l.cut()
			}
			time.Sleep(5 * time.Second)
			for _, l := range links {
				l.restore()
			}
		case step%5 == 3:
			// Cut an agent off from every node for a while: its host's
			// link goes down, so what it sends goes nowhere and nothing
			// reaches it, without a reset either side would notice.
			fault(time.Now(), "cut agent "+agent.cluster+" off NATS")
			agent.host.cut(t)
			time.Sleep(agentCut)
			agent.host.restore(t)
		case step%5 == 4:
			// Kill an agent and start it again: it comes back on the
			// credentials it keeps, through the callout.
			fault(time.Now(), "SIGKILL agent "+agent.cluster)
			agent.kill()
			time.Sleep(time.Second)
			agent.start(t)
		default:
			// Stop a node (every other time the EVENTS leader) for a while.
			node := cluster.Nodes[rand.IntN(len(cluster.Nodes))]
			if step%2 == 0 {
				if st, err := js.Stream(context.Background(), "EVENTS"); err == nil {
					if si, err := st.Info(context.Background()); err == nil && si.Cluster != nil && si.Cluster.Leader != "" {
						node = cluster.Node(si.Cluster.Leader)
					}
				}
			}
			fault(time.Now(), "stop NATS node "+node.Name)
			node.Stop()
			time.Sleep(6 * time.Second)
			node.Start(t)
		}
	}
	close(stop)
	client.Wait()
	quiet := time.Now() // the last change and the last fault are over
	if failover == 0 {
		t.Fatal("the lease holder was never killed: the run was too short")
	}

	// Every agent holds exactly what the API says its cluster needs; how
	// long that took is counted from the end of the last change and fault.
	// Every agent is checked in each round, so each one's time is its own.
	// A round reads the API (three CLI calls) and the agents' state.
	took := map[string]time.Duration{}
	t.Cleanup(func() {
		if t.Failed() {
			logStreams(t, js, agents)
			// Whether a replica's component (the message office writing
			// the agents' streams) stopped or fell behind: the checks
			// below that say so come after the agents'.
			for i, s := range []*server{s1, s2} {
				logHealth(t, fmt.Sprintf("replica %d", i+1), s)
			}
		}
	})
	wait.ForEvery(t, 2*time.Minute, 250*time.Millisecond, func() error {
		var behind []string
		for _, a := range agents {
			if _, ok := took[a.cluster]; ok {
				continue
			}
			want, err := apiState(c1, a.cluster)
			if err != nil {
				return err
			}
			if ok, detail := agentHolds(a.dir, want); !ok {
				behind = append(behind, fmt.Sprintf("agent of %s: %s", a.cluster, detail))
				continue
			}
			took[a.cluster] = time.Since(quiet)
		}
		if len(behind) > 0 {
			return errors.New(strings.Join(behind, "; "))
		}
		return nil
	})
	var converged []string
	var slowest time.Duration
	for _, a := range agents {
		slowest = max(slowest, took[a.cluster])
		converged = append(converged, fmt.Sprintf("%s %s", a.cluster, took[a.cluster].Round(100*time.Millisecond)))
	}
	// Everything up again: both replicas ready, nothing stopped.
	for _, s := range []*server{s1, s2} {
		eventually(t, "replica "+s.URL+" ready and healthy", func() (bool, string) {
			for _, path := range []string{"/readyz", "/healthz"} {
				resp, err := http.Get(s.URL + path)
				if err != nil {
					return false, err.Error()
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					return false, path + " " + resp.Status
				}
			}
			return true, ""
		})
	}

	// The log: each acknowledged creation and deletion exactly once.
	created, removed := logCounts(t, js, "ev.acme.device.>", "infra.device.created", "infra.device.deleted")
	appsCreated, appsRemoved := logCounts(t, js, "ev.acme.app.>", "console.app.created", "console.app.deleted")
	mu.Lock()
	defer mu.Unlock()
	for name := range acked {
		if created[name] != 1 {
			t.Errorf("acknowledged device %s was created %d times in the log", name, created[name])
		}
	}
	for name := range deleted {
		if removed[name] != 1 {
			t.Errorf("acknowledged deletion of %s is in the log %d times", name, removed[name])
		}
	}
	for name := range appsAcked {
		if appsCreated[name] != 1 {
			t.Errorf("acknowledged app %s was created %d times in the log", name, appsCreated[name])
		}
	}
	for name := range appsDeleted {
		if appsRemoved[name] != 1 {
			t.Errorf("acknowledged deletion of app %s is in the log %d times", name, appsRemoved[name])
		}
	}
	for name, n := range appsCreated {
		if n > 1 {
			t.Errorf("app %s was created %d times in the log", name, n)
		}
	}
	var want []string
	for name, n := range created {
		if n > 1 {
			t.Errorf("device %s was created %d times in the log", name, n)
		}
		if removed[name] == 0 {
			want = append(want, name)
		}
	}

	// Every read model answers what the log holds: both replicas', and a
	// third replica's built now.
	s3 := startReplica(t, s1.Token, replica...)
	c3 := newCLI(t)
	c3.ok("login", "--server", s3.URL, "--token", s1.Token, "--team", "acme")
	for i, c := range []*cli{c1, c2, c3} {
		eventually(t, fmt.Sprintf("replica %d lists what the log holds", i+1), func() (bool, string) {
			out, errs, code := c.run("device", "list", "-o", "json")
			if code != 0 {
				return false, errs
			}
			for _, name := range want {
				if !strings.Contains(out, `"`+name+`"`) {
					return false, "lacks " + name
				}
			}
			if n := strings.Count(out, `"name":"d`) + strings.Count(out, `"name": "d`); n != len(want) {
				return false, fmt.Sprintf("lists %d devices, the log holds %d", n, len(want))
			}
			return true, ""
		})
	}
	t.Logf("chaos: %d mutations tried, %d device creations and %d deletions and %d app creations and %d deletions acknowledged, %d faults: %s; longest stall %s; lease failover %s; agents hold what the API says %s after the last change and fault (%s)",
		attempts, len(acked), len(deleted), len(appsAcked), len(appsDeleted), len(faults), strings.Join(faults, ", "), stall.Round(100*time.Millisecond),
		failover.Round(100*time.Millisecond), slowest.Round(100*time.Millisecond), strings.Join(converged, ", "))
}

// logCounts reads the log's events on filter and counts, by name, those of
// type createdType, and by the name their id was created with, those of
// type deletedType.
func logCounts(t *testing.T, js jetstream.JetStream, filter, createdType, deletedType string) (created, removed map[string]int) {
	t.Helper()
	created, removed = map[string]int{}, map[string]int{}
	cons, err := js.OrderedConsumer(context.Background(), "EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter}})
	if err != nil {
		t.Fatal(err)
	}
	// Read to the end: a single fetch may return only part of a long log
	// (a five-minute run's last deletions were missing from one).
	idName := map[string]string{}
	until := time.Now().Add(time.Minute)
	for done := false; !done; {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			if md, err := m.Metadata(); err == nil && md.NumPending == 0 {
				done = true
			}
			var ev struct {
				Type string `json:"type"`
				Data struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"data"`
			}
			if err := json.Unmarshal(m.Data(), &ev); err != nil {
				t.Fatal(err)
			}
			switch ev.Type {
			case createdType:
				created[ev.Data.Name]++
				idName[ev.Data.ID] = ev.Data.Name
			case deletedType:
				removed[idName[ev.Data.ID]]++
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			// A node back a moment ago may not answer yet: the ordered
			// consumer goes on after the last message it delivered.
			if time.Now().After(until) {
				t.Fatalf("read the log: %v", err)
			}
			time.Sleep(time.Second)
			continue
		}
		done = done || n == 0
	}
	return created, removed
}

// logStreams logs, for a failed run, where each agent's streams are: the
// last sequence and each replica's state, beside the agent's state file.
func logStreams(t *testing.T, js jetstream.JetStream, agents []*chaosAgent) {
	for _, a := range agents {
		for _, name := range []string{clusterstate.StreamName(a.id), clusterstate.TeamStreamName("acme")} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			st, err := js.Stream(ctx, name)
			if err != nil {
				cancel()
				t.Logf("agent of %s: stream %s: %v", a.cluster, name, err)
				continue
			}
			info := st.CachedInfo()
			var replicas []string
			if info.Cluster != nil {
				replicas = append(replicas, "leader "+info.Cluster.Leader)
				for _, r := range info.Cluster.Replicas {
					replicas = append(replicas, fmt.Sprintf("%s current=%v offline=%v lag=%d", r.Name, r.Current, r.Offline, r.Lag))
				}
			}
			var consumers []string
			for ci := range st.ListConsumers(ctx).Info() {
				on := ""
				if ci.Cluster != nil {
					on = ci.Cluster.Leader
				}
				consumers = append(consumers, fmt.Sprintf("%s on %s delivered %d pending %d", ci.Name, on, ci.Delivered.Stream, ci.NumPending))
			}
			cancel()
			t.Logf("agent of %s: stream %s last %d; %s; consumers: %s", a.cluster, name, info.State.LastSeq, strings.Join(replicas, ", "), strings.Join(consumers, "; "))
		}
	}
}

// agentHost is a network namespace an agent runs in, whose one link
// (lan0, a veth pair to a bridge on this host) leads to the NATS nodes.
type agentHost struct {
	ns   string
	addr string // on lan0
	// iface is the agent's WireGuard interface: a name of its own too,
	// as wireguard-go's control socket (/var/run/wireguard/IFACE.sock)
	// is on the file system every namespace shares.
	iface string
}

// agentHosts makes n hosts for agents and the network joining them to
// this host: a bridge holding natsHost, the address the NATS nodes
// listen on. The network is a /24 of 198.18.0.0/15 (addresses for
// benchmarks) this host does not use yet, so that runs side by side keep
// apart. The namespaces and links go when t ends, failed or not.
func agentHosts(t *testing.T, n int) (natsHost string, hosts []agentHost) {
	t.Helper()
	needNetns(t, "the chaos test (its agents run in network namespaces)")
	id := netnsID()
	used, err := exec.Command("ip", "-4", "-o", "addr", "show").Output()
	if err != nil {
		t.Fatalf("ip addr show: %v", err)
	}
	var lan string
	for range 100 {
		k := rand.IntN(512)
		if p := fmt.Sprintf("198.%d.%d.", 18+k/256, k%256); !strings.Contains(string(used), " "+p) {
			lan = p
			break
		}
	}
	if lan == "" {
		t.Fatal("no /24 of 198.18.0.0/15 is free on this host for the agents' network")
	}
	br := "wcb" + id
	sh(t, "ip", "link", "add", br, "type", "bridge")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", br).Run() })
	sh(t, "ip", "addr", "add", lan+"1/24", "dev", br)
	sh(t, "ip", "link", "set", br, "up")
	for i := range n {
		h := agentHost{ns: fmt.Sprintf("wca%d-%s", i, id), addr: fmt.Sprintf("%s%d", lan, 10+i), iface: fmt.Sprintf("wgc%d%s", i, id)}
		addNetns(t, h.ns)
		veth := fmt.Sprintf("wc%d%s", i, id) // its other end is lan0 in h.ns
		sh(t, "ip", "link", "add", veth, "type", "veth", "peer", "name", "lan0", "netns", h.ns)
		sh(t, "ip", "link", "set", veth, "master", br, "up")
		sh(t, "ip", "-n", h.ns, "addr", "add", h.addr+"/24", "dev", "lan0")
		sh(t, "ip", "-n", h.ns, "link", "set", "lan0", "up")
		hosts = append(hosts, h)
	}
	return lan + "1", hosts
}

// cut takes the host's link down: its route to the nodes goes, and
// established connections stall, as in a network partition.
func (h agentHost) cut(t *testing.T) { sh(t, "ip", "-n", h.ns, "link", "set", "lan0", "down") }

// restore brings the link up again, with its route.
func (h agentHost) restore(t *testing.T) { sh(t, "ip", "-n", h.ns, "link", "set", "lan0", "up") }

// logHealth logs, for a failed run, what a replica's /healthz and
// /readyz say of each of its components (state, how far behind).
func logHealth(t *testing.T, name string, s *server) {
	if s.cmd == nil {
		t.Logf("%s: not running", name)
		return
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := client.Get(s.URL + path)
		if err != nil {
			t.Logf("%s %s: %v", name, path, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("%s %s: %s\n%s", name, path, resp.Status, b)
	}
}

// chaosAgent is a cluster's weft-agent, running on its own host, which the
// chaos test cuts off, kills and starts again.
type chaosAgent struct {
	cluster string
	id      string
	dir     string // state: credentials, key, state.json
	host    agentHost
	args    []string
	cmd     *exec.Cmd
	logs    lockedBuffer
	cleanup bool // its Cleanup is registered
}

func (a *chaosAgent) start(t *testing.T) {
	t.Helper()
	// ip netns exec execs the agent in the namespace: the process is the
	// agent's own, for its signals (SIGKILL, SIGQUIT).
	a.cmd = exec.Command("ip", append([]string{"netns", "exec", a.host.ns, filepath.Join(binaries(t), "weft-agent")}, a.args...)...)
	a.cmd.Stdout, a.cmd.Stderr = &a.logs, &a.logs
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if a.cleanup {
		return
	}
	a.cleanup = true
	t.Cleanup(func() {
		if t.Failed() {
			a.dumpGoroutines()
		}
		a.kill()
		if t.Failed() {
			t.Logf("weft-agent of %s:\n%s", a.cluster, a.logs.String())
		}
	})
}

// dumpGoroutines has a running agent print every goroutine's stack to
// its log and exit (SIGQUIT), so an agent that failed to converge shows
// where it waits.
func (a *chaosAgent) dumpGoroutines() {
	if a.cmd == nil {
		return
	}
	_ = a.cmd.Process.Signal(syscall.SIGQUIT)
	done := make(chan struct{})
	go func() {
		_ = a.cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
		a.cmd = nil
	case <-time.After(10 * time.Second):
		// kill waits for the same process; it is still a.cmd.
	}
}

func (a *chaosAgent) kill() {
	if a.cmd == nil {
		return
	}
	_ = a.cmd.Process.Kill()
	_ = a.cmd.Wait()
	a.cmd = nil
}
