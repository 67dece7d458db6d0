package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"weft.dev/events/eventstest"
)

// portalDir is the portal's folder, whose node_modules (npm ci, run by go
// tool task portal) hold playwright-core and axe-core.
var portalDir = filepath.Join("..", "gateway", "portal")

// The web portal in a real browser, against a real weft-server started on
// random ports with a temporary data directory and the real weft CLI:
// gateway/portal/test/portal.mjs drives Debian's Chromium through every
// flow of issue 17's browser tests (sign in; environment and app through
// the forms; an app created by the CLI appearing without a reload; an
// intercept started and stopped; a device whose key pair is made in the
// browser, its config downloaded and only its public key in the event log;
// a policy in the access matrix; the time slider showing a value from before
// a change; a revoked token sent back to sign-in), issue 22's audit page
// (the log verified in the browser, then again after a byte of a stored
// event is changed in the stream's files, which this test does when the
// script asks; exports in JSON lines and CSV), an environment's configs,
// secrets, managed services and routers through their forms, all against a
// server that runs only registered operations (--persisted-only), runs
// axe-core on every
// page (no serious or critical violation) and saves a screenshot of each
// under $WEFT_RESULTS_DIR (default .weft/results/).
func TestThePortalWorksInARealBrowserAgainstARealServer(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		cannotRun(t, "Chromium is not installed at %s (go tool task chromium installs it)", chromium)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		cannotRun(t, "node is not installed")
	}
	if _, err := os.Stat(filepath.Join(portalDir, "node_modules", "playwright-core")); err != nil {
		cannotRun(t, "the portal's npm packages are not installed (go tool task portal runs npm ci)")
	}
	results := os.Getenv("WEFT_RESULTS_DIR")
	if results == "" {
		results = filepath.Join("..", ".weft", "results")
	}
	results, err = filepath.Abs(results)
	if err != nil {
		t.Fatal(err)
	}

	// Checkpoints every second, so the browser checks their signatures;
	// only registered operations run, so every page is shown to work
	// with the portal's operations sent by id (and the CLI's).
	srv := startServer(t, "--checkpoint-every", "1s", "--persisted-only")
	c := newCLI(t)
	c.ok("login", "--token", srv.Token, "--server", srv.URL)
	c.ok("team", "create", "acme", "--display-name", "Acme")
	c.ok("cluster", "create", "eu-1")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(portalDir, "test", "portal.mjs"))
	cmd.Env = append(os.Environ(),
		"WEFT_URL="+srv.URL, "WEFT_TOKEN="+srv.Token, "WEFT_CLI="+c.bin, "WEFT_CONFIG="+c.config,
		"WEFT_RESULTS_DIR="+results, "CHROMIUM="+chromium)
	var out lockedBuffer
	cmd.Stderr = &out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(&out, line)
		if find, ok := strings.CutPrefix(line, "TAMPER "); ok {
			tamper(t, srv, find)
			if _, err := io.WriteString(stdin, "TAMPERED\n"); err != nil {
				t.Fatal(err)
			}
		}
	}
	err = cmd.Wait()
	t.Logf("portal.mjs:\n%s", out.String())
	if err != nil {
		t.Fatalf("the browser run failed (%v); screenshots in %s", err, results)
	}
}

// tamper changes the last byte of find in the stored event that holds it,
// in the stream's files, with the server stopped (and its checksum written
// anew, so the server serves the changed event), then starts the server
// again on the same address: what someone with the data directory can do.
func tamper(t *testing.T, srv *server, find string) {
	t.Helper()
	srv.stop()
	eventstest.ChangeStoredByte(t, srv.dataDir(), find, true)
	if err := srv.restart(binaries(t)); err != nil {
		t.Fatal(err)
	}
}
