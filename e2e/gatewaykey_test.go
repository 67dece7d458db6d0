package e2e

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// startAgentUntil runs weft-agent with args until stop is called (or the
// test ends), and shows its output when the test failed.
func startAgentUntil(t *testing.T, args ...string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	agent := exec.CommandContext(ctx, filepath.Join(binaries(t), "weft-agent"), args...)
	var logs lockedBuffer
	agent.Stdout, agent.Stderr = &logs, &logs
	if err := agent.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		_ = agent.Wait()
		if t.Failed() {
			t.Logf("weft-agent %s:\n%s", strings.Join(args, " "), logs.String())
		}
	}
	t.Cleanup(stop)
	return stop
}

// A cluster's gateway keeps the WireGuard key it enrolled with: an agent
// restarted on another key file (what a thief of its NATS credentials
// would do) is refused and the cluster keeps its key. `weft-agent
// rotate-gateway-key` moves it: the new key is signed by the old one, the
// restarted agent reports both, and the cluster then has the new key, with
// the move and its signature in the team's audit trail.
func TestAGatewayMovesToANewKeyOnlyWhenItsAgentSignsTheMoveWithTheOldOne(t *testing.T) {
	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	c := newCLI(t)
	c.ok("login", "--server", s.URL, "--token", s.Token)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	created := c.json("cluster", "create", "eu-1")
	clusterID, _ := find(created, "id").(string)
	secret, _ := find(created, "enrolmentSecret").(string)
	state := t.TempDir()
	args := []string{"--server", s.URL, "--cluster", clusterID, "--state-dir", state, "--endpoint", "192.0.2.1:51820"}
	gatewayKey := func() string {
		k, _ := find(c.json("cluster", "get", "eu-1"), "publicKey").(string)
		return k
	}

	stop := startAgentUntil(t, append(args, "--enrolment-secret", secret)...)
	var k1 string
	eventually(t, "the enrolled gateway's key is reported", func() (bool, string) {
		k1 = gatewayKey()
		return k1 != "", "no key yet"
	})
	stop()

	// Another key file, no proof: refused, and the cluster keeps k1.
	keyFile := filepath.Join(state, "gateway.key")
	original, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte(base64.StdEncoding.EncodeToString(stranger.Bytes())+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stop = startAgentUntil(t, args...)
	eventually(t, "the unproven key is refused", func() (bool, string) {
		return strings.Contains(s.logs.String(), "agent's gateway not recorded"), "no refusal logged"
	})
	if k := gatewayKey(); k != k1 {
		t.Fatalf("a key without proof replaced the gateway's: %s, was %s", k, k1)
	}
	stop()

	// The real key back, then a signed move.
	if err := os.WriteFile(keyFile, original, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(binaries(t), "weft-agent"), "rotate-gateway-key", "--cluster", clusterID, "--state-dir", state).CombinedOutput()
	if err != nil {
		t.Fatalf("rotate-gateway-key: %v\n%s", err, out)
	}
	_, k2, _ := strings.Cut(strings.Split(string(out), "\n")[0], "new public key ")
	if k2 == "" || k2 == k1 {
		t.Fatalf("rotate-gateway-key printed %q", out)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the new key file: %v %v, want mode 0600", fi, err)
	}
	startAgentUntil(t, args...)
	eventually(t, "the signed move is recorded", func() (bool, string) {
		k := gatewayKey()
		return k == k2, k
	})
	// One JSON object per event: the move names the key it left and keeps
	// its signature for an auditor to check.
	moves := c.ok("events", "--type", "infra.cluster.gateway-reported", "-o", "json")
	mustContain(t, "the audit trail's gateway reports", moves, `"rotatedFrom":"`+k1+`"`, `"rotationSignature":"`)
}
