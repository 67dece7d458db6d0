package command

import (
	"context"
	"fmt"
	"strings"
	"time"

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
	t := output.Rows{Header: []string{"NAME", "KIND", "ENV", "CLUSTER", "SERVICE IP", "PORTS", "BACKENDS", "RUNS"}}
	for _, x := range items {
		t.Rows = append(t.Rows, []string{x.Name, strings.ToLower(string(x.Kind)), x.Environment.Name, x.Cluster.Name, x.ServiceIp, portsString(x.Spec.Ports), strings.Join(x.Spec.Backends, ","), runsString(x)})
	}
	return t
}

// runsString says how a service its cluster runs is doing: version,
// storage, and ready, waiting or the agent's last error.
func runsString(x api.ServiceFields) string {
	if x.Instance == nil {
		return "-"
	}
	state := "pending"
	switch {
	case x.Status != nil && x.Status.LastError != nil:
		state = "error: " + *x.Status.LastError
	case x.Status != nil && x.Status.Ready:
		state = "ready"
	case x.Status != nil:
		state = "starting"
	}
	return fmt.Sprintf("%s %s, %s", x.Instance.Version, x.Instance.Storage, state)
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
		Example: `  weft service create db --env prod --kind postgres --version 17 --storage 10Gi
  weft service create legacy-db --env prod --kind postgres --port 5432 --backend 10.0.0.20:5432
  weft service list --kind postgres
  weft service credentials db --env prod
  weft service delete db --env prod`,
	}
	var env, kind, version, storage string
	var deleteData bool
	var spec specFlags
	var wait waitFlags
	create := &cobra.Command{
		Use:   "create NAME --env ENV --kind KIND ([--version V] [--storage SIZE] | --port PORT --backend HOST:PORT...)",
		Short: "Create a managed service with a stable service IP: run by its cluster, or in front of fixed backends",
		Long: `Create a managed service with a stable service IP and DNS name.

Without --backend its cluster's agent (Kubernetes mode) runs it: a StatefulSet
of the kind's official image (postgres, mysql, redis, mongodb) with a volume of
--storage, a Service, readiness probes, and credentials it generates in the
cluster as a Secret (weft service credentials shows them; apps take them with
--env-from-service). With --backend it names fixed backends.`,
		Example: `  weft service create db --env prod --kind postgres --version 17 --storage 10Gi --wait
  weft service create cache --env prod --kind redis
  weft service create legacy-db --env prod --kind postgres --port 5432 --backend 10.0.0.20:5432`,
		Args: exactArgs("NAME"),
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
			in := api.CreateServiceInput{Env: env, Name: args[0], Kind: k}
			fs := cmd.Flags()
			run := !fs.Changed("backend")
			if run && (fs.Changed("lb") || fs.Changed("health")) {
				return usagef("--lb and --health are for fixed backends (--backend); a service its cluster runs has its own")
			}
			if !run && (fs.Changed("version") || fs.Changed("storage")) {
				return usagef("--version and --storage are for a service its cluster runs; give them or --backend, not both")
			}
			if run {
				if fs.Changed("version") {
					in.Version = &version
				}
				if fs.Changed("storage") {
					in.Storage = &storage
				}
				if fs.Changed("port") {
					sp, err := spec.input()
					if err != nil {
						return err
					}
					sp.Backends = nil
					in.Spec = &sp
				}
			} else {
				sp, err := spec.input()
				if err != nil {
					return err
				}
				in.Spec = &sp
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateService(cmd.Context(), c, in)
			if err != nil {
				return explain("create service "+args[0], ep.Server, err)
			}
			x := r.CreateService.Service.ServiceFields
			if err := a.render(cmd, r.CreateService, func() output.Rows { return serviceRows([]api.ServiceFields{x}) }); err != nil {
				return err
			}
			if err := a.waitApplied(cmd.Context(), c, ep.Server, r.CreateService.Seq, wait, []string{x.Cluster.Id}); err != nil {
				return err
			}
			if x.Instance != nil {
				return a.waitServiceReady(cmd.Context(), c, ep.Server, x.Id, wait)
			}
			return nil
		},
	}
	create.Flags().StringVar(&env, "env", "", "the environment (required)")
	create.Flags().StringVar(&kind, "kind", "", "postgres, mysql, redis, mongodb (run by the cluster, or fixed backends); kafka, rabbitmq, elasticsearch or other (fixed backends) (required)")
	create.Flags().StringVar(&version, "version", "", "a run service: the official image's version (postgres 13-18, mysql 8.0/8.4/9, redis 6.2-8, mongodb 6.0-8.0; default the newest supported)")
	create.Flags().StringVar(&storage, "storage", "", "a run service: its volume's size, 64Mi to 64Ti (default 1Gi)")
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

	var getAsOf asOfFlags
	get := &cobra.Command{
		Use:   "get NAME [--env ENV] [--as-of TIME|SEQ]",
		Short: "Show a managed service, now or as of a past time or event sequence",
		Example: `  weft service get db --env prod -o yaml
  weft service get db --env prod --as-of 2h`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if getAsOf.asOf != "" {
				return getAsOf.show(cmd.Context(), a, cmd, c, ep.Server, "service", args[0], func() (string, error) {
					x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
					if err != nil {
						return "", err
					}
					return x.Id, nil
				})
			}
			if getAsOf.id != "" {
				return usagef("--id goes with --as-of")
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, x, func() output.Rows { return serviceRows([]api.ServiceFields{*x}) })
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	getAsOf.register(get, "service")

	update := &cobra.Command{
		Use:   "update NAME [--env ENV] ([--version V] [--storage SIZE] | [--kind KIND] --port PORT [--backend HOST:PORT]...)",
		Short: "Upgrade a run service's version or grow its volume; or replace a fixed-backend service's kind and network shape",
		Long: `Update a managed service.

A service its cluster runs takes --version and --storage. A version only
where the kind's official image upgrades the data in place: redis to any
later version, mysql 8.0 to 8.4 and 8.4 to 9; a new postgres or mongodb major
version needs a new service (create one, move the data). Its agent rolls the
one pod to the new image (the service is down while it restarts; --wait
waits until it is ready on the new image). --storage only grows: the volume
claim is asked for more where the cluster's storage class allows expansion,
else the service reports why it cannot.

A service of fixed backends takes --kind, --port and --backend instead.`,
		Example: `  weft service update cache --env prod --storage 20Gi
  weft service update cache --env prod --version 8
  weft service update db --env prod --port 5432 --backend 10.0.0.21:5432`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			fs := cmd.Flags()
			if fs.Changed("version") || fs.Changed("storage") {
				for _, f := range []string{"kind", "port", "backend", "lb", "health", "health-path"} {
					if fs.Lookup(f) != nil && fs.Changed(f) {
						return usagef("--version and --storage change a service its cluster runs; --%s is for one of fixed backends", f)
					}
				}
				return a.changeInstance(cmd, env, args[0], version, storage, wait)
			}
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
	update.Flags().StringVar(&kind, "kind", "", "fixed backends: a new kind (default: unchanged)")
	update.Flags().StringVar(&version, "version", "", "a run service: the version to upgrade to (redis: any later; mysql: 8.0 to 8.4, 8.4 to 9)")
	update.Flags().StringVar(&storage, "storage", "", "a run service: a larger volume, up to 64Ti")
	spec.register(update.Flags())
	wait.register(update)

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete a managed service (a run service keeps its volume unless --delete-data)",
		Example: `  weft service delete db --env prod
  weft service delete cache --env prod --delete-data`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			var dd *bool
			if deleteData {
				dd = &deleteData
			}
			r, err := api.DeleteService(cmd.Context(), c, x.Id, dd)
			if err != nil {
				return explain("delete service "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted service %s %s.\n", args[0], seqNote(r.DeleteService.Seq))
			if x.Instance != nil && !deleteData {
				fmt.Fprintf(cmd.OutOrStdout(), "Its volume and credentials stay in the cluster: a service created again as %s takes them back (--delete-data deletes them).\n", args[0])
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteService.Seq, wait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	del.Flags().BoolVar(&deleteData, "delete-data", false, "a run service: delete its volume and credentials too")
	wait.register(del)

	creds := &cobra.Command{
		Use:   "credentials NAME [--env ENV]",
		Short: "Show the credentials a run service's cluster generated (owners and admins; recorded in the audit trail)",
		Example: `  weft service credentials db --env prod
  weft service credentials db --env prod -o json`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.RevealServiceCredentials(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("show the credentials of service "+args[0], ep.Server, err)
			}
			return a.render(cmd, r.RevealServiceCredentials, func() output.Rows {
				t := output.Rows{Header: []string{"KEY", "VALUE"}}
				for _, e := range r.RevealServiceCredentials.Entries {
					t.Rows = append(t.Rows, []string{e.Key, e.Value})
				}
				return t
			})
		},
	}
	creds.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	history := a.resourceHistoryCmd("service", `  weft service history db --env prod
  weft service history db --env prod --oldest-first -o json`,
		func(ctx context.Context, c clientT, server, env, name string) (string, error) {
			x, err := a.serviceByName(ctx, c, server, env, name)
			if err != nil {
				return "", err
			}
			return x.Id, nil
		})
	cmd.AddCommand(create, list, get, update, del, creds, history)
	return cmd
}

// waitServiceReady polls a run service until its cluster's agent reports
// it ready, drawing its state on stderr.
// changeInstance upgrades run service name's version or grows its
// volume; --wait waits until its agent has the change and, for a new
// version, until it is ready on that version's image.
func (a *app) changeInstance(cmd *cobra.Command, env, name, version, storage string, w waitFlags) error {
	c, ep, err := a.client(true)
	if err != nil {
		return err
	}
	x, err := a.serviceByName(cmd.Context(), c, ep.Server, env, name)
	if err != nil {
		return err
	}
	if x.Instance == nil {
		return &Error{Err: fmt.Errorf("service %s is not run by its cluster: it has fixed backends, no version or storage of weft's", name), Code: ExitUsage,
			Hint: "change its backends with: weft service update " + name + " --port PORT --backend HOST:PORT"}
	}
	in := api.ChangeServiceInstanceInput{Id: x.Id}
	if version != "" {
		in.Version = &version
	}
	if storage != "" {
		in.Storage = &storage
	}
	r, err := api.ChangeServiceInstance(cmd.Context(), c, in)
	if err != nil {
		return explain("update service "+name, ep.Server, err)
	}
	y := r.ChangeServiceInstance.Service.ServiceFields
	if err := a.render(cmd, r.ChangeServiceInstance, func() output.Rows { return serviceRows([]api.ServiceFields{y}) }); err != nil {
		return err
	}
	if err := a.waitApplied(cmd.Context(), c, ep.Server, r.ChangeServiceInstance.Seq, w, []string{y.Cluster.Id}); err != nil {
		return err
	}
	if version == "" || y.Instance == nil {
		return nil
	}
	return a.waitServiceImage(cmd.Context(), c, ep.Server, y.Id, ":"+y.Instance.Version, w)
}

func (a *app) waitServiceReady(ctx context.Context, c clientT, server, id string, w waitFlags) error {
	return a.waitServiceImage(ctx, c, server, id, "", w)
}

// waitServiceImage waits until the service is ready on an image ending in
// tag (any image when tag is empty).
func (a *app) waitServiceImage(ctx context.Context, c clientT, server, id, tag string, w waitFlags) error {
	if !w.wait {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	last := ""
	for {
		r, err := api.Service(ctx, c, id, nil)
		if err != nil && ctx.Err() == nil {
			return explain("wait for the service", server, err)
		}
		if err == nil && r.Service != nil {
			x := r.Service.ServiceFields
			line := "service " + x.Name + ": " + runsString(x)
			if line != last {
				fmt.Fprintf(a.o.Stderr, "waiting: %s\n", line)
				last = line
			}
			if x.Status != nil && x.Status.Ready && (tag == "" || x.Status.Image != nil && strings.HasSuffix(*x.Status.Image, tag)) {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return &Error{Err: fmt.Errorf("wait for the service: not ready after %s: %s", w.timeout, last), Code: ExitError,
				Hint: "the service is recorded; see its state with: weft service get"}
		case <-t.C:
		}
	}
}
