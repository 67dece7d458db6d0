package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func deviceRows(items []api.DeviceFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "KIND", "IP", "OWNER", "PUBLIC KEY", "ID"}}
	for _, d := range items {
		t.Rows = append(t.Rows, []string{d.Name, string(d.Kind), d.Ip, d.Owner.Username, d.PublicKey, d.Id})
	}
	return t
}

func (a *app) deviceByName(ctx context.Context, c clientT, server, name string) (*api.DeviceFields, error) {
	r, err := api.DeviceByName(ctx, c, name, nil)
	if err != nil {
		return nil, explain("find device "+name, server, err)
	}
	if r.Device == nil {
		return nil, &Error{Err: fmt.Errorf("find device %s: no such device in this team", name), Code: ExitError, Hint: "list devices with: weft device list"}
	}
	return &r.Device.DeviceFields, nil
}

func (a *app) deviceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "device",
		Aliases: []string{"devices"},
		Short:   "Register, list, show and delete devices and workspaces",
		Long: `device manages the team's devices and workspaces. Registering needs only
the WireGuard public key: the private key never leaves the device.`,
		Example: `  weft device create laptop --public-key "$(wg pubkey < private.key)"
  weft device list --kind workspace
  weft device delete laptop`,
	}
	var kind string
	parseKind := func() (*api.DeviceKind, error) {
		if kind == "" {
			return nil, nil
		}
		switch k := api.DeviceKind(strings.ToUpper(kind)); k {
		case api.DeviceKindDevice, api.DeviceKindWorkspace:
			return &k, nil
		}
		return nil, usagef("invalid --kind %q: want device or workspace", kind)
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the team's devices and workspaces",
		Example: `  weft device list
  weft device list --kind workspace -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := parseKind()
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.DeviceFields, bool, *string, error) {
				r, err := api.Devices(ctx, c, &n, after, k, nil)
				if err != nil {
					return nil, false, nil, err
				}
				var out []api.DeviceFields
				for _, e := range r.Devices.Edges {
					out = append(out, e.Node.DeviceFields)
				}
				return out, r.Devices.PageInfo.HasNextPage, r.Devices.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list devices", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return deviceRows(items) })
		},
	}
	list.Flags().StringVar(&kind, "kind", "", "only devices or only workspaces (device, workspace)")

	get := &cobra.Command{
		Use:     "get NAME",
		Short:   "Show a device",
		Example: `  weft device get laptop -o yaml`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("device", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			d, err := a.deviceByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, d, func() output.Rows { return deviceRows([]api.DeviceFields{*d}) })
		},
	}

	var publicKey string
	var wait waitFlags
	create := &cobra.Command{
		Use:   "create NAME --public-key KEY",
		Short: "Register a device or workspace of yours by its WireGuard public key",
		Example: `  weft device create laptop --public-key "$(wg pubkey < private.key)"
  weft device create devbox --kind workspace --public-key hY3...=`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("device", args[0]); err != nil {
				return err
			}
			if err := checkPublicKey(publicKey); err != nil {
				return err
			}
			k, err := parseKind()
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateDevice(cmd.Context(), c, api.CreateDeviceInput{Name: args[0], Kind: k, PublicKey: publicKey})
			if err != nil {
				return explain("register device "+args[0], ep.Server, err)
			}
			d := r.CreateDevice.Device.DeviceFields
			if err := a.render(cmd, r.CreateDevice, func() output.Rows { return deviceRows([]api.DeviceFields{d}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.CreateDevice.Seq, wait, nil)
		},
	}
	create.Flags().StringVar(&publicKey, "public-key", "", "the device's WireGuard public key (base64)")
	create.Flags().StringVar(&kind, "kind", "", "device (default) or workspace")
	wait.register(create)

	rotate := &cobra.Command{
		Use:     "rotate-key NAME --public-key KEY",
		Short:   "Replace a device's public key (its owner or an admin)",
		Example: `  weft device rotate-key laptop --public-key "$(wg pubkey < new.key)"`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("device", args[0]); err != nil {
				return err
			}
			if err := checkPublicKey(publicKey); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			d, err := a.deviceByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			r, err := api.RotateDeviceKey(cmd.Context(), c, api.RotateDeviceKeyInput{Id: d.Id, PublicKey: publicKey})
			if err != nil {
				return explain("rotate the key of device "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Rotated the key of device %s %s.\n", args[0], seqNote(r.RotateDeviceKey.Seq))
			return nil
		},
	}
	rotate.Flags().StringVar(&publicKey, "public-key", "", "the new WireGuard public key (base64)")

	del := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a device (its owner or an admin)",
		Example: `  weft device delete laptop`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("device", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			d, err := a.deviceByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteDevice(cmd.Context(), c, d.Id)
			if err != nil {
				return explain("delete device "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted device %s %s.\n", args[0], seqNote(r.DeleteDevice.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteDevice.Seq, wait, nil)
		},
	}
	wait.register(del)
	cmd.AddCommand(create, list, get, rotate, del, a.deviceConfigCmd(), a.deviceConnectCmd(), a.deviceStatusCmd())
	return cmd
}
