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
