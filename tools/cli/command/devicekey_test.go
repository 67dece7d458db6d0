package command

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"weft.dev/kernel/wait"
)

// weft device config makes the key pair here: every request it sends is
// read off the wire, and the private key is in none of them (the public key
// is, in the registration); the key file is 0600 and the private key is
// only in the configuration printed for wg-quick.
func TestDeviceConfigNeverSendsThePrivateKey(t *testing.T) {
	t.Parallel()
	g := (&fakeDevices{}).gateway(t)
	c := newCLI(t)
	if r := c.run("login", "--server", g.URL, "--token", "weft_tok1"); r.code != ExitOK {
		t.Fatalf("login: %s", r.stderr)
	}
	r := c.run("device", "config", "laptop", "--team", "acme")
	if r.code != ExitOK {
		t.Fatalf("device config: exit %d: %s", r.code, r.stderr)
	}
	private := privateKeyOf(t, c)
	if !strings.Contains(r.stdout, "PrivateKey = "+private) {
		t.Fatalf("the printed configuration lacks the private key:\n%s", r.stdout)
	}
	neverSent(t, g, private)
	cfg, _ := os.ReadFile(c.config)
	if strings.Contains(string(cfg), private) {
		t.Error("the CLI's config file holds the private key")
	}
}

// A token made for someone (a CI job, another user) is printed once and
// kept nowhere: the config file holds only the logged-in context's own
// token, and stays 0600.
func TestCreatedTokensAreNeverWrittenToTheConfigFile(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){
		"Me": ok(meAlice),
		"CreateToken": ok(`{"data":{"createToken":{"seq":3,"secret":"weft_ci_s3cret_value","token":{"id":"t2","name":"ci","userId":"u9",
			"expiresAt":null,"bootstrap":false,"revoked":false,"revokedAt":null,"createdAt":"2026-11-24T12:00:00Z"}}}}`),
	})
	c := newCLI(t)
	if r := c.run("login", "--server", g.URL, "--token", "weft_tok1"); r.code != ExitOK {
		t.Fatalf("login: %s", r.stderr)
	}
	r := c.run("token", "create", "--name", "ci")
	if r.code != ExitOK || !strings.Contains(r.stdout, "weft_ci_s3cret_value") {
		t.Fatalf("token create: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(c.config)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "weft_ci_s3cret_value") || !strings.Contains(string(b), "weft_tok1") {
		t.Fatalf("config file:\n%s", b)
	}
	if fi, _ := os.Stat(c.config); fi.Mode().Perm() != 0o600 {
		t.Fatalf("config mode %04o", fi.Mode().Perm())
	}
}

// device connect (rootless, so any user can run this test) registers only
// the public key: no request or header it sends while connected carries the
// private key, and the key file is 0600; device status in another terminal
// reads the running tunnel from a 0600 file that goes when connect ends.
func TestDeviceConnectNeverSendsThePrivateKeyAndShowsItsStatusElsewhere(t *testing.T) {
	t.Parallel()
	g := (&fakeDevices{}).gateway(t)
	c := newCLI(t)
	if r := c.run("login", "--server", g.URL, "--token", "weft_tok1"); r.code != ExitOK {
		t.Fatalf("login: %s", r.stderr)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up := make(chan struct{})
	var once sync.Once
	tee := writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "disconnected") || strings.Contains(string(p), "100.64.0.9") {
			once.Do(func() { close(up) })
		}
		return len(p), nil
	})
	done := make(chan result, 1)
	go func() {
		done <- c.runContext(ctx, tee, "device", "connect", "laptop", "--team", "acme", "--netstack", "--socks", "127.0.0.1:0", "--sync-every", "50ms")
	}()
	select {
	case <-up:
	case r := <-done:
		t.Fatalf("connect ended: exit %d: %s%s", r.code, r.stdout, r.stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("connect did not come up")
	}
	// Let a few polls go by, then stop it as Ctrl-C would.
	for polls := 0; polls < 3; {
		polls = 0
		for _, q := range g.received() {
			if q.OperationName == "Clusters" {
				polls++
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Another terminal sees it through the 0600 status file; with no
	// subscription to be had it says it is polling.
	statusFile := filepath.Join(filepath.Dir(c.config), "run", "acme-laptop.json")
	wait.ForEvery(t, 20*time.Second, 50*time.Millisecond, func() error {
		s := c.run("device", "status", "laptop")
		if s.code != ExitOK || !strings.Contains(s.stdout, "gateways: polling") || !strings.Contains(s.stdout, "100.64.0.9") {
			return fmt.Errorf("device status while connected: exit %d: %s%s", s.code, s.stdout, s.stderr)
		}
		return nil
	})
	if fi, err := os.Stat(statusFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("status file: %v %v, want mode 0600", fi, err)
	}
	cancel()
	r := <-done
	if r.code != ExitOK {
		t.Fatalf("connect: exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(statusFile); !os.IsNotExist(err) {
		t.Errorf("connect left its status file behind: %v", err)
	}
	if s := c.run("device", "status", "laptop"); s.code != ExitError || !strings.Contains(s.stderr, "not connected") {
		t.Errorf("device status after connect ended: exit %d: %s", s.code, s.stderr)
	}
	private := privateKeyOf(t, c)
	neverSent(t, g, private)
	if strings.Contains(r.stdout+r.stderr, private) {
		t.Error("connect printed the private key")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// A connected device that is deleted, or registered with another key from
// elsewhere, can no longer reach the gateways: connect says so and exits 1
// instead of keeping a dead tunnel up (once the change has held lostConfirm).
func TestDeviceConnectEndsWhenTheDeviceIsDeletedOrRekeyedElsewhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, change, want string
	}{
		{"deleted", "null", "device laptop was deleted"},
		{"rekeyed", `{"id":"d1","name":"laptop","kind":"DEVICE","ip":"100.64.0.9","publicKey":"hY3bJq2L6m1z8vWc0aQpR5sT7uVxYzA1bC2dE3fG4hI=","owner":{"id":"u1","username":"alice"}}`, "device laptop now has another key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			devices := &fakeDevices{}
			g := devices.gateway(t)
			c := newCLI(t)
			if r := c.run("login", "--server", g.URL, "--token", "weft_tok1"); r.code != ExitOK {
				t.Fatalf("login: %s", r.stderr)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			done := make(chan result, 1)
			go func() {
				done <- c.runContext(ctx, nil, "device", "connect", "laptop", "--team", "acme", "--netstack", "--socks", "127.0.0.1:0", "--sync-every", "50ms")
			}()
			wait.ForEvery(t, 20*time.Second, 20*time.Millisecond, func() error {
				if s := c.run("device", "status", "laptop"); s.code != ExitOK {
					return fmt.Errorf("connect did not come up: exit %d: %s", s.code, s.stderr)
				}
				return nil
			})
			registered := devices.get()
			if tc.change == "null" {
				devices.set("")
			} else {
				devices.set(tc.change)
			}
			if tc.name == "deleted" {
				// A blip shorter than lostConfirm (a server replaying its
				// log) is not a deletion: connect stays.
				time.Sleep(200 * time.Millisecond)
				devices.set(registered)
				select {
				case r := <-done:
					t.Fatalf("connect ended on a brief absence: exit %d: %s", r.code, r.stderr)
				case <-time.After(lostConfirm + time.Second):
				}
				devices.set("")
			}
			r := <-done
			if ctx.Err() != nil {
				t.Fatal("connect kept running after the change")
			}
			if r.code != ExitError || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, want %d naming %q: %s", r.code, ExitError, tc.want, r.stderr)
			}
			if s := c.run("device", "status", "laptop"); s.code != ExitError {
				t.Errorf("device status after connect ended: exit %d: %s", s.code, s.stdout)
			}
		})
	}
}

// fakeDevices is the device registry a fake gateway serves: CreateDevice
// records the device with the public key it was sent, DeviceByName answers
// what is recorded now (tests change it to play deletions and re-keys).
type fakeDevices struct {
	mu     sync.Mutex
	device string // JSON of the device, "" for none
}

func (f *fakeDevices) set(d string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.device = d
}

func (f *fakeDevices) get() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.device
}

func (f *fakeDevices) gateway(t *testing.T) *fakeGateway {
	return newFakeGateway(t, map[string]func(request) (int, string){
		"Me": ok(meAlice),
		"DeviceByName": func(request) (int, string) {
			if d := f.get(); d != "" {
				return http.StatusOK, `{"data":{"device":` + d + `}}`
			}
			return http.StatusOK, `{"data":{"device":null}}`
		},
		"CreateDevice": func(r request) (int, string) {
			in, _ := r.Variables["input"].(map[string]any)
			pub, _ := in["publicKey"].(string)
			d, _ := json.Marshal(map[string]any{"id": "d1", "name": "laptop", "kind": "DEVICE", "ip": "100.64.0.9", "publicKey": pub,
				"owner": map[string]any{"id": "u1", "username": "alice"}})
			f.set(string(d))
			return http.StatusOK, `{"data":{"createDevice":{"seq":7,"device":` + string(d) + `}}}`
		},
		"Clusters": ok(`{"data":{"clusters":{"edges":[],"pageInfo":{"hasNextPage":false}}}}`),
	})
}

// privateKeyOf reads the device key the CLI made for acme/laptop, checking
// it is 0600.
func privateKeyOf(t *testing.T, c *cli) string {
	t.Helper()
	keyFile := filepath.Join(filepath.Dir(c.config), "keys", "acme-laptop.key")
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", fi, err)
	}
	raw, _ := os.ReadFile(keyFile)
	return strings.TrimSpace(string(raw))
}

// neverSent checks no request body or header the gateway received carries
// private, and that the public key was registered.
func neverSent(t *testing.T, g *fakeGateway, private string) {
	t.Helper()
	registered := false
	for _, q := range g.received() {
		if strings.Contains(string(q.RawBody), private) {
			t.Errorf("request %s carried the private key", q.OperationName)
		}
		for _, v := range q.Header {
			if strings.Contains(strings.Join(v, " "), private) {
				t.Errorf("a header of %s carried the private key", q.OperationName)
			}
		}
		if q.OperationName == "CreateDevice" {
			registered = true
		}
	}
	if !registered {
		t.Fatal("the public key was never registered")
	}
}
