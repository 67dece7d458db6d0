package command

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
)

// waitFlags are --wait and --wait-timeout of a command whose change the
// cluster agents apply (routes, peers, DNS, policies).
type waitFlags struct {
	wait    bool
	timeout time.Duration
}

func (w *waitFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&w.wait, "wait", false, "wait until the clusters' agents have applied the change")
	cmd.Flags().DurationVar(&w.timeout, "wait-timeout", 2*time.Minute, "give up waiting after this long")
}

// pollEvery is how often --wait asks for the clusters' applied sequence.
const pollEvery = 500 * time.Millisecond

// progress says whether every concerned cluster has applied seq, and a
// line for the progress indicator. Clusters that are not enrolled have no
// agent yet and get the whole state when one enrols, so they do not count;
// only (cluster ids) limits the wait to the clusters the change concerns
// (nil: every enrolled cluster).
func progress(clusters []api.ClusterFields, seq int, only []string) (bool, string) {
	var total, done int
	var behind []string
	for _, c := range clusters {
		if !c.Enrolled || (only != nil && !slices.Contains(only, c.Id)) {
			continue
		}
		total++
		if c.Status.AppliedSeq != nil && *c.Status.AppliedSeq >= seq {
			done++
			continue
		}
		behind = append(behind, fmt.Sprintf("%s at %s", c.Name, num(c.Status.AppliedSeq)))
	}
	if total == 0 {
		return true, "no enrolled cluster to wait for"
	}
	line := fmt.Sprintf("%d/%d clusters applied event %d", done, total, seq)
	if len(behind) > 0 {
		line += " (" + strings.Join(behind, ", ") + ")"
	}
	return done == total, line
}

// waitApplied polls the clusters until those concerned report seq applied,
// drawing the progress on stderr.
func (a *app) waitApplied(ctx context.Context, c clientT, server string, seq int, w waitFlags, only []string) error {
	if !w.wait {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	last := ""
	for {
		clusters, err := collect(ctx, func(ctx context.Context, n int, after *string) ([]api.ClusterFields, bool, *string, error) {
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
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(a.o.Stderr)
			return explain("wait for the clusters", server, err)
		}
		if err == nil {
			ok, line := progress(clusters, seq, only)
			switch {
			case a.o.StderrIsTerminal:
				fmt.Fprintf(a.o.Stderr, "\r\033[Kwaiting: %s", line)
			case line != last:
				fmt.Fprintf(a.o.Stderr, "waiting: %s\n", line)
			}
			last = line
			if ok {
				if a.o.StderrIsTerminal {
					fmt.Fprintln(a.o.Stderr)
				}
				return nil
			}
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.o.Stderr)
			if cmdCtxErr := context.Cause(ctx); cmdCtxErr == context.Canceled {
				return cmdCtxErr
			}
			return &Error{Err: fmt.Errorf("wait for the clusters: not applied after %s: %s", w.timeout, last), Code: ExitError,
				Hint: "the change is recorded; an agent may be offline (weft cluster list shows ONLINE and APPLIED SEQ)"}
		case <-t.C:
		}
	}
}
