package command

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The configuration names the reported gateways as resolvers and the
// team's domain to search; a cluster with no gateway yet is neither a peer
// nor a resolver.
func TestDeviceConfigHasADNSLineWithTheGatewaysAndTheTeamsDomain(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeWGConfig(&b, "acme", "laptop", "cHJpdmF0ZQ==", "100.64.0.9", sampleClusters()); err != nil {
		t.Fatal(err)
	}
	conf := b.String()
	if !strings.Contains(conf, "\nDNS = 100.64.0.1, acme.weft.internal\n") {
		t.Errorf("no DNS line with eu-1's gateway and acme's domain:\n%s", conf)
	}
	if strings.Contains(conf, "100.64.0.2,") || strings.Count(conf, "[Peer]") != 1 {
		t.Errorf("the cluster without a gateway is a peer or resolver:\n%s", conf)
	}
	b.Reset()
	_ = writeWGConfig(&b, "acme", "laptop", "cHJpdmF0ZQ==", "100.64.0.9", sampleClusters()[1:])
	if strings.Contains(b.String(), "DNS =") {
		t.Errorf("a DNS line with no gateway to ask:\n%s", b.String())
	}
}

// -o FILE is private from the start, also when FILE existed readable by
// everyone (as "> weft.conf" leaves it).
func TestDeviceConfigFileIsMode0600EvenOverAWorldReadableFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "weft.conf")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if err := writeConfigFile(path, "acme", "laptop", "cHJpdmF0ZQ==", "100.64.0.9", sampleClusters(), &stderr); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v, want mode 0600", fi, err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "# weft device laptop") || !strings.Contains(string(b), "PrivateKey = cHJpdmF0ZQ==") {
		t.Errorf("file holds:\n%s", b)
	}
	if !strings.Contains(stderr.String(), "mode 0600") {
		t.Errorf("stderr: %q", stderr.String())
	}
}

func TestDeviceConfigWarnsBeforeAPrivateKeyLandsOnATerminalOrAReadableFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := func(name string, mode os.FileMode) *os.File {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY, mode)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if err := f.Chmod(mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		name     string
		out      any
		terminal bool
		want     string
	}{
		{"terminal", &bytes.Buffer{}, true, "on the terminal"},
		{"world-readable file", open("shared.conf", 0o644), false, "mode 0644"},
		{"group-readable file", open("group.conf", 0o640), false, "mode 0640"},
		{"private file", open("private.conf", 0o600), false, ""},
		{"pipe or buffer", &bytes.Buffer{}, false, ""},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		w, _ := tt.out.(interface{ Write([]byte) (int, error) })
		warnPrivateStdout(w, tt.terminal, &stderr)
		if tt.want == "" && stderr.Len() > 0 || tt.want != "" && !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%s: warned %q, want %q", tt.name, stderr.String(), tt.want)
		}
	}
}

// connect sets the zone's resolvers on its interface with resolvectl (here
// a script that records its arguments as resolvectl would receive them),
// again only when the gateways change.
func TestConnectRoutesTheZoneToTheGatewaysWithResolvectl(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	script := filepath.Join(dir, "resolvectl")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$*\" >> "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := &splitDNS{iface: "weft0", team: "acme", resolvectl: script}
	ctx := context.Background()
	said, err := s.set(ctx, []string{"100.64.0.2", "100.64.0.1"})
	if err != nil || !strings.Contains(said, "100.64.0.1, 100.64.0.2 on weft0") {
		t.Fatalf("set: %q %v", said, err)
	}
	if said, err := s.set(ctx, []string{"100.64.0.1", "100.64.0.2"}); said != "" || err != nil {
		t.Errorf("the same gateways again: %q %v", said, err)
	}
	if _, err := s.set(ctx, []string{"100.64.0.1"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(log)
	want := "dns weft0 100.64.0.1 100.64.0.2\ndomain weft0 ~weft.internal acme.weft.internal\n" +
		"dns weft0 100.64.0.1\ndomain weft0 ~weft.internal acme.weft.internal\n"
	if string(b) != want {
		t.Errorf("resolvectl ran with\n%s\nwant\n%s", b, want)
	}

	failing := filepath.Join(dir, "failing")
	if err := os.WriteFile(failing, []byte("#!/bin/sh\necho 'Failed to set DNS configuration: Unit dbus-org.freedesktop.resolve1.service not found.' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s = &splitDNS{iface: "weft0", team: "acme", resolvectl: failing}
	if _, err := s.set(ctx, []string{"100.64.0.1"}); err == nil || !strings.Contains(err.Error(), "resolve1.service not found") {
		t.Errorf("a failing resolvectl: %v", err)
	}

	s = &splitDNS{iface: "weft0", team: "acme"}
	said, _ = s.set(ctx, []string{"100.64.0.1"})
	if !strings.Contains(said, "no resolvectl") || !strings.Contains(said, "dig @100.64.0.1") {
		t.Errorf("without resolvectl: %q", said)
	}
	if said, _ := s.set(ctx, []string{"100.64.0.3"}); said != "" {
		t.Errorf("said it twice: %q", said)
	}
}
