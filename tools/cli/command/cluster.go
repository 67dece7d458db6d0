package command

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func clusterRows(items []api.ClusterFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "GATEWAY IP", "SERVICE RANGE", "ENROLLED", "ONLINE", "APPLIED SEQ", "KUBERNETES", "ID"}}
	for _, c := range items {
		online := "-"
		if c.Status.Online != nil {
			online = yesNo(*c.Status.Online)
		}
		t.Rows = append(t.Rows, []string{c.Name, c.GatewayIp, c.ServiceRange, yesNo(c.Enrolled), online, num(c.Status.AppliedSeq), first(str(c.Status.Kubernetes), "-"), c.Id})
	}
	return t
}

// clusterByName resolves a cluster name to the cluster.
func (a *app) clusterByName(ctx context.Context, c clientT, server, name string) (*api.ClusterFields, error) {
	r, err := api.ClusterByName(ctx, c, name, nil)
	if err != nil {
		return nil, explain("find cluster "+name, server, err)
	}
	if r.Cluster == nil {
		return nil, &Error{Err: fmt.Errorf("find cluster %s: no such cluster in this team", name), Code: ExitError, Hint: "list clusters with: weft cluster list"}
	}
	return &r.Cluster.ClusterFields, nil
}

// printEnrolment shows the secret once, as the command that uses it.
// server is the CLI's own: when that is this machine's loopback, the
// command would send an agent on another host to itself, so it says which
// address to use instead.
func printEnrolment(w io.Writer, server string, cl api.ClusterFields, secret string) {
	fmt.Fprintf(w, `Cluster %s: gateway %s, service range %s.

Enrol its agent with this command (the secret is shown only this once):

  weft-agent --server %s --cluster %s --enrolment-secret %s

`, cl.Name, cl.GatewayIp, cl.ServiceRange, server, cl.Id, secret)
	if u, err := url.Parse(server); err == nil && isLoopback(u.Hostname()) {
		fmt.Fprintf(w, `%s is this machine only. On the cluster's host, give --server the address
weft-server's banner prints, where it listens for other hosts: start it with
--http 0.0.0.0:4000 --nats-listen 0.0.0.0:4222 (or --http-advertise and
--nats-advertise for an address it is reached at through a NAT or a name).

`, server)
	}
}

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *app) clusterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "cluster",
		Aliases: []string{"clusters"},
		Short:   "Create, list, show and delete clusters",
		Example: `  weft cluster create eu-1
  weft cluster list
  weft cluster delete eu-1`,
	}
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a cluster and print its agent's enrolment command (once)",
		Example: `  weft cluster create eu-1
  weft cluster create eu-1 -o json   # the secret is in enrolmentSecret`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("cluster", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CreateCluster(cmd.Context(), c, api.CreateClusterInput{Name: args[0]})
			if err != nil {
				return explain("create cluster "+args[0], ep.Server, err)
			}
			if a.format() != output.Table {
				return a.render(cmd, r.CreateCluster, nil)
			}
			printEnrolment(cmd.OutOrStdout(), ep.Server, r.CreateCluster.Cluster.ClusterFields, r.CreateCluster.EnrolmentSecret)
			return nil
		},
	}
	rotate := &cobra.Command{
		Use:     "rotate-secret NAME",
		Short:   "Replace a cluster's enrolment secret and print the new enrolment command (once)",
		Example: `  weft cluster rotate-secret eu-1`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("cluster", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			cl, err := a.clusterByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			r, err := api.RotateEnrolmentSecret(cmd.Context(), c, cl.Id)
			if err != nil {
				return explain("rotate the enrolment secret of "+args[0], ep.Server, err)
			}
			if a.format() != output.Table {
				return a.render(cmd, r.RotateEnrolmentSecret, nil)
			}
			printEnrolment(cmd.OutOrStdout(), ep.Server, r.RotateEnrolmentSecret.Cluster.ClusterFields, r.RotateEnrolmentSecret.EnrolmentSecret)
			return nil
		},
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the team's clusters",
		Example: `  weft cluster list
  weft cluster list -o yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.ClusterFields, bool, *string, error) {
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
			return a.render(cmd, items, func() output.Rows { return clusterRows(items) })
		},
	}
	get := &cobra.Command{
		Use:     "get NAME",
		Short:   "Show a cluster and its agent's status",
		Example: `  weft cluster get eu-1 -o yaml`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("cluster", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			cl, err := a.clusterByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, cl, func() output.Rows { return clusterRows([]api.ClusterFields{*cl}) })
		},
	}
	del := &cobra.Command{
		Use:     "delete NAME",
		Aliases: []string{"rm"},
		Short:   "Delete a cluster, releasing its addresses (admins)",
		Example: `  weft cluster delete eu-1`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("cluster", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			cl, err := a.clusterByName(cmd.Context(), c, ep.Server, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteCluster(cmd.Context(), c, cl.Id)
			if err != nil {
				return explain("delete cluster "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted cluster %s %s.\n", args[0], seqNote(r.DeleteCluster.Seq))
			return nil
		},
	}
	cmd.AddCommand(create, list, get, del, rotate)
	return cmd
}
