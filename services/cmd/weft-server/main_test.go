package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/goleak"

	"weft.dev/kernel/auth"
	"weft.dev/services/accounts/command"
)

// buildServer compiles weft-server once per test binary.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weft-server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build weft-server: %v\n%s", err, out)
	}
	return bin
}

func TestServerStartsAnswersHealthzAndStopsCleanlyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildServer(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "--data-dir", filepath.Join(dir, "data"), "--http", "127.0.0.1:0", "--nats-listen", "127.0.0.1:0", "--dns", "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// The server prints where it listens once it is up.
	addr := make(chan string, 1)
	token := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "HTTP" {
				addr <- strings.TrimPrefix(f[1], "http://")
			}
			if len(f) == 1 && strings.HasPrefix(f[0], "weft_") {
				token <- f[0]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(60 * time.Second):
		t.Fatal("weft-server did not report its HTTP address within 60s")
	}
	var bootstrap string
	select {
	case bootstrap = <-token:
	case <-time.After(5 * time.Second):
		t.Fatal("the first start printed no bootstrap token")
	}

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if first, _, _ := strings.Cut(string(body), "\n"); resp.StatusCode != http.StatusOK || first != "ok" ||
		!strings.Contains(string(body), "projection/") || !strings.Contains(string(body), "messageoffice: running, behind 0") {
		t.Fatalf("/healthz = %d %q, want ok and every component, the message office behind by nothing", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "weft_nats_connected 1") {
		t.Fatalf("/metrics lacks weft_nats_connected 1:\n%s", body)
	}
	// The portal at /, GraphiQL at /graphiql with the scripts it loads.
	for path, typ := range map[string]string{"/": "text/html", "/environments": "text/html", "/graphiql": "text/html", "/graphiql/graphiql.min.js": "text/javascript", "/graphiql/graphiql.min.css": "text/css"} {
		resp, err = http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), typ) {
			t.Errorf("GET %s = %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("weft-server exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("weft-server did not stop within 10s of SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "jetstream")); err != nil {
		t.Fatalf("no JetStream file store in the data dir: %v", err)
	}

	// The token printed at the first start survives the restart and signs
	// in the administrator; bootstrap-token makes a second, different one.
	o := &options{logLevel: "error", logFormat: "text"}
	o.DataDir = filepath.Join(dir, "data")
	if p := authenticate(t, o, bootstrap); p.UserID == "" {
		t.Fatalf("bootstrap token signs in %+v", p)
	}
	out, err := exec.Command(bin, "bootstrap-token", "--data-dir", o.DataDir, "--log-level", "error").Output()
	if err != nil {
		t.Fatalf("bootstrap-token: %v", err)
	}
	second := strings.TrimSpace(string(out))
	if second == bootstrap || !strings.HasPrefix(second, "weft_") {
		t.Fatalf("bootstrap-token printed %q (first was %q)", second, bootstrap)
	}
	authenticate(t, o, second)
}

// authenticate signs token in through the accounts service of the data dir.
func authenticate(t *testing.T, o *options, token string) auth.Principal {
	t.Helper()
	var h *command.Handlers
	var p auth.Principal
	o.only = []string{"accounts"}
	err := runOnce(context.Background(), o, io.Discard, func(ctx context.Context) error {
		var err error
		p, err = h.Authenticate(ctx, token, "")
		return err
	}, fx.Populate(&h))
	if err != nil {
		t.Fatalf("authenticate %q: %v", token, err)
	}
	return p
}

func TestRebuildReplaysTheNamedReadModelsAndRefusesUnknownOnes(t *testing.T) {
	dir := t.TempDir()
	var stdout strings.Builder
	run := func(args ...string) error {
		stdout.Reset()
		root := newRoot(&stdout, io.Discard)
		root.SetArgs(append(args, "--data-dir", dir, "--log-level", "error"))
		return root.Execute()
	}
	// Record the bootstrap admin and a second token: events to rebuild.
	o := &options{logLevel: "error", logFormat: "text"}
	o.DataDir = dir
	var h *command.Handlers
	if err := runOnce(context.Background(), o, io.Discard, func(ctx context.Context) error {
		_, err := h.Bootstrap(ctx)
		return err
	}, fx.Populate(&h)); err != nil {
		t.Fatal(err)
	}
	if err := run("bootstrap-token"); err != nil {
		t.Fatal(err)
	}
	if err := run("rebuild", "--projection", "accounts,infra"); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	if !strings.Contains(got, "rebuilt accounts up to event ") || !strings.Contains(got, "rebuilt infra up to event ") || strings.Contains(got, "console") {
		t.Fatalf("rebuild printed:\n%s", got)
	}
	if strings.Contains(got, "up to event 0\n") {
		t.Fatalf("rebuild replayed nothing:\n%s", got)
	}
	before := goleak.IgnoreCurrent()
	err := run("rebuild", "--projection", "nope")
	if err == nil || !strings.Contains(err.Error(), `no read model "nope"`) {
		t.Fatalf("unknown projection: %v", err)
	}
	// Refused after the store was opened, it stops the embedded server it
	// started (it ran on for good before).
	goleak.VerifyNone(t, before)
}

func TestOnlyRejectsAnUnknownServiceByName(t *testing.T) {
	o := &options{only: []string{"nope"}, logLevel: "info", logFormat: "text"}
	o.HTTPAddr = "127.0.0.1:0"
	err := serve(context.Background(), o, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `unknown service "nope"`) {
		t.Fatalf("want an unknown-service error, got %v", err)
	}
}

// /healthz answers as soon as the process serves HTTP (liveness); /readyz
// only once a request is answered from a complete state: from the first
// moment /readyz says ready, GraphQL answers (before, /healthz alone said
// ok while the gateway had not composed and GraphQL answered 503).
func TestReadyzAnswersOnlyOnceGraphQLDoes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildServer(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "--data-dir", filepath.Join(t.TempDir(), "data"), "--http", addr, "--nats-listen", "127.0.0.1:0", "--dns", "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	token := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 1 && strings.HasPrefix(f[0], "weft_") {
				token <- f[0]
			}
		}
	}()
	status := func(path string) int {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	var tok string
	select {
	case tok = <-token:
	case <-time.After(60 * time.Second):
		t.Fatal("no bootstrap token within 60s")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	notReady := 0
	for {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not answer 200 within 60s")
		}
		code := status("/readyz")
		if code != http.StatusOK {
			if code == http.StatusServiceUnavailable {
				notReady++
				if h := status("/healthz"); h != http.StatusOK {
					t.Fatalf("/healthz = %d while the process serves; liveness must answer", h)
				}
			}
			time.Sleep(time.Millisecond)
			continue
		}
		req, _ := http.NewRequest("POST", "http://"+addr+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/readyz said ready, but GraphQL answered %d %s", resp.StatusCode, body)
		}
		break
	}
	t.Logf("/readyz answered 503 %d times before ready", notReady)
}
