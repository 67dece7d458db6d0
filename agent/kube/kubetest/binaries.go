package kubetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BinEnv names the environment variable that points at a directory holding
// etcd, kube-apiserver and kube-controller-manager. Without it the binaries
// are looked for in .weft/kube/bin of the repository the test runs in, where
// `go tool task kube` (run by `go tool task test`) builds them.
const BinEnv = "WEFT_KUBE_BIN"

var binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager"}

// BinDir returns the directory holding the control plane's binaries, or an
// error saying where it looked and how to build them.
func BinDir() (string, error) {
	if dir := os.Getenv(BinEnv); dir != "" {
		return dir, haveBinaries(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find the kube binaries: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			dir := filepath.Join(d, ".weft", "kube", "bin")
			return dir, haveBinaries(dir)
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("find the kube binaries: no go.work above %s and %s is not set", wd, BinEnv)
		}
	}
}

func haveBinaries(dir string) error {
	var errs []error
	for _, b := range binaries {
		if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kube binaries missing (build them with `go tool task kube`): %w", err)
	}
	return nil
}

// cannotRun skips a test whose host lacks what it needs, saying what; with
// CI set (to anything) it fails instead, so CI never passes by skipping.
func cannotRun(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and "+format, args...)
	}
	t.Skipf(format+" (skipped; with CI set this fails)", args...)
}
