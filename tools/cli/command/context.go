package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/output"
)

func (a *app) contextCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "context",
		Aliases: []string{"contexts", "ctx"},
		Short:   "List, switch and delete saved logins",
		Example: `  weft context list
  weft context use acme@weft.example.com
  weft context delete old-server`,
	}
	complete := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		f, err := a.loadConfig()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return f.Names(), cobra.ShellCompDirectiveNoFileComp
	}
	cmd.AddCommand(&cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List contexts; * marks the current one",
		Example: `  weft context list
  weft context list -o yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			// Never print tokens, in any format.
			type row struct {
				Name     string `json:"name"`
				Server   string `json:"server"`
				User     string `json:"user"`
				Team     string `json:"team"`
				Current  bool   `json:"current"`
				LoggedIn bool   `json:"loggedIn"`
			}
			rows := []row{}
			for _, c := range f.Contexts {
				rows = append(rows, row{c.Name, c.Server, c.User, c.Team, c.Name == f.Current, c.Token != ""})
			}
			return a.render(cmd, rows, func() output.Rows {
				t := output.Rows{Header: []string{"CURRENT", "NAME", "SERVER", "USER", "TEAM"}}
				for _, r := range rows {
					cur := ""
					if r.Current {
						cur = "*"
					}
					user := r.User
					if !r.LoggedIn {
						user += " (logged out)"
					}
					t.Rows = append(t.Rows, []string{cur, r.Name, r.Server, user, dash(r.Team)})
				}
				return t
			})
		},
	}, &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a context the current one",
		Example:           `  weft context use acme@127.0.0.1:4000`,
		Args:              exactArgs("NAME"),
		ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			if _, ok := f.Get(args[0]); !ok {
				return &Error{Err: fmt.Errorf("use context: no context %q", args[0]), Code: ExitUsage, Hint: "list contexts with: weft context list"}
			}
			f.Current = args[0]
			if err := a.saveConfig(f); err != nil {
				return fmt.Errorf("use context: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Switched to context %q.\n", args[0])
			return nil
		},
	}, &cobra.Command{
		Use:               "delete NAME",
		Aliases:           []string{"rm"},
		Short:             "Delete a context and its token from the config file",
		Example:           `  weft context delete old-server`,
		Args:              exactArgs("NAME"),
		ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			if !f.Delete(args[0]) {
				return &Error{Err: fmt.Errorf("delete context: no context %q", args[0]), Code: ExitUsage, Hint: "list contexts with: weft context list"}
			}
			if err := a.saveConfig(f); err != nil {
				return fmt.Errorf("delete context: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted context %q.\n", args[0])
			return nil
		},
	})
	return cmd
}

func (a *app) completionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `completion prints a script that makes your shell complete weft's commands,
flags, context names and output formats.`,
		Example: `  source <(weft completion bash)
  weft completion zsh > "${fpath[1]}/_weft"
  weft completion fish > ~/.config/fish/completions/weft.fish`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      exactArgs("SHELL"),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, w := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(w, true)
			case "zsh":
				return root.GenZshCompletion(w)
			case "fish":
				return root.GenFishCompletion(w, true)
			}
			return usagef("unknown shell %q: want bash, zsh or fish", args[0])
		},
	}
}
