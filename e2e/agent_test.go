package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// runAgent runs weft-agent with args until the test ends, and shows its
// output when the test failed.
func runAgent(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	agent := exec.CommandContext(ctx, filepath.Join(binaries(t), "weft-agent"), args...)
	var logs lockedBuffer
	agent.Stdout, agent.Stderr = &logs, &logs
	if err := agent.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = agent.Wait()
		if t.Failed() {
			t.Logf("weft-agent:\n%s", logs.String())
		}
	})
}

// agentState is what weft-agent records in its state directory.
type agentState struct {
	Applied uint64 `json:"applied"`
	Self    struct {
		Address string `json:"address"`
	} `json:"self"`
	Peers  map[string]struct{ Name string } `json:"peers"`
	Routes map[string]struct {
		Name     string   `json:"name"`
		Backends []string `json:"backends"`
	} `json:"routes"`
	Records map[string]struct {
		Name string   `json:"name"`
		IPs  []string `json:"ips"`
	} `json:"records"`
	// Kubernetes are the entries an agent in Kubernetes mode was handed.
	Kubernetes *struct {
		Namespaces map[string]struct{ Name string } `json:"namespaces"`
		Workloads  map[string]struct{ Name string } `json:"workloads"`
		Exports    map[string]struct{ Name string } `json:"exports"`
		Imports    map[string]struct{ Name string } `json:"imports"`
	} `json:"kubernetes"`
}

func readAgentState(dir string) (agentState, error) {
	var st agentState
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(b, &st)
}

// eventually polls cond for up to 30 s, every 100 ms (a condition here
// runs the CLI or reads an agent's files): kernel/wait's, with what is
// awaited named.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	wait.ForEvery(t, 30*time.Second, 100*time.Millisecond, func() error {
		if ok, detail := cond(); !ok {
			return fmt.Errorf("%s: %s", what, detail)
		}
		return nil
	})
}

// A cluster's agent enrols with the one-time secret the CLI printed, gets
// credentials kept on its host only, converges to its team's desired state
// and follows changes; the secret does not work twice.
func TestAgentEnrolsOnceAndConvergesToItsClustersDesiredState(t *testing.T) {
	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	if clusterID == "" || !strings.HasPrefix(secret, "wfe_") {
		t.Fatalf("cluster create: %v", created)
	}
	c.ok("env", "create", "prod", "--cluster", "eu-1")
	c.ok("app", "create", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.7:8080")
	c.ok("device", "create", "laptop", "--public-key", laptopKey)

	state := t.TempDir()
	httpAddr := freeUDPAddr(t)
	runAgent(t, "--server", s.URL, "--cluster", clusterID,
		"--enrolment-secret", secret, "--state-dir", state, "--endpoint", "192.0.2.1:51820", "--http", httpAddr)

	eventually(t, "agent converges", func() (bool, string) {
		st, err := readAgentState(state)
		if err != nil {
			return false, err.Error()
		}
		var names []string
		for _, r := range st.Records {
			names = append(names, r.Name)
		}
		ok := len(st.Routes) == 1 && len(st.Peers) == 1 && strings.HasPrefix(st.Self.Address, "100.") &&
			strings.Contains(strings.Join(names, " "), "api.prod.acme.weft.internal") &&
			strings.Contains(strings.Join(names, " "), "laptop.acme.weft.internal")
		return ok, strings.Join(names, " ")
	})
	// Health and metrics say the same as the state it wrote.
	eventually(t, "healthz and metrics", func() (bool, string) {
		st, _ := readAgentState(state)
		resp, err := http.Get("http://" + httpAddr + "/healthz")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return false, resp.Status
		}
		resp, err = http.Get("http://" + httpAddr + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := string(b)
		for _, want := range []string{fmt.Sprintf("weft_agent_applied_sequence %d\n", st.Applied), "weft_agent_peers 1\n", "weft_agent_routes 1\n",
			"weft_agent_connected 1\n", fmt.Sprintf("weft_agent_dns_records %d\n", len(st.Records))} {
			if !strings.Contains(m, want) {
				return false, "metrics lack " + want
			}
		}
		return true, ""
	})
	for _, f := range []string{"credentials.json", "gateway.key"} {
		fi, err := os.Stat(filepath.Join(state, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v (mode %v), want 0600", f, err, fi)
		}
	}

	// The agent's gateway report reaches the cluster as users see it.
	eventually(t, "gateway reported", func() (bool, string) {
		out, _, _ := c.run("cluster", "get", "eu-1", "-o", "json")
		return strings.Contains(out, "192.0.2.1:51820"), out
	})

	// A device's wg-quick configuration: the key pair is made here, only the
	// public key is registered, and the reported gateway is its peer.
	conf := c.ok("device", "config", "devbox")
	mustContain(t, "device config", conf, "[Interface]", "PrivateKey = ", "Address = 100.", "[Peer]", "Endpoint = 192.0.2.1:51820", "PersistentKeepalive = 25")
	keyFile := filepath.Join(filepath.Dir(c.config), "keys", "acme-devbox.key")
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("device key %v %v, want mode 0600", fi, err)
	}
	registered, _ := find(c.json("device", "get", "devbox"), "publicKey").(string)
	if registered == "" || strings.Contains(conf, "PublicKey = "+registered) {
		t.Fatalf("registered key %q (the device's own key must not be among its peers)", registered)
	}
	if again := c.ok("device", "config", "devbox"); again != conf {
		t.Fatalf("a second device config changed the key or peers:\n%s\n---\n%s", conf, again)
	}
	// The gateway resolves the team's names for it, searching the team's domain.
	gw, _ := find(c.json("cluster", "get", "eu-1"), "gatewayIp").(string)
	mustContain(t, "device config", conf, "\nDNS = "+gw+", acme.weft.internal\n")
	// -o FILE: the same configuration in a file only its owner reads.
	confFile := filepath.Join(t.TempDir(), "devbox.conf")
	c.ok("device", "config", "devbox", "-o", confFile)
	if b, err := os.ReadFile(confFile); err != nil || string(b) != conf {
		t.Fatalf("device config -o: %v\n%s", err, b)
	}
	if fi, err := os.Stat(confFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("device config -o: %v %v, want mode 0600", fi, err)
	}

	// A change follows; --wait returns once the cluster reports it applied.
	c.ok("app", "update", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.9:8080", "--wait", "--wait-timeout", "30s")
	st := c.json("cluster", "get", "eu-1")
	if online, _ := find(st, "online").(bool); !online {
		t.Fatalf("cluster status after --wait: %v", st)
	}
	eventually(t, "app update reaches the agent", func() (bool, string) {
		st, err := readAgentState(state)
		if err != nil {
			return false, err.Error()
		}
		for _, r := range st.Routes {
			return len(r.Backends) == 1 && r.Backends[0] == "10.0.0.9:8080", strings.Join(r.Backends, ",")
		}
		return false, "no route"
	})

	// The trail shows the agent coming online, not its progress reports,
	// unless asked. A change made once the agent is online is progress.
	eventually(t, "the agent's coming online recorded", func() (bool, string) {
		out := c.ok("events", "--type", "infra.cluster.agent-reported", "-o", "json")
		return strings.Contains(out, `"online":true`), out
	})
	c.ok("app", "update", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.10:8080", "--wait", "--wait-timeout", "30s")
	eventually(t, "status reports with --include-status", func() (bool, string) {
		out := c.ok("events", "--limit", "0", "--include-status", "-o", "json")
		return strings.Contains(out, `"type":"infra.cluster.agent-applied"`), out
	})
	trail := c.ok("events", "--limit", "0", "-o", "json")
	mustContain(t, "events", trail, `"type":"infra.cluster.agent-reported"`, `"type":"console.app.updated"`)
	if strings.Contains(trail, "infra.cluster.agent-applied") {
		t.Fatalf("the default trail holds status reports:\n%s", trail)
	}

	// The secret is spent.
	out, err := exec.Command(filepath.Join(binaries(t), "weft-agent"), "--server", s.URL, "--cluster", clusterID,
		"--enrolment-secret", secret, "--state-dir", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "UNAUTHENTICATED") {
		t.Fatalf("second enrolment with the same secret: %v\n%s", err, out)
	}
}
