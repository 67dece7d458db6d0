package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/eventstest"
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

// While a client keeps changing a team through two weft-server replicas
// on a three-node NATS cluster (R3 streams), NATS nodes are stopped and
// started one at a time (the EVENTS leader among them), the second replica
// is cut off from NATS and let back, and the replica holding the message
// office's lease is killed without a goodbye and started again. Afterwards: every acknowledged change is in the log
// exactly once; both replicas' read models and one built afresh answer
// exactly what the log holds; no component of either replica is left
// stopped; and the lease moved to the surviving replica (the time it
// took is logged with the faults).
func TestUnderNodeFailuresAndAKilledReplicaNoAcknowledgedChangeIsLostOrDoubled(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: minutes of faults")
	}
	cluster := eventstest.StartCluster(t, 3)
	urls := cluster.URLs()
	nc := cluster.Connect(t)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// Replicas of one platform sign the log's checkpoints with one key.
	replica := []string{"--nats-url", urls, "--replicas", "3", "--checkpoint-key-file", filepath.Join(t.TempDir(), "checkpoint.key")}
	s1 := startServer(t, replica...)
	// The second replica reaches each node through a link the test can cut.
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
	c1.ok("cluster", "create", "eu-1")
	c2.ok("login", "--server", s2.URL, "--token", s1.Token, "--team", "acme")

	// The client: device creations, and now and then a deletion, through
	// whichever replica is up, one at a time as a user would.
	var mu sync.Mutex
	acked := map[string]bool{}   // created, acknowledged
	deleted := map[string]bool{} // deleted, acknowledged
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
			name := fmt.Sprintf("d%04d", i)
			_, _, code := c.run("device", "create", name, "--public-key", newKey(t))
			mu.Lock()
			attempts++
			if code == 0 {
				acked[name] = true
				stall = max(stall, time.Since(lastAck))
				lastAck = time.Now()
			}
			mu.Unlock()
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
	var failover time.Duration
	deadline := time.Now().Add(chaosDuration(t))
	for step := 0; time.Now().Before(deadline); step++ {
		time.Sleep(3 * time.Second)
		switch {
		case step%3 == 2 && failover == 0:
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
			faults = append(faults, fmt.Sprintf("SIGKILL lease holder (lease moved in %s)", failover.Round(100*time.Millisecond)))
			time.Sleep(3 * time.Second)
			if err := victim.restart(binaries(t)); err != nil {
				t.Fatalf("restart the killed replica: %v", err)
			}
		case step%3 == 1:
			// Cut the second replica off from every node for a while.
			for _, l := range links {
				l.cut()
			}
			faults = append(faults, "cut replica 2 off NATS")
			time.Sleep(5 * time.Second)
			for _, l := range links {
				l.restore()
			}
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
			node.Stop()
			faults = append(faults, "stop NATS node "+node.Name)
			time.Sleep(6 * time.Second)
			node.Start(t)
		}
	}
	close(stop)
	client.Wait()
	if failover == 0 {
		t.Fatal("the lease holder was never killed: the run was too short")
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
	created, removed := map[string]int{}, map[string]int{}
	cons, err := js.OrderedConsumer(context.Background(), "EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"ev.acme.device.>"}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(100000)
	if err != nil {
		t.Fatal(err)
	}
	idName := map[string]string{}
	for m := range batch.Messages() {
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
		case "infra.device.created":
			created[ev.Data.Name]++
			idName[ev.Data.ID] = ev.Data.Name
		case "infra.device.deleted":
			removed[idName[ev.Data.ID]]++
		}
	}
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
	t.Logf("chaos: %d mutations tried, %d creations and %d deletions acknowledged, %d faults: %s; longest stall %s; lease failover %s",
		attempts, len(acked), len(deleted), len(faults), strings.Join(faults, ", "), stall.Round(100*time.Millisecond), failover.Round(100*time.Millisecond))
}
