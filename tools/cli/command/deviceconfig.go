package command

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
)

// deviceKey returns the device's private key kept in path (0600 in a 0700
// directory), making one the first time. The private key never leaves this
// machine: only its public half is registered.
func deviceKey(path string) (private, public string, made bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return "", "", false, err
		}
		// WireGuard's clamping, as wg genkey does.
		raw[0] &= 248
		raw[31] = (raw[31] & 127) | 64
		private = base64.StdEncoding.EncodeToString(raw)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", "", false, fmt.Errorf("save device key: %w", err)
		}
		if err := os.WriteFile(path, []byte(private+"\n"), 0o600); err != nil {
			return "", "", false, fmt.Errorf("save device key: %w", err)
		}
		made = true
	} else if err != nil {
		return "", "", false, fmt.Errorf("read device key: %w", err)
	} else {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return "", "", false, fmt.Errorf("device key %s is readable by others: chmod 600 it", path)
		}
		private = strings.TrimSpace(string(b))
	}
	raw, err := base64.StdEncoding.DecodeString(private)
	if err != nil || len(raw) != 32 {
		return "", "", false, fmt.Errorf("device key %s is not a WireGuard key", path)
	}
	k, err := ecdh.X25519().NewPrivateKey(raw)
	if err != nil {
		return "", "", false, fmt.Errorf("device key %s: %w", path, err)
	}
	return private, base64.StdEncoding.EncodeToString(k.PublicKey().Bytes()), made, nil
}

func (a *app) deviceConfigCmd() *cobra.Command {
	var keyFile, outFile string
	cmd := &cobra.Command{
		Use:   "config NAME [-o FILE]",
		Short: "Write a wg-quick configuration for this machine as device NAME",
		Long: `config makes this machine's WireGuard key pair on first use (kept in the
CLI's config directory, mode 0600; the private key is never sent), registers
or updates the device NAME with the public key, and writes a wg-quick
configuration whose peers are the team's cluster gateways, to FILE with
-o (mode 0600: it holds the private key) or else to standard output.

Its DNS line makes the gateways this machine's resolvers while the tunnel is
up, with the team's domain to search (api.prod for api.prod.acme.weft.internal);
a gateway answers names when its agent serves DNS on its mesh address, port 53.
For split DNS (only *.weft.internal through the tunnel), see the README's
"Name resolution".`,
		Example: `  weft device config laptop -o weft.conf && sudo wg-quick up ./weft.conf
  weft device config devbox --key-file ~/.weft/devbox.key -o devbox.conf`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := checkName("device", name); err != nil {
				return err
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
			private, public, _, err := deviceKey(keyFile)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			dev, err := a.ensureDevice(ctx, c, ep.Server, name, public)
			if err != nil {
				return err
			}
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
				return explain("list clusters", ep.Server, err)
			}
			if outFile != "" {
				return writeConfigFile(outFile, ep.Team, name, private, dev.Ip, clusters, cmd.ErrOrStderr())
			}
			warnPrivateStdout(cmd.OutOrStdout(), a.o.StdoutIsTerminal, cmd.ErrOrStderr())
			return writeWGConfig(cmd.OutOrStdout(), ep.Team, name, private, dev.Ip, clusters)
		},
	}
	cmd.Flags().StringVar(&keyFile, "key-file", "", "where this machine's private key is kept (default: in the CLI's config directory)")
	// Shadows the global --output (table, json, yaml), which a wg-quick
	// file has no use for.
	cmd.Flags().StringVarP(&outFile, "output", "o", "", "write the configuration to FILE, mode 0600 (default: standard output)")
	return cmd
}

// ensureDevice registers the device with public, or rotates its key to it.
func (a *app) ensureDevice(ctx context.Context, c clientT, server, name, public string) (*api.DeviceFields, error) {
	r, err := api.DeviceByName(ctx, c, name, nil)
	missing := false
	if err != nil {
		if p, ok := api.ProblemOf(err); !ok || p.Code != api.CodeNotFound {
			return nil, explain("find device "+name, server, err)
		}
		missing = true
	}
	if missing || r.Device == nil {
		cr, err := api.CreateDevice(ctx, c, api.CreateDeviceInput{Name: name, PublicKey: public})
		if err != nil {
			return nil, explain("register device "+name, server, err)
		}
		_ = a.recordSeq(cr.CreateDevice.Seq)
		d := cr.CreateDevice.Device.DeviceFields
		return &d, nil
	}
	d := r.Device.DeviceFields
	if d.PublicKey != public {
		rr, err := api.RotateDeviceKey(ctx, c, api.RotateDeviceKeyInput{Id: d.Id, PublicKey: public})
		if err != nil {
			return nil, explain("update the key of device "+name, server, err)
		}
		_ = a.recordSeq(rr.RotateDeviceKey.Seq)
	}
	return &d, nil
}

// writeConfigFile writes the configuration to path with mode 0600, also
// over an existing file that others could read (its mode is fixed first,
// before the key is in it).
func writeConfigFile(path, team, name, private, ip string, clusters []api.ClusterFields, stderr io.Writer) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := writeWGConfig(f, team, name, private, ip, clusters); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(stderr, "Wrote %s (mode 0600: it holds this device's private key).\n", path)
	return nil
}

// warnPrivateStdout warns when the configuration, private key and all, is
// about to land on a terminal (scrollback, screen sharing) or in a file
// others can read (a shell's "> weft.conf" makes one 0644).
func warnPrivateStdout(w io.Writer, terminal bool, stderr io.Writer) {
	if terminal {
		fmt.Fprintln(stderr, "Warning: this prints the device's private key on the terminal; write it to a private file with -o FILE.")
		return
	}
	f, ok := w.(*os.File)
	if !ok {
		return
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	fmt.Fprintf(stderr, "Warning: standard output is a file others can read (mode %04o) and gets the device's private key: chmod 600 it, or use -o FILE.\n", fi.Mode().Perm())
}

// meshZone is the zone every team's names are in.
const meshZone = "weft.internal"

// gatewayResolvers are the mesh addresses of the clusters a device has as
// peers: their agents answer the team's names there.
func gatewayResolvers(clusters []api.ClusterFields) []string {
	var out []string
	for _, c := range clusters {
		if c.PublicKey != nil && c.Endpoint != nil && *c.PublicKey != "" && *c.Endpoint != "" {
			out = append(out, c.GatewayIp)
		}
	}
	return out
}

func writeWGConfig(w io.Writer, team, name, private, ip string, clusters []api.ClusterFields) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# weft device %s of team %s\n[Interface]\nPrivateKey = %s\nAddress = %s/32\n", name, team, private, ip)
	if dns := gatewayResolvers(clusters); len(dns) > 0 {
		// wg-quick hands these to resolvconf: the gateways resolve while
		// the tunnel is up, and the team's domain is searched.
		fmt.Fprintf(&b, "DNS = %s, %s.%s\n", strings.Join(dns, ", "), team, meshZone)
	}
	for _, c := range clusters {
		if c.PublicKey == nil || c.Endpoint == nil || *c.PublicKey == "" || *c.Endpoint == "" {
			fmt.Fprintf(&b, "\n# cluster %s: its agent has not reported its gateway yet\n", c.Name)
			continue
		}
		fmt.Fprintf(&b, "\n[Peer]\n# cluster %s\nPublicKey = %s\nEndpoint = %s\nAllowedIPs = %s/32, %s\nPersistentKeepalive = 25\n",
			c.Name, *c.PublicKey, *c.Endpoint, c.GatewayIp, c.ServiceRange)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
