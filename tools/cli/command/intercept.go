package command

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func interceptRows(items []api.InterceptFields) output.Rows {
	t := output.Rows{Header: []string{"ID", "APP", "ENV", "PORT", "DEVICE", "TARGET", "ACTIVE", "STARTED BY", "STARTED"}}
	for _, i := range items {
		dev := str(i.DeviceName)
		if i.DeviceGone {
			dev += " (deleted)"
		}
		t.Rows = append(t.Rows, []string{i.Id, i.App.Name, i.App.Environment.Name, fmt.Sprintf("%d/%s", i.Port.Port, i.Port.Protocol), dev, i.Target, yesNo(i.Active), i.StartedBy, ts(i.StartedAt)})
	}
	return t
}

func (a *app) interceptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "intercept",
		Aliases: []string{"intercepts"},
		Short:   "Redirect an app's traffic to a device, and back",
		Example: `  weft intercept start api --env prod --port 80 --device laptop --target-port 3000
  weft intercept list
  weft intercept stop 0193...`,
	}
	var env, port, device string
	var targetPort int
	var wait waitFlags
	start := &cobra.Command{
		Use:   "start APP --port PORT --device DEVICE",
		Short: "Send one port of an app to a device of the team",
		Example: `  weft intercept start api --env prod --port 80 --device laptop
  weft intercept start api --port 8080/http --device laptop --target-port 3000`,
		Args: exactArgs("APP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if port == "" || device == "" {
				return usagef("intercept start needs --port and --device")
			}
			n, proto, err := parsePort(port)
			if err != nil {
				return err
			}
			if err := checkName("device", device); err != nil {
				return err
			}
			if targetPort < 0 || targetPort > 65535 {
				return usagef("invalid --target-port %d: want 1 to 65535", targetPort)
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			d, err := a.deviceByName(cmd.Context(), c, ep.Server, device)
			if err != nil {
				return err
			}
			in := api.StartInterceptInput{AppId: x.Id, Port: n, DeviceId: d.Id}
			// Only name the protocol when given: the API picks the app's
			// one protocol on that port when it is unambiguous.
			if port != fmt.Sprint(n) {
				pr := api.Protocol(proto)
				in.Protocol = &pr
			}
			if targetPort != 0 {
				in.TargetPort = &targetPort
			}
			r, err := api.StartIntercept(cmd.Context(), c, in)
			if err != nil {
				return explain("intercept "+args[0], ep.Server, err)
			}
			i := r.StartIntercept.Intercept.InterceptFields
			if err := a.render(cmd, r.StartIntercept, func() output.Rows { return interceptRows([]api.InterceptFields{i}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.StartIntercept.Seq, wait, []string{x.Cluster.Id})
		},
	}
	start.Flags().StringVar(&env, "env", "", "the app's environment, when its name is in several")
	start.Flags().StringVar(&port, "port", "", "the app's port, optionally with /tcp, /udp or /http")
	start.Flags().StringVar(&device, "device", "", "the device (by name) that receives the traffic")
	start.Flags().IntVar(&targetPort, "target-port", 0, "the port on the device (default: the app's port)")
	wait.register(start)

	stop := &cobra.Command{
		Use:     "stop ID",
		Short:   "End an intercept; traffic goes back to the app's backends",
		Example: `  weft intercept stop 0193...`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.StopIntercept(cmd.Context(), c, args[0])
			if err != nil {
				return explain("stop intercept "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Stopped intercept %s of %s %s.\n", args[0], r.StopIntercept.Intercept.App.Name, seqNote(r.StopIntercept.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.StopIntercept.Seq, wait, nil)
		},
	}
	wait.register(stop)
	var all bool
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List active intercepts, newest first (all with --all)",
		Example: `  weft intercept list
  weft intercept list --all -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.InterceptFields, bool, *string, error) {
				r, err := api.Intercepts(ctx, c, &n, after, &all, nil)
				if err != nil {
					return nil, false, nil, err
				}
				var out []api.InterceptFields
				for _, e := range r.Intercepts.Edges {
					out = append(out, e.Node.InterceptFields)
				}
				return out, r.Intercepts.PageInfo.HasNextPage, r.Intercepts.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list intercepts", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return interceptRows(items) })
		},
	}
	list.Flags().BoolVar(&all, "all", false, "include ended intercepts")
	cmd.AddCommand(start, stop, list)
	return cmd
}
