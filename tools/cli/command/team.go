package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func (a *app) teamCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "team",
		Aliases: []string{"teams"},
		Short:   "Create, list, show, rename, select, leave and delete teams",
		Example: `  weft team create acme --display-name "Acme Inc"
  weft team list
  weft team use acme`,
	}
	var display string
	create := &cobra.Command{
		Use:   "create SLUG",
		Short: "Create a team with you as its owner, and select it",
		Example: `  weft team create acme --display-name "Acme Inc"
  weft team create acme -o json`,
		Args: exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			slug := args[0]
			if err := checkName("team", slug); err != nil {
				return err
			}
			ep, err := a.endpoint(false)
			if err != nil {
				return err
			}
			ep.Team = "" // createTeam is team-less: the team does not exist yet
			c, err := api.New(ep, loggingDoer{a.log, a.o.HTTP})
			if err != nil {
				return usage(err)
			}
			res, err := api.CreateTeam(cmd.Context(), seqClient{next: c, a: a}, api.CreateTeamInput{Slug: slug, DisplayName: first(display, slug)})
			if err != nil {
				return explain("create team "+slug, ep.Server, err)
			}
			if err := a.useTeam(slug); err != nil {
				return err
			}
			p := res.CreateTeam
			return a.render(cmd, p, func() output.Rows {
				return output.Rows{Header: []string{"TEAM", "DISPLAY NAME", "SEQ"}, Rows: [][]string{{p.Team.Slug, p.Team.DisplayName, fmt.Sprint(p.Seq)}}}
			})
		},
	}
	create.Flags().StringVar(&display, "display-name", "", "human name of the team (default: the slug)")

	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your teams and your role in each",
		Example: `  weft team list
  weft team list -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ep, err := a.endpoint(false)
			if err != nil {
				return err
			}
			// Team-less: the list must not fail on a selected team that
			// was deleted meanwhile (it marks the current one still).
			c, err := a.teamlessClient()
			if err != nil {
				return err
			}
			type item = api.MyTeamsMyTeamsMembershipConnectionEdgesMembershipEdgeNodeMembership
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]item, bool, *string, error) {
				r, err := api.MyTeams(ctx, c, &n, after)
				if err != nil {
					return nil, false, nil, err
				}
				var out []item
				for _, e := range r.MyTeams.Edges {
					out = append(out, e.Node)
				}
				return out, r.MyTeams.PageInfo.HasNextPage, r.MyTeams.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list teams", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows {
				t := output.Rows{Header: []string{"CURRENT", "TEAM", "DISPLAY NAME", "ROLE", "SINCE"}}
				for _, m := range items {
					cur := ""
					if m.Team.Slug == ep.Team {
						cur = "*"
					}
					t.Rows = append(t.Rows, []string{cur, m.Team.Slug, m.Team.DisplayName, string(m.Role), ts(&m.Since)})
				}
				return t
			})
		},
	}

	get := &cobra.Command{
		Use:     "get",
		Short:   "Show the team you act in",
		Example: `  weft team get --team acme -o yaml`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.CurrentTeam(cmd.Context(), c, nil)
			if err != nil {
				return explain("get team "+ep.Team, ep.Server, err)
			}
			if r.Team == nil {
				return &Error{Err: fmt.Errorf("get team %s: not found", ep.Team), Code: ExitError, Hint: hints[api.CodeNotFound]}
			}
			return a.render(cmd, r.Team, func() output.Rows {
				return output.Rows{Header: []string{"TEAM", "DISPLAY NAME", "CREATED"}, Rows: [][]string{{r.Team.Slug, r.Team.DisplayName, ts(r.Team.CreatedAt)}}}
			})
		},
	}

	rename := &cobra.Command{
		Use:     "rename DISPLAY-NAME",
		Short:   "Change the display name of the team you act in (admins)",
		Example: `  weft team rename "Acme Corporation" --team acme`,
		Args:    exactArgs("DISPLAY-NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] == "" {
				return usagef("the display name must not be empty")
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.RenameTeam(cmd.Context(), c, api.RenameTeamInput{DisplayName: args[0]})
			if err != nil {
				return explain("rename team "+ep.Team, ep.Server, err)
			}
			return a.render(cmd, r.RenameTeam, func() output.Rows {
				return output.Rows{Header: []string{"TEAM", "DISPLAY NAME", "SEQ"}, Rows: [][]string{{r.RenameTeam.Team.Slug, r.RenameTeam.Team.DisplayName, fmt.Sprint(r.RenameTeam.Seq)}}}
			})
		},
	}

	use := &cobra.Command{
		Use:     "use SLUG",
		Aliases: []string{"select"},
		Short:   "Make SLUG the team of the current context",
		Example: `  weft team use acme`,
		Args:    exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("team", args[0]); err != nil {
				return err
			}
			if err := a.useTeam(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Now acting in team %q.\n", args[0])
			return nil
		},
	}

	leave := &cobra.Command{
		Use:     "leave",
		Short:   "Leave the team you act in",
		Example: `  weft team leave --team old-team`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.LeaveTeam(cmd.Context(), c)
			if err != nil {
				return explain("leave team "+ep.Team, ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Left team %q %s.\n", r.LeaveTeam.Team.Slug, seqNote(r.LeaveTeam.Seq))
			return nil
		},
	}
	var yes bool
	del := &cobra.Command{
		Use:   "delete SLUG",
		Short: "Delete a team for good (owners): its secrets' keys are destroyed, its agents and members lose it",
		Long: `Delete a team for good (owners only). No token acts in it any more; its
secrets' keys are destroyed, so the values its history holds can no longer be
opened by anyone; its clusters' agents lose their credentials and their streams.
Its history stays in the event log, which the platform's administrator still
reads (weft audit export --all-teams), and its name is not used again.

Asks you to type the team's name unless --yes. If the server says a step did
not finish, the team is deleted already: run the command again to finish it.`,
		Example: `  weft team delete sandbox
  weft team delete trial --yes -o json`,
		Args: exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			slug := args[0]
			if err := checkName("team", slug); err != nil {
				return err
			}
			if !yes {
				if a.o.StdinIsTerminal {
					fmt.Fprintf(a.o.Stderr, "Deleting team %q destroys its secrets' keys and cannot be undone.\nType the team's name to confirm: ", slug)
				}
				// The name from the terminal, or a line of stdin.
				line, _ := bufio.NewReader(a.o.Stdin).ReadString('\n')
				switch strings.TrimSpace(line) {
				case slug:
				case "":
					return usagef("deleting team %s cannot be undone: type its name to confirm, or pass --yes", slug)
				default:
					return usagef("the name typed is not %q: nothing was deleted", slug)
				}
			}
			ep, err := a.endpoint(false)
			if err != nil {
				return err
			}
			// Team-less, as createTeam: the team may be deleted already (a
			// retry), and then no request can act in it.
			ep.Team = ""
			c, err := api.New(ep, loggingDoer{a.log, a.o.HTTP})
			if err != nil {
				return usage(err)
			}
			r, err := api.DeleteTeam(cmd.Context(), seqClient{next: c, a: a}, slug)
			if err != nil {
				return explain("delete team "+slug, ep.Server, err)
			}
			if err := a.forgetTeam(slug); err != nil {
				return err
			}
			p := r.DeleteTeam
			return a.render(cmd, p, func() output.Rows {
				return output.Rows{Header: []string{"TEAM", "DELETED", "SEQ"}, Rows: [][]string{{p.Slug, "yes", fmt.Sprint(p.Seq)}}}
			})
		},
	}
	del.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for the team's name")
	cmd.AddCommand(create, list, get, rename, use, leave, del)
	return cmd
}

// forgetTeam unselects slug in the current context when it is the team
// there: a deleted team is nobody's to act in.
func (a *app) forgetTeam(slug string) error {
	f, err := a.loadConfig()
	if err != nil {
		return err
	}
	name, _ := a.contextName(f)
	c, ok := f.Get(name)
	if !ok || c.Team != slug {
		return nil
	}
	c.Team = ""
	if err := a.saveConfig(f); err != nil {
		return fmt.Errorf("unselect the deleted team: %w", err)
	}
	return nil
}

// useTeam records slug as the team of the current context.
func (a *app) useTeam(slug string) error {
	f, err := a.loadConfig()
	if err != nil {
		return err
	}
	name, _ := a.contextName(f)
	c, ok := f.Get(name)
	if !ok {
		if a.env("WEFT_TOKEN") != "" {
			return nil // running from the environment alone: nothing to record
		}
		return &Error{Err: errors.New("select team: no current context"), Code: ExitUsage, Hint: "run weft login first, or pass --team on each command"}
	}
	c.Team = slug
	if err := a.saveConfig(f); err != nil {
		return fmt.Errorf("select team: %w", err)
	}
	return nil
}
