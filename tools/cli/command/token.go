package command

import (
	"context"
	"fmt"
	"strings"
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
  weft token revoke ci`,
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
		Use:   "revoke NAME|ID",
		Short: "Revoke an API token at once",
		Long: `revoke ends an API token at once, named by its name (when one live token of
yours has it) or by its id as weft token list shows it.`,
		Example: `  weft token revoke ci`,
		Args:    exactArgs("NAME|ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			id := args[0]
			if !looksLikeID(id) {
				if id, err = a.tokenByName(cmd.Context(), c, ep.Server, user, args[0]); err != nil {
					return err
				}
			}
			r, err := api.RevokeToken(cmd.Context(), c, id)
			if err != nil {
				return explain("revoke token "+args[0], ep.Server, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Revoked token %s %s.\n", r.RevokeToken.Token.Id, seqNote(r.RevokeToken.Seq))
			return nil
		},
	}
	revoke.Flags().StringVar(&user, "user", "", "whose token, when naming it (user id; the administrator only)")
	cmd.AddCommand(list, create, revoke)
	return cmd
}

// tokenByName finds the one live (neither revoked nor expired) token
// called name among the caller's, or user's when set.
func (a *app) tokenByName(ctx context.Context, c clientT, server, user, name string) (string, error) {
	var up *string
	if user != "" {
		up = &user
	}
	items, err := collect(ctx, func(ctx context.Context, n int, after *string) ([]api.TokenFields, bool, *string, error) {
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
		return "", explain("find token "+name, server, err)
	}
	var ids []string
	for _, k := range items {
		if k.Name != nil && *k.Name == name && !k.Revoked && (k.ExpiresAt == nil || k.ExpiresAt.After(time.Now())) {
			ids = append(ids, k.Id)
		}
	}
	switch len(ids) {
	case 0:
		return "", &Error{Err: fmt.Errorf("find token %s: no live token of that name", name), Code: ExitError, Hint: "list tokens with: weft token list"}
	case 1:
		return ids[0], nil
	}
	return "", &Error{Err: fmt.Errorf("find token %s: several live tokens have that name (%s)", name, strings.Join(ids, ", ")), Code: ExitUsage, Hint: "name one by its id"}
}
