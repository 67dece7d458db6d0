// Package wireguard is the agent's WireGuard interface: the gateway of its
// cluster in the team mesh. It runs wireguard-go in-process (this kernel has
// no WireGuard module), with the UAPI socket so wgctrl and the wg tool both
// work, configures it through wgctrl, and sets the interface's address and
// routes with netlink. Peers change one at a time: a peer that did not
// change keeps its session.
package wireguard

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
	"golang.zx2c4.com/wireguard/conn"
	"golang.zx2c4.com/wireguard/device"
	"golang.zx2c4.com/wireguard/ipc"
	"golang.zx2c4.com/wireguard/tun"
	"golang.zx2c4.com/wireguard/wgctrl"
	"golang.zx2c4.com/wireguard/wgctrl/wgtypes"

	"weft.dev/agent/netstack"
	"weft.dev/events/clusterstate"
)

// Config is one gateway interface.
type Config struct {
	Interface  string // e.g. weft0 (at most 15 bytes)
	KeyFile    string // the private key, made here on first use, mode 0600
	ListenPort int    // UDP port peers reach this gateway on
	Endpoint   string // host:port other gateways use, reported to weft
	Logger     *slog.Logger
	// OnAddress, in netstack mode, hears the mesh address once it is set
	// (the agent serves DNS there).
	OnAddress func(netip.Addr)
	// EndpointHints are roaming peers' endpoints (public key → host:port)
	// learned before a restart. A restarted gateway has no session and no
	// address for a device, which only re-handshakes after 15 s of silence;
	// with a hint the gateway initiates at once.
	EndpointHints map[string]string
}

// Device is a running gateway interface.
type Device struct {
	cfg  Config
	log  *slog.Logger
	key  wgtypes.Key
	wg   *wgctrl.Client
	dev  *device.Device
	uapi net.Listener
	// serving is the UAPI socket's accept loop and a goroutine per
	// connection, waited for by Close; conns are the open connections,
	// which Close ends (a handler blocks reading one).
	serving sync.WaitGroup
	connMu  sync.Mutex
	conns   map[net.Conn]bool
	closed  bool // Close began: a connection accepted now is closed at once
	link    netlink.Link
	// configure applies a configuration: through wgctrl and the UAPI
	// socket for a TUN device, straight into the device for a netstack one.
	configure func(wgtypes.Config) error
	stack     *netstack.Stack // netstack mode only
	self      netip.Addr      // netstack mode: the mesh address held
	kernel    bool            // a kernel WireGuard link, removed on Close

	mu    sync.Mutex
	peers map[string]clusterstate.Peer // id → what was applied
}

// LoadOrCreateKey returns the private key in path, making one (0600) when
// the file does not exist. A key file others can read is refused.
func LoadOrCreateKey(path string) (wgtypes.Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k, err := wgtypes.GeneratePrivateKey()
		if err != nil {
			return wgtypes.Key{}, fmt.Errorf("make key: %w", err)
		}
		if err := os.WriteFile(path, []byte(k.String()+"\n"), 0o600); err != nil {
			return wgtypes.Key{}, fmt.Errorf("save key: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return wgtypes.Key{}, fmt.Errorf("read key: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return wgtypes.Key{}, fmt.Errorf("key %s is readable by others (mode %o): chmod 600 it", path, fi.Mode().Perm())
	}
	k, err := wgtypes.ParseKey(string(trimSpace(b)))
	if err != nil {
		return wgtypes.Key{}, fmt.Errorf("key %s: %w", path, err)
	}
	return k, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == ' ' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// Open creates the interface with wireguard-go and brings it up with no
// peers.
func Open(cfg Config) (*Device, error) {
	key, err := prepare(&cfg, true)
	if err != nil {
		return nil, err
	}
	t, err := tun.CreateTUN(cfg.Interface, device.DefaultMTU)
	if err != nil {
		return nil, fmt.Errorf("wireguard: create %s: %w", cfg.Interface, err)
	}
	d := &Device{cfg: cfg, log: cfg.Logger.With("interface", cfg.Interface), key: key, peers: map[string]clusterstate.Peer{}}
	d.dev = device.NewDevice(t, conn.NewDefaultBind(), device.NewLogger(device.LogLevelError, "wireguard: "))
	fail := func(err error) (*Device, error) {
		d.Close()
		return nil, err
	}
	f, err := ipc.UAPIOpen(cfg.Interface)
	if err != nil {
		return fail(fmt.Errorf("wireguard: uapi socket: %w", err))
	}
	if d.uapi, err = ipc.UAPIListen(cfg.Interface, f); err != nil {
		return fail(fmt.Errorf("wireguard: uapi socket: %w", err))
	}
	d.serving.Go(d.serveUAPI)
	if err := d.dev.Up(); err != nil {
		return fail(fmt.Errorf("wireguard: up: %w", err))
	}
	if err := d.bringUp(); err != nil {
		return fail(err)
	}
	return d, nil
}

// prepare defaults cfg and loads (or makes) the private key; an interface
// needs a kernel-valid name.
func prepare(cfg *Config, named bool) (wgtypes.Key, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if named && (cfg.Interface == "" || len(cfg.Interface) > 15) {
		return wgtypes.Key{}, fmt.Errorf("wireguard: interface name %q must be 1-15 bytes", cfg.Interface)
	}
	key, err := LoadOrCreateKey(cfg.KeyFile)
	if err != nil {
		return wgtypes.Key{}, fmt.Errorf("wireguard: %w", err)
	}
	return key, nil
}

// bringUp configures a named interface's key and port through wgctrl (a
// kernel device, or wireguard-go's UAPI socket) and sets the link up.
func (d *Device) bringUp() error {
	iface := d.cfg.Interface
	var err error
	if d.wg, err = wgctrl.New(); err != nil {
		return fmt.Errorf("wireguard: wgctrl: %w", err)
	}
	d.configure = func(c wgtypes.Config) error { return d.wg.ConfigureDevice(iface, c) }
	port := d.cfg.ListenPort
	if err := d.configure(wgtypes.Config{PrivateKey: &d.key, ListenPort: &port, ReplacePeers: true}); err != nil {
		return fmt.Errorf("wireguard: configure %s: %w", iface, err)
	}
	if d.link, err = netlink.LinkByName(iface); err != nil {
		return fmt.Errorf("wireguard: %s: %w", iface, err)
	}
	if err := netlink.LinkSetUp(d.link); err != nil {
		return fmt.Errorf("wireguard: set %s up: %w", iface, err)
	}
	return nil
}

// OpenNetstack runs the gateway rootless: wireguard-go over a userspace
// network stack instead of a TUN device, so no root, no interface and no
// routes. Programs reach the mesh through Stack (Listen, Dial); the stock wg
// tool cannot see this device (there is no UAPI socket), the agent's status
// and metrics can. cfg.Interface only names it in logs.
func OpenNetstack(cfg Config) (*Device, error) {
	key, err := prepare(&cfg, false)
	if err != nil {
		return nil, err
	}
	st, err := netstack.New(device.DefaultMTU)
	if err != nil {
		return nil, fmt.Errorf("wireguard: %w", err)
	}
	d := &Device{cfg: cfg, log: cfg.Logger.With("interface", "netstack"), key: key, peers: map[string]clusterstate.Peer{}, stack: st}
	// One datagram at a time (udpBind): the stack behind it moves one
	// packet at a time, and batches would cost 24 MiB of buffers.
	d.dev = device.NewDevice(st, &udpBind{}, device.NewLogger(device.LogLevelError, "wireguard: "))
	d.configure = func(c wgtypes.Config) error { return d.dev.IpcSet(uapiConfig(c)) }
	port := cfg.ListenPort
	if err := d.configure(wgtypes.Config{PrivateKey: &key, ListenPort: &port, ReplacePeers: true}); err != nil {
		d.Close()
		return nil, fmt.Errorf("wireguard: configure netstack device: %w", err)
	}
	if err := d.dev.Up(); err != nil {
		d.Close()
		return nil, fmt.Errorf("wireguard: up: %w", err)
	}
	return d, nil
}

// Stack is the userspace network of a netstack device (nil for a TUN one).
func (d *Device) Stack() *netstack.Stack { return d.stack }

// uapiConfig writes a configuration in the UAPI text protocol that
// wireguard-go's IpcSet reads (what wgctrl sends over the socket).
func uapiConfig(c wgtypes.Config) string {
	var b strings.Builder
	if c.PrivateKey != nil {
		fmt.Fprintf(&b, "private_key=%s\n", hex.EncodeToString(c.PrivateKey[:]))
	}
	if c.ListenPort != nil {
		fmt.Fprintf(&b, "listen_port=%d\n", *c.ListenPort)
	}
	if c.ReplacePeers {
		b.WriteString("replace_peers=true\n")
	}
	for _, p := range c.Peers {
		fmt.Fprintf(&b, "public_key=%s\n", hex.EncodeToString(p.PublicKey[:]))
		if p.Remove {
			b.WriteString("remove=true\n")
			continue
		}
		if p.Endpoint != nil {
			fmt.Fprintf(&b, "endpoint=%s\n", p.Endpoint.String())
		}
		if p.PersistentKeepaliveInterval != nil {
			fmt.Fprintf(&b, "persistent_keepalive_interval=%d\n", int(p.PersistentKeepaliveInterval.Seconds()))
		}
		if p.ReplaceAllowedIPs {
			b.WriteString("replace_allowed_ips=true\n")
		}
		for _, ip := range p.AllowedIPs {
			fmt.Fprintf(&b, "allowed_ip=%s\n", ip.String())
		}
	}
	return b.String()
}

// ErrNoKernel means the kernel cannot make a WireGuard interface here (no
// module, or not allowed); wireguard-go in userspace can.
var ErrNoKernel = errors.New("no kernel WireGuard")

// OpenKernel creates a kernel WireGuard interface (where the kernel has the
// module), configured through wgctrl like the userspace one.
func OpenKernel(cfg Config) (*Device, error) {
	key, err := prepare(&cfg, true)
	if err != nil {
		return nil, err
	}
	la := netlink.NewLinkAttrs()
	la.Name = cfg.Interface
	if err := netlink.LinkAdd(&netlink.Wireguard{LinkAttrs: la}); err != nil {
		return nil, fmt.Errorf("wireguard: create %s: %w: %v", cfg.Interface, ErrNoKernel, err)
	}
	d := &Device{cfg: cfg, log: cfg.Logger.With("interface", cfg.Interface), key: key, peers: map[string]clusterstate.Peer{}, kernel: true}
	fail := func(err error) (*Device, error) {
		d.Close()
		return nil, err
	}
	if err := d.bringUp(); err != nil {
		return fail(err)
	}
	return d, nil
}

// PeerStat is one peer's live state.
type PeerStat struct {
	PublicKey     string
	Endpoint      string
	AllowedIPs    []string
	LastHandshake time.Time
	RxBytes       int64
	TxBytes       int64
	Keepalive     int // persistent keepalive in seconds, 0: off
}

// PeerStats reads every peer's endpoint, last handshake and traffic.
func (d *Device) PeerStats() ([]PeerStat, error) {
	if d.dev == nil { // kernel
		dev, err := d.wg.Device(d.cfg.Interface)
		if err != nil {
			return nil, fmt.Errorf("wireguard: %s: %w", d.cfg.Interface, err)
		}
		out := make([]PeerStat, 0, len(dev.Peers))
		for _, p := range dev.Peers {
			ps := PeerStat{PublicKey: p.PublicKey.String(), LastHandshake: p.LastHandshakeTime, RxBytes: p.ReceiveBytes, TxBytes: p.TransmitBytes,
				Keepalive: int(p.PersistentKeepaliveInterval.Seconds())}
			if p.Endpoint != nil {
				ps.Endpoint = p.Endpoint.String()
			}
			for _, n := range p.AllowedIPs {
				ps.AllowedIPs = append(ps.AllowedIPs, n.String())
			}
			out = append(out, ps)
		}
		return out, nil
	}
	raw, err := d.dev.IpcGet()
	if err != nil {
		return nil, fmt.Errorf("wireguard: read device: %w", err)
	}
	return parseUAPI(raw), nil
}

// parseUAPI reads the peers of a UAPI "get" answer.
func parseUAPI(raw string) []PeerStat {
	var out []PeerStat
	var cur *PeerStat
	var sec, nsec int64
	flush := func() {
		if cur != nil {
			if sec != 0 || nsec != 0 {
				cur.LastHandshake = time.Unix(sec, nsec)
			}
			out = append(out, *cur)
		}
	}
	for _, line := range strings.Split(raw, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch k {
		case "public_key":
			flush()
			cur, sec, nsec = &PeerStat{}, 0, 0
			if b, err := hex.DecodeString(v); err == nil && len(b) == wgtypes.KeyLen {
				cur.PublicKey = wgtypes.Key(b).String()
			}
		}
		if cur == nil {
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		switch k {
		case "endpoint":
			cur.Endpoint = v
		case "allowed_ip":
			cur.AllowedIPs = append(cur.AllowedIPs, v)
		case "last_handshake_time_sec":
			sec = n
		case "last_handshake_time_nsec":
			nsec = n
		case "rx_bytes":
			cur.RxBytes = n
		case "tx_bytes":
			cur.TxBytes = n
		case "persistent_keepalive_interval":
			cur.Keepalive = int(n)
		}
	}
	flush()
	return out
}

// Close removes the interface.
func (d *Device) Close() {
	if d.kernel && d.link != nil {
		_ = netlink.LinkDel(d.link)
	}
	if d.uapi != nil {
		_ = d.uapi.Close()
	}
	if d.wg != nil {
		_ = d.wg.Close()
	}
	d.connMu.Lock()
	d.closed = true
	for c := range d.conns {
		_ = c.Close()
	}
	d.connMu.Unlock()
	d.serving.Wait()
	if d.dev != nil {
		d.dev.Close()
	}
}

// serveUAPI hands each connection to the UAPI socket (wgctrl's, or a wg
// command's) to the device, until the listener closes.
func (d *Device) serveUAPI() {
	for {
		c, err := d.uapi.Accept()
		if err != nil {
			return
		}
		d.connMu.Lock()
		if d.closed {
			d.connMu.Unlock()
			_ = c.Close()
			return
		}
		if d.conns == nil {
			d.conns = map[net.Conn]bool{}
		}
		d.conns[c] = true
		d.connMu.Unlock()
		d.serving.Go(func() {
			d.dev.IpcHandle(c)
			d.connMu.Lock()
			delete(d.conns, c)
			d.connMu.Unlock()
		})
	}
}

// PublicKey is the gateway's public key.
func (d *Device) PublicKey() string { return d.key.PublicKey().String() }

// Gateway is what the agent reports: the public key and endpoint only.
func (d *Device) Gateway() clusterstate.Gateway {
	return clusterstate.Gateway{PublicKey: d.PublicKey(), Endpoint: d.cfg.Endpoint}
}

// SetSelf gives the interface its mesh address and routes the mesh into it.
func (d *Device) SetSelf(s clusterstate.Self) error {
	if d.stack != nil {
		// Every destination already routes into the tunnel; service IPs
		// become local while the proxy listens on them.
		pf, err := netip.ParsePrefix(s.Address)
		if err != nil {
			return fmt.Errorf("wireguard: address %q: %w", s.Address, err)
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if pf.Addr() == d.self {
			return nil
		}
		if err := d.stack.AddAddress(pf.Addr()); err != nil {
			return fmt.Errorf("wireguard: %w", err)
		}
		if d.self.IsValid() {
			d.stack.RemoveAddress(d.self)
		}
		d.self = pf.Addr()
		if d.cfg.OnAddress != nil {
			d.cfg.OnAddress(d.self)
		}
		return nil
	}
	addr, err := netlink.ParseAddr(s.Address)
	if err != nil {
		return fmt.Errorf("wireguard: address %q: %w", s.Address, err)
	}
	if err := netlink.AddrReplace(d.link, addr); err != nil {
		return fmt.Errorf("wireguard: set address %s: %w", s.Address, err)
	}
	// The cluster's service range is local: the proxy binds its service
	// IPs, and traffic for them arriving through the tunnel is delivered
	// here.
	if s.ServiceRange != "" {
		_, dst, err := net.ParseCIDR(s.ServiceRange)
		if err != nil {
			return fmt.Errorf("wireguard: service range %q: %w", s.ServiceRange, err)
		}
		lo, err := netlink.LinkByName("lo")
		if err != nil {
			return fmt.Errorf("wireguard: loopback: %w", err)
		}
		if err := netlink.RouteReplace(&netlink.Route{LinkIndex: lo.Attrs().Index, Dst: dst, Type: unix.RTN_LOCAL, Table: unix.RT_TABLE_LOCAL, Scope: netlink.SCOPE_HOST}); err != nil {
			return fmt.Errorf("wireguard: local route for %s: %w", s.ServiceRange, err)
		}
	}
	for _, r := range s.MeshRoutes {
		_, dst, err := net.ParseCIDR(r)
		if err != nil {
			return fmt.Errorf("wireguard: route %q: %w", r, err)
		}
		if err := netlink.RouteReplace(&netlink.Route{LinkIndex: d.link.Attrs().Index, Dst: dst, Scope: netlink.SCOPE_LINK}); err != nil {
			return fmt.Errorf("wireguard: route %s: %w", r, err)
		}
	}
	return nil
}

// peerConfig checks a desired peer and turns it into wgctrl's form.
func peerConfig(p clusterstate.Peer) (wgtypes.PeerConfig, error) {
	key, err := wgtypes.ParseKey(p.PublicKey)
	if err != nil {
		return wgtypes.PeerConfig{}, fmt.Errorf("peer %s: public key: %w", p.ID, err)
	}
	pc := wgtypes.PeerConfig{PublicKey: key, ReplaceAllowedIPs: true}
	for _, a := range p.AllowedIPs {
		pf, err := netip.ParsePrefix(a)
		if err != nil {
			return wgtypes.PeerConfig{}, fmt.Errorf("peer %s: allowed ip %q: %w", p.ID, a, err)
		}
		pc.AllowedIPs = append(pc.AllowedIPs, net.IPNet{IP: pf.Addr().AsSlice(), Mask: net.CIDRMask(pf.Bits(), pf.Addr().BitLen())})
	}
	if p.Endpoint != "" {
		ep, err := net.ResolveUDPAddr("udp", p.Endpoint)
		if err != nil {
			return wgtypes.PeerConfig{}, fmt.Errorf("peer %s: endpoint %q: %w", p.ID, p.Endpoint, err)
		}
		pc.Endpoint = ep
	}
	// The keepalive is always set, 0 when the peer has none. That makes a
	// keepalive the desired state dropped go away, and it keeps
	// wireguard-go from sending one to every peer of a batch that follows
	// a peer with a keepalive: its UAPI set carries "turn keepalive on"
	// from one peer to the next until a peer sets its own interval. A
	// resync of gateways (keepalive 25) and a thousand roaming devices (no
	// endpoint) otherwise starts a handshake with every device, retried
	// every 5 s for 90 s: that was most of the agent's CPU after a start.
	ka := time.Duration(max(p.Keepalive, 0)) * time.Second
	pc.PersistentKeepaliveInterval = &ka
	return pc, nil
}

// hinted is p with a learned endpoint (and a keepalive, which makes
// wireguard-go initiate a handshake right away) when it has none of its
// own; each hint is used once. Lock held.
func (d *Device) hinted(p clusterstate.Peer) clusterstate.Peer {
	if p.Endpoint != "" {
		return p
	}
	if h, ok := d.cfg.EndpointHints[p.PublicKey]; ok {
		delete(d.cfg.EndpointHints, p.PublicKey)
		p.Endpoint = h
		if p.Keepalive == 0 {
			p.Keepalive = 25
		}
	}
	return p
}

// LearnedEndpoints are the endpoints of peers that have none configured
// (roaming devices), as the tunnel learned them from their handshakes.
func (d *Device) LearnedEndpoints() (map[string]string, error) {
	stats, err := d.PeerStats()
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	roaming := map[string]bool{}
	for _, p := range d.peers {
		if p.Endpoint == "" {
			roaming[p.PublicKey] = true
		}
	}
	d.mu.Unlock()
	out := map[string]string{}
	for _, s := range stats {
		if roaming[s.PublicKey] && s.Endpoint != "" {
			out[s.PublicKey] = s.Endpoint
		}
	}
	return out, nil
}

// UpsertPeer adds or changes one peer; others are not touched. A peer whose
// key changed is replaced (the old key is removed).
func (d *Device) UpsertPeer(p clusterstate.Peer) error {
	d.mu.Lock()
	pc, err := peerConfig(d.hinted(p))
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("wireguard: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	peers := []wgtypes.PeerConfig{pc}
	if old, ok := d.peers[p.ID]; ok && old.PublicKey != p.PublicKey {
		if oldKey, err := wgtypes.ParseKey(old.PublicKey); err == nil {
			peers = append(peers, wgtypes.PeerConfig{PublicKey: oldKey, Remove: true})
		}
	}
	if err := d.configure(wgtypes.Config{Peers: peers}); err != nil {
		return fmt.Errorf("wireguard: peer %s: %w", p.ID, err)
	}
	d.peers[p.ID] = p
	return nil
}

// UpsertPeers applies many peers in one configuration call: the agent's
// full resync after a start, where one call per peer would cost a UAPI round
// trip each. Peers already applied with the same value are left out.
func (d *Device) UpsertPeers(ps []clusterstate.Peer) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var cfgs []wgtypes.PeerConfig
	var applied []clusterstate.Peer
	for _, p := range ps {
		if old, ok := d.peers[p.ID]; ok && samePeer(old, p) {
			continue
		}
		pc, err := peerConfig(d.hinted(p))
		if err != nil {
			return fmt.Errorf("wireguard: %w", err)
		}
		cfgs = append(cfgs, pc)
		if old, ok := d.peers[p.ID]; ok && old.PublicKey != p.PublicKey {
			if oldKey, err := wgtypes.ParseKey(old.PublicKey); err == nil {
				cfgs = append(cfgs, wgtypes.PeerConfig{PublicKey: oldKey, Remove: true})
			}
		}
		applied = append(applied, p)
	}
	if len(cfgs) == 0 {
		return nil
	}
	if err := d.configure(wgtypes.Config{Peers: cfgs}); err != nil {
		return fmt.Errorf("wireguard: %d peers: %w", len(applied), err)
	}
	for _, p := range applied {
		d.peers[p.ID] = p
	}
	return nil
}

func samePeer(a, b clusterstate.Peer) bool {
	if a.PublicKey != b.PublicKey || a.Endpoint != b.Endpoint || a.Keepalive != b.Keepalive || len(a.AllowedIPs) != len(b.AllowedIPs) {
		return false
	}
	for i := range a.AllowedIPs {
		if a.AllowedIPs[i] != b.AllowedIPs[i] {
			return false
		}
	}
	return true
}

// RemovePeer removes one peer.
func (d *Device) RemovePeer(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	old, ok := d.peers[id]
	if !ok {
		return nil
	}
	key, err := wgtypes.ParseKey(old.PublicKey)
	if err == nil {
		if err := d.configure(wgtypes.Config{Peers: []wgtypes.PeerConfig{{PublicKey: key, Remove: true}}}); err != nil {
			return fmt.Errorf("wireguard: remove peer %s: %w", id, err)
		}
	}
	delete(d.peers, id)
	return nil
}

// PeerCount is how many peers are applied.
func (d *Device) PeerCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.peers)
}

// PeerIDs lists the peers applied.
func (d *Device) PeerIDs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.peers))
	for id := range d.peers {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
