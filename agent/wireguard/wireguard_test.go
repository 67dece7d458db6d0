package wireguard_test

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.zx2c4.com/wireguard/wgctrl"
	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

// helperConfig is what a helper process (one "host" in its own network
// namespace) configures.
type helperConfig struct {
	Iface   string              `json:"iface"`
	KeyFile string              `json:"keyFile"`
	Port    int                 `json:"port"`
	Self    clusterstate.Self   `json:"self"`
	Peers   []clusterstate.Peer `json:"peers"`
}

// TestWireGuardHelperProcess is not a test: the real tests run it inside a
// network namespace (ip netns exec) as one host, driven over stdin/stdout.
func TestWireGuardHelperProcess(t *testing.T) {
	raw := os.Getenv("WEFT_WG_HELPER")
	if raw == "" {
		t.Skip("helper process for the namespace tests")
	}
	var cfg helperConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fmt.Println("fail", err)
		os.Exit(1)
	}
	d, err := wireguard.Open(wireguard.Config{Interface: cfg.Iface, KeyFile: cfg.KeyFile, ListenPort: cfg.Port})
	if err != nil {
		fmt.Println("fail", err)
		os.Exit(1)
	}
	defer d.Close()
	if err := d.SetSelf(cfg.Self); err != nil {
		fmt.Println("fail", err)
		os.Exit(1)
	}
	for _, p := range cfg.Peers {
		if err := d.UpsertPeer(p); err != nil {
			fmt.Println("fail", err)
			os.Exit(1)
		}
	}
	ip := strings.TrimSuffix(cfg.Self.Address, "/32")
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "7000"))
	if err != nil {
		fmt.Println("fail", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	wg, _ := wgctrl.New()
	fmt.Println("ready", d.PublicKey())
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "dial":
			c, err := net.DialTimeout("tcp", arg, time.Second)
			if err != nil {
				fmt.Println("fail", err)
				continue
			}
			_ = c.SetDeadline(time.Now().Add(time.Second))
			_, _ = c.Write([]byte("x"))
			b := make([]byte, 1)
			_, err = io.ReadFull(c, b)
			c.Close()
			if err != nil {
				fmt.Println("fail", err)
				continue
			}
			fmt.Println("ok")
		case "handshake":
			dev, err := wg.Device(cfg.Iface)
			if err != nil {
				fmt.Println("fail", err)
				continue
			}
			found := false
			for _, p := range dev.Peers {
				if p.PublicKey.String() == arg {
					fmt.Println("ok", p.LastHandshakeTime.UnixNano())
					found = true
				}
			}
			if !found {
				fmt.Println("fail no such peer")
			}
		case "peers":
			dev, err := wg.Device(cfg.Iface)
			if err != nil {
				fmt.Println("fail", err)
				continue
			}
			fmt.Println("ok", len(dev.Peers))
		case "upsert":
			var p clusterstate.Peer
			if err := json.Unmarshal([]byte(arg), &p); err != nil {
				fmt.Println("fail", err)
				continue
			}
			if err := d.UpsertPeer(p); err != nil {
				fmt.Println("fail", err)
				continue
			}
			fmt.Println("ok")
		case "remove":
			if err := d.RemovePeer(arg); err != nil {
				fmt.Println("fail", err)
				continue
			}
			fmt.Println("ok")
		}
	}
	os.Exit(0)
}

// host is a helper process in a namespace.
type host struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Scanner
	cmd *exec.Cmd
	pub string
}

func (h *host) do(line string) string {
	h.t.Helper()
	fmt.Fprintln(h.in, line)
	if !h.out.Scan() {
		h.t.Fatalf("helper gone after %q", line)
	}
	return h.out.Text()
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

func startHost(t *testing.T, ns string, cfg helperConfig) *host {
	t.Helper()
	raw, _ := json.Marshal(cfg)
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestWireGuardHelperProcess$", "-test.v=false")
	cmd.Env = append(os.Environ(), "WEFT_WG_HELPER="+string(raw))
	cmd.Stderr = os.Stderr
	in, _ := cmd.StdinPipe()
	outp, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &host{t: t, in: in, out: bufio.NewScanner(outp), cmd: cmd}
	t.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	if !h.out.Scan() || !strings.HasPrefix(h.out.Text(), "ready ") {
		t.Fatalf("host in %s did not start: %q", ns, h.out.Text())
	}
	h.pub = strings.TrimPrefix(h.out.Text(), "ready ")
	return h
}

func key(t *testing.T, dir, name string) (file, pub string) {
	k, err := wgtypes.GeneratePrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	file = dir + "/" + name + ".key"
	if err := os.WriteFile(file, []byte(k.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, k.PublicKey().String()
}

// Two gateways, each in its own network namespace joined only by a veth
// pair, reach each other's mesh address through real wireguard-go devices;
// adding, changing and removing a third peer leaves their session alone.
func TestTwoGatewaysInNamespacesReachEachOtherAndPeerChangesKeepSessions(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("needs /dev/net/tun")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	nsA, nsB := "wfa-"+id, "wfb-"+id
	run(t, "ip", "netns", "add", nsA)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", nsA).Run() })
	run(t, "ip", "netns", "add", nsB)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", nsB).Run() })
	run(t, "ip", "link", "add", "va"+id, "netns", nsA, "type", "veth", "peer", "name", "vb"+id, "netns", nsB)
	run(t, "ip", "-n", nsA, "addr", "add", "192.0.2.1/24", "dev", "va"+id)
	run(t, "ip", "-n", nsB, "addr", "add", "192.0.2.2/24", "dev", "vb"+id)
	for _, c := range [][]string{{nsA, "va" + id}, {nsB, "vb" + id}} {
		run(t, "ip", "-n", c[0], "link", "set", c[1], "up")
		run(t, "ip", "-n", c[0], "link", "set", "lo", "up")
	}
	dir := t.TempDir()
	keyA, pubA := key(t, dir, "a")
	keyB, pubB := key(t, dir, "b")
	mesh := []string{"100.64.0.0/10"}
	a := startHost(t, nsA, helperConfig{Iface: "wga" + id, KeyFile: keyA, Port: 51820,
		Self:  clusterstate.Self{Address: "100.64.0.1/32", MeshRoutes: mesh},
		Peers: []clusterstate.Peer{{ID: "b", PublicKey: pubB, AllowedIPs: []string{"100.64.0.2/32"}, Endpoint: "192.0.2.2:51820", Keepalive: 1}}})
	bh := startHost(t, nsB, helperConfig{Iface: "wgb" + id, KeyFile: keyB, Port: 51820,
		Self:  clusterstate.Self{Address: "100.64.0.2/32", MeshRoutes: mesh},
		Peers: []clusterstate.Peer{{ID: "a", PublicKey: pubA, AllowedIPs: []string{"100.64.0.1/32"}, Endpoint: "192.0.2.1:51820", Keepalive: 1}}})
	if a.pub != pubA || bh.pub != pubB {
		t.Fatalf("the devices run other keys than their key files: %s %s", a.pub, bh.pub)
	}
	dial := func(h *host, addr string) {
		t.Helper()
		wait.ForEvery(t, 10*time.Second, 200*time.Millisecond, func() error {
			if r := h.do("dial " + addr); r != "ok" {
				return fmt.Errorf("dial %s over the mesh: %s", addr, r)
			}
			return nil
		})
	}
	dial(a, "100.64.0.2:7000")
	dial(bh, "100.64.0.1:7000")

	before := a.do("handshake " + pubB)
	if !strings.HasPrefix(before, "ok ") || before == "ok 0" {
		t.Fatalf("no handshake with B: %s", before)
	}
	_, pubC := key(t, dir, "c")
	c := clusterstate.Peer{ID: "c", PublicKey: pubC, AllowedIPs: []string{"100.64.0.3/32"}}
	raw, _ := json.Marshal(c)
	if r := a.do("upsert " + string(raw)); r != "ok" {
		t.Fatal(r)
	}
	c.AllowedIPs = []string{"100.64.0.3/32", "100.80.16.0/20"}
	raw, _ = json.Marshal(c)
	if r := a.do("upsert " + string(raw)); r != "ok" {
		t.Fatal(r)
	}
	if r := a.do("peers"); r != "ok 2" {
		t.Fatalf("peers after adding C: %s", r)
	}
	// The stock wg tool sees the same device through the UAPI socket.
	wgShow(t, nsA, "wga"+id, map[string]string{
		pubB: "192.0.2.2:51820 100.64.0.2/32 1",
		pubC: "(none) 100.64.0.3/32,100.80.16.0/20 off",
	})
	if after := a.do("handshake " + pubB); after != before {
		t.Fatalf("B's session was reset by changes to C: %s → %s", before, after)
	}
	dial(a, "100.64.0.2:7000")
	if r := a.do("remove c"); r != "ok" {
		t.Fatal(r)
	}
	if r := a.do("peers"); r != "ok 1" {
		t.Fatalf("peers after removing C: %s", r)
	}
	wgShow(t, nsA, "wga"+id, map[string]string{pubB: "192.0.2.2:51820 100.64.0.2/32 1"})
	if after := a.do("handshake " + pubB); after != before {
		t.Fatalf("B's session was reset by removing C: %s → %s", before, after)
	}
}

// wgShow checks `wg show IFACE dump` in ns lists exactly want: public key →
// "endpoint allowed-ips keepalive".
func wgShow(t *testing.T, ns, iface string, want map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("wg"); err != nil {
		t.Fatal("wg (wireguard-tools) is not installed: go tool task deps installs it")
	}
	out, err := exec.Command("ip", "netns", "exec", ns, "wg", "show", iface, "dump").CombinedOutput()
	if err != nil {
		t.Fatalf("wg show %s dump: %v\n%s", iface, err, out)
	}
	got := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 8 { // the interface's own line
			continue
		}
		got[f[0]] = f[2] + " " + f[3] + " " + f[7]
	}
	if len(got) != len(want) {
		t.Fatalf("wg show lists %d peers, want %d:\n%s", len(got), len(want), out)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("wg show: peer %s is %q, want %q", k, got[k], w)
		}
	}
}

func TestAKeyFileOthersCanReadIsRefused(t *testing.T) {
	dir := t.TempDir()
	file, _ := key(t, dir, "k")
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wireguard.LoadOrCreateKey(file); err == nil {
		t.Fatal("a world-readable key was accepted")
	}
	made := dir + "/new.key"
	k, err := wireguard.LoadOrCreateKey(made)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(made)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key file mode %o", fi.Mode().Perm())
	}
	again, err := wireguard.LoadOrCreateKey(made)
	if err != nil || again != k {
		t.Fatalf("the key changed on reload: %v", err)
	}
}

// Where the kernel has WireGuard the interface is a kernel link, removed on
// Close; where it has not (this machine), the attempt fails as ErrNoKernel,
// which tells callers to fall back to wireguard-go.
func TestKernelWireGuardIsUsedWhereTheKernelHasItElseErrNoKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("creating links needs root")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	name := "wk" + hex.EncodeToString(b)
	d, err := wireguard.OpenKernel(wireguard.Config{Interface: name, KeyFile: filepath.Join(t.TempDir(), "k.key"), ListenPort: 0})
	if err != nil {
		if !errors.Is(err, wireguard.ErrNoKernel) {
			t.Fatalf("a failed kernel attempt must say ErrNoKernel: %v", err)
		}
		if _, lerr := net.InterfaceByName(name); lerr == nil {
			t.Fatal("a failed kernel attempt left an interface behind")
		}
		t.Logf("no kernel WireGuard here: %v", err)
		return
	}
	if _, err := net.InterfaceByName(name); err != nil {
		t.Fatalf("kernel interface: %v", err)
	}
	d.Close()
	if _, err := net.InterfaceByName(name); err == nil {
		t.Fatal("Close left the kernel interface")
	}
}
