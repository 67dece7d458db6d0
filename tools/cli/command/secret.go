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

func secretRows(items []api.SecretFields) output.Rows {
	t := output.Rows{Header: []string{"NAME", "ENV", "KEYS", "USED BY", "UPDATED", "ID"}}
	for _, s := range items {
		used := strings.Join(s.UsedBy, ",")
		if used == "" {
			used = "-"
		}
		t.Rows = append(t.Rows, []string{s.Name, s.Environment.Name, strings.Join(s.Keys, ","), used, ts(s.UpdatedAt), s.Id})
	}
	return t
}

func listSecrets(ctx context.Context, c clientT, env string) ([]api.SecretFields, error) {
	var envArg *string
	if env != "" {
		envArg = &env
	}
	return collect(ctx, func(ctx context.Context, n int, after *string) ([]api.SecretFields, bool, *string, error) {
		r, err := api.Secrets(ctx, c, &n, after, envArg, nil)
		if err != nil {
			return nil, false, nil, err
		}
		var out []api.SecretFields
		for _, e := range r.Secrets.Edges {
			out = append(out, e.Node.SecretFields)
		}
		return out, r.Secrets.PageInfo.HasNextPage, r.Secrets.PageInfo.EndCursor, nil
	})
}

func (a *app) secretByName(ctx context.Context, c clientT, server, env, name string) (*api.SecretFields, error) {
	all, err := listSecrets(ctx, c, env)
	if err != nil {
		return nil, explain("find secret "+name, server, err)
	}
	var found []api.SecretFields
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
		return nil, &Error{Err: fmt.Errorf("find secret %s: no such secret in %s", name, where), Code: ExitError, Hint: "list secrets with: weft secret list"}
	case 1:
		return &found[0], nil
	}
	var envs []string
	for _, x := range found {
		envs = append(envs, x.Environment.Name)
	}
	return nil, &Error{Err: fmt.Errorf("find secret %s: it exists in several environments (%s)", name, strings.Join(envs, ", ")), Code: ExitUsage, Hint: "name one with --env"}
}

func (a *app) secretCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "secret",
		Aliases: []string{"secrets"},
		Short:   "Set, list, reveal and delete secrets: keys whose values weft never keeps in clear",
		Long: `A secret is keys and values of one environment, like a config, whose values
are sealed with the team's key before anything is recorded: the event log,
read models, logs and answers never hold them in clear. Only the agent of the
environment's cluster receives them, sealed to its own key, and applies them as
a Kubernetes Secret; apps take them as a config (--env-var-from
VAR=secret:NAME/KEY, --env-from secret:NAME, --mount secret:NAME=/PATH).
Deleting a secret destroys its key. Owners and admins can read values back
with --reveal, which is recorded in the audit trail. See docs/secrets.md.`,
		Example: `  weft secret set db-creds PASSWORD=hunter2 --env prod
  weft secret list --env prod
  weft secret get db-creds --env prod --reveal`,
	}
	var env, asOf, id string
	var files, unset []string
	var limit int
	var oldestFirst, reveal bool
	// --wait: until the environment's cluster's agent has the change
	// (in Kubernetes mode it then writes the object; apps that use it
	// roll, which weft app get --wait follows).
	var setWait, delWait waitFlags
	set := &cobra.Command{
		Use:   "set NAME [KEY=VALUE...] --env ENV [--from-file [KEY=]PATH] [--unset KEY]",
		Short: "Seal and set (and remove) keys of a secret, creating it when new; apps that use it roll",
		Long: `secret set seals the values with the team's key and records only ciphertext.
Values on the command line may stay in your shell's history: prefer
--from-file (e.g. --from-file PASSWORD=/dev/stdin).`,
		Example: `  weft secret set db-creds PASSWORD=hunter2 --env prod
  weft secret set db-creds --from-file tls.key=./server.key --env prod
  weft secret set db-creds --unset OLD_TOKEN --env prod
  weft secret set db-creds PASSWORD=hunter3 --env prod --wait`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("secret set needs NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("secret", args[0]); err != nil {
				return err
			}
			if env == "" {
				return usagef("secret set needs --env ENV")
			}
			if err := checkName("environment", env); err != nil {
				return err
			}
			kv, err := parseConfigArgs(args[1:], files)
			if err != nil {
				return err
			}
			if len(kv) == 0 && len(unset) == 0 {
				return usagef("secret set needs KEY=VALUE, --from-file or --unset")
			}
			in := api.SetSecretInput{Env: env, Name: args[0], Unset: unset}
			for k, v := range kv {
				in.Set = append(in.Set, api.ConfigEntryInput{Key: k, Value: v})
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.SetSecret(cmd.Context(), c, in)
			if err != nil {
				return explain("set secret "+args[0], ep.Server, err)
			}
			x := r.SetSecret.Secret.SecretFields
			if err := a.render(cmd, r.SetSecret, func() output.Rows { return secretRows([]api.SecretFields{x}) }); err != nil {
				return err
			}
			return a.waitApplied(cmd.Context(), c, ep.Server, r.SetSecret.Seq, setWait, []string{x.Cluster.Id})
		},
	}
	setWait.register(set)
	set.Flags().StringVar(&env, "env", "", "the environment")
	set.Flags().StringArrayVar(&files, "from-file", nil, "a key from a file: PATH (the key is the file's name) or KEY=PATH; repeatable")
	set.Flags().StringArrayVar(&unset, "unset", nil, "a key to remove; repeatable")

	list := &cobra.Command{
		Use:     "list [--env ENV]",
		Aliases: []string{"ls"},
		Short:   "List the team's secrets (key names, never values)",
		Example: `  weft secret list --env prod -o json`,
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
			items, err := listSecrets(cmd.Context(), c, env)
			if err != nil {
				return explain("list secrets", ep.Server, err)
			}
			if items == nil {
				items = []api.SecretFields{}
			}
			return a.render(cmd, items, func() output.Rows { return secretRows(items) })
		},
	}
	list.Flags().StringVar(&env, "env", "", "only this environment's")

	get := &cobra.Command{
		Use:   "get NAME [--env ENV] [--reveal] [--as-of TIME|SEQ]",
		Short: "Show a secret's keys; with --reveal (owners and admins) its values, recorded as an event",
		Example: `  weft secret get db-creds --env prod
  weft secret get db-creds --env prod --reveal -o json
  weft secret get db-creds --env prod --as-of 2h`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("secret", args[0]); err != nil {
				return err
			}
			if reveal && asOf != "" {
				return usagef("--reveal shows the values now; --as-of shows past key names only")
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
				x, err := a.secretByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				id = x.Id
				if asOf == "" && !reveal {
					return a.render(cmd, x, func() output.Rows { return secretRows([]api.SecretFields{*x}) })
				}
			}
			if reveal {
				r, err := api.RevealSecret(cmd.Context(), c, id)
				if err != nil {
					return explain("reveal secret "+args[0], ep.Server, err)
				}
				return a.render(cmd, r.RevealSecret, func() output.Rows {
					t := output.Rows{Header: []string{"KEY", "VALUE"}}
					for _, e := range r.RevealSecret.Entries {
						t.Rows = append(t.Rows, []string{e.Key, e.Value})
					}
					return t
				})
			}
			r, err := api.ResourceAsOf(cmd.Context(), c, "secret", id, seq, at)
			if p, ok := api.ProblemOf(err); ok && p.Code == api.CodeNotFound {
				r, err = &api.ResourceAsOfResponse{}, nil
			}
			if err != nil {
				return explain("read secret "+args[0]+" as of "+asOf, ep.Server, err)
			}
			if r.ResourceAsOf == nil {
				return &Error{Err: fmt.Errorf("read secret %s as of %s: it did not exist then", args[0], asOf), Code: ExitError, Hint: "see when it did with: weft secret history " + args[0]}
			}
			if a.format() == output.Table {
				s := r.ResourceAsOf
				fmt.Fprintf(cmd.OutOrStdout(), "secret %s as of %s (event sequence %d, %s):\n", args[0], asOf, s.Seq, s.Time.UTC().Format(time.RFC3339))
				return output.WriteYAML(cmd.OutOrStdout(), s.Resource)
			}
			return a.render(cmd, r.ResourceAsOf, nil)
		},
	}
	get.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	get.Flags().BoolVar(&reveal, "reveal", false, "show the values (owners and admins; recorded in the audit trail)")
	get.Flags().StringVar(&asOf, "as-of", "", "a past point (key names then): RFC 3339 time, a duration ago (2h), or an event sequence")
	get.Flags().StringVar(&id, "id", "", "the secret's id (for a secret deleted since)")

	del := &cobra.Command{
		Use:     "delete NAME [--env ENV]",
		Aliases: []string{"rm"},
		Short:   "Delete a secret no app uses and destroy its key (its values in the log can no longer be opened)",
		Example: `  weft secret delete db-creds --env prod --wait`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("secret", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.secretByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
			r, err := api.DeleteSecret(cmd.Context(), c, x.Id)
			if err != nil {
				return explain("delete secret "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted secret %s of environment %s and destroyed its key %s.\n", args[0], x.Environment.Name, seqNote(r.DeleteSecret.Seq))
			return a.waitApplied(cmd.Context(), c, ep.Server, r.DeleteSecret.Seq, delWait, []string{x.Cluster.Id})
		},
	}
	del.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	delWait.register(del)

	history := &cobra.Command{
		Use:   "history NAME [--env ENV]",
		Short: "Show a secret's events, newest first: who set, removed or revealed which key (never a value)",
		Example: `  weft secret history db-creds --env prod
  weft secret history db-creds --env prod --oldest-first -o json`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("secret", args[0]); err != nil {
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
				x, err := a.secretByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				id = x.Id
			}
			items, err := a.resourceEvents(cmd.Context(), c, "secret", id, limit, oldestFirst)
			if err != nil {
				return explain("read the history of secret "+args[0], ep.Server, err)
			}
			return a.renderEvents(cmd.OutOrStdout(), cmd, items)
		},
	}
	history.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	history.Flags().StringVar(&id, "id", "", "the secret's id (for a secret deleted since: weft events --resource secret --wide)")
	history.Flags().IntVar(&limit, "limit", 0, "at most this many events (0: all)")
	history.Flags().BoolVar(&oldestFirst, "oldest-first", false, "oldest events first")

	rotate := &cobra.Command{
		Use:   "rotate-key",
		Short: "Replace the team's secret key without downtime (admins): data keys wrapped again, every secret's values re-encrypted under a new data key, the old keys destroyed",
		Long: `rotate-key replaces the team's key and re-encrypts every live secret:
each secret's values are sealed again under a new data key (recorded as
console.secret.rekeyed) and its old data keys are destroyed, so what the
event log held of the values before can no longer be opened. Values keep
opening throughout; clusters see no change and no app rolls. If it stops
half-way, running it again finishes the rest.`,
		Example: `  weft secret rotate-key`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.RotateSecretsKey(cmd.Context(), c)
			if err != nil {
				return explain("rotate the team's secret key", ep.Server, err)
			}
			x := r.RotateSecretsKey
			if a.format() != output.Table {
				return a.render(cmd, x, nil)
			}
			if x.To == nil {
				fmt.Fprintln(cmd.OutOrStdout(), "The team has no secret key yet: nothing to rotate.")
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Rotated the team's secret key to %s (%d data keys wrapped again; the old key %s destroyed) and re-encrypted %d secrets under new data keys %s.\n",
				*x.To, x.Rewrapped, str(x.From), x.Resealed, seqNote(x.Seq))
			return nil
		},
	}
	cmd.AddCommand(set, list, get, del, history, rotate)
	return cmd
}

// resourceEvents reads one resource's events from the audit trail.
func (a *app) resourceEvents(ctx context.Context, c clientT, typ, id string, limit int, oldestFirst bool) ([]api.EventFields, error) {
	filter := &api.EventFilter{AggregateType: &typ, AggregateId: &id}
	order := api.EventOrderNewestFirst
	if oldestFirst {
		order = api.EventOrderOldestFirst
	}
	var items []api.EventFields
	var after *string
	for {
		n := pageSize
		if limit > 0 {
			n = min(n, limit-len(items))
		}
		r, err := api.Events(ctx, c, &n, after, filter, &order)
		if err != nil {
			return nil, err
		}
		for _, e := range r.Events.Edges {
			items = append(items, e.Node.EventFields)
		}
		if !r.Events.PageInfo.HasNextPage || r.Events.PageInfo.EndCursor == nil || (limit > 0 && len(items) >= limit) {
			return items, nil
		}
		after = r.Events.PageInfo.EndCursor
	}
}
