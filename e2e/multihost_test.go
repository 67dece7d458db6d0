package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// The README's multi-host commands, as written: weft-server on a hub host
// with `--http 0.0.0.0:4000 --nats-listen 0.0.0.0:4222`, the CLI on the
// administrator's machine, and a cluster's agent on a third host started
// with the command `weft cluster create` prints (no --nats-url: it uses the
// NATS address enrolment hands it). Hosts are network namespaces joined by
// veth links; the agent must come online with its gateway reported. And
// on a host with no address to stand for 0.0.0.0, weft-server refuses to
// start rather than hand agents an address they cannot dial.
func TestTheREADMEsMultiHostCommandsWorkAsWritten(t *testing.T) {
	needNetns(t, "the multi-host scenario")
	id := netnsID()
	nsH, nsA, nsBare := "wmh-"+id, "wma-"+id, "wmb-"+id
	addNetns(t, nsH, nsA, nsBare)
	// The hub's first link goes to the cluster's host (203.0.113.1, the
	// address weft-server finds for 0.0.0.0), its second to this machine.
	sh(t, "ip", "link", "add", "ha"+id, "netns", nsH, "type", "veth", "peer", "name", "ah"+id, "netns", nsA)
	sh(t, "ip", "-n", nsH, "addr", "add", "203.0.113.1/30", "dev", "ha"+id)
	sh(t, "ip", "-n", nsA, "addr", "add", "203.0.113.2/30", "dev", "ah"+id)
	sh(t, "ip", "-n", nsH, "link", "set", "ha"+id, "up")
	sh(t, "ip", "-n", nsA, "link", "set", "ah"+id, "up")
	sh(t, "ip", "link", "add", "ho"+id, "netns", nsH, "type", "veth", "peer", "name", "oh"+id)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", "oh"+id).Run() })
	sh(t, "ip", "-n", nsH, "addr", "add", "203.0.113.5/30", "dev", "ho"+id)
	sh(t, "ip", "addr", "add", "203.0.113.6/30", "dev", "oh"+id)
	sh(t, "ip", "-n", nsH, "link", "set", "ho"+id, "up")
	sh(t, "ip", "link", "set", "oh"+id, "up")

	bin := binaries(t)
	// A host whose only interface is loopback: nothing stands for 0.0.0.0.
	out, err := exec.Command("ip", "netns", "exec", nsBare, filepath.Join(bin, "weft-server"),
		"--data-dir", filepath.Join(t.TempDir(), "data"), "--http", "0.0.0.0:4000", "--nats-listen", "0.0.0.0:4222", "--dns", "").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-advertise") {
		t.Fatalf("weft-server on a host without an address to advertise: %v\n%s", err, out)
	}

	// The hub, as the README says.
	s := startServerOn(t, []string{"ip", "netns", "exec", nsH}, "--http", "0.0.0.0:4000", "--nats-listen", "0.0.0.0:4222")
	if s.URL != "http://203.0.113.1:4000" || s.NATS != "nats://203.0.113.1:4222" {
		t.Fatalf("the banner shows %s and %s; want the hub's address for 0.0.0.0", s.URL, s.NATS)
	}
	c := newCLI(t)
	c.ok("login", "--server", "http://203.0.113.5:4000", "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	if clusterID == "" || !strings.HasPrefix(secret, "wfe_") {
		t.Fatalf("cluster create: %v", created)
	}

	// The agent, with the README's command (its state in ./.weft of its
	// working directory, as by default).
	agent := exec.Command("ip", "netns", "exec", nsA, filepath.Join(bin, "weft-agent"),
		"--server", "http://203.0.113.1:4000", "--cluster", clusterID, "--enrolment-secret", secret,
		"--interface", "weft0", "--endpoint", "203.0.113.2:51820", "--proxy", "--dns", "0.0.0.0:53")
	agent.Dir = t.TempDir()
	var logs lockedBuffer
	agent.Stdout, agent.Stderr = &logs, &logs
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = agent.Process.Kill()
		_ = agent.Wait()
		if t.Failed() {
			t.Logf("weft-agent:\n%s", logs.String())
		}
	})
	wait.For(t, 60*time.Second, func() error {
		got := c.json("cluster", "get", "eu-1", "-o", "json")
		online, _ := find(got, "online").(bool)
		key, _ := find(got, "publicKey").(string)
		if !online || key == "" {
			return fmt.Errorf("the agent is not online with its gateway reported: %v", got)
		}
		return nil
	})
	// It reached NATS at the address enrolment handed it, not 0.0.0.0.
	creds, err := os.ReadFile(filepath.Join(agent.Dir, ".weft", "agent-"+clusterID, "credentials.json"))
	if err != nil {
		t.Fatalf("the agent's credentials: %v", err)
	}
	if !strings.Contains(string(creds), "nats://203.0.113.1:4222") {
		t.Errorf("enrolment handed the agent another NATS address: %s", creds)
	}
}
