package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/tools/cli/output"
	"weft.dev/tools/cli/socks"
)

// connectStatus is what a running weft device connect shows other
// terminals, through a file only the user can read.
type connectStatus struct {
	Device       string       `json:"device"`
	Team         string       `json:"team"`
	Address      string       `json:"address"`
	Mode         string       `json:"mode"`
	Interface    string       `json:"interface"`
	PID          int          `json:"pid"`
	Subscription string       `json:"subscription"` // live, or why it is not
	Socks        string       `json:"socks,omitempty"`
	Expose       []int        `json:"expose,omitempty"`
	UpdatedAt    time.Time    `json:"updatedAt"`
	Peers        []peerStatus `json:"peers"`

	mu       sync.Mutex
	gateways []netip.Addr // the gateways' mesh addresses, for DNS
}

type peerStatus struct {
	Gateway       string     `json:"gateway"`
	PublicKey     string     `json:"publicKey"`
	Endpoint      string     `json:"endpoint"`
	AllowedIPs    []string   `json:"allowedIps"`
	LastHandshake *time.Time `json:"lastHandshake,omitempty"`
	RxBytes       int64      `json:"rxBytes"`
	TxBytes       int64      `json:"txBytes"`
}

func (st *connectStatus) setLive(live bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case live:
		st.Subscription = "live"
	case err != nil:
		st.Subscription = "polling (" + err.Error() + ")"
	default:
		st.Subscription = "polling"
	}
}

func (st *connectStatus) gatewayAddrs() []netip.Addr {
	st.mu.Lock()
	defer st.mu.Unlock()
	return append([]netip.Addr(nil), st.gateways...)
}

// statusPath is where connect keeps its status: beside the CLI's config.
func statusPath(cfgPath, team, device string) string {
	return filepath.Join(filepath.Dir(cfgPath), "run", team+"-"+device+".json")
}

// writeStatus records the tunnel now; a failure only costs the status view.
func writeStatus(path string, st *connectStatus, wg *wireguard.Device, have map[string]clusterstate.Peer) {
	names, gws := map[string]string{}, []netip.Addr{}
	for _, p := range have {
		names[p.PublicKey] = p.Name
		if len(p.AllowedIPs) > 0 {
			if pf, err := netip.ParsePrefix(p.AllowedIPs[0]); err == nil {
				gws = append(gws, pf.Addr())
			}
		}
	}
	stats, _ := wg.PeerStats()
	st.mu.Lock()
	st.gateways = gws
	st.Peers = st.Peers[:0]
	for _, s := range stats {
		ps := peerStatus{Gateway: names[s.PublicKey], PublicKey: s.PublicKey, Endpoint: s.Endpoint, AllowedIPs: s.AllowedIPs, RxBytes: s.RxBytes, TxBytes: s.TxBytes}
		if !s.LastHandshake.IsZero() {
			t := s.LastHandshake.UTC()
			ps.LastHandshake = &t
		}
		st.Peers = append(st.Peers, ps)
	}
	sort.Slice(st.Peers, func(i, j int) bool { return st.Peers[i].Gateway < st.Peers[j].Gateway })
	st.UpdatedAt = time.Now().UTC()
	b, err := json.MarshalIndent(st, "", "  ")
	st.mu.Unlock()
	if err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err == nil {
		_ = os.Rename(tmp, path)
	}
}

// serveNetstack makes a rootless tunnel usable: a SOCKS5 proxy into the
// team network, and local ports exposed on the device's mesh address.
func (a *app) serveNetstack(ctx context.Context, wg *wireguard.Device, ip, socksAddr string, expose []int, st *connectStatus, out io.Writer) error {
	stack := wg.Stack()
	mesh := netip.MustParsePrefix(meshPrefix)
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		// The team's names are answered by its gateways' DNS, over the mesh.
		var last error = errors.New("no gateway to ask")
		for _, gw := range st.gatewayAddrs() {
			c, err := stack.DialContext(ctx, "udp", netip.AddrPortFrom(gw, 53).String())
			if err == nil {
				return c, nil
			}
			last = err
		}
		return nil, last
	}}
	dial := func(ctx context.Context, host string, port int) (net.Conn, error) {
		if addr, err := netip.ParseAddr(host); err == nil {
			if mesh.Contains(addr) {
				return stack.DialContext(ctx, "tcp", netip.AddrPortFrom(addr, uint16(port)).String())
			}
			return (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		}
		if strings.HasSuffix(strings.TrimSuffix(host, "."), ".weft.internal") {
			addrs, err := resolver.LookupNetIP(ctx, "ip4", host)
			if err != nil {
				return nil, fmt.Errorf("resolve %s through the team's DNS: %w", host, err)
			}
			if len(addrs) == 0 {
				return nil, fmt.Errorf("resolve %s: no address", host)
			}
			return stack.DialContext(ctx, "tcp", netip.AddrPortFrom(addrs[0], uint16(port)).String())
		}
		return (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	if socksAddr != "" {
		l, err := net.Listen("tcp", socksAddr)
		if err != nil {
			return &Error{Err: fmt.Errorf("--socks %s: %w", socksAddr, err), Code: ExitError, Hint: "pick another address with --socks"}
		}
		go func() { <-ctx.Done(); _ = l.Close() }()
		go func() { _ = socks.Serve(l, dial, slog.New(slog.DiscardHandler)) }()
		st.Socks = l.Addr().String()
		fmt.Fprintf(out, "SOCKS5 proxy into the team network on %s\n", st.Socks)
	}
	for _, p := range expose {
		l, err := stack.ListenTCP(net.JoinHostPort(ip, strconv.Itoa(p)))
		if err != nil {
			return err
		}
		go func() { <-ctx.Done(); _ = l.Close() }()
		go forward(l, net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		st.Expose = append(st.Expose, p)
		fmt.Fprintf(out, "%s:%d on the mesh goes to 127.0.0.1:%d\n", ip, p, p)
	}
	return nil
}

// forward sends every connection l accepts to local.
func forward(l net.Listener, local string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			up, err := net.DialTimeout("tcp", local, 5*time.Second)
			if err != nil {
				return
			}
			defer up.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
			<-done
		}()
	}
}

func (a *app) deviceStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status [NAME]",
		Short: "Show the tunnels weft device connect is running (mode, peers, handshakes, traffic)",
		Example: `  weft device status
  weft device status laptop -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfgPath, err := a.configPath()
			if err != nil {
				return err
			}
			files, _ := filepath.Glob(filepath.Join(filepath.Dir(cfgPath), "run", "*.json"))
			var all []*connectStatus
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					continue
				}
				st := &connectStatus{}
				if json.Unmarshal(b, st) != nil || (len(args) == 1 && st.Device != args[0]) {
					continue
				}
				if !alive(st.PID) {
					_ = os.Remove(f) // left by a connect that was killed
					continue
				}
				all = append(all, st)
			}
			if len(all) == 0 {
				what := "no device is connected"
				if len(args) == 1 {
					what = "device " + args[0] + " is not connected"
				}
				return &Error{Err: errors.New(what), Code: ExitError, Hint: "run: weft device connect NAME"}
			}
			if f := a.format(); f != output.Table {
				return output.Render(cmd.OutOrStdout(), f, 0, all, nil)
			}
			for _, st := range all {
				renderStatus(cmd.OutOrStdout(), st, time.Now())
			}
			return nil
		},
	}
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// renderStatus prints one tunnel for people.
func renderStatus(w io.Writer, st *connectStatus, now time.Time) {
	fmt.Fprintf(w, "device %s (team %s) is %s on %s\n", st.Device, st.Team, st.Address, st.Interface)
	fmt.Fprintf(w, "tunnel: %s; gateways: %s\n", st.Mode, st.Subscription)
	if st.Socks != "" {
		fmt.Fprintf(w, "socks5: %s\n", st.Socks)
	}
	for _, p := range st.Expose {
		fmt.Fprintf(w, "exposed: %s:%d -> 127.0.0.1:%d\n", st.Address, p, p)
	}
	rows := output.Rows{Header: []string{"GATEWAY", "ENDPOINT", "ALLOWED IPS", "HANDSHAKE", "RX", "TX"}}
	for _, p := range st.Peers {
		hs := "never"
		if p.LastHandshake != nil {
			hs = now.Sub(*p.LastHandshake).Round(time.Second).String() + " ago"
		}
		rows.Rows = append(rows.Rows, []string{p.Gateway, p.Endpoint, strings.Join(p.AllowedIPs, ","), hs, bytesOf(p.RxBytes), bytesOf(p.TxBytes)})
	}
	_ = output.Render(w, output.Table, 0, nil, func() output.Rows { return rows })
}

func bytesOf(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
