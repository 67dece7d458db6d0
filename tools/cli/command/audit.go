package command

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/spf13/cobra"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
	"weft.dev/tools/verify"
)

// auditCmd is weft audit: the team's events as weft events lists them,
// and export, which writes them out whole for an auditor's own tools.
func (a *app) auditCmd() *cobra.Command {
	cmd := a.eventsCmd()
	cmd.Use, cmd.Aliases = "audit", nil
	cmd.Short = "Show the team's audit trail (as weft events does), or export it for an auditor's tools"
	cmd.AddCommand(a.auditExportCmd(), a.auditVerifyCmd(), a.auditCredentialsCmd())
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
	// Chain is what verifying the exported events' hash chain and
	// checkpoints found (events/chain).
	Chain *chain.Report `json:"chain"`
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
column). Each event carries its place in the log's hash chain (chain.prev,
chain.hash) and itself exactly as stored (chain.stored), which the hash
covers. A summary ends the export: the number of events, the first and
last sequence, whether the sequences rose throughout, duplicate ids,
event types this server does not know, the SHA-256 of what was written
before it, the flag to resume with, and what verifying the exported
events' hash chain and signed checkpoints found (chain; a warning on
stderr when they do not verify). In CSV the summary is lines starting
with #.

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
			if allTeams {
				sum.Scope = "*"
			}
			v := chain.NewVerifier(checkpointKey(cmd.Context(), c))
			if fromSeq > 1 || filter.Since != nil {
				v.Partial()
			}
			if err := export(cmd.Context(), cmd.OutOrStdout(), format, &sum, v, exportReader(c, allTeams, filter)); err != nil {
				return explain("export events", ep.Server, err)
			}
			if !sum.Chain.OK {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: the exported events do not verify: sequence %d (%s): %s\n", sum.Chain.First.Seq, sum.Chain.First.Subject, sum.Chain.First.Detail)
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

// exportReader reads the team's events (allTeams: the whole log) a page
// at a time, oldest first, with their chain.
func exportReader(c graphql.Client, allTeams bool, filter *api.EventFilter) func(context.Context, *string) ([]api.ExportEventFields, *string, error) {
	return func(ctx context.Context, after *string) ([]api.ExportEventFields, *string, error) {
		n, order := exportPage, api.EventOrderOldestFirst
		var edges []api.ExportEventFields
		var info api.ExportEventsEventsEventConnectionPageInfo
		if allTeams {
			r, err := api.ExportLog(ctx, c, &n, after, filter, &order)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range r.Log.Edges {
				edges = append(edges, e.Node.ExportEventFields)
			}
			info = api.ExportEventsEventsEventConnectionPageInfo(r.Log.PageInfo)
		} else {
			r, err := api.ExportEvents(ctx, c, &n, after, filter, &order)
			if err != nil {
				return nil, nil, err
			}
			for _, e := range r.Events.Edges {
				edges = append(edges, e.Node.ExportEventFields)
			}
			info = r.Events.PageInfo
		}
		if !info.HasNextPage {
			return edges, nil, nil
		}
		return edges, info.EndCursor, nil
	}
}

// checkpointKey is the server's checkpoint key, nil when it cannot be had
// (the verification then says signatures were not checked).
func checkpointKey(ctx context.Context, c graphql.Client) ed25519.PublicKey {
	r, err := api.CheckpointKey(ctx, c)
	if err != nil {
		return nil
	}
	k, err := chain.ParseKey(r.CheckpointKey.PublicKey)
	if err != nil {
		return nil
	}
	return k
}

// chainMessage is the verifier's view of an exported event.
func chainMessage(e api.ExportEventFields) chain.Message {
	m := chain.Message{Seq: uint64(e.Seq), Subject: events.Subject(e.Team, events.AggregateRef{Type: e.AggregateType, ID: e.AggregateId})}
	if e.Chain != nil {
		m.Prev, m.Hash, m.Data = e.Chain.Prev, e.Chain.Hash, []byte(e.Chain.Stored)
	}
	return m
}

// csvHeader are the columns of a CSV export.
var csvHeader = []string{"seq", "id", "time", "type", "version", "team", "aggregate_type", "aggregate_id", "actor", "actor_name", "causation_id", "correlation_id", "known", "data", "chain_prev", "chain_hash", "stored"}

// export writes what read returns, page by page, then the summary. Each
// page is written (and flushed) before the next is asked for, so an
// export of any size holds one page in memory and a broken one keeps
// everything before the break.
func export(ctx context.Context, out io.Writer, format string, sum *exportSummary, v *chain.Verifier, read func(context.Context, *string) ([]api.ExportEventFields, *string, error)) error {
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
			v.Add(chainMessage(e))
			if format == "csv" {
				data := ""
				if e.Data != nil {
					data = string(*e.Data)
				}
				var prev, hash, stored string
				if e.Chain != nil {
					prev, hash, stored = e.Chain.Prev, e.Chain.Hash, e.Chain.Stored
				}
				err = cw.Write([]string{strconv.Itoa(e.Seq), e.Id, e.Time.UTC().Format(time.RFC3339Nano), e.Type, strconv.Itoa(e.Version), e.Team,
					e.AggregateType, e.AggregateId, e.Actor, e.ActorName, deref(e.CausationId), deref(e.CorrelationId), strconv.FormatBool(e.Known), data,
					prev, hash, stored})
			} else {
				var line []byte
				if line, err = json.Marshal(&e); err == nil {
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
	rep := v.Report()
	sum.Chain = &rep
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

func (a *app) auditVerifyCmd() *cobra.Command {
	var file, key string
	var allTeams bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check that the team's events (or an export) are what was written: the hash chain and the server's signed checkpoints",
		Long: `verify reads every event of the team, oldest first (or, with --file, a
JSON-lines export), and checks each event's hash against its stored
content, each event's link to the previous event of its resource, and
every signed checkpoint of the team against the events before it, with
the server's checkpoint key (or --key). It reports the first event whose
content, order or absence breaks the chain, where each team's chain
starts, and how many events are not sealed by a checkpoint yet.

Exit code 0 when everything verifies, 1 when something does not (or the
events could not be read), 2 for a wrong command line.`,
		Example: `  weft audit verify
  weft audit verify --file trail.jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var pub ed25519.PublicKey
			if key != "" {
				k, err := chain.ParseKey(key)
				if err != nil {
					return usagef("invalid --key: %v", err)
				}
				pub = k
			}
			var v *chain.Verifier
			if file != "" {
				f, err := os.Open(file)
				if err != nil {
					return usagef("read --file: %v", err)
				}
				defer f.Close()
				if pub == nil {
					if c, _, err := a.client(false); err == nil {
						pub = checkpointKey(ctx, c)
					}
				}
				v = chain.NewVerifier(pub)
				if err := verify.ReadExport(f, func(m chain.Message) error { v.Add(m); return nil }); err != nil {
					return &Error{Err: err, Code: ExitError, Hint: "--file takes an export written with --format jsonl"}
				}
			} else {
				c, ep, err := a.client(!allTeams)
				if err != nil {
					return err
				}
				if pub == nil {
					pub = checkpointKey(ctx, c)
				}
				v = chain.NewVerifier(pub)
				one := true
				read := exportReader(c, allTeams, &api.EventFilter{IncludeStatus: &one})
				for after := (*string)(nil); ; {
					page, next, err := read(ctx, after)
					if err != nil {
						return explain("read events", ep.Server, err)
					}
					for _, e := range page {
						v.Add(chainMessage(e))
					}
					if next == nil {
						break
					}
					after = next
				}
			}
			rep := v.Report()
			w := cmd.OutOrStdout()
			if f := a.format(); f != output.Table {
				if err := output.Render(w, f, 0, rep, nil); err != nil {
					return err
				}
			} else {
				verify.Describe(w, rep)
			}
			if !rep.OK {
				return &Error{Err: fmt.Errorf("the log does not verify from sequence %d (%s)", rep.First.Seq, rep.First.Subject), Code: ExitError,
					Hint: "see docs/auditing.md: the event named changed, or one before it of the same resource is missing or moved"}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&file, "file", "", "verify this JSON-lines export instead of reading the server's log")
	fs.StringVar(&key, "key", "", "the checkpoint key (standard base64; default: the server's, from the API)")
	fs.BoolVar(&allTeams, "all-teams", false, "every team's events and the team-less ones (the platform's administrator only)")
	return cmd
}
