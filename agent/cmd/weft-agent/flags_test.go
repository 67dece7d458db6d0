package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
