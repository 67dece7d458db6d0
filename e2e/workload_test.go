package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/agent/enrol"
	"weft.dev/events/clusterstate"
)

// An app from an image through the CLI against a real weft-server and a
// real (rootless) agent: created, shown READY 0/2, then 2/2 once the
// cluster reports it; update --wait returns once the new generation is
// rolled out and fails on a crash-looping pod; the audit trail has the
// reports. The test publishes what the agent's Kubernetes controller
// reports, with the agent's own credentials from its state directory.
func TestAnAppFromAnImageRollsOutAndWaitFollowsTheClustersReports(t *testing.T) {
	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	c.ok("env", "create", "prod", "--cluster", "eu-1")

	state := t.TempDir()
	gwPort := freeUDPPortE2E(t)
	runAgent(t, "--server", s.URL, "--cluster", clusterID, "--enrolment-secret", secret, "--state-dir", state, "--netstack",
		"--listen-port", fmt.Sprint(gwPort), "--endpoint", fmt.Sprintf("127.0.0.1:%d", gwPort))
	var creds enrol.Credentials
	eventually(t, "the agent enrols", func() (bool, string) {
		var err error
		creds, err = enrol.Load(state)
		return err == nil, fmt.Sprint(err)
	})
	nc, err := nats.Connect(creds.NATSURL, nats.UserInfo(creds.User, creds.Password), nats.CustomInboxPrefix(creds.InboxPrefix))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// The agent's Kubernetes mode, as an agent with --kubernetes reports it
	// with its gateway (here over the netstack agent's own report).
	var key, endpoint string
	eventually(t, "the agent reports its gateway", func() (bool, string) {
		out := c.ok("cluster", "get", "eu-1", "-o", "json")
		key, _ = find(jsonOf(out), "publicKey").(string)
		endpoint, _ = find(jsonOf(out), "endpoint").(string)
		return key != "" && endpoint != "", out
	})
	gw, _ := json.Marshal(clusterstate.Gateway{PublicKey: key, Endpoint: endpoint, Kubernetes: &clusterstate.Kubernetes{Version: "v1.37.2"}})
	if err := nc.Publish(clusterstate.StatusSubject(clusterID, clusterstate.StatusGateway), gw); err != nil {
		t.Fatal(err)
	}
	eventually(t, "cluster list shows Kubernetes mode", func() (bool, string) {
		out := c.ok("cluster", "list")
		return strings.Contains(out, "v1.37.2"), out
	})

	report := func(id string, generation int, ready int32, crash bool) {
		t.Helper()
		st := clusterstate.AppStatus{ID: id, Generation: uint64(generation), DeploymentGeneration: 1, ObservedGeneration: 1,
			Desired: 2, Updated: 2, Ready: ready, Available: ready, Time: time.Now()}
		if crash {
			st.CrashLooping = []clusterstate.PodProblem{{Pod: "web-6b7-x1", Reason: "CrashLoopBackOff", Restarts: 5}}
		}
		if err := clusterstate.ReportApp(nc, clusterID, st); err != nil {
			t.Fatal(err)
		}
	}

	app := c.json("app", "create", "web", "--env", "prod", "--image", "ghcr.io/acme/web:1.4", "--port", "80:8080/http",
		"--replicas", "2", "--env-var", "LOG=debug", "--cpu", "0.25", "--readiness", "http/healthz")
	id, _ := find(app, "id").(string)
	gen, _ := find(app, "generation").(float64)
	if id == "" || gen == 0 || find(app, "image") != "ghcr.io/acme/web:1.4" || find(app, "containerPort") != float64(8080) {
		t.Fatalf("app create: %v", app)
	}
	mustContain(t, "app get before any report", c.ok("app", "get", "web", "--env", "prod"), "0/2", "image ghcr.io/acme/web:1.4")
	report(id, int(gen), 2, false)
	eventually(t, "READY 2/2", func() (bool, string) {
		out := c.ok("app", "get", "web", "--env", "prod")
		return strings.Contains(out, "2/2"), out
	})

	// update --wait: the new image's generation must roll out.
	type result struct {
		out, errs string
		code      int
	}
	update := func(image string) (chan result, int) {
		done := make(chan result, 1)
		go func() {
			out, errs, code := c.run("app", "update", "web", "--env", "prod", "--image", image, "--wait", "--wait-timeout", "60s")
			done <- result{out, errs, code}
		}()
		var g int
		eventually(t, "the update is recorded", func() (bool, string) {
			out, _, _ := c.run("app", "get", "web", "--env", "prod", "-o", "json")
			v := jsonOf(out)
			f, _ := find(v, "generation").(float64)
			g = int(f)
			return find(v, "image") == image, out
		})
		return done, g
	}
	done, g2 := update("ghcr.io/acme/web:1.5")
	if g2 <= int(gen) {
		t.Fatalf("generation %d after the update, was %d", g2, int(gen))
	}
	report(id, g2, 1, false)
	select {
	case r := <-done:
		t.Fatalf("update --wait returned at 1/2: exit %d\n%s%s", r.code, r.out, r.errs)
	case <-time.After(2 * time.Second):
	}
	report(id, g2, 2, false)
	select {
	case r := <-done:
		if r.code != 0 || !strings.Contains(r.errs, "rolled out") || strings.Contains(r.errs, "has not reported Kubernetes mode") {
			t.Fatalf("update --wait: exit %d\n%s%s", r.code, r.out, r.errs)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("update --wait did not return after 2/2")
	}

	done, g3 := update("ghcr.io/acme/web:1.6")
	report(id, g3, 1, true)
	select {
	case r := <-done:
		if r.code != 1 || !strings.Contains(r.errs, "CrashLoopBackOff") {
			t.Fatalf("update --wait on a crash-looping pod: exit %d\n%s%s", r.code, r.out, r.errs)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("update --wait did not fail on a crash-looping pod")
	}
	mustContain(t, "app get while crash-looping", c.ok("app", "get", "web", "--env", "prod"), "1/2 failing", "CrashLoopBackOff")
	mustContain(t, "the audit trail", c.ok("history", "app", "web", "--env", "prod", "--include-status"), "rollout-reported")

	// The environment's namespace, refused by the cluster: shown with why.
	envID, _ := find(c.json("env", "get", "prod"), "id").(string)
	if err := clusterstate.ReportNamespace(nc, clusterID, clusterstate.NamespaceStatus{ID: envID, Namespace: "prod",
		Error: "namespace prod exists and is not weft's", Time: time.Now()}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "env get shows the refusal", func() (bool, string) {
		out := c.ok("env", "get", "prod")
		return strings.Contains(out, "prod refused: namespace prod exists and is not weft's"), out
	})
}
