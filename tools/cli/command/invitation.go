package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

// memberInviteCmd is weft member invite: an invitation the invitee answers,
// the way into a team for anyone the server's administrator does not add.
func (a *app) memberInviteCmd() *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   "invite USERNAME",
		Short: "Invite a user to the team; they join when they accept (admins; owners invite owners)",
		Long: `invite records an invitation to the team for USERNAME with a role (member
unless --role says otherwise). The answer is the same whether or not anyone
holds the name, so it tells nothing about which usernames exist. The
invitee sees it with weft invitation list and joins with weft invitation
accept TEAM; weft member invitations lists those not yet answered.`,
		Example: `  weft member invite dana
  weft member invite erin --role admin`,
		Args: exactArgs("USERNAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkUsername(args[0]); err != nil {
				return err
			}
			in := api.InviteInput{Username: args[0]}
			if role != "" {
				r, err := parseRole(role)
				if err != nil {
					return err
				}
				in.Role = &r
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.InviteMember(cmd.Context(), c, in)
			if err != nil {
				return explain("invite "+args[0]+" to "+ep.Team, ep.Server, err)
			}
			p := r.InviteMember
			if a.format() != output.Table {
				return a.render(cmd, p.Invitation, nil)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Invited %s to %s as %s %s; they join with: weft invitation accept %s\n",
				args[0], ep.Team, roleName(p.Invitation.Role), seqNote(p.Seq), ep.Team)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "role offered: auditor, member (default), admin or owner")
	return cmd
}

// memberInvitationsCmd is weft member invitations: the team's unanswered
// invitations.
func (a *app) memberInvitationsCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "invitations",
		Short:   "List the team's invitations not yet answered (admins)",
		Example: `  weft member invitations`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			r, err := api.TeamInvitations(cmd.Context(), c, nil)
			if err != nil {
				return explain("list the invitations of "+ep.Team, ep.Server, err)
			}
			var items []api.InvitationFields
			if r.Team != nil {
				for _, i := range r.Team.Invitations {
					items = append(items, i.InvitationFields)
				}
			}
			return a.renderInvitations(cmd, items, "USERNAME")
		},
	}
}

// invitationCmd is weft invitation: the invitee's side.
func (a *app) invitationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "invitation",
		Aliases: []string{"invitations"},
		Short:   "See, accept or decline your invitations to teams",
		Example: `  weft invitation list
  weft invitation accept acme
  weft invitation decline other`,
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the invitations waiting for your answer",
		Example: `  weft invitation list
  weft invitation list -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			r, err := api.MyInvitations(cmd.Context(), c, nil)
			if err != nil {
				return explain("list your invitations", ep.Server, err)
			}
			items := make([]api.InvitationFields, 0, len(r.MyInvitations))
			for _, i := range r.MyInvitations {
				items = append(items, i.InvitationFields)
			}
			return a.renderInvitations(cmd, items, "TEAM")
		},
	}
	answer := func(verb string, accept bool) *cobra.Command {
		return &cobra.Command{
			Use:     verb + " TEAM",
			Short:   map[bool]string{true: "Accept an invitation: join the team with the role offered", false: "Decline an invitation"}[accept],
			Example: map[bool]string{true: "  weft invitation accept acme", false: "  weft invitation decline other"}[accept],
			Args:    exactArgs("TEAM"),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkName("team", args[0]); err != nil {
					return err
				}
				c, ep, err := a.client(false)
				if err != nil {
					return err
				}
				var inv api.InvitationFields
				var seq int
				if accept {
					r, err := api.AcceptInvitation(cmd.Context(), c, args[0])
					if err != nil {
						return explain("accept the invitation to "+args[0], ep.Server, err)
					}
					inv, seq = r.AcceptInvitation.Invitation.InvitationFields, r.AcceptInvitation.Seq
				} else {
					r, err := api.DeclineInvitation(cmd.Context(), c, args[0])
					if err != nil {
						return explain("decline the invitation to "+args[0], ep.Server, err)
					}
					inv, seq = r.DeclineInvitation.Invitation.InvitationFields, r.DeclineInvitation.Seq
				}
				if a.format() != output.Table {
					return a.render(cmd, inv, nil)
				}
				if accept {
					fmt.Fprintf(cmd.OutOrStdout(), "Joined %s as %s %s; act in it with --team %s (or weft team use %s)\n", args[0], roleName(inv.Role), seqNote(seq), args[0], args[0])
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "Declined the invitation to %s %s\n", args[0], seqNote(seq))
				}
				return nil
			},
		}
	}
	cmd.AddCommand(list, answer("accept", true), answer("decline", false))
	return cmd
}

func (a *app) renderInvitations(cmd *cobra.Command, items []api.InvitationFields, first string) error {
	return a.render(cmd, items, func() output.Rows {
		t := output.Rows{Header: []string{first, "ROLE"}}
		for _, i := range items {
			name := i.Team
			if first == "USERNAME" {
				name = i.Username
			}
			t.Rows = append(t.Rows, []string{name, roleName(i.Role)})
		}
		return t
	})
}

// roleName is a role as the CLI's flags spell it: lower case.
func roleName(r api.Role) string { return strings.ToLower(string(r)) }
