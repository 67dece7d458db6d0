package command

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/agent/wireguard"
	"weft.dev/events/clusterstate"
	"weft.dev/tools/cli/api"
)

// meshPrefix is every weft address; the device routes it into its tunnel.
const meshPrefix = "100.64.0.0/10"

func (a *app) deviceConnectCmd() *cobra.Command {
	var keyFile, iface string
	var port int
	var every time.Duration
	var netstack bool
	cmd := &cobra.Command{
		Use:   "connect NAME",
		Short: "Bring this machine into the team network as device NAME (userspace WireGuard)",
		Long: `connect makes this machine's key pair on first use (the private key never
leaves it), registers the public key for device NAME, and runs a WireGuard
interface (wireguard-go, in this process; needs root) whose peers are the
team's cluster gateways. It keeps the peers in sync while it runs and prints
what changes. Stop it with Ctrl-C.`,
		Example: `  sudo weft device connect laptop
  sudo weft device connect laptop --interface weft1 --sync-every 2s`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := checkName("device", name); err != nil {
				return err
			}
			if netstack {
				return &Error{Err: fmt.Errorf("--netstack is not built yet"), Code: ExitUsage, Hint: "run as root without --netstack, or use weft device config with your own WireGuard"}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if keyFile == "" {
				p, err := a.configPath()
				if err != nil {
					return err
				}
				keyFile = filepath.Join(filepath.Dir(p), "keys", ep.Team+"-"+name+".key")
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
			wg, err := wireguard.Open(wireguard.Config{Interface: iface, KeyFile: keyFile, ListenPort: port})
			if err != nil {
				return &Error{Err: err, Code: ExitError, Hint: "connect needs root (or use weft device config with your own WireGuard)"}
			}
			defer wg.Close()
			if err := wg.SetSelf(clusterstate.Self{Address: dev.Ip + "/32", MeshRoutes: []string{meshPrefix}}); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "device %s is %s on %s\n", name, dev.Ip, iface)
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			have := map[string]clusterstate.Peer{}
			for {
				if err := a.syncGateways(ctx, c, ep.Server, wg, have, func(line string) { fmt.Fprintln(out, line) }); err != nil && ctx.Err() == nil {
					fmt.Fprintln(cmd.ErrOrStderr(), "sync:", err)
				}
				select {
				case <-ctx.Done():
					fmt.Fprintln(out, "disconnected")
					return nil
				case <-time.After(every):
				}
			}
		},
	}
	cmd.Flags().StringVar(&keyFile, "key-file", "", "where this machine's private key is kept (default: in the CLI's config directory)")
	cmd.Flags().StringVar(&iface, "interface", "weft0", "the WireGuard interface to create")
	cmd.Flags().IntVar(&port, "listen-port", 0, "UDP port (0: any)")
	cmd.Flags().DurationVar(&every, "sync-every", 5*time.Second, "how often to refresh the gateways")
	cmd.Flags().BoolVar(&netstack, "netstack", false, "rootless userspace networking (not built yet)")
	return cmd
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
