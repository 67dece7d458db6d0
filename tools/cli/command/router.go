package command

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// parseRoutes reads --route PATH=app:NAME:PORT (or service:NAME:PORT).
func parseRoutes(routes []string) ([]api.RouteInput, error) {
	if len(routes) == 0 {
		return nil, usagef("at least one --route PATH=app:NAME:PORT is needed")
	}
	out := make([]api.RouteInput, 0, len(routes))
	for _, r := range routes {
		path, target, ok := strings.Cut(r, "=")
		parts := strings.Split(target, ":")
		if !ok || !strings.HasPrefix(path, "/") || len(parts) != 3 {
			return nil, usagef("invalid --route %q: want PATH=app:NAME:PORT or PATH=service:NAME:PORT", r)
		}
		var kind api.RouteTargetKind
		switch parts[0] {
		case "app":
			kind = api.RouteTargetKindApp
		case "service":
			kind = api.RouteTargetKindService
		default:
			return nil, usagef("invalid --route %q: the target is app:NAME:PORT or service:NAME:PORT", r)
		}
		if err := checkName(parts[0], parts[1]); err != nil {
			return nil, err
		}
		port, err := strconv.Atoi(parts[2])
		if err != nil || port < 1 || port > 65535 {
			return nil, usagef("invalid --route %q: the port is 1-65535", r)
		}
		out = append(out, api.RouteInput{Path: path, Target: api.RouteTargetInput{Kind: kind, Name: parts[1], Port: port}})
	}
	return out, nil
}

func routerRows(items []api.RouterFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "ENV", "CLUSTER", "DOMAIN", "TLS", "ROUTES", "ADDRESS"}}
	for _, x := range items {
		var routes []string
		for _, r := range x.Routes {
			routes = append(routes, fmt.Sprintf("%s=%s:%s:%d", r.Path, strings.ToLower(string(r.Target.Kind)), r.Target.Name, r.Target.Port))
		}
		addr := "pending"
		switch {
		case x.Status != nil && x.Status.LastError != nil:
			addr = "error: " + *x.Status.LastError
		case x.Status != nil && len(x.Status.Addresses) > 0:
			addr = strings.Join(x.Status.Addresses, ",")
		}
		tls := "no"
		if x.Tls {
			tls = "yes"
		}
		t.Rows = append(t.Rows, []string{x.Name, x.Environment.Name, x.Cluster.Name, x.Domain, tls, strings.Join(routes, " "), addr})
	}
	return t
}

func listRouters(ctx context.Context, c clientT, env string) ([]api.RouterFields, error) {
	var ep *string
	if env != "" {
		ep = &env
	}
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.RouterFields, bool, *string, error) {
		r, err := api.Routers(ctx, c, &n, after, ep, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.RouterFields
		for _, e := range r.Routers.Edges {
			out = append(out, e.Node.RouterFields)
		}
		return out, r.Routers.PageInfo.HasNextPage, r.Routers.PageInfo.EndCursor, nil
	})
}

func (a *app) routerByName(ctx context.Context, c clientT, server, env, name string) (*api.RouterFields, error) {
	if err := checkName("router", name); err != nil {
		return nil, err
	}
	all, err := listRouters(ctx, c, env)
	if err != nil {
		return nil, explain("find router "+name, server, err)
	}
	var found []api.RouterFields
	for _, x := range all {
		if x.Name == name {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return nil, &Error{Err: fmt.Errorf("find router %s: no such router", name), Code: ExitError, Hint: "list routers with: weft router list"}
	case 1:
		return &found[0], nil
	}
	return nil, &Error{Err: fmt.Errorf("find router %s: it exists in several environments", name), Code: ExitUsage, Hint: "name one with --env"}
}

func (a *app) routerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "router",
		Aliases: []string{"routers"},
		Short:   "Create, list, show, update and delete routers (public HTTP entries, rendered as Kubernetes Ingresses)",
		Example: `  weft router create web --env prod --domain shop.example.com --route /=app:frontend:80 --route /api=app:backend:80 --tls
  weft router list
  weft router delete web --env prod`,
	}
	var env, domain string
	var routes []string
	var tls bool
	var wait waitFlags
	create := &cobra.Command{
		Use:   "create NAME --env ENV --domain DOMAIN --route PATH=app:NAME:PORT... [--tls]",
		Short: "Create a router: a domain's HTTP paths to apps (with an image) and run services of an environment",
		Long: `Create a router. In Kubernetes mode the environment's cluster's agent renders it
as an Ingress in the environment's namespace (its ingress class and the issuer
of TLS certificates are the agent's settings) and reports the address the
ingress controller gives it; --wait waits for that address.`,
		Example: `  weft router create web --env prod --domain shop.example.com --route /=app:frontend:80 --route /api=app:backend:80 --tls --wait
  weft router create web --env prod --domain shop.example.com --route /=app:frontend:80`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("router", args[0]); err != nil {
				return err
			}
			if env == "" || domain == "" {
				return usagef("router create needs --env and --domain")
			}
			rs, err := parseRoutes(routes)
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateRouter(cmd.Context(), c, api.CreateRouterInput{Env: env, Name: args[0], Domain: domain, Routes: rs, Tls: &tls})
			if err != nil {
				return explain("create router "+args[0], ep.Server, err)
			}
			x := r.CreateRouter.Router.RouterFields
			if err := a.render(cmd, r.CreateRouter, func() output.Rows { return routerRows([]api.RouterFields{x}) }); err != nil {
				return err
			}
			if err := a.waitApplied(cmd.Context(), c, ep.Server, r.CreateRouter.Seq, wait, []string{x.Cluster.Id}); err != nil {
				return err
			}
			return a.waitRouterAddress(cmd.Context(), c, ep.Server, x.Id, wait)
		},
	}
	create.Flags().StringVar(&env, "env", "", "the environment (required)")
	create.Flags().StringVar(&domain, "domain", "", "the DNS name it answers, e.g. shop.example.com (required)")
	create.Flags().StringArrayVar(&routes, "route", nil, "a path prefix and where it goes: PATH=app:NAME:PORT or PATH=service:NAME:PORT, repeatable (required)")
	create.Flags().BoolVar(&tls, "tls", false, "serve HTTPS with a certificate from the cluster's issuer")
	wait.register(create)

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List routers",
		Example: `  weft router list --env prod -o yaml`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := listRouters(cmd.Context(), c, env)
			if err != nil {
				return explain("list routers", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return routerRows(items) })
		},
	}
	list.Flags().StringVar(&env, "env", "", "only this environment")

	var getAsOf asOfFlags
	get := &cobra.Command{
		Use:   "get NAME [--env ENV] [--as-of TIME|SEQ]",
		Short: "Show a router, now or as of a past time or event sequence",
		Example: `  weft router get web --env prod -o json
  weft router get web --env prod --as-of 2h`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if getAsOf.asOf != "" {
				return getAsOf.show(cmd.Context(), a, cmd, c, ep.Server, "router", args[0], func() (string, error) {
					x, err := a.routerByName(cmd.Context(), c, ep.Server, env, args[0])
					if err != nil {
						return "", err
					}
					return x.Id, nil
				})
			}
			if getAsOf.id != "" {
				return usagef("--id goes with --as-of")
			}
			x, err := a.routerByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, x, func() output.Rows { return routerRows([]api.RouterFields{*x}) })
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	getAsOf.register(get, "router")

	update := &cobra.Command{
		Use:     "update NAME [--env ENV] [--domain DOMAIN] [--route PATH=app:NAME:PORT]... [--tls=false]",
		Short:   "Replace a router's domain, routes or TLS (flags given replace, the rest is kept)",
		Example: `  weft router update web --env prod --route /=app:frontend:80 --route /api=app:backend:80`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.routerByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			in := api.UpdateRouterInput{Id: x.Id, Domain: x.Domain, Tls: &x.Tls}
			for _, r := range x.Routes {
				in.Routes = append(in.Routes, api.RouteInput{Path: r.Path, Target: api.RouteTargetInput{Kind: r.Target.Kind, Name: r.Target.Name, Port: r.Target.Port}})
			}
			fs := cmd.Flags()
			if fs.Changed("domain") {
				in.Domain = domain
			}
			if fs.Changed("tls") {
				in.Tls = &tls
			}
			if fs.Changed("route") {
				if in.Routes, err = parseRoutes(routes); err != nil {
					return err
				}
			}
			r, err := api.UpdateRouter(cmd.Context(), c, in)
			if err != nil {
				return explain("update router "+args[0], ep.Server, err)
			}
			y := r.UpdateRouter.Router.RouterFields
			if err := a.render(cmd, r.UpdateRouter, func() output.Rows { return routerRows([]api.RouterFields{y}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.UpdateRouter.Seq, wait, []string{y.Cluster.Id})
		},
	}
	update.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	update.Flags().StringVar(&domain, "domain", "", "a new domain")
	update.Flags().StringArrayVar(&routes, "route", nil, "the routes, all of them: PATH=app:NAME:PORT or PATH=service:NAME:PORT, repeatable")
	update.Flags().BoolVar(&tls, "tls", false, "serve HTTPS")
	wait.register(update)

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete a router (its Ingress goes)",
		Example: `  weft router delete web --env prod`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.routerByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteRouter(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("delete router "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted router %s %s.\n", args[0], seqNote(r.DeleteRouter.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteRouter.Seq, wait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	wait.register(del)
	history := a.resourceHistoryCmd("router", `  weft router history web --env prod`,
		func(ctx context.Context, c clientT, server, env, name string) (string, error) {
			x, err := a.routerByName(ctx, c, server, env, name)
			if err != nil {
				return "", err
			}
			return x.Id, nil
		})
	cmd.AddCommand(create, list, get, update, del, history)
	return cmd
}

// waitRouterAddress polls a router until its cluster's agent reports an
// address for its Ingress.
func (a *app) waitRouterAddress(ctx context.Context, c clientT, server, id string, w waitFlags) error {
	if !w.wait {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	last := ""
	for {
		r, err := api.Router(ctx, c, id, nil)
		if err != nil && ctx.Err() == nil {
			return explain("wait for the router", server, err)
		}
		if err == nil && r.Router != nil {
			x := r.Router.RouterFields
			row := routerRows([]api.RouterFields{x}).Rows[0]
			line := "router " + x.Name + ": " + row[len(row)-1]
			if line != last {
				fmt.Fprintf(a.o.Stderr, "waiting: %s\n", line)
				last = line
			}
			if x.Status != nil && len(x.Status.Addresses) > 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return &Error{Err: fmt.Errorf("wait for the router: no address after %s: %s", w.timeout, last), Code: ExitError,
				Hint: "the router is recorded; the cluster's ingress controller may not have given it an address (weft router get)"}
		case <-t.C:
		}
	}
}
