package command

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// asOfFlags are --as-of and --id of a get command that can show its
// resource as the event log says it was at a past point.
type asOfFlags struct{ asOf, id string }

func (f *asOfFlags) register(cmd *cobra.Command, kind string) {
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "a past point: RFC 3339 time, a duration ago (2h), or an event sequence")
	cmd.Flags().StringVar(&f.id, "id", "", "with --as-of: the "+kind+"'s id (for one deleted since; weft events --resource "+kind+" --wide shows ids)")
}

// show prints resource kind (its name name, its id found by byName unless
// --id) as of --as-of, from the audit service's replay of the log.
func (f *asOfFlags) show(ctx context.Context, a *app, cmd *cobra.Command, c clientT, server, kind, name string, byName func() (string, error)) error {
	at, seq, err := parseTimeOrSeq(f.asOf, time.Now())
	if err != nil {
		return err
	}
	id := f.id
	if id == "" {
		if id, err = byName(); err != nil {
			return err
		}
	}
	r, err := api.ResourceAsOf(ctx, c, kind, id, seq, at)
	if p, ok := api.ProblemOf(err); ok && p.Code == api.CodeNotFound {
		r, err = &api.ResourceAsOfResponse{}, nil // reported below, with a better hint
	}
	if err != nil {
		return explain("read "+kind+" "+name+" as of "+f.asOf, server, err)
	}
	if r.ResourceAsOf == nil {
		return &Error{Err: fmt.Errorf("read %s %s as of %s: it did not exist then", kind, name, f.asOf), Code: ExitError,
			Hint: "see when it did with: weft events --resource " + kind + "/" + id + " --oldest-first"}
	}
	if a.format() == output.Table {
		s := r.ResourceAsOf
		fmt.Fprintf(cmd.OutOrStdout(), "%s %s as of %s (event sequence %d, %s):\n", kind, name, f.asOf, s.Seq, s.Time.UTC().Format(time.RFC3339))
		return output.WriteYAML(cmd.OutOrStdout(), s.Resource)
	}
	return a.render(cmd, r.ResourceAsOf, nil)
}

// historyCmd is `weft KIND history NAME`: the resource's events from the
// log, newest first (agents' status reports left out), found by name or,
// for one deleted since, by --id.
func (a *app) resourceHistoryCmd(kind, example string, byName func(ctx context.Context, c clientT, server, env, name string) (string, error)) *cobra.Command {
	var env, id string
	var limit int
	var oldestFirst bool
	cmd := &cobra.Command{
		Use:     "history NAME [--env ENV]",
		Short:   "Show a " + kind + "'s events, newest first: who created, changed and deleted it",
		Example: example,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName(kind, args[0]); err != nil {
				return err
			}
			if limit < 0 {
				return usagef("invalid --limit %d", limit)
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			rid := id
			if rid == "" {
				if rid, err = byName(cmd.Context(), c, ep.Server, env, args[0]); err != nil {
					return err
				}
			}
			items, err := a.resourceEvents(cmd.Context(), c, kind, rid, limit, oldestFirst)
			if err != nil {
				return explain("read the history of "+kind+" "+args[0], ep.Server, err)
			}
			return a.renderEvents(cmd.OutOrStdout(), cmd, items)
		},
	}
	cmd.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	cmd.Flags().StringVar(&id, "id", "", "the "+kind+"'s id (for one deleted since: weft events --resource "+kind+" --wide)")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many events (0: all)")
	cmd.Flags().BoolVar(&oldestFirst, "oldest-first", false, "oldest events first")
	return cmd
}
