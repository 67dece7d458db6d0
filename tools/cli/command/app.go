package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// specFlags are the flags that describe an app's or service's network
// shape; update replaces the whole spec, as the API does.
type specFlags struct {
	fs                   *pflag.FlagSet
	ports, backends      []string
	lb, healthType, path string
	// containerPorts allows PORT:CONTAINERPORT (apps with an image).
	containerPorts bool
}

func (s *specFlags) register(fs *pflag.FlagSet) {
	portHelp := "port with optional protocol, repeatable: 80, 53/udp, 8080/http"
	if s.containerPorts {
		portHelp += "; with --image, the container's port after ':' (80:8080/http)"
	}
	fs.StringSliceVar(&s.ports, "port", nil, portHelp)
	fs.StringSliceVar(&s.backends, "backend", nil, "backend host:port, repeatable")
	fs.StringVar(&s.lb, "lb", "", "load balancing: round-robin (default), random or failover")
	fs.StringVar(&s.healthType, "health", "", "health check: tcp (default) or http")
	fs.StringVar(&s.path, "health-path", "", "path of the HTTP health check")
}

func (s *specFlags) input() (api.SpecInput, error) {
	var in api.SpecInput
	if len(s.ports) == 0 {
		return in, usagef("at least one --port is needed")
	}
	for _, p := range s.ports {
		n, proto, cp, err := parsePortMap(p)
		if err != nil {
			return in, err
		}
		if cp != 0 && !s.containerPorts {
			return in, usagef("invalid port %q: only an app with an image has a container port", p)
		}
		pr := api.Protocol(proto)
		in.Ports = append(in.Ports, api.PortInput{Port: n, Protocol: &pr})
	}
	in.Backends = []string{}
	for _, b := range s.backends {
		if err := checkBackend(b); err != nil {
			return in, err
		}
		in.Backends = append(in.Backends, b)
	}
	if s.lb != "" {
		lb := api.LBMode(strings.ToUpper(strings.ReplaceAll(s.lb, "-", "_")))
		switch lb {
		case api.LBModeRoundRobin, api.LBModeRandom, api.LBModeFailover:
		default:
			return in, usagef("invalid --lb %q: want round-robin, random or failover", s.lb)
		}
		in.Lb = &lb
	}
	if s.healthType != "" || s.path != "" {
		h := &api.HealthCheckInput{}
		if s.healthType != "" {
			t := api.HealthCheckType(strings.ToUpper(s.healthType))
			if t != api.HealthCheckTypeTcp && t != api.HealthCheckTypeHttp {
				return in, usagef("invalid --health %q: want tcp or http", s.healthType)
			}
			h.Type = &t
		}
		if s.path != "" {
			if !strings.HasPrefix(s.path, "/") {
				return in, usagef("invalid --health-path %q: must start with /", s.path)
			}
			h.Path = &s.path
		}
		in.Health = h
	}
	return in, nil
}

// over is the app's current spec with the given flags put over it.
func (s *specFlags) over(cur api.AppFieldsSpec) (api.SpecInput, error) {
	in := api.SpecInput{Backends: append([]string{}, cur.Backends...)}
	for _, p := range cur.Ports {
		pr := p.Protocol
		in.Ports = append(in.Ports, api.PortInput{Port: p.Port, Protocol: &pr})
	}
	lb := cur.Lb
	in.Lb = &lb
	h := cur.Health
	in.Health = &api.HealthCheckInput{Type: &h.Type, Path: h.Path, IntervalSeconds: &h.IntervalSeconds, TimeoutSeconds: &h.TimeoutSeconds,
		HealthyThreshold: &h.HealthyThreshold, UnhealthyThreshold: &h.UnhealthyThreshold}
	if len(s.ports) == 0 && !s.fs.Changed("backend") && s.lb == "" && s.healthType == "" && s.path == "" {
		return in, nil
	}
	// Parse the flags with a port list (the current one when none given).
	given := *s
	if len(given.ports) == 0 {
		for _, p := range cur.Ports {
			given.ports = append(given.ports, fmt.Sprintf("%d/%s", p.Port, strings.ToLower(string(p.Protocol))))
		}
	}
	parsed, err := given.input()
	if err != nil {
		return in, err
	}
	in.Ports = parsed.Ports
	if s.fs.Changed("backend") {
		in.Backends = parsed.Backends
	}
	if parsed.Lb != nil {
		in.Lb = parsed.Lb
	}
	if parsed.Health != nil {
		// A new check type starts from its defaults.
		if parsed.Health.Type != nil && *parsed.Health.Type != h.Type {
			in.Health = parsed.Health
		} else if parsed.Health.Path != nil {
			in.Health.Path = parsed.Health.Path
		}
	}
	return in, nil
}

// backingFlags is the workload and export an app gets from the flags,
// over its current ones (nil when it has none).
func backingFlags(wl *workloadFlags, ports []string, cur *api.WorkloadInput, export *api.ServiceRefInput) (*api.WorkloadInput, *api.ServiceRefInput, error) {
	maps, err := portMaps(ports)
	if err != nil {
		return nil, nil, err
	}
	if wl.changed("service") {
		if wl.anyWorkload() {
			return nil, nil, usagef("--service exports an existing Service; it does not take --image or other container flags")
		}
		ref, err := wl.serviceRef()
		if err != nil {
			return nil, nil, err
		}
		return nil, ref, nil
	}
	if !wl.anyWorkload() {
		if cur != nil && len(ports) > 0 {
			cur.Ports = maps
		}
		if cur == nil && len(maps) > 0 {
			return nil, nil, usagef("a container port (PORT:CONTAINERPORT) needs --image")
		}
		return cur, export, nil
	}
	w, err := wl.apply(cur, maps, len(ports) > 0)
	if err != nil {
		return nil, nil, err
	}
	return w, nil, nil
}

func portsString(ps []api.SpecFieldsPortsPort) string {
	var out []string
	for _, p := range ps {
		s := fmt.Sprint(p.Port)
		if p.Protocol != api.ProtocolTcp {
			s += "/" + strings.ToLower(string(p.Protocol))
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func appRows(items []api.AppFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "ENV", "CLUSTER", "SERVICE IP", "PORTS", "BACKENDS", "READY", "INTERCEPTED"}}
	for _, x := range items {
		icpt := "-"
		if n := len(x.ActiveIntercepts); n > 0 {
			var parts []string
			for _, i := range x.ActiveIntercepts {
				parts = append(parts, fmt.Sprintf("%d→%s", i.Port.Port, first(str(i.DeviceName), i.Target)))
			}
			icpt = strings.Join(parts, ",")
		}
		t.Rows = append(t.Rows, []string{x.Name, x.Environment.Name, x.Cluster.Name, x.ServiceIp, portsString(x.Spec.Ports), backingString(x), readyString(x), icpt})
	}
	return t
}

// listApps reads every app, of one environment when env is set.
func listApps(ctx context.Context, c clientT, env string) ([]api.AppFields, error) {
	var ep *string
	if env != "" {
		ep = &env
	}
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.AppFields, bool, *string, error) {
		r, err := api.Apps(ctx, c, &n, after, ep, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.AppFields
		for _, e := range r.Apps.Edges {
			out = append(out, e.Node.AppFields)
		}
		return out, r.Apps.PageInfo.HasNextPage, r.Apps.PageInfo.EndCursor, nil
	})
}

// appByName finds an app by name; names are unique per environment, so a
// name in several environments needs --env.
func (a *app) appByName(ctx context.Context, c clientT, server, env, name string) (*api.AppFields, error) {
	if err := checkName("app", name); err != nil {
		return nil, err
	}
	if env != "" {
		if err := checkName("environment", env); err != nil {
			return nil, err
		}
	}
	apps, err := listApps(ctx, c, env)
	if err != nil {
		return nil, explain("find app "+name, server, err)
	}
	var found []api.AppFields
	for _, x := range apps {
		if x.Name == name {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		where := "this team"
		if env != "" {
			where = "environment " + env
		}
		return nil, &Error{Err: fmt.Errorf("find app %s: no such app in %s", name, where), Code: ExitError, Hint: "list apps with: weft app list"}
	case 1:
		return &found[0], nil
	}
	var envs []string
	for _, x := range found {
		envs = append(envs, x.Environment.Name)
	}
	return nil, &Error{Err: fmt.Errorf("find app %s: it exists in several environments (%s)", name, strings.Join(envs, ", ")), Code: ExitUsage, Hint: "name one with --env"}
}

func (a *app) appCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "app",
		Aliases: []string{"apps"},
		Short:   "Create, list, show, update and delete apps",
		Long: `An app is a stable service IP and DNS name (<app>.<env>.<team>.weft.internal)
in front of its backends, homed in its environment's cluster. Its backends are
fixed host:port addresses, or (in a cluster whose agent runs in Kubernetes
mode) the ready pods of a container weft runs for it (--image), or the ready
endpoints of an existing Kubernetes Service it exports (--service).`,
		Example: `  weft app create api --env prod --port 80 --backend 10.0.0.7:8080
  weft app create api --env prod --image ghcr.io/acme/api:1.4 --port 80:8080 --replicas 2 --env-var LOG=debug
  weft app create db --env prod --service prod/postgres --port 5432
  weft app list --env prod
  weft app update api --env prod --image ghcr.io/acme/api:1.5 --replicas 3 --wait`,
	}
	var env string
	spec := specFlags{containerPorts: true}
	var wl workloadFlags
	var wait waitFlags
	create := &cobra.Command{
		Use:   "create NAME --env ENV --port PORT [--backend HOST:PORT]... [--image IMAGE | --service NS/NAME]",
		Short: "Create an app with a stable service IP",
		Example: `  weft app create api --env prod --port 80 --backend 10.0.0.7:8080
  weft app create dns --env prod --port 53/udp --backend 10.0.0.2:53 --lb failover
  weft app create api --env prod --image ghcr.io/acme/api:1.4 --port 80:8080/http --replicas 2 \
      --env-var LOG=debug --cpu 250m --memory 128Mi --readiness http/healthz --wait
  weft app create db --env prod --service prod/postgres --port 5432`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("app", args[0]); err != nil {
				return err
			}
			if env == "" {
				return usagef("app create needs --env")
			}
			if err := checkName("environment", env); err != nil {
				return err
			}
			spec.fs, wl.fs = cmd.Flags(), cmd.Flags()
			in, err := spec.input()
			if err != nil {
				return err
			}
			input := api.CreateAppInput{Env: env, Name: args[0], Spec: in}
			if input.Workload, input.Export, err = backingFlags(&wl, spec.ports, nil, nil); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateApp(cmd.Context(), c, input)
			if err != nil {
				return explain("create app "+args[0], ep.Server, err)
			}
			x := r.CreateApp.App.AppFields
			if err := a.render(cmd, r.CreateApp, func() output.Rows { return appRows([]api.AppFields{x}) }); err != nil {
				return err
			}
			if err := a.waitApplied(cmd.Context(), c, ep.Server, r.CreateApp.Seq, wait, []string{x.Cluster.Id}); err != nil || x.Workload == nil {
				return err
			}
			return a.waitRollout(cmd.Context(), c, ep.Server, x.Id, x.Cluster.Name, x.Generation, wait)
		},
	}
	create.Flags().StringVar(&env, "env", "", "the environment (required)")
	spec.register(create.Flags())
	wl.register(create.Flags())
	wait.register(create)

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List apps, of one environment with --env",
		Example: `  weft app list
  weft app list --env prod -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if env != "" {
				if err := checkName("environment", env); err != nil {
					return err
				}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := listApps(cmd.Context(), c, env)
			if err != nil {
				return explain("list apps", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return appRows(items) })
		},
	}
	list.Flags().StringVar(&env, "env", "", "only this environment")

	get := &cobra.Command{
		Use:     "get NAME [--env ENV]",
		Short:   "Show an app",
		Example: `  weft app get api --env prod -o yaml`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, x, func() output.Rows { return appRows([]api.AppFields{*x}) })
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")

	update := &cobra.Command{
		Use:   "update NAME [--env ENV] [--port PORT]... [--backend HOST:PORT]... [--image IMAGE] [--replicas N]...",
		Short: "Change an app: what a flag names is replaced, the rest kept",
		Long: `Change an app. Each flag given replaces that part of the app (--port its ports
and their container ports, --backend its backends, --env-var its environment
variables, ...); what no flag names stays as it is.`,
		Example: `  weft app update api --env prod --port 80 --backend 10.0.0.7:8080 --backend 10.0.0.8:8080
  weft app update api --env prod --image ghcr.io/acme/api:1.5 --replicas 3 --wait`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.fs, wl.fs = cmd.Flags(), cmd.Flags()
			// Check the flags before anything is sent.
			if len(spec.ports) > 0 {
				if _, err := spec.input(); err != nil {
					return err
				}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			in, err := spec.over(x.Spec)
			if err != nil {
				return err
			}
			input := api.UpdateAppInput{Id: x.Id, Spec: in}
			var export *api.ServiceRefInput
			if x.Export != nil {
				export = &api.ServiceRefInput{Namespace: x.Export.Namespace, Name: x.Export.Name}
			}
			if input.Workload, input.Export, err = backingFlags(&wl, spec.ports, workloadInput(x.Workload), export); err != nil {
				return err
			}
			r, err := api.UpdateApp(cmd.Context(), c, input)
			if err != nil {
				return explain("update app "+args[0], ep.Server, err)
			}
			y := r.UpdateApp.App.AppFields
			if err := a.render(cmd, r.UpdateApp, func() output.Rows { return appRows([]api.AppFields{y}) }); err != nil {
				return err
			}
			if err := a.waitApplied(cmd.Context(), c, ep.Server, r.UpdateApp.Seq, wait, []string{y.Cluster.Id}); err != nil || y.Workload == nil {
				return err
			}
			return a.waitRollout(cmd.Context(), c, ep.Server, y.Id, y.Cluster.Name, y.Generation, wait)
		},
	}
	update.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	spec.register(update.Flags())
	wl.register(update.Flags())
	wait.register(update)

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete an app, releasing its service IP",
		Example: `  weft app delete api --env prod`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteApp(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("delete app "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted app %s in %s %s.\n", args[0], x.Environment.Name, seqNote(r.DeleteApp.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteApp.Seq, wait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	wait.register(del)
	cmd.AddCommand(create, list, get, update, del)
	return cmd
}
