// Package e2e drives weft as users do: real weft-server processes, the real
// weft CLI, and (where a test needs them) real WireGuard devices.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// binaries builds weft-server and weft once for the test binary.
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "weft-e2e-bin")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", binDir, "weft.dev/services/cmd/weft-server", "weft.dev/tools/cmd/weft", "weft.dev/agent/cmd/weft-agent").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// server is a running weft-server process.
type server struct {
	URL   string // http://host:port
	NATS  string // nats://host:port, when it listens for agents
	Token string // the bootstrap token it printed
	// prefix runs the server on another host, e.g. ip netns exec NS.
	prefix []string
	args   []string
	cmd    *exec.Cmd
	logs   lockedBuffer
}

// lockedBuffer collects a process's output; processes write from their own
// goroutines while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	return startServerOn(t, nil, args...)
}

// startServerOn starts weft-server behind prefix (a network namespace).
func startServerOn(t *testing.T, prefix []string, args ...string) *server {
	t.Helper()
	return startServerWith(t, &server{prefix: prefix}, args...)
}

// startReplica starts another weft-server on data that is bootstrapped
// already (it prints no token): token is the one the first printed.
func startReplica(t *testing.T, token string, args ...string) *server {
	t.Helper()
	return startServerWith(t, &server{Token: token}, args...)
}

func startServerWith(t *testing.T, s *server, args ...string) *server {
	t.Helper()
	dir := t.TempDir()
	s.args = append([]string{
		"--data-dir", filepath.Join(dir, "data"), "--http", "127.0.0.1:0", "--nats-listen", "", "--dns", "", "--log-level", "warn"}, args...)
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("weft-server stderr:\n%s", s.logs.String())
		}
	})
	if err := s.start(binaries(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

// start runs weft-server with s.args and waits for its banner.
func (s *server) start(bin string) error {
	all := append(append(append([]string{}, s.prefix...), filepath.Join(bin, "weft-server")), s.args...)
	cmd := exec.Command(all[0], all[1:]...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = &s.logs
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd = cmd
	up := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 1 && strings.HasPrefix(f[0], "weft_"):
				s.Token = f[0]
			case len(f) >= 2 && f[0] == "NATS":
				s.NATS = f[1]
			case len(f) >= 2 && f[0] == "GraphQL":
				s.URL = strings.TrimSuffix(f[1], "/graphql")
			case len(f) >= 2 && f[0] == "data":
				// The last line of the banner (the server embeds NATS here).
				close(up)
			}
		}
	}()
	select {
	case <-up:
	case <-time.After(90 * time.Second):
		return fmt.Errorf("weft-server did not come up:\n%s", s.logs.String())
	}
	if s.URL == "" || s.Token == "" {
		return fmt.Errorf("weft-server printed no GraphQL address or bootstrap token (url %q)", s.URL)
	}
	return nil
}

// stop ends the server the way an operator does (SIGINT, then SIGKILL
// after 15 s).
func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// restart stops the server and starts it again on the same data directory
// and the same ports, with extra arguments if given.
func (s *server) restart(bin string) error {
	s.stop()
	pin := func(flag, addr string) {
		u, err := url.Parse(addr)
		if err != nil || u.Port() == "" {
			return
		}
		for i := len(s.args) - 2; i >= 0; i-- {
			if s.args[i] == flag {
				if host, port, err := net.SplitHostPort(s.args[i+1]); err == nil && port == "0" {
					s.args[i+1] = net.JoinHostPort(host, u.Port())
				}
				return
			}
		}
	}
	pin("--http", s.URL)
	pin("--nats-listen", s.NATS)
	return s.start(bin)
}

// dataDir is the server's --data-dir.
func (s *server) dataDir() string {
	for i := len(s.args) - 2; i >= 0; i-- {
		if s.args[i] == "--data-dir" {
			return s.args[i+1]
		}
	}
	return ""
}

// cli runs the weft binary with its own config file.
type cli struct {
	t      *testing.T
	bin    string
	config string
	prefix []string // e.g. ip netns exec NS: run the CLI on another host
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, bin: filepath.Join(binaries(t), "weft"), config: filepath.Join(t.TempDir(), "weft", "config.yaml")}
}

// run returns stdout, stderr and the exit code.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	all := append(append(append([]string{}, c.prefix...), c.bin), args...)
	cmd := exec.Command(all[0], all[1:]...)
	// Only this test's config: no WEFT_* settings from the environment.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEFT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "WEFT_CONFIG="+c.config)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("weft %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errs, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("weft %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// json runs a command with -o json and decodes its output.
func (c *cli) json(args ...string) any {
	c.t.Helper()
	out := c.ok(append(args, "-o", "json")...)
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		c.t.Fatalf("weft %s -o json: %v\n%s", strings.Join(args, " "), err, out)
	}
	return v
}

// find returns the first value of key anywhere in v.
func find(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x[key]; ok {
			return r
		}
		for _, e := range x {
			if r := find(e, key); r != nil {
				return r
			}
		}
	case []any:
		for _, e := range x {
			if r := find(e, key); r != nil {
				return r
			}
		}
	}
	return nil
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}

// freeUDPAddr is a loopback address whose UDP and TCP ports are free.
func freeUDPAddr(t *testing.T) string {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		if pc, err := net.ListenPacket("udp", addr); err == nil {
			pc.Close()
			return addr
		}
	}
	t.Fatal("no free port")
	return ""
}

const laptopKey = "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="

// Every command group of the CLI against a real weft-server: create, list,
// get, update, delete, each read seeing the write before it.
func TestCLIManagesEveryResourceOfARealServer(t *testing.T) {
	dnsAddr := freeUDPAddr(t)
	s := startServer(t, "--dns", dnsAddr)
	c := newCLI(t)

	t.Run("login and whoami", func(t *testing.T) {
		c.t = t
		c.ok("login", "--server", s.URL, "--token", s.Token)
		mustContain(t, "whoami", c.ok("whoami"), "admin")
		if fi, err := os.Stat(c.config); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("config %v %v, want mode 0600", fi, err)
		}
	})
	t.Run("team", func(t *testing.T) {
		c.t = t
		c.ok("team", "create", "acme", "--display-name", "Acme")
		mustContain(t, "team list", c.ok("team", "list"), "acme")
		c.ok("team", "rename", "Acme Corporation", "--team", "acme")
		mustContain(t, "team get", c.ok("team", "get", "--team", "acme"), "Acme Corporation")
	})
	t.Run("cluster", func(t *testing.T) {
		c.t = t
		out := c.ok("cluster", "create", "eu-1")
		mustContain(t, "cluster create", out, "weft-agent") // the enrolment command, shown once
		c.ok("cluster", "create", "us-1")
		mustContain(t, "cluster list", c.ok("cluster", "list"), "eu-1", "us-1")
		if ip, _ := find(c.json("cluster", "get", "eu-1"), "gatewayIp").(string); !strings.HasPrefix(ip, "100.") {
			t.Fatalf("gateway ip %q", ip)
		}
		c.ok("cluster", "rotate-secret", "us-1")
	})
	t.Run("env", func(t *testing.T) {
		c.t = t
		c.ok("env", "create", "prod", "--cluster", "eu-1")
		c.ok("env", "create", "staging", "--cluster", "us-1")
		mustContain(t, "env list", c.ok("env", "list"), "prod", "staging")
		mustContain(t, "env get", c.ok("env", "get", "prod"), "eu-1")
	})
	t.Run("app with read-your-writes", func(t *testing.T) {
		c.t = t
		c.ok("app", "create", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.7:8080")
		app := c.json("app", "get", "api", "--env", "prod") // at once after the create
		if ip, _ := find(app, "serviceIp").(string); !strings.HasPrefix(ip, "100.") {
			t.Fatalf("app %v has no service ip", app)
		}
		c.ok("app", "update", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.7:8080", "--backend", "10.0.0.8:8080")
		mustContain(t, "app get after update", c.ok("app", "get", "api", "--env", "prod", "-o", "yaml"), "10.0.0.8:8080")
		mustContain(t, "app list", c.ok("app", "list"), "api")
		// weft-server's public DNS answers the app's name with its service IP.
		r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, dnsAddr)
		}}
		want, _ := find(app, "serviceIp").(string)
		eventually(t, "the app's name resolves", func() (bool, string) {
			ips, err := r.LookupHost(context.Background(), "api.prod.acme.weft.internal")
			return err == nil && len(ips) == 1 && ips[0] == want, fmt.Sprint(ips, err)
		})
	})
	t.Run("managed service", func(t *testing.T) {
		c.t = t
		c.ok("service", "create", "db", "--env", "prod", "--kind", "postgres", "--port", "5432", "--backend", "10.0.0.20:5432")
		c.ok("service", "update", "db", "--env", "prod", "--port", "5432", "--backend", "10.0.0.21:5432")
		mustContain(t, "service get", c.ok("service", "get", "db", "--env", "prod", "-o", "yaml"), "10.0.0.21:5432")
		mustContain(t, "service list", c.ok("service", "list"), "db")
		// A service its cluster runs: upgraded in place and grown, a major
		// version refused naming the flag, --kind refused beside --storage.
		created := c.json("service", "create", "cache", "--env", "prod", "--kind", "redis", "--version", "7.2", "--storage", "1Gi", "-o", "json")
		createdSeq, _ := find(created, "seq").(float64)
		// Flag values complete from the server: environments, clusters,
		// run services for --env-from-service (not db, of fixed backends).
		mustContain(t, "--env completion", c.ok("__complete", "app", "create", "x", "--env", ""), "prod")
		mustContain(t, "--cluster completion", c.ok("__complete", "env", "clone", "prod", "--cluster", ""), "eu-1")
		mustContain(t, "--kind completion", c.ok("__complete", "service", "create", "x", "--kind", ""), "mongodb")
		if out := c.ok("__complete", "app", "create", "x", "--env-from-service", ""); !strings.Contains(out, "cache") || strings.Contains(out, "db\n") {
			t.Errorf("--env-from-service completion:\n%s", out)
		}
		// --version: the kind's versions the server runs, the default
		// first; on update, what the service's version becomes in place
		// (redis 7.2: any later one, not 6.2).
		if out := c.ok("__complete", "service", "create", "x", "--kind", "postgres", "--version", ""); !strings.HasPrefix(out, "17\tpostgres (default)\n") || !strings.Contains(out, "13\t") || strings.Contains(out, "redis") {
			t.Errorf("service create --version completion for postgres:\n%s", out)
		}
		if out := c.ok("__complete", "service", "update", "cache", "--env", "prod", "--version", ""); !strings.Contains(out, "7.4\n") || !strings.Contains(out, "8\n") || strings.Contains(out, "6.2") || strings.Contains(out, "7.2\n") {
			t.Errorf("service update --version completion for redis 7.2:\n%s", out)
		}
		mustContain(t, "service update --version --storage", c.ok("service", "update", "cache", "--env", "prod", "--version", "8", "--storage", "2Gi", "-o", "json"),
			`"version": "8"`, `"storage": "2Gi"`)
		if _, errs, code := c.run("service", "update", "cache", "--env", "prod", "--version", "7.4"); code != 2 || !strings.Contains(errs, "redis 8 cannot become 7.4 in place") {
			t.Errorf("a redis downgrade: exit %d, %s", code, errs)
		}
		if _, errs, code := c.run("service", "update", "cache", "--env", "prod", "--storage", "4Gi", "--kind", "redis"); code != 2 || !strings.Contains(errs, "--kind is for one of fixed backends") {
			t.Errorf("--storage beside --kind: exit %d, %s", code, errs)
		}
		if _, errs, code := c.run("service", "update", "db", "--env", "prod", "--storage", "4Gi"); code != 2 || !strings.Contains(errs, "fixed backends") {
			t.Errorf("--storage on fixed backends: exit %d, %s", code, errs)
		}
		// As it was when created, before the change.
		mustContain(t, "service get --as-of", c.ok("service", "get", "cache", "--env", "prod", "--as-of", fmt.Sprint(int(createdSeq)), "-o", "json"),
			`"version": "7.2"`, `"storage": "1Gi"`)
		mustContain(t, "the change in the service's history", c.ok("events", "--resource", "service/prod/cache", "--limit", "0"), "service.instance-changed")
		mustContain(t, "weft service history", c.ok("service", "history", "cache", "--env", "prod", "--oldest-first"), "service.created", "service.instance-changed")
		c.ok("service", "delete", "cache", "--env", "prod")
		c.ok("service", "delete", "db", "--env", "prod")
		if out := c.ok("service", "list"); strings.Contains(out, "db") {
			t.Fatalf("service list after delete:\n%s", out)
		}
	})
	t.Run("device", func(t *testing.T) {
		c.t = t
		c.ok("device", "create", "laptop", "--public-key", laptopKey)
		if ip, _ := find(c.json("device", "get", "laptop"), "ip").(string); !strings.HasPrefix(ip, "100.") {
			t.Fatalf("device ip %q", ip)
		}
		mustContain(t, "device list", c.ok("device", "list"), "laptop")
	})
	var interceptID string
	t.Run("intercept", func(t *testing.T) {
		c.t = t
		out := c.json("intercept", "start", "api", "--env", "prod", "--port", "80", "--device", "laptop", "--target-port", "3000")
		interceptID, _ = find(out, "id").(string)
		if interceptID == "" {
			t.Fatalf("intercept start printed no id: %v", out)
		}
		mustContain(t, "intercept list", c.ok("intercept", "list"), "api", "laptop", "admin") // started by admin, by name
		mustContain(t, "intercept list --wide", c.ok("intercept", "list", "--wide"), interceptID)
		_, errs, code := c.run("intercept", "start", "api", "--env", "prod", "--port", "80", "--device", "laptop")
		if code != 1 || !strings.Contains(errs, "CONFLICT") {
			t.Fatalf("second intercept on the same port: exit %d\n%s", code, errs)
		}
		// Stopped by the app's name, as it was started; by id still works.
		mustContain(t, "intercept stop by name", c.ok("intercept", "stop", "api", "--env", "prod", "--port", "80"), interceptID)
		if _, errs, code := c.run("intercept", "stop", "api", "--env", "prod"); code != 1 || !strings.Contains(errs, "no active intercept") {
			t.Fatalf("stopping an app with no intercept: exit %d\n%s", code, errs)
		}
		again, _ := find(c.json("intercept", "start", "api", "--env", "prod", "--port", "80", "--device", "laptop"), "id").(string)
		c.ok("intercept", "stop", again)
		if out := c.ok("intercept", "list"); strings.Contains(out, "laptop") {
			t.Fatalf("intercept list after both stops:\n%s", out)
		}
	})
	t.Run("replay credentials from a server whose NATS no one else reaches", func(t *testing.T) {
		c.t = t
		// The server runs with --nats-listen "": an owner asking for replay
		// credentials is told why there are none and whom to ask, not to
		// retry.
		_, errs, code := c.run("audit", "credentials")
		if code == 0 {
			t.Fatal("audit credentials succeeded on a server whose NATS listens in-process only")
		}
		for _, want := range []string{"UNAVAILABLE", "--nats-listen", "ask the server's operator"} {
			if !strings.Contains(errs, want) {
				t.Errorf("audit credentials' error lacks %q:\n%s", want, errs)
			}
		}
		if strings.Contains(errs, "retry in a moment") {
			t.Errorf("audit credentials' error says to retry, which changes nothing:\n%s", errs)
		}
	})
	t.Run("policy", func(t *testing.T) {
		c.t = t
		c.ok("policy", "create", "laptops-to-api", "--allow", "--from", "device:laptop", "--to", "app:prod/api")
		c.ok("policy", "update", "laptops-to-api", "--deny", "--from", "device:laptop", "--to", "app:prod/api")
		mustContain(t, "policy get", c.ok("policy", "get", "laptops-to-api", "-o", "yaml"), "action: DENY")
		mustContain(t, "policy list", c.ok("policy", "list"), "laptops-to-api", "device:laptop", "app:prod/api")
		if out := c.ok("policy", "list"); strings.Contains(out, "device:0") || strings.Contains(out, "(gone)") {
			t.Fatalf("policy list shows ids for live subjects:\n%s", out)
		}
		c.ok("policy", "delete", "laptops-to-api")
	})
	t.Run("users members and tokens", func(t *testing.T) {
		c.t = t
		c.ok("user", "create", "bob", "--display-name", "Bob B.")
		c.ok("member", "add", "bob")
		c.ok("member", "set-role", "bob", "--role", "admin")
		mustContain(t, "member list", c.ok("member", "list"), "bob", "admin")
		c.ok("member", "remove", "bob")
		// An invitation: the same answer for a name no one holds; carol
		// sees hers, accepts it and is a member; dave declines his.
		mustContain(t, "invite nobody", c.ok("member", "invite", "no-such-user"), "Invited no-such-user")
		people := map[string]*cli{}
		for _, name := range []string{"carol", "dave"} {
			u := c.json("user", "create", name, "--display-name", name)
			id, _ := find(u, "id").(string)
			secret, _ := find(c.json("token", "create", "--user", id), "secret").(string)
			people[name] = newCLI(t)
			people[name].ok("login", "--server", s.URL, "--token", secret)
			c.ok("member", "invite", name, "--role", "admin")
		}
		mustContain(t, "member invitations", c.ok("member", "invitations"), "carol", "dave", "no-such-user", "admin")
		mustContain(t, "invitation list", people["carol"].ok("invitation", "list"), "acme", "admin")
		if _, errs, code := people["carol"].run("member", "list", "--team", "acme"); code == 0 {
			t.Fatalf("carol acts in acme before accepting:\n%s", errs)
		}
		mustContain(t, "invitation accept", people["carol"].ok("invitation", "accept", "acme"), "Joined acme as admin")
		mustContain(t, "member list after accept", people["carol"].ok("member", "list", "--team", "acme"), "carol", "admin")
		people["dave"].ok("invitation", "decline", "acme")
		if out := c.ok("member", "list"); strings.Contains(out, "dave") {
			t.Fatalf("dave declined but is a member:\n%s", out)
		}
		if out := c.ok("member", "invitations"); strings.Contains(out, "carol") || strings.Contains(out, "dave") || !strings.Contains(out, "no-such-user") {
			t.Fatalf("answered invitations still pending:\n%s", out)
		}
		c.ok("member", "remove", "carol")
		tok := c.json("token", "create", "--name", "ci")
		id, _ := find(tok, "id").(string)
		if id == "" {
			t.Fatalf("token create: %v", tok)
		}
		mustContain(t, "token list", c.ok("token", "list"), "ci")
		mustContain(t, "token revoke by name", c.ok("token", "revoke", "ci"), id)
		if _, errs, code := c.run("token", "revoke", "ci"); code != 1 || !strings.Contains(errs, "no live token") {
			t.Fatalf("revoking a revoked token by name: exit %d\n%s", code, errs)
		}
	})
	t.Run("audit trail, history and as-of", func(t *testing.T) {
		c.t = t
		out := c.ok("events", "--limit", "200", "-o", "json")
		mustContain(t, "events", out, "console.app.created", "console.intercept.started", "infra.cluster.created", "user:")
		// --type takes the full name, resource.event and the short form.
		for _, typ := range []string{"console.app.created", "app.created", "AppCreated"} {
			out := c.ok("events", "--type", typ, "-o", "json")
			if n := strings.Count(out, `"type":"console.app.created"`); n != 1 || strings.Count(out, "\n") != 1 {
				t.Fatalf("events --type %s: want the one app creation:\n%s", typ, out)
			}
		}
		if _, errs, code := c.run("events", "--type", "AppCreatd"); code != 2 || !strings.Contains(errs, "console.app.created") {
			t.Fatalf("events --type AppCreatd: exit %d\n%s", code, errs)
		}
		mustContain(t, "history app", c.ok("history", "app", "api", "--env", "prod"), "app.updated")
		// As of the app's creation it had one backend, as it has two now.
		lines := c.ok("history", "app", "api", "--env", "prod", "--oldest-first", "-o", "json") // JSON lines
		var first map[string]any
		if err := json.Unmarshal([]byte(strings.SplitN(lines, "\n", 2)[0]), &first); err != nil || first["type"] != "console.app.created" {
			t.Fatalf("first history line %v (%v):\n%s", first, err, lines)
		}
		seq := first["seq"]
		asOf := c.ok("get", "app", "api", "--env", "prod", "--as-of", fmt.Sprint(seq), "-o", "yaml")
		if strings.Contains(asOf, "10.0.0.8:8080") || !strings.Contains(asOf, "10.0.0.7:8080") {
			t.Fatalf("app as of %v:\n%s", seq, asOf)
		}
	})
	t.Run("config: set, get, list, history, as-of, used by an app, delete", func(t *testing.T) {
		c.t = t
		dir := t.TempDir()
		file := filepath.Join(dir, "app.yaml")
		if err := os.WriteFile(file, []byte("port: 8080\nlog: debug\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.ok("config", "set", "app-settings", "LOG_LEVEL=debug", "FEATURE_X=on", "--env", "prod")
		c.ok("config", "set", "app-settings", "LOG_LEVEL=info", "--from-file", file, "--env", "prod")
		got := c.json("config", "get", "app-settings", "--env", "prod")
		b, _ := json.Marshal(got)
		for _, want := range []string{`"key":"LOG_LEVEL","value":"info"`, `"key":"app.yaml","value":"port: 8080\nlog: debug\n"`, `"key":"FEATURE_X","value":"on"`} {
			if !strings.Contains(string(b), want) {
				t.Fatalf("config get lacks %s:\n%s", want, b)
			}
		}
		mustContain(t, "config get table", c.ok("config", "get", "app-settings", "--env", "prod"), "LOG_LEVEL", "info", "app.yaml", "port: 8080 … (1 more lines)")
		mustContain(t, "config list", c.ok("config", "list"), "app-settings", "prod")
		if _, errs, code := c.run("config", "set", "app-settings", "BAD KEY=1", "--env", "prod"); code != 2 || !strings.Contains(errs, "not a config key") {
			t.Fatalf("a bad key: exit %d\n%s", code, errs)
		}
		if _, errs, code := c.run("config", "set", "app-settings", "--unset", "NOPE", "--env", "prod"); code != 1 || !strings.Contains(errs, "no key NOPE") {
			t.Fatalf("removing a key the config lacks: exit %d\n%s", code, errs)
		}
		// The history shows each change; as of the first, LOG_LEVEL was debug.
		lines := c.ok("config", "history", "app-settings", "--env", "prod", "--oldest-first", "-o", "json")
		if n := strings.Count(lines, "\n"); n != 2 || !strings.Contains(lines, "console.config.created") || !strings.Contains(lines, "console.config.changed") {
			t.Fatalf("config history:\n%s", lines)
		}
		var first map[string]any
		if err := json.Unmarshal([]byte(strings.SplitN(lines, "\n", 2)[0]), &first); err != nil {
			t.Fatal(err)
		}
		asOf := c.ok("config", "get", "app-settings", "--env", "prod", "--as-of", fmt.Sprint(first["seq"]), "-o", "yaml")
		if !strings.Contains(asOf, "LOG_LEVEL: debug") || strings.Contains(asOf, "app.yaml") {
			t.Fatalf("config as of its creation:\n%s", asOf)
		}
		// An app takes a variable from it, all of it, and files; while it
		// does, the key and the config stay.
		c.ok("app", "create", "web", "--env", "prod", "--image", "ghcr.io/acme/web:1.4", "--port", "80:8080",
			"--env-var-from", "LOG_LEVEL=config:app-settings/LOG_LEVEL", "--env-from", "config:app-settings:APP_", "--mount", "config:app-settings=/etc/app")
		web, _ := json.Marshal(c.json("app", "get", "web", "--env", "prod"))
		for _, want := range []string{`"from":{"key":"LOG_LEVEL","kind":"CONFIG","name":"app-settings"}`, `"prefix":"APP_"`, `"path":"/etc/app"`} {
			if !strings.Contains(string(web), want) {
				t.Fatalf("the app's workload lacks %s:\n%s", want, web)
			}
		}
		if _, errs, code := c.run("app", "create", "web2", "--env", "prod", "--image", "ghcr.io/acme/web:1.4", "--port", "80", "--env-from", "config:nope"); code != 1 || !strings.Contains(errs, "no config \"nope\"") {
			t.Fatalf("an app naming a config that does not exist: exit %d\n%s", code, errs)
		}
		mustContain(t, "config used by", c.ok("config", "list", "--env", "prod"), "web")
		if _, errs, code := c.run("config", "set", "app-settings", "--unset", "LOG_LEVEL", "--env", "prod"); code != 1 || !strings.Contains(errs, "web") {
			t.Fatalf("removing a key an app takes: exit %d\n%s", code, errs)
		}
		if _, errs, code := c.run("config", "delete", "app-settings", "--env", "prod"); code != 1 || !strings.Contains(errs, "used by") {
			t.Fatalf("deleting a config an app uses: exit %d\n%s", code, errs)
		}
		c.ok("app", "delete", "web", "--env", "prod")
		c.ok("config", "delete", "app-settings", "--env", "prod")
		if out := c.ok("config", "list"); strings.Contains(out, "app-settings") {
			t.Fatalf("config list after the delete:\n%s", out)
		}
		mustContain(t, "a deleted config's history", c.ok("events", "--resource", "config", "--limit", "0"), "config prod/app-settings", "config.deleted")
	})
	t.Run("secret: set from a file, keys only, reveal recorded, rotate, delete", func(t *testing.T) {
		c.t = t
		file := filepath.Join(t.TempDir(), "password")
		if err := os.WriteFile(file, []byte("cli-known-secret-1f9e"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := c.ok("secret", "set", "db-creds", "USER=app", "--from-file", "PASSWORD="+file, "--env", "prod")
		if strings.Contains(out, "cli-known-secret") {
			t.Fatalf("secret set shows the value:\n%s", out)
		}
		list := c.ok("secret", "list", "-o", "json")
		if !strings.Contains(list, "PASSWORD") || strings.Contains(list, "cli-known-secret") {
			t.Fatalf("secret list:\n%s", list)
		}
		mustContain(t, "secret reveal", c.ok("secret", "get", "db-creds", "--env", "prod", "--reveal"), "PASSWORD", "cli-known-secret-1f9e", "USER", "app")
		mustContain(t, "secret history", c.ok("secret", "history", "db-creds", "--env", "prod"), "secret.created", "secret.revealed", "admin")
		if out := c.ok("events", "--limit", "0", "-o", "json"); strings.Contains(out, "cli-known-secret") {
			t.Fatalf("the audit trail shows the value")
		}
		mustContain(t, "rotate-key", c.ok("secret", "rotate-key"), "Rotated the team's secret key", "data keys wrapped again", "re-encrypted 1 secrets")
		mustContain(t, "the re-encryption in the secret's history", c.ok("secret", "history", "db-creds", "--env", "prod"), "secret.rekeyed")
		mustContain(t, "reveal after the rotation", c.ok("secret", "get", "db-creds", "--env", "prod", "--reveal", "-o", "json"), "cli-known-secret-1f9e")
		c.ok("secret", "delete", "db-creds", "--env", "prod")
		if out := c.ok("secret", "list"); strings.Contains(out, "db-creds") {
			t.Fatalf("secret list after the delete:\n%s", out)
		}
		mustContain(t, "a deleted secret's trail", c.ok("events", "--resource", "secret", "--limit", "0"), "secret prod/db-creds", "secret.deleted")
	})
	t.Run("deletes", func(t *testing.T) {
		c.t = t
		c.ok("app", "delete", "api", "--env", "prod")
		c.ok("device", "delete", "laptop")
		c.ok("env", "delete", "prod")
		c.ok("cluster", "delete", "us-1", "--team", "acme")
		for _, l := range [][]string{{"app", "list"}, {"device", "list"}} {
			if out := c.ok(l...); strings.Contains(out, "api") || strings.Contains(out, "laptop") {
				t.Fatalf("%v after delete:\n%s", l, out)
			}
		}
	})
	t.Run("the trail names actors and resources, also deleted ones", func(t *testing.T) {
		c.t = t
		out := c.ok("events", "--limit", "0")
		mustContain(t, "events", out, "app prod/api", "device laptop", "cluster us-1", "admin")
		if strings.Contains(out, "user:") {
			t.Fatalf("the trail shows a user id where a username belongs:\n%s", out)
		}
		mustContain(t, "events --wide", c.ok("events", "--limit", "5", "--wide"), "user:")
		mustContain(t, "events -o json", c.ok("events", "--limit", "5", "-o", "json"), `"actor":"user:`, `"actorName":"admin"`)
		// Filters take names too.
		mustContain(t, "events --actor admin", c.ok("events", "--actor", "admin", "--limit", "0", "-o", "json"), `"type":"console.app.created"`)
		if _, errs, code := c.run("events", "--actor", "nobody"); code != 2 || !strings.Contains(errs, "no user is called") {
			t.Fatalf("events --actor nobody: exit %d\n%s", code, errs)
		}
		byName := c.ok("events", "--resource", "cluster/eu-1", "--limit", "0", "-o", "json")
		mustContain(t, "events --resource cluster/eu-1", byName, `"type":"infra.cluster.created"`)
		if strings.Contains(byName, `"aggregateType":"app"`) || strings.Contains(byName, `"resourceName":"us-1"`) {
			t.Fatalf("events --resource cluster/eu-1 holds other resources' events:\n%s", byName)
		}
	})
	t.Run("audit export, resumed, as CSV and of the whole log", func(t *testing.T) {
		c.t = t
		type summary struct {
			Scope                     string
			Events, FirstSeq, LastSeq int
			Ordered                   bool
			SHA256, Resume            string
		}
		parse := func(out string) ([]map[string]any, summary) {
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			var evs []map[string]any
			for _, l := range lines[:len(lines)-1] {
				var e map[string]any
				if err := json.Unmarshal([]byte(l), &e); err != nil {
					t.Fatalf("export line %q: %v", l, err)
				}
				evs = append(evs, e)
			}
			var last struct{ Summary summary }
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Summary.Resume == "" {
				t.Fatalf("export ends with %q: %v", lines[len(lines)-1], err)
			}
			return evs, last.Summary
		}
		all, sum := parse(c.ok("audit", "export", "--format", "jsonl"))
		if len(all) < 20 || sum.Events != len(all) || !sum.Ordered || sum.Scope != "acme" {
			t.Fatalf("export of acme: %d events, summary %+v", len(all), sum)
		}
		for _, e := range all {
			if e["team"] != "acme" {
				t.Fatalf("acme's export holds %v", e)
			}
		}
		// Everything the trail lists is in the export, status reports too.
		if trail := c.ok("events", "--limit", "0", "--include-status", "-o", "json"); strings.Count(trail, "\n") != len(all) {
			t.Fatalf("the trail has %d events, the export %d", strings.Count(trail, "\n"), len(all))
		}
		// Resumed from the middle: the rest, exactly.
		mid := int(all[len(all)/2]["seq"].(float64))
		rest, rsum := parse(c.ok("audit", "export", "--from-seq", fmt.Sprint(mid)))
		if len(rest) != len(all)-len(all)/2 || rsum.FirstSeq != mid || rsum.LastSeq != sum.LastSeq {
			t.Fatalf("resumed at %d: %d events, summary %+v", mid, len(rest), rsum)
		}
		csvOut := c.ok("audit", "export", "--format", "csv", "--since", "24h")
		if n := strings.Count(csvOut, "\n# summary "); n != 1 || !strings.HasPrefix(csvOut, "seq,id,time,type,") {
			t.Fatalf("csv export:\n%s", csvOut)
		}
		whole, wsum := parse(c.ok("audit", "export", "--all-teams"))
		teams := map[string]bool{}
		for _, e := range whole {
			teams[e["team"].(string)] = true
		}
		if !teams["acme"] || !teams["_"] || wsum.Scope != "*" || len(whole) <= len(all) {
			t.Fatalf("the whole log: teams %v, summary %+v", teams, wsum)
		}
		if _, errs, code := c.run("audit", "export", "--format", "xml"); code != 2 || !strings.Contains(errs, "jsonl or csv") {
			t.Fatalf("--format xml: exit %d\n%s", code, errs)
		}
	})
	t.Run("team delete: confirmed by name, final, retried", func(t *testing.T) {
		c.t = t
		c.ok("team", "create", "doomed")
		c.ok("cluster", "create", "doomed-eu", "--team", "doomed")
		c.ok("env", "create", "prod", "--cluster", "doomed-eu", "--team", "doomed")
		c.ok("secret", "set", "db-creds", "PASSWORD=doomed-known-value", "--env", "prod", "--team", "doomed")
		if _, errs, code := c.run("team", "delete", "doomed"); code != 2 || !strings.Contains(errs, "--yes") {
			t.Fatalf("team delete without confirmation: exit %d\n%s", code, errs)
		}
		mustContain(t, "team delete", c.ok("team", "delete", "doomed", "--yes", "-o", "json"), `"slug": "doomed"`)
		if _, errs, code := c.run("secret", "list", "--team", "doomed"); code != 1 || !strings.Contains(errs, `team "doomed" was deleted`) || !strings.Contains(errs, "weft team use") {
			t.Fatalf("the deleted team's secrets: exit %d\n%s", code, errs)
		}
		if out := c.ok("team", "list"); strings.Contains(out, "doomed") {
			t.Fatalf("team list after the delete:\n%s", out)
		}
		// With the deleted team still selected (deleted elsewhere), the
		// caller's teams list and complete.
		c.ok("team", "use", "doomed")
		mustContain(t, "team list with a deleted team selected", c.ok("team", "list"), "acme")
		if out := c.ok("__complete", "team", "delete", ""); !strings.Contains(out, "acme") || strings.Contains(out, "doomed") {
			t.Fatalf("team delete completion:\n%s", out)
		}
		c.ok("team", "delete", "doomed", "--yes") // a retry finishes, or finds nothing left to do
		if _, errs, code := c.run("team", "create", "doomed"); code != 1 || !strings.Contains(errs, "not used again") {
			t.Fatalf("the deleted team's name again: exit %d\n%s", code, errs)
		}
		// The administrator's trail keeps the team's history.
		mustContain(t, "the whole log", c.ok("audit", "export", "--all-teams"), `"team":"doomed"`, "console.secret.created", "accounts.team.deleted")
		c.ok("team", "use", "acme") // as before this subtest
	})
	t.Run("errors and exit codes", func(t *testing.T) {
		c.t = t
		if _, errs, code := c.run("app", "get", "nope", "--env", "staging"); code != 1 || !strings.Contains(errs, "no such app") {
			t.Fatalf("missing app: exit %d\n%s", code, errs)
		}
		if _, _, code := c.run("app", "create", "Bad_Name", "--env", "staging", "--port", "80", "--backend", "10.0.0.1:80"); code != 2 {
			t.Fatalf("bad name: exit %d, want 2", code)
		}
	})
}
