package command

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
)

// nameLister lists the names of one kind of resource, for completion.
type nameLister func(ctx context.Context, c clientT) ([]string, error)

// completions maps a command path to what its first argument names, and
// a flag's name to what its value names (on every command that has it).
func (a *app) completions() (args, flags map[string]nameLister) {
	clusters := func(ctx context.Context, c clientT) ([]string, error) {
		return listNames(ctx, func(ctx context.Context, n int, after *string) ([]string, bool, *string, error) {
			r, err := api.Clusters(ctx, c, &n, after, nil)
			if err != nil {
				return nil, false, nil, err
			}
			var out []string
			for _, e := range r.Clusters.Edges {
				out = append(out, e.Node.Name)
			}
			return out, r.Clusters.PageInfo.HasNextPage, r.Clusters.PageInfo.EndCursor, nil
		})
	}
	devices := func(ctx context.Context, c clientT) ([]string, error) {
		return listNames(ctx, func(ctx context.Context, n int, after *string) ([]string, bool, *string, error) {
			r, err := api.Devices(ctx, c, &n, after, nil, nil)
			if err != nil {
				return nil, false, nil, err
			}
			var out []string
			for _, e := range r.Devices.Edges {
				out = append(out, e.Node.Name)
			}
			return out, r.Devices.PageInfo.HasNextPage, r.Devices.PageInfo.EndCursor, nil
		})
	}
	envs := func(ctx context.Context, c clientT) ([]string, error) {
		return listNames(ctx, func(ctx context.Context, n int, after *string) ([]string, bool, *string, error) {
			r, err := api.Environments(ctx, c, &n, after, nil)
			if err != nil {
				return nil, false, nil, err
			}
			var out []string
			for _, e := range r.Environments.Edges {
				out = append(out, e.Node.Name)
			}
			return out, r.Environments.PageInfo.HasNextPage, r.Environments.PageInfo.EndCursor, nil
		})
	}
	apps := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listApps(ctx, c, "")
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	services := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listServices(ctx, c, "", nil)
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	policies := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listPolicies(ctx, c)
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	configs := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listConfigs(ctx, c, "")
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	secrets := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listSecrets(ctx, c, "")
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	routers := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listRouters(ctx, c, "")
		var out []string
		for _, x := range all {
			out = append(out, x.Name)
		}
		return out, err
	}
	runServices := func(ctx context.Context, c clientT) ([]string, error) {
		all, err := listServices(ctx, c, "", nil)
		var out []string
		for _, x := range all {
			if x.Instance != nil { // --env-from-service takes only these
				out = append(out, x.Name)
			}
		}
		return out, err
	}
	flags = map[string]nameLister{"env": envs, "cluster": clusters, "device": devices, "env-from-service": runServices}
	return map[string]nameLister{
		"weft router get": routers, "weft router update": routers, "weft router delete": routers, "weft router history": routers,
		"weft service history":     services,
		"weft service credentials": services,
		"weft cluster get":         clusters, "weft cluster delete": clusters, "weft cluster rotate-secret": clusters,
		"weft device get": devices, "weft device delete": devices, "weft device rotate-key": devices,
		"weft env get": envs, "weft env delete": envs, "weft env clone": envs,
		"weft app get": apps, "weft app update": apps, "weft app delete": apps,
		"weft history app": apps, "weft get app": apps, "weft intercept start": apps,
		"weft service get": services, "weft service update": services, "weft service delete": services,
		"weft policy get": policies, "weft policy update": policies, "weft policy delete": policies,
		"weft config set": configs, "weft config get": configs, "weft config delete": configs, "weft config history": configs,
		"weft secret set": secrets, "weft secret get": secrets, "weft secret delete": secrets, "weft secret history": secrets,
	}, flags
}

func listNames(ctx context.Context, fetch func(ctx context.Context, n int, after *string) ([]string, bool, *string, error)) ([]string, error) {
	return collect(ctx, fetch)
}

// addCompletions completes the first argument of the commands above with
// the names that exist, asking the server.
func (a *app) addCompletions(root *cobra.Command) {
	listers, flagListers := a.completions()
	ask := func(list nameLister) cobra.CompletionFunc {
		return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			cl, _, err := a.client(true)
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			names, err := list(cmd.Context(), cl)
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		}
	}
	var kinds []string
	for _, k := range api.AllServiceKind {
		kinds = append(kinds, strings.ToLower(string(k)))
	}
	stack := []*cobra.Command{root}
	for len(stack) > 0 {
		c := stack[0]
		stack = append(stack[1:], c.Commands()...)
		for name, list := range flagListers {
			if c.LocalFlags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, ask(list))
			}
		}
		if c.LocalFlags().Lookup("kind") != nil && c.Parent() != nil && c.Parent().Name() == "service" {
			_ = c.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
		}
		if c.LocalFlags().Lookup("version") != nil && c.Parent() != nil && c.Parent().Name() == "service" {
			_ = c.RegisterFlagCompletionFunc("version", a.completeVersion)
		}
		if c.CommandPath() == "weft team delete" || c.CommandPath() == "weft team use" {
			c.ValidArgsFunction = a.completeTeam(c.Name() == "delete")
			continue
		}
		list, ok := listers[c.CommandPath()]
		if !ok {
			continue
		}
		first := ask(list)
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, s string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return first(cmd, args, s)
		}
	}
}

// completeVersion completes weft service create's and update's --version
// with what the server runs (runnableKinds): on create, the versions of
// --kind (the default first), or of every kind, each described by its
// kind, when --kind is not given yet; on update, the versions the named
// service's version changes to in place.
func (a *app) completeVersion(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	const none = cobra.ShellCompDirectiveNoFileComp
	c, _, err := a.client(cmd.Name() == "update")
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	r, err := api.RunnableKinds(cmd.Context(), c)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	if cmd.Name() == "update" {
		if len(args) == 0 {
			return nil, none
		}
		env, _ := cmd.Flags().GetString("env")
		all, err := listServices(cmd.Context(), c, env, nil)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		for _, x := range all {
			if x.Name != args[0] || x.Instance == nil {
				continue
			}
			for _, k := range r.RunnableKinds {
				if k.Kind != x.Kind {
					continue
				}
				for _, u := range k.Upgrades {
					if u.From == x.Instance.Version {
						return u.To, none
					}
				}
			}
		}
		return nil, none
	}
	kind, _ := cmd.Flags().GetString("kind")
	var out []string
	for _, k := range r.RunnableKinds {
		name := strings.ToLower(string(k.Kind))
		if kind != "" && !strings.EqualFold(kind, name) {
			continue
		}
		for i, v := range k.Versions {
			desc := name
			if i == 0 {
				desc += " (default)"
			}
			out = append(out, v+"\t"+desc)
		}
	}
	return out, none
}

// completeTeam completes a team's slug with the caller's teams (those they
// own, for ownersOnly): team-less, since none may be selected yet.
func (a *app) completeTeam(ownersOnly bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		const none = cobra.ShellCompDirectiveNoFileComp
		if len(args) > 0 {
			return nil, none
		}
		c, err := a.teamlessClient()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		names, err := listNames(cmd.Context(), func(ctx context.Context, n int, after *string) ([]string, bool, *string, error) {
			r, err := api.MyTeams(ctx, c, &n, after)
			if err != nil {
				return nil, false, nil, err
			}
			var out []string
			for _, e := range r.MyTeams.Edges {
				if !ownersOnly || e.Node.Role == api.RoleOwner {
					out = append(out, e.Node.Team.Slug)
				}
			}
			return out, r.MyTeams.PageInfo.HasNextPage, r.MyTeams.PageInfo.EndCursor, nil
		})
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return names, none
	}
}
