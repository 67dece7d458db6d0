package command

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func parseRole(s string) (api.Role, error) {
	switch r := api.Role(strings.ToUpper(s)); r {
	case api.RoleAuditor, api.RoleMember, api.RoleAdmin, api.RoleOwner:
		return r, nil
	}
	return "", usagef("invalid role %q: want auditor, member, admin or owner", s)
}

func checkUsername(s string) error {
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, " \t\n") {
		return usagef("invalid username %q", s)
	}
	return nil
}

func (a *app) memberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "member",
		Aliases: []string{"members"},
		Short:   "List, invite, add and remove the members of a team, and change their roles",
		Example: `  weft member list
  weft member invite dana --role admin
  weft member remove bob`,
	}
	var role string
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the members of the team you act in",
		Example: `  weft member list --role owner
  weft member list -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var rp *api.Role
			if role != "" {
				r, err := parseRole(role)
				if err != nil {
					return err
				}
				rp = &r
			}
			c, ep, err := a.client(true)
			if err != nil {
				return err
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.MemberFields, bool, *string, error) {
				r, err := api.Members(ctx, c, &n, after, rp, nil)
				if err != nil {
					return nil, false, nil, err
				}
				if r.Team == nil {
					return nil, false, nil, fmt.Errorf("team %s not found", ep.Team)
				}
				var out []api.MemberFields
				for _, e := range r.Team.Members.Edges {
					out = append(out, e.Node.MemberFields)
				}
				return out, r.Team.Members.PageInfo.HasNextPage, r.Team.Members.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list members of "+ep.Team, ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows {
				t := output.Rows{Header: []string{"USERNAME", "DISPLAY NAME", "ROLE", "SINCE", "USER ID"}}
				for _, m := range items {
					t.Rows = append(t.Rows, []string{m.User.Username, m.User.DisplayName, string(m.Role), ts(m.Since), m.User.Id})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&role, "role", "", "only members with this role (auditor, member, admin, owner)")

	change := func(use, short, example, verb string, needRole bool, call func(context.Context, api.MemberInput) (int, error)) *cobra.Command {
		var r string
		c := &cobra.Command{
			Use: use, Short: short, Example: example,
			Args: exactArgs("USERNAME"),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkUsername(args[0]); err != nil {
					return err
				}
				in := api.MemberInput{Username: &args[0]}
				if r == "" && use == "add USERNAME" {
					r = "member" // the API wants a role; a new member is a member unless told
				}
				if r != "" || needRole {
					if r == "" {
						return usagef("%s needs --role", cmd.CommandPath())
					}
					rr, err := parseRole(r)
					if err != nil {
						return err
					}
					in.Role = &rr
				}
				seq, err := call(cmd.Context(), in)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s %s\n", verb, args[0], seqNote(seq))
				return nil
			},
		}
		if use != "remove USERNAME" {
			c.Flags().StringVar(&r, "role", "", "role: auditor, member (default for add), admin or owner")
		}
		return c
	}
	add := change("add USERNAME", "Add a user to the team at once (the server's administrator; a team's admins invite)",
		"  weft member add bob\n  weft member add carol --role admin", "Added", false,
		func(ctx context.Context, in api.MemberInput) (int, error) {
			c, ep, err := a.client(true)
			if err != nil {
				return 0, err
			}
			r, err := api.AddMember(ctx, c, in)
			if err != nil {
				return 0, explain("add member "+*in.Username+" to "+ep.Team, ep.Server, err)
			}
			return r.AddMember.Seq, nil
		})
	setRole := change("set-role USERNAME --role ROLE", "Change a member's role (admins; owners make or demote owners)",
		"  weft member set-role bob --role admin", "Changed the role of", true,
		func(ctx context.Context, in api.MemberInput) (int, error) {
			c, ep, err := a.client(true)
			if err != nil {
				return 0, err
			}
			r, err := api.ChangeRole(ctx, c, in)
			if err != nil {
				return 0, explain("change the role of "+*in.Username+" in "+ep.Team, ep.Server, err)
			}
			return r.ChangeRole.Seq, nil
		})
	remove := change("remove USERNAME", "Remove a member from the team (admins; owners remove owners)",
		"  weft member remove bob", "Removed", false,
		func(ctx context.Context, in api.MemberInput) (int, error) {
			c, ep, err := a.client(true)
			if err != nil {
				return 0, err
			}
			r, err := api.RemoveMember(ctx, c, in)
			if err != nil {
				return 0, explain("remove member "+*in.Username+" from "+ep.Team, ep.Server, err)
			}
			return r.RemoveMember.Seq, nil
		})
	remove.Aliases = []string{"rm"}
	cmd.AddCommand(list, a.memberInviteCmd(), a.memberInvitationsCmd(), add, setRole, remove)
	return cmd
}
