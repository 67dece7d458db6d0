package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"weft.dev/agent/memlimit"
)

// The Kubernetes flags are checked before anything starts: without
// --kubernetes, or with an --import-address that is no address, the agent
// refuses at once, naming the flag, and has enrolled, connected and
// created nothing (its state directory does not exist).
func TestKubernetesFlagsAreRefusedBeforeTheAgentStartsAnything(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--kubeconfig", "/nowhere/kubeconfig", "--proxy"}, "need --kubernetes"},
		{[]string{"--import-address", "10.0.0.1"}, "need --kubernetes"},
		{[]string{"--ingress-class", "nginx"}, "need --kubernetes"},
		{[]string{"--kubernetes", "--import-address", "not-an-address"}, "--import-address"},
		{[]string{"--memory-limit", "64M"}, "--memory-limit"},
	} {
		state := filepath.Join(t.TempDir(), "state")
		var stderr bytes.Buffer
		cmd := newRoot(&stderr)
		cmd.SetArgs(append([]string{"--cluster", "c0193abc", "--state-dir", state, "--enrolment-secret", "wfe_x", "--server", "http://127.0.0.1:1"}, tt.args...))
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("weft-agent %s: %v, want an error about %s", strings.Join(tt.args, " "), err, tt.want)
		}
		if _, serr := os.Stat(state); !os.IsNotExist(serr) {
			t.Errorf("weft-agent %s made its state directory before refusing the flags (%v)", strings.Join(tt.args, " "), serr)
		}
	}
}

// --memory-limit reads sizes as GOMEMLIMIT does and sets the runtime's
// soft limit before the agent starts anything.
func TestTheMemoryLimitIsReadAsGOMEMLIMITAndSetAtStart(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "1GiB": 1 << 30, "500000": 500000, "512 KiB": 512 << 10, "100B": 100} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "64M", "-1MiB", "0", "MiB", "99999999999TiB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d; want an error", in, got)
		}
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	cmd := newRoot(io.Discard)
	cmd.SetArgs([]string{"--cluster", "c0193abc", "--state-dir", t.TempDir(), "--enrolment-secret", "wfe_x", "--server", "http://127.0.0.1:1", "--memory-limit", "48MiB"})
	_ = cmd.Execute() // enrolment fails: there is no server
	if got := debug.SetMemoryLimit(-1); got != 48<<20 {
		t.Fatalf("the runtime's memory limit is %d; want 48 MiB", got)
	}
}

// Without --memory-limit or GOMEMLIMIT the agent still has a soft limit:
// one that follows its live heap (agent/memlimit), at least its floor.
func TestWithoutAMemoryLimitTheAgentSetsOneThatFollowsItsLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	cmd := newRoot(io.Discard)
	cmd.SetArgs([]string{"--cluster", "c0193abc", "--state-dir", t.TempDir(), "--enrolment-secret", "wfe_x", "--server", "http://127.0.0.1:1"})
	_ = cmd.Execute() // enrolment fails: there is no server
	if got := debug.SetMemoryLimit(-1); got < memlimit.Default.Floor || got == math.MaxInt64 {
		t.Fatalf("the runtime's memory limit is %d; want one following the live heap, at least %d", got, memlimit.Default.Floor)
	}
}

// GOMEMLIMIT, even "off", is the operator's choice: the agent sets no limit
// of its own then (the runtime read the variable at start).
func TestGOMEMLIMITLeavesTheLimitToTheRuntime(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "off")
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	cmd := newRoot(io.Discard)
	cmd.SetArgs([]string{"--cluster", "c0193abc", "--state-dir", t.TempDir(), "--enrolment-secret", "wfe_x", "--server", "http://127.0.0.1:1"})
	_ = cmd.Execute() // enrolment fails: there is no server
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("with GOMEMLIMIT=off the runtime's memory limit is %d; want none", got)
	}
}
