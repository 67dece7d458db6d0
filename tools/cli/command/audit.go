package command

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
)

// auditCmd is weft audit: the team's events as weft events lists them,
// and export, which writes them out whole for an auditor's own tools.
func (a *app) auditCmd() *cobra.Command {
	cmd := a.eventsCmd()
	cmd.Use, cmd.Aliases = "audit", nil
	cmd.Short = "Show the team's audit trail (as weft events does), or export it for an auditor's tools"
	cmd.AddCommand(a.auditExportCmd(), a.auditCredentialsCmd())
	return cmd
}

// exportPage is how many events one request of an export reads: the
// API's largest page.
const exportPage = 500

// exportSummary ends every export: what it holds and what was checked.
type exportSummary struct {
	Scope    string     `json:"scope"` // the team, or "*" for the whole log
	Since    *time.Time `json:"since,omitempty"`
	Until    *time.Time `json:"until,omitempty"`
	FromSeq  int        `json:"fromSeq,omitempty"`
	Events   int        `json:"events"`
	FirstSeq int        `json:"firstSeq,omitempty"`
	LastSeq  int        `json:"lastSeq,omitempty"`
	// Ordered: every event's sequence is above the one before it.
	Ordered bool `json:"ordered"`
	// DuplicateIDs counts event ids seen twice (the log stores each once).
	DuplicateIDs int `json:"duplicateIds"`
	// UnknownTypes counts events of types this server does not know.
	UnknownTypes int `json:"unknownTypes"`
	// SHA256 is the digest of the export's event lines (or rows) as
	// written, before this summary: a copy that digests the same is this
	// export.
	SHA256 string `json:"sha256"`
	// Resume is how to continue after the last event exported.
	Resume string `json:"resume"`
}

func (a *app) auditExportCmd() *cobra.Command {
	var since, until, format string
	var fromSeq int
	var allTeams bool
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the team's events (or, for the platform's administrator, the whole log) as JSON lines or CSV",
		Long: `export writes every event of the team, oldest first, agents' status
reports included, as it reads them page by page: one JSON object per line
(--format jsonl) or one CSV row per event (--format csv, the data as a JSON
column). A summary ends the export: the number of events, the first and
last sequence, whether the sequences rose throughout, duplicate ids,
event types this server does not know, the SHA-256 of what was written
before it, and the flag to resume with. In CSV the summary is lines
starting with #.

An interrupted export resumes with --from-seq (the last sequence written
plus one) appended to the same file. --all-teams exports every team's
events and the team-less ones (users, tokens): the platform's
administrator only.`,
		Example: `  weft audit export --since 720h --format jsonl > trail.jsonl
  weft audit export --since 2026-12-01T00:00:00Z --until 2026-12-06T00:00:00Z --format csv > december.csv
  weft audit export --from-seq 1 --format jsonl > trail.jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "jsonl" && format != "csv" {
				return usagef("invalid --format %q: want jsonl or csv", format)
			}
			if fromSeq < 0 {
				return usagef("invalid --from-seq %d: want a sequence (1 or more)", fromSeq)
			}
			f := eventFilters{since: since, until: until, includeStatus: true}
			filter, err := f.filter(time.Now())
			if err != nil {
				return err
			}
			if fromSeq > 0 {
				filter.FromSeq = &fromSeq
			}
			c, ep, err := a.client(!allTeams)
			if err != nil {
				return err
			}
			sum := exportSummary{Scope: ep.Team, Since: filter.Since, Until: filter.Until, FromSeq: fromSeq}
			read := func(ctx context.Context, c graphql.Client, after *string) ([]api.EventFields, *string, error) {
				n, order := exportPage, api.EventOrderOldestFirst
				var edges []api.EventFields
				var info api.EventsEventsEventConnectionPageInfo
				if allTeams {
					r, err := api.Log(ctx, c, &n, after, filter, &order)
					if err != nil {
						return nil, nil, err
					}
					for _, e := range r.Log.Edges {
						edges = append(edges, e.Node.EventFields)
					}
					info = api.EventsEventsEventConnectionPageInfo(r.Log.PageInfo)
				} else {
					r, err := api.Events(ctx, c, &n, after, filter, &order)
					if err != nil {
						return nil, nil, err
					}
					for _, e := range r.Events.Edges {
						edges = append(edges, e.Node.EventFields)
					}
					info = r.Events.PageInfo
				}
				if !info.HasNextPage {
					return edges, nil, nil
				}
				return edges, info.EndCursor, nil
			}
			if allTeams {
				sum.Scope = "*"
			}
			if err := export(cmd.Context(), cmd.OutOrStdout(), format, &sum, func(ctx context.Context, after *string) ([]api.EventFields, *string, error) {
				return read(ctx, c, after)
			}); err != nil {
				return explain("export events", ep.Server, err)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&since, "since", "", "only events stored at or after: RFC 3339 time or a duration ago (720h)")
	fs.StringVar(&until, "until", "", "only events stored before: RFC 3339 time or a duration ago")
	fs.IntVar(&fromSeq, "from-seq", 0, "start at this sequence (resume: the last one written plus one)")
	fs.StringVar(&format, "format", "jsonl", "jsonl or csv")
	fs.BoolVar(&allTeams, "all-teams", false, "every team's events and the team-less ones (the platform's administrator only)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"jsonl", "csv"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// csvHeader are the columns of a CSV export.
var csvHeader = []string{"seq", "id", "time", "type", "version", "team", "aggregate_type", "aggregate_id", "actor", "actor_name", "causation_id", "correlation_id", "known", "data"}

// export writes what read returns, page by page, then the summary. Each
// page is written (and flushed) before the next is asked for, so an
// export of any size holds one page in memory and a broken one keeps
// everything before the break.
func export(ctx context.Context, out io.Writer, format string, sum *exportSummary, read func(context.Context, *string) ([]api.EventFields, *string, error)) error {
	w := bufio.NewWriter(out)
	h := sha256.New()
	body := io.MultiWriter(w, h)
	cw := csv.NewWriter(body)
	if format == "csv" {
		if err := cw.Write(csvHeader); err != nil {
			return err
		}
	}
	sum.Ordered = true
	seen := map[string]bool{}
	var after *string
	for {
		page, next, err := read(ctx, after)
		if err != nil && sum.Events > 0 {
			return fmt.Errorf("after sequence %d (append the rest with --from-seq %d): %w", sum.LastSeq, sum.LastSeq+1, err)
		}
		if err != nil {
			return err
		}
		for _, e := range page {
			if sum.Events > 0 && e.Seq <= sum.LastSeq {
				sum.Ordered = false
			}
			if seen[e.Id] {
				sum.DuplicateIDs++
			}
			seen[e.Id] = true
			if !e.Known {
				sum.UnknownTypes++
			}
			if sum.Events == 0 {
				sum.FirstSeq = e.Seq
			}
			sum.Events++
			sum.LastSeq = e.Seq
			if format == "csv" {
				data := ""
				if e.Data != nil {
					data = string(*e.Data)
				}
				err = cw.Write([]string{strconv.Itoa(e.Seq), e.Id, e.Time.UTC().Format(time.RFC3339Nano), e.Type, strconv.Itoa(e.Version), e.Team,
					e.AggregateType, e.AggregateId, e.Actor, e.ActorName, deref(e.CausationId), deref(e.CorrelationId), strconv.FormatBool(e.Known), data})
			} else {
				var line []byte
				if line, err = json.Marshal(e); err == nil {
					_, err = body.Write(append(line, '\n'))
				}
			}
			if err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if next == nil {
			break
		}
		after = next
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	sum.Resume = fmt.Sprintf("--from-seq %d", sum.LastSeq+1)
	if sum.Events == 0 {
		sum.Resume = fmt.Sprintf("--from-seq %d", max(sum.FromSeq, 1))
	}
	raw, err := json.Marshal(sum)
	if err != nil {
		return err
	}
	if format == "csv" {
		fmt.Fprintf(w, "# summary %s\n", raw)
	} else {
		fmt.Fprintf(w, "{\"summary\":%s}\n", raw)
	}
	return w.Flush()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
