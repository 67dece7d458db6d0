package command

import (
	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/output"
)

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "Create users (the administrator)",
		Example: `  weft user create bob --display-name "Bob B."
  weft token create --user <bob's id> --name bob-laptop`,
	}
	var display string
	create := &cobra.Command{
		Use:   "create USERNAME",
		Short: "Create a user; give them a token with weft token create --user ID",
		Example: `  weft user create bob --display-name "Bob B."
  weft user create ci-bot -o json`,
		Args: exactArgs("USERNAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName("user", args[0]); err != nil {
				return err
			}
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			r, err := api.CreateUser(cmd.Context(), c, api.CreateUserInput{Username: args[0], DisplayName: first(display, args[0])})
			if err != nil {
				return explain("create user "+args[0], ep.Server, err)
			}
			u := r.CreateUser.User
			return a.render(cmd, r.CreateUser, func() output.Rows {
				return output.Rows{Header: []string{"USERNAME", "DISPLAY NAME", "ID"}, Rows: [][]string{{u.Username, u.DisplayName, u.Id}}}
			})
		},
	}
	create.Flags().StringVar(&display, "display-name", "", "the user's name as people read it (default: the username)")
	cmd.AddCommand(create)
	return cmd
}
