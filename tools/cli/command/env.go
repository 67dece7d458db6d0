package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func envRows(items []api.EnvironmentFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "CLUSTER", "NAMESPACE", "APPS", "SERVICES", "CREATED", "ID"}}
	for _, e := range items {
		cl := e.Cluster.Name
		if e.ClusterGone {
			cl = "(deleted)"
		}
		// The namespace as the cluster's agent reported it; "-" until a
		// Kubernetes agent did.
		ns := "-"
		switch n := e.Namespace; {
		case n.Reported && n.Error != nil:
			ns = n.Name + " refused: " + *n.Error
		case n.Reported && n.Ready:
			ns = n.Name
		case n.Reported:
			ns = n.Name + " (pending)"
		}
		t.Rows = append(t.Rows, []string{e.Name, cl, ns, fmt.Sprint(e.AppCount), fmt.Sprint(e.ServiceCount), ts(e.CreatedAt), e.Id})
	}
	return t
}

func (a *app) envCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "env",
		Aliases: []string{"envs", "environment", "environments"},
		Short:   "Create, list, show, clone and delete environments",
		Example: `  weft env create prod --cluster eu-1
  weft env list
  weft env clone prod --to pr-142
  weft env delete staging`,
	}
	var cluster string
	create := &cobra.Command{
		Use:     "create NAME --cluster CLUSTER",
		Short:   "Create an environment in a cluster (admins)",
		Example: `  weft env create prod --cluster eu-1`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("environment", args[0]); err != nil {
				return err
			}
			if cluster == "" {
				return usagef("env create needs --cluster NAME")
			}
			if err := checkName("cluster", cluster); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			cl, err := a.clusterByName(cmd.Context(), c, ep.Server, cluster)
			if err != nil {
				return err
			}
			r, err := api.CreateEnvironment(cmd.Context(), c, api.CreateEnvironmentInput{Name: args[0], ClusterId: cl.Id})
			if err != nil {
				return explain("create environment "+args[0], ep.Server, err)
			}
			e := r.CreateEnvironment.Environment.EnvironmentFields
			return a.render(cmd, r.CreateEnvironment, func() output.Rows { return envRows([]api.EnvironmentFields{e}) })
		},
	}
	create.Flags().StringVar(&cluster, "cluster", "", "the cluster (by name) the environment lives in")

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the team's environments",
		Example: `  weft env list -o json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.EnvironmentFields, bool, *string, error) {
				r, err := api.Environments(ctx, c, &n, after, nil)
				if err != nil {
					return nil, false, nil, err
				}
				var out []api.EnvironmentFields
				for _, e := range r.Environments.Edges {
					out = append(out, e.Node.EnvironmentFields)
				}
				return out, r.Environments.PageInfo.HasNextPage, r.Environments.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list environments", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows { return envRows(items) })
		},
	}
	get := &cobra.Command{
		Use:     "get NAME",
		Short:   "Show an environment",
		Example: `  weft env get prod -o yaml`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("environment", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.EnvironmentByName(cmd.Context(), c, args[0], nil)
			if err != nil {
				return explain("get environment "+args[0], ep.Server, err)
			}
			if r.Environment == nil {
				return &Error{Err: fmt.Errorf("get environment %s: no such environment in this team", args[0]), Code: ExitError, Hint: "list environments with: weft env list"}
			}
			e := r.Environment.EnvironmentFields
			return a.render(cmd, e, func() output.Rows { return envRows([]api.EnvironmentFields{e}) })
		},
	}
	var to, toCluster string
	var domains []string
	var wait, delWait waitFlags
	clone := &cobra.Command{
		Use:   "clone SOURCE --to NAME [--cluster CLUSTER] [--domain ROUTER=DOMAIN]...",
		Short: "Copy an environment into a new one, all at once or not at all (admins)",
		Long: `Copy an environment into a new one: its apps, configs, secrets, managed
services (a run one as a new, empty instance with its own credentials) and
routers, each with its own service IP and DNS name, in one atomic step:
either all of it exists or none does. A router's copy has no domain (and
no Ingress) unless --domain gives it one. The clone goes to the source's
cluster, or to --cluster. Each copy's history starts with its creation
naming its source (clonedFrom). Deleting the clone (weft env delete NAME)
deletes everything in it.`,
		Example: `  weft env clone prod --to pr-142
  weft env clone prod --to pr-142 --cluster us-1 --domain web=pr-142.shop.example.com --wait`,
		Args: exactArgs("SOURCE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("environment", args[0]); err != nil {
				return err
			}
			if to == "" {
				return usagef("env clone needs --to NAME, the clone's name")
			}
			if err := checkName("environment", to); err != nil {
				return err
			}
			input := api.CloneEnvironmentInput{Env: args[0], Name: to}
			for _, d := range domains {
				router, domain, ok := strings.Cut(d, "=")
				if !ok || router == "" || domain == "" {
					return usagef("--domain %q is not ROUTER=DOMAIN", d)
				}
				if err := checkName("router", router); err != nil {
					return err
				}
				input.RouterDomains = append(input.RouterDomains, api.RouterDomainInput{Router: router, Domain: domain})
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if toCluster != "" {
				if err := checkName("cluster", toCluster); err != nil {
					return err
				}
				cl, err := a.clusterByName(cmd.Context(), c, ep.Server, toCluster)
				if err != nil {
					return err
				}
				input.ClusterId = &cl.Id
			}
			r, err := api.CloneEnvironment(cmd.Context(), c, input)
			if err != nil {
				return explain("clone environment "+args[0]+" to "+to, ep.Server, err)
			}
			e := r.CloneEnvironment.Environment.EnvironmentFields
			if err := a.render(cmd, r.CloneEnvironment, func() output.Rows { return envRows([]api.EnvironmentFields{e}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.CloneEnvironment.Seq, wait, []string{e.Cluster.Id})
		},
	}
	clone.Flags().StringVar(&to, "to", "", "the clone's name (required)")
	clone.Flags().StringVar(&toCluster, "cluster", "", "the cluster (by name) the clone goes to (default: the source's)")
	clone.Flags().StringArrayVar(&domains, "domain", nil, "ROUTER=DOMAIN: the domain of a router's copy (repeatable)")
	wait.register(clone)

	del := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete an empty environment, or a clone with everything in it (admins)",
		Example: `  weft env delete staging
  weft env delete staging --wait`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("environment", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.DeleteEnvironment(cmd.Context(), c, args[0])
			if err != nil {
				return explain("delete environment "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted environment %s %s.\n", args[0], seqNote(r.DeleteEnvironment.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteEnvironment.Seq, delWait, nil)
		},
	}
	delWait.register(del)
	cmd.AddCommand(create, list, get, clone, del)
	return cmd
}
