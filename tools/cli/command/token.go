package command

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "token",
		Aliases: []string{"tokens"},
		Short:   "Create, list and revoke API tokens",
		Example: `  weft token create --name ci --expires 720h
  weft token list
  weft token revoke 0193...`,
	}
	var user string
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your API tokens (or a user's, for the administrator), newest first",
		Example: `  weft token list
  weft token list --user 0193... -o yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			var up *string
			if user != "" {
				up = &user
			}
			items, err := collect(cmd.Context(), func(ctx context.Context, n int, after *string) ([]api.TokenFields, bool, *string, error) {
				r, err := api.Tokens(ctx, c, up, &n, after, nil)
				if err != nil {
					return nil, false, nil, err
				}
				var out []api.TokenFields
				for _, e := range r.Tokens.Edges {
					out = append(out, e.Node.TokenFields)
				}
				return out, r.Tokens.PageInfo.HasNextPage, r.Tokens.PageInfo.EndCursor, nil
			})
			if err != nil {
				return explain("list tokens", ep.Server, err)
			}
			return a.render(cmd, items, func() output.Rows {
				t := output.Rows{Header: []string{"ID", "NAME", "CREATED", "EXPIRES", "STATE"}}
				for _, k := range items {
					state := "active"
					if k.Revoked {
						state = "revoked"
					} else if k.ExpiresAt != nil && k.ExpiresAt.Before(time.Now()) {
						state = "expired"
					}
					if k.Bootstrap {
						state += " (bootstrap)"
					}
					t.Rows = append(t.Rows, []string{k.Id, str(k.Name), ts(k.CreatedAt), ts(k.ExpiresAt), state})
				}
				return t
			})
		},
	}
	list.Flags().StringVar(&user, "user", "", "whose tokens (user id; the administrator only)")

	var name, expires string
	create := &cobra.Command{
		Use:   "create",
		Short: "Create an API token; its secret is printed once",
		Example: `  weft token create --name laptop
  weft token create --name ci --expires 720h -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := api.CreateTokenInput{}
			if name != "" {
				in.Name = &name
			}
			if user != "" {
				in.UserId = &user
			}
			if expires != "" {
				d, err := time.ParseDuration(expires)
				var at time.Time
				if err == nil && d > 0 {
					at = time.Now().Add(d).UTC()
				} else if at, err = time.Parse(time.RFC3339, expires); err != nil {
					return usagef("invalid --expires %q: want a duration from now (720h) or an RFC 3339 time", expires)
				}
				in.ExpiresAt = &at
			}
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			r, err := api.CreateToken(cmd.Context(), c, in)
			if err != nil {
				return explain("create token", ep.Server, err)
			}
			p := r.CreateToken
			if a.format() != output.Table {
				return a.render(cmd, p, nil)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created token %s %s. Its secret, shown only this once:\n\n  %s\n\n", p.Token.Id, seqNote(p.Seq), p.Secret)
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "a name to recognise the token by")
	create.Flags().StringVar(&expires, "expires", "", "expiry: a duration from now (720h) or an RFC 3339 time (default: never)")
	create.Flags().StringVar(&user, "user", "", "whose token (user id; the administrator only)")

	revoke := &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API token at once",
		Example: `  weft token revoke 0193...`,
		Args:    exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			r, err := api.RevokeToken(cmd.Context(), c, args[0])
			if err != nil {
				return explain("revoke token "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Revoked token %s %s.\n", r.RevokeToken.Token.Id, seqNote(r.RevokeToken.Seq))
			return nil
		},
	}
	cmd.AddCommand(list, create, revoke)
	return cmd
}
