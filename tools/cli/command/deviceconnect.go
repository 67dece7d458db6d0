package command

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/tools/cli/api"
)

// meshPrefix is every weft address; the device routes it into its tunnel.
const meshPrefix = "100.64.0.0/10"

// lostConfirm is how long a device must stay deleted or re-keyed before
// connect gives up its tunnel.
const lostConfirm = 3 * time.Second

func (a *app) deviceConnectCmd() *cobra.Command {
	var keyFile, iface, socksAddr string
	var port int
	var every time.Duration
	var netstack bool
	var expose []int
	cmd := &cobra.Command{
		Use:   "connect NAME",
		Short: "Bring this machine into the team network as device NAME (WireGuard)",
		Long: `connect makes this machine's key pair on first use (the private key never
leaves it), registers the public key for device NAME, and brings up a
WireGuard tunnel whose peers are the team's cluster gateways: a kernel
WireGuard interface where the kernel has it, else wireguard-go in this
process (both need root), or with --netstack a rootless userspace tunnel
that local programs use through a SOCKS5 proxy (--socks) and that forwards
connections to this device's mesh address to local ports (--expose, for
intercepts). Gateways are kept in sync as they change (a live subscription,
with --sync-every as the fallback poll); weft device status shows the tunnel
from another terminal. If the device is deleted, or registered with another
key from elsewhere, connect ends with exit code 1. Stop it with Ctrl-C.

With an interface (not --netstack), connect also routes the names under
weft.internal to the gateways where the system allows it per interface
(systemd-resolved, through resolvectl) and says what it did; other names
resolve as before.`,
		Example: `  sudo weft device connect laptop
  sudo weft device connect laptop --interface weft1
  weft device connect laptop --netstack --socks 127.0.0.1:1080 --expose 3000
  curl --socks5-hostname 127.0.0.1:1080 http://api.prod.acme.weft.internal/`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := checkName("device", name); err != nil {
				return err
			}
			for _, p := range expose {
				if p < 1 || p > 65535 {
					return usage(fmt.Errorf("--expose %d: a port is 1-65535", p))
				}
			}
			if !netstack && (cmd.Flags().Changed("socks") || len(expose) > 0) {
				return usage(errors.New("--socks and --expose need --netstack (a kernel or TUN interface is reachable directly)"))
			}
			if socksAddr != "" {
				if _, _, err := net.SplitHostPort(socksAddr); err != nil {
					return usage(fmt.Errorf("--socks %q: want host:port", socksAddr))
				}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			cfgPath, err := a.configPath()
			if err != nil {
				return err
			}
			if keyFile == "" {
				keyFile = filepath.Join(filepath.Dir(cfgPath), "keys", ep.Team+"-"+name+".key")
			}
			if _, public, _, err := deviceKey(keyFile); err != nil {
				return err
			} else if _, err := a.ensureDevice(cmd.Context(), c, ep.Server, name, public); err != nil {
				return err
			}
			dev, err := a.deviceByName(cmd.Context(), c, ep.Server, name)
			if err != nil {
				return err
			}
			wg, mode, err := openTunnel(wireguard.Config{Interface: iface, KeyFile: keyFile, ListenPort: port}, netstack)
			if err != nil {
				return err
			}
			defer wg.Close()
			if err := wg.SetSelf(clusterstate.Self{Address: dev.Ip + "/32", MeshRoutes: []string{meshPrefix}}); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			where := iface
			if netstack {
				where = "a userspace network (no interface)"
			}
			fmt.Fprintf(out, "device %s is %s on %s (%s)\n", name, dev.Ip, where, mode)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			st := &connectStatus{Device: name, Team: ep.Team, Address: dev.Ip, Mode: mode, Interface: where, PID: os.Getpid()}
			if netstack {
				if err := a.serveNetstack(ctx, wg, dev.Ip, socksAddr, expose, st, out); err != nil {
					return err
				}
			}
			statusFile := statusPath(cfgPath, ep.Team, name)
			defer os.Remove(statusFile)
			changed := make(chan struct{}, 1)
			go watchGateways(ctx, ep, changed, st)
			have := map[string]clusterstate.Peer{}
			// sync returns an error only when this tunnel can no longer
			// work: the device was deleted or took another key elsewhere,
			// as seen twice lostConfirm apart (a server replaying its log
			// after a restart may briefly not know the device yet).
			var lostSince time.Time
			var recheck <-chan time.Time
			var names *splitDNS
			if !netstack {
				names = newSplitDNS(iface, ep.Team)
			}
			sync := func() error {
				if err := a.syncGateways(ctx, c, ep.Server, wg, have, func(line string) { fmt.Fprintln(out, line) }); err != nil && ctx.Err() == nil {
					fmt.Fprintln(cmd.ErrOrStderr(), "sync:", err)
				}
				if names != nil {
					if said, err := names.set(ctx, gatewayIPs(have)); err != nil && ctx.Err() == nil {
						fmt.Fprintln(cmd.ErrOrStderr(), err)
					} else if said != "" {
						fmt.Fprintln(out, said)
					}
				}
				writeStatus(statusFile, st, wg, have)
				err := stillThisDevice(ctx, c, name, wg.PublicKey())
				switch {
				case err == nil:
					lostSince, recheck = time.Time{}, nil
				case lostSince.IsZero():
					lostSince, recheck = time.Now(), time.After(lostConfirm)
				case time.Since(lostSince) >= lostConfirm:
					return err
				}
				return nil
			}
			if err := sync(); err != nil {
				return err
			}
			poll, tick := time.NewTicker(every), time.NewTicker(2*time.Second)
			defer poll.Stop()
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					fmt.Fprintln(out, "disconnected")
					return nil
				case <-changed:
					if err := sync(); err != nil {
						return err
					}
				case <-poll.C:
					if err := sync(); err != nil {
						return err
					}
				case <-recheck:
					recheck = nil
					if err := sync(); err != nil {
						return err
					}
				case <-tick.C:
					writeStatus(statusFile, st, wg, have)
				}
			}
		},
	}
	cmd.Flags().StringVar(&keyFile, "key-file", "", "where this machine's private key is kept (default: in the CLI's config directory)")
	cmd.Flags().StringVar(&iface, "interface", "weft0", "the WireGuard interface to create")
	cmd.Flags().IntVar(&port, "listen-port", 0, "UDP port (0: any)")
	cmd.Flags().DurationVar(&every, "sync-every", 30*time.Second, "how often to re-read the gateways besides the live subscription")
	cmd.Flags().BoolVar(&netstack, "netstack", false, "rootless: a userspace tunnel with no interface, used through --socks and --expose")
	cmd.Flags().StringVar(&socksAddr, "socks", "127.0.0.1:1080", "with --netstack: a SOCKS5 proxy into the team network here")
	cmd.Flags().IntSliceVar(&expose, "expose", nil, "with --netstack: forward connections to this device's mesh address on PORT to 127.0.0.1:PORT (repeatable)")
	return cmd
}

// gatewayIPs are the mesh addresses of the gateways a device has as peers
// (each peer's first AllowedIPs entry is its gateway's /32).
func gatewayIPs(have map[string]clusterstate.Peer) []string {
	var out []string
	for _, p := range have {
		if len(p.AllowedIPs) > 0 {
			out = append(out, strings.TrimSuffix(p.AllowedIPs[0], "/32"))
		}
	}
	return out
}

// openTunnel picks the tunnel: netstack when asked, else kernel WireGuard
// where the kernel has it, else wireguard-go.
func openTunnel(cfg wireguard.Config, netstack bool) (*wireguard.Device, string, error) {
	if netstack {
		d, err := wireguard.OpenNetstack(cfg)
		if err != nil {
			return nil, "", err
		}
		return d, "userspace netstack, rootless", nil
	}
	d, kerr := wireguard.OpenKernel(cfg)
	if kerr == nil {
		return d, "kernel WireGuard", nil
	}
	d, err := wireguard.Open(cfg)
	if err != nil {
		return nil, "", &Error{Err: err, Code: ExitError, Hint: "connect needs root for an interface; without root use --netstack, or weft device config with your own WireGuard"}
	}
	mode := "wireguard-go (userspace)"
	if !errors.Is(kerr, wireguard.ErrNoKernel) {
		mode += ", kernel WireGuard failed: " + kerr.Error()
	}
	return d, mode, nil
}

// gatewayEvents change what a device's tunnel needs.
// So does this device being deleted or given another key elsewhere.
var gatewayEvents = []string{"infra.cluster.created", "infra.cluster.deleted", "infra.cluster.enrolled", "infra.cluster.gateway-reported",
	"infra.device.deleted", "infra.device.key-rotated"}

// watchGateways signals changed for every event that moves a gateway, over
// the team's live event subscription; it reconnects with backoff, and the
// caller's poll covers the gaps.
func watchGateways(ctx context.Context, ep api.Endpoint, changed chan<- struct{}, st *connectStatus) {
	backoff := time.Second
	for ctx.Err() == nil {
		began := time.Now()
		err := subscribeGateways(ctx, ep, changed, st)
		st.setLive(false, err)
		if time.Since(began) > time.Minute {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

func subscribeGateways(ctx context.Context, ep api.Endpoint, changed chan<- struct{}, st *connectStatus) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws, err := api.NewSubscriber(ep)
	if err != nil {
		return err
	}
	errs, err := ws.Start(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	events, _, err := api.TeamEvents(ctx, ws, gatewayEvents, nil, nil)
	if err != nil {
		return err
	}
	st.setLive(true, nil)
	// Anything missed while the subscription was down is read now.
	notify(changed)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-errs:
			if !ok {
				return errors.New("subscription closed")
			}
			if err != nil {
				return err
			}
		case msg, ok := <-events:
			if !ok {
				return errors.New("subscription closed")
			}
			if len(msg.Errors) > 0 {
				return msg.Errors
			}
			notify(changed)
		}
	}
}

func notify(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// stillThisDevice says why the tunnel cannot go on when device name was
// deleted or registered another key meanwhile (gateways would drop this
// machine's packets). A failed read is not that: the poll tries again.
func stillThisDevice(ctx context.Context, c clientT, name, public string) error {
	r, err := api.DeviceByName(ctx, c, name, nil)
	if err != nil {
		if p, ok := api.ProblemOf(err); !ok || p.Code != api.CodeNotFound {
			return nil
		}
	}
	if err != nil || r.Device == nil {
		return &Error{Err: fmt.Errorf("device %s was deleted; disconnected", name), Code: ExitError, Hint: "run weft device connect " + name + " again to register it anew"}
	}
	if r.Device.PublicKey != public {
		return &Error{Err: fmt.Errorf("device %s now has another key (connected from another machine?); disconnected", name), Code: ExitError,
			Hint: "each machine needs its own device name: weft device connect OTHER-NAME"}
	}
	return nil
}

// syncGateways makes the interface's peers the team's reported gateways.
func (a *app) syncGateways(ctx context.Context, c clientT, server string, wg *wireguard.Device, have map[string]clusterstate.Peer, say func(string)) error {
	clusters, err := collect(ctx, func(ctx context.Context, n int, after *string) ([]api.ClusterFields, bool, *string, error) {
		r, err := api.Clusters(ctx, c, &n, after, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.ClusterFields
		for _, e := range r.Clusters.Edges {
			out = append(out, e.Node.ClusterFields)
		}
		return out, r.Clusters.PageInfo.HasNextPage, r.Clusters.PageInfo.EndCursor, nil
	})
	if err != nil {
		return explain("list clusters", server, err)
	}
	want := map[string]clusterstate.Peer{}
	names := map[string]string{}
	for _, cl := range clusters {
		if cl.PublicKey == nil || cl.Endpoint == nil || *cl.PublicKey == "" || *cl.Endpoint == "" {
			continue
		}
		want[cl.Id] = clusterstate.Peer{ID: cl.Id, Kind: "gateway", Name: cl.Name, PublicKey: *cl.PublicKey,
			AllowedIPs: []string{cl.GatewayIp + "/32", cl.ServiceRange}, Endpoint: *cl.Endpoint, Keepalive: 25}
		names[cl.Id] = cl.Name
	}
	for id, p := range want {
		if old, ok := have[id]; ok && old.PublicKey == p.PublicKey && old.Endpoint == p.Endpoint && old.AllowedIPs[1] == p.AllowedIPs[1] {
			continue
		}
		if err := wg.UpsertPeer(p); err != nil {
			return err
		}
		have[id] = p
		say(fmt.Sprintf("gateway %s (%s) via %s", names[id], p.AllowedIPs[1], p.Endpoint))
	}
	for id, p := range have {
		if _, ok := want[id]; !ok {
			if err := wg.RemovePeer(id); err != nil {
				return err
			}
			delete(have, id)
			say("gateway " + p.Name + " gone")
		}
	}
	return nil
}
