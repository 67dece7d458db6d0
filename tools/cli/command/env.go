package command

import (
	"context"
	"fmt"

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
		Short:   "Create, list, show and delete environments",
		Example: `  weft env create prod --cluster eu-1
  weft env list
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
	del := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete an empty environment (admins)",
		Example: `  weft env delete staging`,
		Args:    exactArgs("NAME"),
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
			return nil
		},
	}
	cmd.AddCommand(create, list, get, del)
	return cmd
}
