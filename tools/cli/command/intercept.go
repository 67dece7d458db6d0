package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// interceptRows shows intercepts by names; wide adds the intercept's id.
func interceptRows(items []api.InterceptFields, wide bool) output.Rows {
	t := output.Rows{Header: []string{"APP", "ENV", "PORT", "DEVICE", "TARGET", "ACTIVE", "STARTED BY", "STARTED"}}
	if wide {
		t.Header = append(t.Header, "ID")
	}
	for _, i := range items {
		dev := str(i.DeviceName)
		if i.DeviceGone {
			dev += " (deleted)"
		}
		by := i.StartedBy
		if i.StartedByUser != nil {
			by = i.StartedByUser.Username
		}
		row := []string{i.App.Name, i.App.Environment.Name, fmt.Sprintf("%d/%s", i.Port.Port, i.Port.Protocol), dev, i.Target, yesNo(i.Active), by, ts(i.StartedAt)}
		if wide {
			row = append(row, i.Id)
		}
		t.Rows = append(t.Rows, row)
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
  weft intercept stop api --env prod`,
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
			if err := a.render(cmd, r.StartIntercept, func() output.Rows { return interceptRows([]api.InterceptFields{i}, a.global.wide) }); err != nil {
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

	var stopPort string
	stop := &cobra.Command{
		Use:   "stop APP|ID [--env ENV] [--port PORT]",
		Short: "End an intercept; traffic goes back to the app's backends",
		Long: `stop ends an app's active intercept, named by the app (with --env when the
name is in several environments, and --port when the app has several
intercepts), or by the intercept's id as weft intercept list --wide shows it.`,
		Example: `  weft intercept stop api --env prod
  weft intercept stop api --env prod --port 80`,
		Args: exactArgs("APP|ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if !looksLikeID(id) {
				if err := checkName("app", id); err != nil {
					return err
				}
			}
			var portN int
			var proto string
			if stopPort != "" {
				n, pr, err := parsePort(stopPort)
				if err != nil {
					return err
				}
				portN, proto = n, pr
				if stopPort == fmt.Sprint(n) {
					proto = "" // any protocol on that port
				}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if !looksLikeID(id) {
				i, err := a.activeIntercept(cmd.Context(), c, ep.Server, env, args[0], portN, proto)
				if err != nil {
					return err
				}
				id = i.Id
			}
			r, err := api.StopIntercept(cmd.Context(), c, id)
			if err != nil {
				return explain("stop intercept "+args[0], ep.Server, err)
			}
			i := r.StopIntercept.Intercept
			fmt.Fprintf(cmd.OutOrStdout(), "Stopped intercept %s of %s/%s port %d %s.\n", i.Id, i.App.Environment.Name, i.App.Name, i.Port.Port, seqNote(r.StopIntercept.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.StopIntercept.Seq, wait, nil)
		},
	}
	stop.Flags().StringVar(&env, "env", "", "the app's environment, when its name is in several")
	stop.Flags().StringVar(&stopPort, "port", "", "the intercepted port, when the app has several intercepts")
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
			items, err := listIntercepts(cmd.Context(), c, all)
			if err != nil {
				return explain("list intercepts", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return interceptRows(items, a.global.wide) })
		},
	}
	list.Flags().BoolVar(&all, "all", false, "include ended intercepts")
	cmd.AddCommand(start, stop, list)
	return cmd
}

// listIntercepts reads every intercept, ended ones too with all.
func listIntercepts(ctx context.Context, c clientT, all bool) ([]api.InterceptFields, error) {
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.InterceptFields, bool, *string, error) {
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
}

// activeIntercept finds the one active intercept of an app (by name, as
// appByName finds it), on port when port is not 0 (and protocol when
// proto is set).
func (a *app) activeIntercept(ctx context.Context, c clientT, server, env, appName string, port int, proto string) (*api.InterceptFields, error) {
	x, err := a.appByName(ctx, c, server, env, appName)
	if err != nil {
		return nil, err
	}
	items, err := listIntercepts(ctx, c, false)
	if err != nil {
		return nil, explain("find intercepts of "+appName, server, err)
	}
	var found []api.InterceptFields
	for _, i := range items {
		if i.App.Id != x.Id || !i.Active {
			continue
		}
		if port != 0 && (i.Port.Port != port || (proto != "" && string(i.Port.Protocol) != proto)) {
			continue
		}
		found = append(found, i)
	}
	what := fmt.Sprintf("%s/%s", x.Environment.Name, x.Name)
	switch len(found) {
	case 0:
		on := ""
		if port != 0 {
			on = fmt.Sprintf(" on port %d", port)
		}
		return nil, &Error{Err: fmt.Errorf("find intercept of %s: no active intercept%s", what, on), Code: ExitError, Hint: "list intercepts with: weft intercept list"}
	case 1:
		return &found[0], nil
	}
	var ports []string
	for _, i := range found {
		ports = append(ports, fmt.Sprintf("%d/%s", i.Port.Port, strings.ToLower(string(i.Port.Protocol))))
	}
	return nil, &Error{Err: fmt.Errorf("find intercept of %s: it has several (ports %s)", what, strings.Join(ports, ", ")), Code: ExitUsage, Hint: "name one with --port"}
}
