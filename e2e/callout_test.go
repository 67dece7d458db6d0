package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/agent/enrol"
	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
)

// calloutNATS is an external NATS cluster set up as deploy/README.md
// says for agents enrolled by weft-server: weft's own user, and every
// other client sent to the auth callout weft-server answers with the
// issuer's seed (made with weft-server callout-issuer).
type calloutNATS struct {
	*eventstest.Cluster
	// args connect weft-server to it and make it answer the callout.
	args []string
}

func startCalloutNATS(t *testing.T, nodes int) calloutNATS {
	t.Helper()
	return startCalloutNATSOn(t, nodes, "127.0.0.1")
}

// startCalloutNATSOn is startCalloutNATS with the nodes' clients served
// on host (an address agents in other network namespaces reach).
func startCalloutNATSOn(t *testing.T, nodes int, host string) calloutNATS {
	t.Helper()
	seed := filepath.Join(t.TempDir(), "callout-issuer.seed")
	out, err := exec.Command(filepath.Join(binaries(t), "weft-server"), "callout-issuer", "--out", seed).CombinedOutput()
	if err != nil {
		t.Fatalf("weft-server callout-issuer: %v\n%s", err, out)
	}
	issuer := strings.TrimSpace(string(out))
	const pw = "the-services-password-e2e"
	cluster := eventstest.StartClusterWith(t, nodes, func(o *natsserver.Options) {
		o.Host = host
		o.Users = []*natsserver.User{{Username: "weft", Password: pw}}
		// Clients know only the URLs they were given, so a test that cuts
		// a client's links cuts it off (advertised URLs would go around).
		o.Cluster.NoAdvertise = true
		o.AuthCallout = &natsserver.AuthCallout{Issuer: issuer, AuthUsers: []string{"weft"}}
	}, nats.UserInfo("weft", pw))
	return calloutNATS{Cluster: cluster, args: []string{"--nats-url", cluster.URLs(), "--nats-user", "weft", "--nats-password", pw,
		"--nats-callout-issuer", seed}}
}

// wantedState is what the API says a cluster's agent must hold, as
// comparable strings: peers (the team's devices and other clusters'
// gateways), routes (the apps homed in the cluster) and DNS names.
type wantedState struct {
	peers, routes, names []string
}

// apiState reads the team's clusters, devices and apps through the CLI
// and works out what the agent of cluster must hold.
func apiState(c *cli, cluster string) (wantedState, error) {
	var w wantedState
	get := func(args ...string) (any, error) {
		out, errs, code := c.run(append(args, "-o", "json")...)
		if code != 0 {
			return nil, fmt.Errorf("%v: %s", args, errs)
		}
		return jsonOf(out), nil
	}
	clusters, err := get("cluster", "list")
	if err != nil {
		return w, err
	}
	var clusterID string
	for _, o := range objects(clusters, "id", "name", "gatewayIp") {
		w.names = append(w.names, fmt.Sprintf("%s %s %s", o["id"], o["gatewayIp"], o["name"]))
		if o["name"] == cluster {
			clusterID, _ = o["id"].(string)
			continue
		}
		// Another cluster's gateway is a peer once its agent reported a key.
		if k, _ := o["publicKey"].(string); k != "" {
			w.peers = append(w.peers, fmt.Sprintf("%s %s", o["id"], o["name"]))
		}
	}
	if clusterID == "" {
		return w, fmt.Errorf("no cluster %s", cluster)
	}
	devices, err := get("device", "list")
	if err != nil {
		return w, err
	}
	for _, o := range objects(devices, "id", "name", "ip") {
		w.peers = append(w.peers, fmt.Sprintf("%s %s", o["id"], o["name"]))
		w.names = append(w.names, fmt.Sprintf("%s %s %s", o["id"], o["ip"], o["name"]))
	}
	apps, err := get("app", "list")
	if err != nil {
		return w, err
	}
	for _, o := range objects(apps, "id", "name", "serviceIp") {
		w.names = append(w.names, fmt.Sprintf("%s %s %s", o["id"], o["serviceIp"], o["name"]))
		if home, _ := o["cluster"].(string); home == cluster || home == clusterID || strings.Contains(fmt.Sprint(o["cluster"]), clusterID) {
			w.routes = append(w.routes, fmt.Sprintf("%s %s", o["id"], o["name"]))
		}
	}
	sort.Strings(w.peers)
	sort.Strings(w.routes)
	sort.Strings(w.names)
	return w, nil
}

// agentHolds compares what the agent recorded in stateDir with want:
// its peers, routes and DNS names, each exactly.
func agentHolds(stateDir string, want wantedState) (bool, string) {
	st, err := readAgentState(stateDir)
	if err != nil {
		return false, err.Error()
	}
	var peers, routes, names []string
	for id, p := range st.Peers {
		peers = append(peers, id+" "+p.Name)
	}
	for id, r := range st.Routes {
		routes = append(routes, id+" "+r.Name)
	}
	// A record's name is fully qualified (<device>.<team>.<zone>,
	// <app>.<env>.<team>.<zone>, <cluster>.<team>.<zone>); its first label
	// is what the API calls it.
	for id, r := range st.Records {
		names = append(names, fmt.Sprintf("%s %s %s", id, strings.Join(r.IPs, ","), strings.SplitN(r.Name, ".", 2)[0]))
	}
	sort.Strings(peers)
	sort.Strings(routes)
	sort.Strings(names)
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"peers", peers, want.peers}, {"routes", routes, want.routes}, {"names", names, want.names}} {
		if !slices.Equal(c.got, c.want) {
			return false, fmt.Sprintf("state.json (applied %d) %s %v, the API says %v", st.Applied, c.what, c.got, c.want)
		}
	}
	return true, ""
}

// On an external NATS cluster (no embedded server) agents enrol as they
// do against the embedded one: weft-server issues each a NATS user, kept
// in JetStream, and answers the cluster's auth callout for it. Each agent
// converges to what the API says; with its own credentials an agent reads
// its own stream and no other cluster's; deleting a cluster cuts its
// agent off: its credentials no longer connect, and the connection it had
// ends when its authorisation expires.
func TestOnAnExternalNATSClusterAgentsEnrolThroughTheCalloutAndReadOnlyTheirOwnStreams(t *testing.T) {
	ext := startCalloutNATS(t, 3)
	s := startServer(t, append(ext.args, "--replicas", "3", "--nats-callout-ttl", "3s")...)
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	agents := map[string]string{} // cluster name → state dir
	ids := map[string]string{}
	for _, name := range []string{"eu-1", "us-1"} {
		created := c.json("cluster", "create", name)
		id, _ := find(created, "id").(string)
		secret, _ := find(created, "enrolmentSecret").(string)
		ids[name] = id
		c.ok("env", "create", "prod-"+name, "--cluster", name)
		c.ok("app", "create", "api-"+name, "--env", "prod-"+name, "--port", "80", "--backend", "10.0.0.7:8080")
		agents[name] = t.TempDir()
		runAgent(t, "--server", s.URL, "--cluster", id, "--enrolment-secret", secret, "--state-dir", agents[name],
			"--endpoint", fmt.Sprintf("192.0.2.%d:51820", len(agents)))
	}
	c.ok("device", "create", "laptop", "--public-key", newKey(t))
	for name, dir := range agents {
		eventually(t, "agent of "+name+" converges to what the API says", func() (bool, string) {
			want, err := apiState(c, name)
			if err != nil {
				return false, err.Error()
			}
			if len(want.peers) != 2 {
				return false, fmt.Sprintf("the API lists peers %v", want.peers)
			}
			return agentHolds(dir, want)
		})
	}

	// eu-1's agent's own credentials, on the external cluster.
	creds, err := enrol.Load(agents["eu-1"])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(creds.NATSURL, strings.TrimPrefix(ext.Nodes[0].URL, "nats://")) {
		t.Errorf("enrolment handed the agent %s, not the external cluster", creds.NATSURL)
	}
	nc, err := nats.Connect(creds.NATSURL, nats.UserInfo(creds.User, creds.Password), nats.CustomInboxPrefix(creds.InboxPrefix))
	if err != nil {
		t.Fatalf("the agent's credentials on the external cluster: %v", err)
	}
	defer nc.Close()
	ajs, _ := jetstream.NewWithAPIPrefix(nc, clusterstate.AgentAPIPrefix(ids["eu-1"]))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := ajs.Stream(ctx, clusterstate.StreamName(ids["eu-1"])); err != nil {
		t.Fatalf("the agent reading its own stream: %v", err)
	}
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		t.Cleanup(cancel)
		return ctx
	}
	other := clusterstate.StreamName(ids["us-1"])
	if _, err := ajs.Stream(short(), other); err == nil {
		t.Error("eu-1's agent read us-1's stream's info through its API prefix")
	}
	if _, err := ajs.OrderedConsumer(short(), other, jetstream.OrderedConsumerConfig{}); err == nil {
		t.Error("eu-1's agent made a consumer on us-1's stream")
	}
	// Around the guard: JetStream's own API, and us-1's prefix.
	if _, err := nc.Request("$JS.API.STREAM.INFO."+other, nil, 2*time.Second); err == nil {
		t.Error("eu-1's agent reached JetStream's API directly")
	}
	ujs, _ := jetstream.NewWithAPIPrefix(nc, clusterstate.AgentAPIPrefix(ids["us-1"]))
	if _, err := ujs.Stream(short(), other); err == nil {
		t.Error("eu-1's agent read us-1's stream through us-1's prefix")
	}
	nc.Close()

	// Deleting us-1 cuts its agent off.
	usCreds, err := enrol.Load(agents["us-1"])
	if err != nil {
		t.Fatal(err)
	}
	c.ok("app", "delete", "api-us-1", "--env", "prod-us-1")
	c.ok("env", "delete", "prod-us-1")
	c.ok("cluster", "delete", "us-1")
	eventually(t, "us-1's credentials are refused", func() (bool, string) {
		nc, err := nats.Connect(usCreds.NATSURL, nats.UserInfo(usCreds.User, usCreds.Password))
		if err == nil {
			nc.Close()
			return false, "connected"
		}
		return true, ""
	})
	eventually(t, "us-1's agent is disconnected once its authorisation expires", func() (bool, string) {
		var users []string
		for _, n := range ext.Nodes {
			conns, err := n.Server().Connz(&natsserver.ConnzOptions{Username: true})
			if err != nil {
				return false, err.Error()
			}
			for _, ci := range conns.Conns {
				users = append(users, ci.AuthorizedUser)
				if ci.AuthorizedUser == usCreds.User {
					return false, "still connected"
				}
			}
		}
		return slices.Contains(users, creds.User), fmt.Sprintf("connected users %v", users)
	})
	// Each refusal is counted where an operator looks.
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`(?m)^weft_callout_refused_total [1-9]`).Match(metrics) {
		t.Errorf("no refused connection counted:\n%s", regexp.MustCompile(`(?m)^weft_callout.*$`).FindAll(metrics, -1))
	}
	if users := ext.users(t); !slices.Equal(users, []string{creds.User}) {
		t.Errorf("agents' users after the delete: %v, want only %s", users, creds.User)
	}
}

// users lists the keys of the agents' users bucket.
func (n calloutNATS) users(t *testing.T) []string {
	t.Helper()
	js, err := jetstream.New(n.Connect(t))
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(context.Background(), "weft_agent_users")
	if err != nil {
		return []string{err.Error()}
	}
	keys, err := kv.Keys(context.Background())
	if err != nil {
		return []string{err.Error()}
	}
	return keys
}
