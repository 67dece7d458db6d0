package command

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func configRows(items []api.ConfigFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "ENV", "KEYS", "USED BY", "UPDATED", "ID"}}
	for _, c := range items {
		used := strings.Join(c.UsedBy, ",")
		if used == "" {
			used = "-"
		}
		t.Rows = append(t.Rows, []string{c.Name, c.Environment.Name, fmt.Sprint(len(c.Entries)), used, ts(c.UpdatedAt), c.Id})
	}
	return t
}

// configEntryRows shows one config's keys and values; a value of several
// lines shows its first and how many more.
func configEntryRows(c api.ConfigFields) output.Rows {
	t := output.Rows{Header: []string{"KEY", "VALUE"}}
	for _, e := range c.Entries {
		v := e.Value
		if first, _, ok := strings.Cut(v, "\n"); ok {
			if n := strings.Count(strings.TrimSuffix(v, "\n"), "\n"); n > 0 {
				v = fmt.Sprintf("%s … (%d more lines)", first, n)
			} else {
				v = first
			}
		}
		t.Rows = append(t.Rows, []string{e.Key, v})
	}
	return t
}

func listConfigs(ctx context.Context, c clientT, env string) ([]api.ConfigFields, error) {
	var envArg *string
	if env != "" {
		envArg = &env
	}
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.ConfigFields, bool, *string, error) {
		r, err := api.Configs(ctx, c, &n, after, envArg, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.ConfigFields
		for _, e := range r.Configs.Edges {
			out = append(out, e.Node.ConfigFields)
		}
		return out, r.Configs.PageInfo.HasNextPage, r.Configs.PageInfo.EndCursor, nil
	})
}

// configByName finds a config; env may be empty when the name is in one
// environment only.
func (a *app) configByName(ctx context.Context, c clientT, server, env, name string) (*api.ConfigFields, error) {
	all, err := listConfigs(ctx, c, env)
	if err != nil {
		return nil, explain("find config "+name, server, err)
	}
	var found []api.ConfigFields
	for _, x := range all {
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
		return nil, &Error{Err: fmt.Errorf("find config %s: no such config in %s", name, where), Code: ExitError, Hint: "list configs with: weft config list"}
	case 1:
		return &found[0], nil
	}
	var envs []string
	for _, x := range found {
		envs = append(envs, x.Environment.Name)
	}
	return nil, &Error{Err: fmt.Errorf("find config %s: it exists in several environments (%s)", name, strings.Join(envs, ", ")), Code: ExitUsage, Hint: "name one with --env"}
}

// parseConfigArgs reads KEY=VALUE arguments and --from-file values
// (PATH: the key is the file's name; KEY=PATH) into the keys to set,
// checking what the server would refuse before calling it.
func parseConfigArgs(kvs, files []string) (map[string]string, error) {
	set := map[string]string{}
	put := func(src, k, v string) error {
		if k == "" {
			return usagef("invalid %s: a key is required (KEY=VALUE)", src)
		}
		if _, dup := set[k]; dup {
			return usagef("key %s is given twice", k)
		}
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return usagef("the value of %s is not UTF-8 text; a config holds text", k)
		}
		set[k] = v
		return nil
	}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usagef("invalid %q: want KEY=VALUE", kv)
		}
		if err := put(fmt.Sprintf("%q", kv), k, v); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		k, path, ok := strings.Cut(f, "=")
		if !ok {
			k, path = filepath.Base(f), f
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, usagef("read --from-file %s: %v", path, err)
		}
		if err := put("--from-file "+f, k, string(b)); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "config",
		Aliases: []string{"configs"},
		Short:   "Set, show, list and delete configs: keys and values an environment's apps take as variables or files",
		Long: `A config is keys and values of one environment. In a cluster whose agent runs
in Kubernetes mode it is a ConfigMap of the config's name in the environment's
namespace; apps take variables from it (weft app create --env-from config:NAME,
--env-var-from VAR=config:NAME/KEY) or mount it as files (--mount
config:NAME=/etc/app), and roll when it changes.`,
		Example: `  weft config set app-settings LOG_LEVEL=debug --env prod
  weft config set app-settings --from-file app.yaml --env prod
  weft config get app-settings --env prod
  weft config history app-settings --env prod`,
	}
	var env, asOf, id string
	var files, unset []string
	var limit int
	var oldestFirst bool
	// --wait: until the environment's cluster's agent has the change
	// (in Kubernetes mode it then writes the object; apps that use it
	// roll, which weft app get --wait follows).
	var setWait, delWait waitFlags
	set := &cobra.Command{
		Use:   "set NAME [KEY=VALUE...] --env ENV [--from-file [KEY=]PATH] [--unset KEY]",
		Short: "Set (and remove) keys of a config, creating it when new; apps that use it roll",
		Example: `  weft config set app-settings LOG_LEVEL=debug FEATURE_X=on --env prod
  weft config set app-settings --from-file config.yaml=./prod.yaml --env prod
  weft config set app-settings --unset FEATURE_X --env prod
  weft config set app-settings LOG_LEVEL=info --env prod --wait`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("config set needs NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("config", args[0]); err != nil {
				return err
			}
			if env == "" {
				return usagef("config set needs --env ENV")
			}
			if err := checkName("environment", env); err != nil {
				return err
			}
			kv, err := parseConfigArgs(args[1:], files)
			if err != nil {
				return err
			}
			if len(kv) == 0 && len(unset) == 0 {
				return usagef("config set needs KEY=VALUE, --from-file or --unset")
			}
			in := api.SetConfigInput{Env: env, Name: args[0], Unset: unset}
			for k, v := range kv {
				in.Set = append(in.Set, api.ConfigEntryInput{Key: k, Value: v})
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.SetConfig(cmd.Context(), c, in)
			if err != nil {
				return explain("set config "+args[0], ep.Server, err)
			}
			x := r.SetConfig.Config.ConfigFields
			if err := a.render(cmd, r.SetConfig, func() output.Rows { return configRows([]api.ConfigFields{x}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.SetConfig.Seq, setWait, []string{x.Cluster.Id})
		},
	}
	setWait.register(set)
	set.Flags().StringVar(&env, "env", "", "the environment")
	set.Flags().StringArrayVar(&files, "from-file", nil, "a key from a file: PATH (the key is the file's name) or KEY=PATH; repeatable")
	set.Flags().StringArrayVar(&unset, "unset", nil, "a key to remove; repeatable")

	list := &cobra.Command{
		Use:     "list [--env ENV]",
		Aliases: []string{"ls"},
		Short:   "List the team's configs",
		Example: `  weft config list --env prod -o json`,
		Args:    noArgs,
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
			items, err := listConfigs(cmd.Context(), c, env)
			if err != nil {
				return explain("list configs", ep.Server, err)
			}
			if items == nil {
				items = []api.ConfigFields{}
			}
			return a.render(cmd, items, func() output.Rows { return configRows(items) })
		},
	}
	list.Flags().StringVar(&env, "env", "", "only this environment's")

	get := &cobra.Command{
		Use:   "get NAME [--env ENV] [--as-of TIME|SEQ]",
		Short: "Show a config's keys and values, now or as of a past time or event sequence",
		Example: `  weft config get app-settings --env prod
  weft config get app-settings --env prod -o yaml
  weft config get app-settings --env prod --as-of 2h`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("config", args[0]); err != nil {
				return err
			}
			if env != "" {
				if err := checkName("environment", env); err != nil {
					return err
				}
			}
			var at *time.Time
			var seq *int
			if asOf != "" {
				var err error
				if at, seq, err = parseTimeOrSeq(asOf, time.Now()); err != nil {
					return err
				}
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if asOf == "" || id == "" {
				x, err := a.configByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				if asOf == "" {
					return a.render(cmd, x, func() output.Rows { return configEntryRows(*x) })
				}
				id = x.Id
			}
			r, err := api.ResourceAsOf(cmd.Context(), c, "config", id, seq, at)
			if p, ok := api.ProblemOf(err); ok && p.Code == api.CodeNotFound {
				r, err = &api.ResourceAsOfResponse{}, nil // reported below, with a better hint
			}
			if err != nil {
				return explain("read config "+args[0]+" as of "+asOf, ep.Server, err)
			}
			if r.ResourceAsOf == nil {
				return &Error{Err: fmt.Errorf("read config %s as of %s: it did not exist then", args[0], asOf), Code: ExitError, Hint: "see when it did with: weft config history " + args[0]}
			}
			if a.format() == output.Table {
				s := r.ResourceAsOf
				fmt.Fprintf(cmd.OutOrStdout(), "config %s as of %s (event sequence %d, %s):\n", args[0], asOf, s.Seq, s.Time.UTC().Format(time.RFC3339))
				return output.WriteYAML(cmd.OutOrStdout(), s.Resource)
			}
			return a.render(cmd, r.ResourceAsOf, nil)
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	get.Flags().StringVar(&asOf, "as-of", "", "a past point: RFC 3339 time, a duration ago (2h), or an event sequence")
	get.Flags().StringVar(&id, "id", "", "the config's id (for a config deleted since)")

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete a config no app takes values from",
		Example: `  weft config delete app-settings --env prod --wait`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("config", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.configByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteConfig(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("delete config "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted config %s of environment %s %s.\n", args[0], x.Environment.Name, seqNote(r.DeleteConfig.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteConfig.Seq, delWait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	delWait.register(del)

	history := &cobra.Command{
		Use:   "history NAME [--env ENV]",
		Short: "Show a config's events, newest first: who set or removed which key, and when",
		Example: `  weft config history app-settings --env prod
  weft config history app-settings --env prod --oldest-first -o json`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("config", args[0]); err != nil {
				return err
			}
			if limit < 0 {
				return usagef("invalid --limit %d", limit)
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if id == "" {
				x, err := a.configByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				id = x.Id
			}
			items, err := a.resourceEvents(cmd.Context(), c, "config", id, limit, oldestFirst)
			if err != nil {
				return explain("read the history of config "+args[0], ep.Server, err)
			}
			return a.renderEvents(cmd.OutOrStdout(), cmd, items)
		},
	}
	history.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	history.Flags().StringVar(&id, "id", "", "the config's id (for a config deleted since: weft events --resource config --wide)")
	history.Flags().IntVar(&limit, "limit", 0, "at most this many events (0: all)")
	history.Flags().BoolVar(&oldestFirst, "oldest-first", false, "oldest events first")

	cmd.AddCommand(set, list, get, del, history)
	return cmd
}
