package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func parseServiceKind(s string) (api.ServiceKind, error) {
	k := api.ServiceKind(strings.ToUpper(s))
	for _, v := range api.AllServiceKind {
		if k == v {
			return k, nil
		}
	}
	return "", usagef("invalid --kind %q: want one of postgres, mysql, redis, mongodb, kafka, rabbitmq, elasticsearch, other", s)
}

func serviceRows(items []api.ServiceFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "KIND", "ENV", "CLUSTER", "SERVICE IP", "PORTS", "BACKENDS"}}
	for _, x := range items {
		t.Rows = append(t.Rows, []string{x.Name, strings.ToLower(string(x.Kind)), x.Environment.Name, x.Cluster.Name, x.ServiceIp, portsString(x.Spec.Ports), strings.Join(x.Spec.Backends, ",")})
	}
	return t
}

func listServices(ctx context.Context, c clientT, env string, kind *api.ServiceKind) ([]api.ServiceFields, error) {
	var ep *string
	if env != "" {
		ep = &env
	}
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.ServiceFields, bool, *string, error) {
		r, err := api.Services(ctx, c, &n, after, ep, kind, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.ServiceFields
		for _, e := range r.Services.Edges {
			out = append(out, e.Node.ServiceFields)
		}
		return out, r.Services.PageInfo.HasNextPage, r.Services.PageInfo.EndCursor, nil
	})
}

func (a *app) serviceByName(ctx context.Context, c clientT, server, env, name string) (*api.ServiceFields, error) {
	if err := checkName("service", name); err != nil {
		return nil, err
	}
	all, err := listServices(ctx, c, env, nil)
	if err != nil {
		return nil, explain("find service "+name, server, err)
	}
	var found []api.ServiceFields
	for _, x := range all {
		if x.Name == name {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return nil, &Error{Err: fmt.Errorf("find service %s: no such managed service", name), Code: ExitError, Hint: "list services with: weft service list"}
	case 1:
		return &found[0], nil
	}
	return nil, &Error{Err: fmt.Errorf("find service %s: it exists in several environments", name), Code: ExitUsage, Hint: "name one with --env"}
}

func (a *app) serviceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "service",
		Aliases: []string{"services", "svc"},
		Short:   "Create, list, show, update and delete managed services (databases, queues, ...)",
		Example: `  weft service create db --env prod --kind postgres --port 5432 --backend 10.0.0.20:5432
  weft service list --kind postgres
  weft service delete db --env prod`,
	}
	var env, kind string
	var spec specFlags
	var wait waitFlags
	create := &cobra.Command{
		Use:     "create NAME --env ENV --kind KIND --port PORT [--backend HOST:PORT]...",
		Short:   "Create a managed service with a stable service IP",
		Example: `  weft service create db --env prod --kind postgres --port 5432 --backend 10.0.0.20:5432`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("service", args[0]); err != nil {
				return err
			}
			if env == "" {
				return usagef("service create needs --env")
			}
			if err := checkName("environment", env); err != nil {
				return err
			}
			k, err := parseServiceKind(kind)
			if err != nil {
				return err
			}
			in, err := spec.input()
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateService(cmd.Context(), c, api.CreateServiceInput{Env: env, Name: args[0], Kind: k, Spec: in})
			if err != nil {
				return explain("create service "+args[0], ep.Server, err)
			}
			x := r.CreateService.Service.ServiceFields
			if err := a.render(cmd, r.CreateService, func() output.Rows { return serviceRows([]api.ServiceFields{x}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.CreateService.Seq, wait, []string{x.Cluster.Id})
		},
	}
	create.Flags().StringVar(&env, "env", "", "the environment (required)")
	create.Flags().StringVar(&kind, "kind", "", "postgres, mysql, redis, mongodb, kafka, rabbitmq, elasticsearch or other (required)")
	spec.register(create.Flags())
	wait.register(create)

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List managed services",
		Example: `  weft service list --env prod --kind redis`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var kp *api.ServiceKind
			if kind != "" {
				k, err := parseServiceKind(kind)
				if err != nil {
					return err
				}
				kp = &k
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := listServices(cmd.Context(), c, env, kp)
			if err != nil {
				return explain("list services", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return serviceRows(items) })
		},
	}
	list.Flags().StringVar(&env, "env", "", "only this environment")
	list.Flags().StringVar(&kind, "kind", "", "only this kind")

	get := &cobra.Command{
		Use:     "get NAME [--env ENV]",
		Short:   "Show a managed service",
		Example: `  weft service get db --env prod -o yaml`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, x, func() output.Rows { return serviceRows([]api.ServiceFields{*x}) })
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")

	update := &cobra.Command{
		Use:     "update NAME [--env ENV] [--kind KIND] --port PORT [--backend HOST:PORT]...",
		Short:   "Replace a managed service's kind and network shape",
		Example: `  weft service update db --env prod --port 5432 --backend 10.0.0.21:5432`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := spec.input()
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			k := x.Kind
			if kind != "" {
				if k, err = parseServiceKind(kind); err != nil {
					return err
				}
			}
			r, err := api.UpdateService(cmd.Context(), c, api.UpdateServiceInput{Id: x.Id, Kind: k, Spec: in})
			if err != nil {
				return explain("update service "+args[0], ep.Server, err)
			}
			y := r.UpdateService.Service.ServiceFields
			if err := a.render(cmd, r.UpdateService, func() output.Rows { return serviceRows([]api.ServiceFields{y}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.UpdateService.Seq, wait, []string{y.Cluster.Id})
		},
	}
	update.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	update.Flags().StringVar(&kind, "kind", "", "a new kind (default: unchanged)")
	spec.register(update.Flags())
	wait.register(update)

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete a managed service",
		Example: `  weft service delete db --env prod`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteService(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("delete service "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted service %s %s.\n", args[0], seqNote(r.DeleteService.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteService.Seq, wait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	wait.register(del)
	cmd.AddCommand(create, list, get, update, del)
	return cmd
}
