package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// eventRows shows events as a person reads them: resources and actors by
// name; wide adds their ids (JSON and YAML always carry both).
func eventRows(items []api.EventFields, wide bool) output.Rows {
	t := output.Rows{Header: []string{"SEQ", "TIME", "TYPE", "RESOURCE", "ACTOR"}}
	if wide {
		t.Header = append(t.Header, "RESOURCE ID", "ACTOR ID")
	}
	for _, e := range items {
		t.Rows = append(t.Rows, eventRow(e, wide))
	}
	return t
}

func eventRow(e api.EventFields, wide bool) []string {
	resource := e.AggregateType + "/" + e.AggregateId
	if e.ResourceName != nil && *e.ResourceName != "" {
		resource = e.AggregateType + " " + *e.ResourceName
	}
	r := []string{strconv.Itoa(e.Seq), e.Time.UTC().Format(time.RFC3339), e.Type, resource, first(e.ActorName, e.Actor)}
	if wide {
		r = append(r, e.AggregateType+"/"+e.AggregateId, e.Actor)
	}
	return r
}

// eventFilters are the flags of weft events.
type eventFilters struct {
	types                              []string
	actor, resource                    string
	since, until, seq                  string
	limit                              int
	oldestFirst, follow, includeStatus bool
}

func (f *eventFilters) filter(now time.Time) (*api.EventFilter, error) {
	var out api.EventFilter
	if len(f.types) > 0 {
		out.Types = f.types
	}
	if f.actor != "" {
		out.Actor = &f.actor
	}
	if f.resource != "" {
		kind, id, hasID := strings.Cut(f.resource, "/")
		if kind == "" || (hasID && id == "") || strings.ContainsAny(f.resource, " .*>") {
			return nil, usagef("invalid --resource %q: want TYPE, TYPE/NAME or TYPE/ID, e.g. app, app/prod/api or cluster/eu-1", f.resource)
		}
		out.AggregateType = &kind
		if hasID {
			out.AggregateId = &id
		}
	}
	for _, tt := range []struct {
		s   string
		dst **time.Time
	}{{f.since, &out.Since}, {f.until, &out.Until}} {
		if tt.s == "" {
			continue
		}
		t, err := parseTime(tt.s, now)
		if err != nil {
			return nil, err
		}
		*tt.dst = &t
	}
	if f.seq != "" {
		from, to, isRange := strings.Cut(f.seq, "..")
		parse := func(s string) (*int, error) {
			if s == "" {
				return nil, nil
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return nil, usagef("invalid --seq %q: want N, FROM.., ..TO or FROM..TO (positive sequence numbers)", f.seq)
			}
			return &n, nil
		}
		var err error
		if out.FromSeq, err = parse(from); err != nil {
			return nil, err
		}
		if !isRange {
			out.ToSeq = out.FromSeq
		} else if out.ToSeq, err = parse(to); err != nil {
			return nil, err
		}
		if out.FromSeq != nil && out.ToSeq != nil && *out.FromSeq > *out.ToSeq {
			return nil, usagef("invalid --seq %q: FROM is after TO", f.seq)
		}
	}
	if f.limit < 0 {
		return nil, usagef("invalid --limit %d: want 0 (everything) or more", f.limit)
	}
	if f.includeStatus {
		out.IncludeStatus = &f.includeStatus
	}
	return &out, nil
}

func (a *app) eventsCmd() *cobra.Command {
	var f eventFilters
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Show the team's audit trail from the event log, or follow it live",
		Long: `events reads the team's events straight from the event log, newest first.
With --follow it keeps printing events as they are appended (over a
GraphQL subscription) until interrupted. -o json prints one event per line,
for tools such as jq.

Agents' status reports (a cluster converging further, app rollouts) are
left out unless --include-status; an agent's state changes (enrolled,
online, offline, a new gateway key) are always in.

Event types are named service.resource.event (console.app.created,
infra.device.created); --type also takes resource.event (app.created) or
its short form (AppCreated) when it names one type.`,
		Example: `  weft events --limit 20
  weft events --type console.app.created --type app.deleted --since 24h
  weft events --resource app/prod/api --oldest-first
  weft audit --actor admin --seq 1..20 --oldest-first
  weft events --follow -o json | jq .type`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			filter, err := f.filter(time.Now())
			if err != nil {
				return err
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			if err := a.resolveResource(cmd.Context(), c, ep.Server, filter); err != nil {
				return err
			}
			if f.follow {
				return a.follow(cmd, ep, filter)
			}
			order := api.EventOrderNewestFirst
			if f.oldestFirst {
				order = api.EventOrderOldestFirst
			}
			var items []api.EventFields
			var after *string
			for {
				n := pageSize
				if f.limit > 0 {
					n = min(n, f.limit-len(items))
				}
				r, err := api.Events(cmd.Context(), c, &n, after, filter, &order)
				if err != nil {
					return explain("read events", ep.Server, err)
				}
				for _, e := range r.Events.Edges {
					items = append(items, e.Node.EventFields)
				}
				if !r.Events.PageInfo.HasNextPage || r.Events.PageInfo.EndCursor == nil || (f.limit > 0 && len(items) >= f.limit) {
					break
				}
				after = r.Events.PageInfo.EndCursor
			}
			return a.renderEvents(cmd.OutOrStdout(), cmd, items)
		},
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&f.types, "type", nil, "only events of this type, repeatable: console.app.created, app.created or AppCreated")
	fs.StringVar(&f.actor, "actor", "", "only events caused by this actor: a username, user:<id> or system:<name>")
	fs.StringVar(&f.resource, "resource", "", "only events of a resource: TYPE, TYPE/NAME or TYPE/ID (app, app/prod/api, cluster/eu-1)")
	fs.StringVar(&f.since, "since", "", "only events at or after: RFC 3339 time or a duration ago (2h)")
	fs.StringVar(&f.until, "until", "", "only events before: RFC 3339 time or a duration ago")
	fs.StringVar(&f.seq, "seq", "", "only these sequence numbers: N, FROM.., ..TO or FROM..TO")
	fs.IntVar(&f.limit, "limit", 50, "at most this many events (0: all)")
	fs.BoolVar(&f.oldestFirst, "oldest-first", false, "oldest events first")
	fs.BoolVarP(&f.follow, "follow", "f", false, "keep printing new events as they happen")
	fs.BoolVar(&f.includeStatus, "include-status", false, "also agents' status reports (progress, rollouts)")
	return cmd
}

// renderEvents prints a list; JSON is one event per line.
func (a *app) renderEvents(w io.Writer, cmd *cobra.Command, items []api.EventFields) error {
	if a.format() == output.JSON {
		for _, e := range items {
			if err := output.WriteJSON(w, e, ""); err != nil {
				return err
			}
		}
		return nil
	}
	if items == nil {
		items = []api.EventFields{}
	}
	return a.render(cmd, items, func() output.Rows { return eventRows(items, a.global.wide) })
}

// follow prints events as the subscription delivers them. The
// subscription filters by type and start sequence only; the other filters
// apply here.
func (a *app) follow(cmd *cobra.Command, ep api.Endpoint, filter *api.EventFilter) error {
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	ws, err := api.NewSubscriber(ep)
	if err != nil {
		return usage(err)
	}
	errs, err := ws.Start(ctx)
	if err != nil {
		return explain("follow events", ep.Server, err)
	}
	defer ws.Close()
	events, _, err := api.TeamEvents(ctx, ws, filter.Types, filter.FromSeq, filter.IncludeStatus)
	if err != nil {
		return explain("follow events", ep.Server, err)
	}
	w := cmd.OutOrStdout()
	format := a.format()
	if format == output.Table {
		fmt.Fprintln(w, followLine(eventRows(nil, a.global.wide).Header))
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-errs:
			if !ok {
				return nil
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				return explain("follow events", ep.Server, err)
			}
		case msg, ok := <-events:
			if !ok {
				return nil
			}
			if len(msg.Errors) > 0 {
				return explain("follow events", ep.Server, msg.Errors)
			}
			if msg.Data == nil {
				continue
			}
			e := msg.Data.TeamEvents.EventFields
			if !matches(e, filter) {
				continue
			}
			switch format {
			case output.JSON:
				err = output.WriteJSON(w, e, "")
			case output.YAML:
				fmt.Fprintln(w, "---")
				err = output.WriteYAML(w, e)
			default:
				_, err = fmt.Fprintln(w, followLine(eventRow(e, a.global.wide)))
			}
			if err != nil {
				return err
			}
		}
	}
}

// matches applies the filters the subscription cannot.
func matches(e api.EventFields, f *api.EventFilter) bool {
	switch {
	case f.Actor != nil && e.Actor != *f.Actor && e.ActorName != *f.Actor, // --actor takes a username too
		f.AggregateType != nil && e.AggregateType != *f.AggregateType,
		f.AggregateId != nil && e.AggregateId != *f.AggregateId,
		f.ToSeq != nil && e.Seq > *f.ToSeq,
		f.Since != nil && e.Time.Before(*f.Since),
		f.Until != nil && !e.Time.Before(*f.Until):
		return false
	}
	return true
}

func (a *app) historyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "history",
		Short:   "Show a resource's history from the event log",
		Example: `  weft history app api --env prod`,
	}
	var env string
	var limit int
	var oldestFirst, includeStatus bool
	appCmd := &cobra.Command{
		Use:   "app NAME [--env ENV]",
		Short: "Show an app's events, newest first",
		Example: `  weft history app api --env prod
  weft history app api --oldest-first -o json`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usagef("invalid --limit %d", limit)
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
			if err != nil {
				return err
			}
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
				r, err := api.AppHistory(cmd.Context(), c, x.Id, &n, after, &order, &includeStatus)
				if err != nil {
					return explain("read the history of app "+args[0], ep.Server, err)
				}
				if r.App == nil {
					return &Error{Err: fmt.Errorf("read the history of app %s: it is gone", args[0]), Code: ExitError, Hint: "weft events --resource app/" + x.Id + " reads a deleted app's events"}
				}
				for _, e := range r.App.History.Edges {
					items = append(items, e.Node.EventFields)
				}
				pi := r.App.History.PageInfo
				if !pi.HasNextPage || pi.EndCursor == nil || (limit > 0 && len(items) >= limit) {
					break
				}
				after = pi.EndCursor
			}
			return a.renderEvents(cmd.OutOrStdout(), cmd, items)
		},
	}
	appCmd.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	appCmd.Flags().IntVar(&limit, "limit", 0, "at most this many events (0: all)")
	appCmd.Flags().BoolVar(&oldestFirst, "oldest-first", false, "oldest events first")
	appCmd.Flags().BoolVar(&includeStatus, "include-status", false, "also its rollouts as agents report them")
	cmd.AddCommand(appCmd)
	return cmd
}

func (a *app) getCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "get",
		Short:   "Show a resource, now or as it was at a past time or sequence",
		Example: `  weft get app api --env prod --as-of 2026-11-24T09:00:00Z`,
	}
	var env, asOf, id string
	appCmd := &cobra.Command{
		Use:   "app NAME [--env ENV] [--as-of TIME|SEQ]",
		Short: "Show an app, as of a past time or event sequence with --as-of",
		Long: `get app shows the app as it is now, or with --as-of as the event log says
it was then: an RFC 3339 time, a duration ago (2h), or an event sequence.
A deleted app is found by --id (weft events --resource app --wide shows ids).`,
		Example: `  weft get app api --env prod
  weft get app api --env prod --as-of 2h
  weft get app api --as-of 1234 -o json
  weft get app old-api --id 0193... --as-of 2026-11-01T00:00:00Z`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("app", args[0]); err != nil {
				return err
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
			if asOf == "" {
				x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				return a.render(cmd, x, func() output.Rows { return appRows([]api.AppFields{*x}) })
			}
			if id == "" {
				x, err := a.appByName(cmd.Context(), c, ep.Server, env, args[0])
				if err != nil {
					return err
				}
				id = x.Id
			}
			r, err := api.ResourceAsOf(cmd.Context(), c, "app", id, seq, at)
			if p, ok := api.ProblemOf(err); ok && p.Code == api.CodeNotFound {
				r, err = &api.ResourceAsOfResponse{}, nil // reported below, with a better hint
			}
			if err != nil {
				return explain("read app "+args[0]+" as of "+asOf, ep.Server, err)
			}
			if r.ResourceAsOf == nil {
				return &Error{Err: fmt.Errorf("read app %s as of %s: it did not exist then", args[0], asOf), Code: ExitError, Hint: "see when it did with: weft history app " + args[0]}
			}
			if a.format() == output.Table {
				s := r.ResourceAsOf
				fmt.Fprintf(cmd.OutOrStdout(), "app %s as of %s (event sequence %d, %s):\n", args[0], asOf, s.Seq, s.Time.UTC().Format(time.RFC3339))
				return output.WriteYAML(cmd.OutOrStdout(), s.Resource)
			}
			return a.render(cmd, r.ResourceAsOf, nil)
		},
	}
	appCmd.Flags().StringVar(&env, "env", "", "the environment, when the name is in several")
	appCmd.Flags().StringVar(&asOf, "as-of", "", "a past point: RFC 3339 time, a duration ago (2h), or an event sequence")
	appCmd.Flags().StringVar(&id, "id", "", "the app's id (for an app deleted since)")
	cmd.AddCommand(appCmd)
	return cmd
}

// followLine lays out one row of a followed table in fixed columns (the
// rows to come are unknown, so their widths cannot be measured).
func followLine(cols []string) string {
	widths := []int{8, 20, 28, 32, 16, 48}
	var b strings.Builder
	for i, c := range cols {
		if i == len(cols)-1 {
			b.WriteString(c)
			break
		}
		fmt.Fprintf(&b, "%-*s  ", widths[min(i, len(widths)-1)], c)
	}
	return b.String()
}

// resolveResource turns --resource TYPE/NAME into the resource's id for
// the kinds the CLI finds by name (an app, service or router as ENV/NAME, or NAME
// when it is in one environment); an id, or another kind, is kept.
func (a *app) resolveResource(ctx context.Context, c clientT, server string, f *api.EventFilter) error {
	if f.AggregateType == nil || f.AggregateId == nil || looksLikeID(*f.AggregateId) {
		return nil
	}
	name := *f.AggregateId
	env, short, inEnv := strings.Cut(name, "/")
	if !inEnv {
		env, short = "", name
	}
	var id string
	switch *f.AggregateType {
	case "app":
		x, err := a.appByName(ctx, c, server, env, short)
		if err != nil {
			return err
		}
		id = x.Id
	case "service":
		x, err := a.serviceByName(ctx, c, server, env, short)
		if err != nil {
			return err
		}
		id = x.Id
	case "router":
		x, err := a.routerByName(ctx, c, server, env, short)
		if err != nil {
			return err
		}
		id = x.Id
	case "cluster":
		x, err := a.clusterByName(ctx, c, server, name)
		if err != nil {
			return err
		}
		id = x.Id
	case "device":
		x, err := a.deviceByName(ctx, c, server, name)
		if err != nil {
			return err
		}
		id = x.Id
	case "policy":
		x, err := a.policyByName(ctx, c, server, name)
		if err != nil {
			return err
		}
		id = x.Id
	case "env":
		r, err := api.EnvironmentByName(ctx, c, name, nil)
		if err != nil {
			return explain("find environment "+name, server, err)
		}
		if r.Environment == nil {
			return &Error{Err: fmt.Errorf("find environment %s: no such environment in this team", name), Code: ExitError, Hint: "list environments with: weft env list"}
		}
		id = r.Environment.Id
	default:
		return nil
	}
	f.AggregateId = &id
	return nil
}
