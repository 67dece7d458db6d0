package command

import (
	"bufio"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/config"
	"weft.dev/tools/cli/output"
)

// defaultServer is where weft-server listens on its embedded defaults.
const defaultServer = "http://127.0.0.1:4000"

func (a *app) loginCmd() *cobra.Command {
	var token string
	cmd := &cobra.Command{
		Use:   "login [--server URL] [--token TOKEN] [--context NAME] [--team SLUG]",
		Short: "Log in to a weft server and save the login as a context",
		Long: `login checks the API token with the server (it must resolve to a user, and
be a member of --team when given) and saves server, token and team as a
context, which becomes the current one. The token comes from --token, else
WEFT_TOKEN, else the first line of standard input. The server defaults to
WEFT_SERVER, else ` + defaultServer + ` (weft-server's embedded default).`,
		Example: `  weft login --server http://127.0.0.1:4000 --token weft_0193...
  echo "$TOKEN" | weft login --server https://weft.example.com --team acme
  weft login --server http://127.0.0.1:4000 --context local-admin`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The default is where `go tool task up` serves (DESIGN §10),
			// so the login line weft-server prints works as it stands.
			server := first(a.global.server, a.env("WEFT_SERVER"), defaultServer)
			if _, err := api.GraphQLURL(server); err != nil {
				return usage(err)
			}
			server = strings.TrimRight(server, "/")
			team := first(a.global.team, a.env("WEFT_TEAM"))
			if team != "" {
				if err := checkName("team", team); err != nil {
					return err
				}
			}
			tok, err := a.readToken(token)
			if err != nil {
				return err
			}
			ep := api.Endpoint{Server: server, Token: tok, Team: team, UserAgent: "weft-cli/" + first(a.o.Version, "dev")}
			c, err := api.New(ep, loggingDoer{a.log, a.o.HTTP})
			if err != nil {
				return usage(err)
			}
			me, err := api.Me(cmd.Context(), c)
			if err != nil {
				return explain("log in to "+server, server, err)
			}
			if team != "" {
				t, err := api.CurrentTeam(cmd.Context(), c, nil)
				if err != nil {
					return explain("check team "+team, server, err)
				}
				if t.Team == nil {
					return &Error{Err: fmt.Errorf("check team %s: no such team for user %s", team, me.Me.Username), Code: ExitError,
						Hint: "list your teams with: weft team list (after logging in without --team)"}
				}
			}
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			ctxName := first(a.global.context, a.env("WEFT_CONTEXT"), defaultContextName(server, team))
			f.Put(config.Context{Name: ctxName, Server: server, User: me.Me.Username, Token: tok, Team: team})
			f.Current = ctxName
			if err := a.saveConfig(f); err != nil {
				return fmt.Errorf("save login: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Logged in to %s as %s (context %q).\n", server, me.Me.Username, ctxName)
			if team == "" {
				fmt.Fprintln(cmd.OutOrStdout(), "No team selected: weft team create SLUG, or weft team use SLUG.")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&token, "token", "", "API token (default: WEFT_TOKEN, else read from stdin)")
	return cmd
}

// readToken takes the token from the flag, WEFT_TOKEN or stdin, in that
// order. Reading stdin keeps it out of the shell history and ps.
func (a *app) readToken(flag string) (string, error) {
	if t := first(flag, a.env("WEFT_TOKEN")); t != "" {
		return strings.TrimSpace(t), nil
	}
	if a.o.StdinIsTerminal {
		fmt.Fprint(a.o.Stderr, "API token: ")
	}
	line, err := bufio.NewReader(a.o.Stdin).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "" {
		if err != nil && err.Error() != "EOF" {
			return "", fmt.Errorf("read token from stdin: %w", err)
		}
		return "", usagef("no API token: pass --token, set WEFT_TOKEN or write it to stdin")
	}
	return line, nil
}

// defaultContextName is host[:port], with the team in front when set:
// acme@weft.example.com.
func defaultContextName(server, team string) string {
	host := server
	if u, err := url.Parse(server); err == nil && u.Host != "" {
		host = u.Host
	}
	if team != "" {
		return team + "@" + host
	}
	return host
}

func (a *app) logoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the token of the current context (or --context)",
		Long: `logout removes the API token from the context; server and team stay, so a
later weft login --context NAME restores it. The token itself stays valid on
the server: revoke it with weft token revoke ID.`,
		Example: `  weft logout
  weft logout --context acme@weft.example.com`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			name, _ := a.contextName(f)
			c, ok := f.Get(name)
			if name == "" || !ok {
				return &Error{Err: errors.New("log out: no current context"), Code: ExitUsage, Hint: "name one with --context (weft context list)"}
			}
			c.Token = ""
			if err := a.saveConfig(f); err != nil {
				return fmt.Errorf("log out: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Logged out of context %q.\n", name)
			return nil
		},
	}
}

func (a *app) whoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show the user, server and team commands act as",
		Example: `  weft whoami
  weft whoami -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ep, err := a.client(false)
			if err != nil {
				return err
			}
			me, err := api.Me(cmd.Context(), c)
			if err != nil {
				return explain("ask the server who you are", ep.Server, err)
			}
			f, err := a.loadConfig()
			if err != nil {
				return err
			}
			ctxName, _ := a.contextName(f)
			v := struct {
				api.MeMeUser
				Server  string `json:"server"`
				Team    string `json:"team"`
				Context string `json:"context"`
			}{me.Me, ep.Server, ep.Team, ctxName}
			return a.render(cmd, v, func() output.Rows {
				return output.Rows{
					Header: []string{"USER", "DISPLAY NAME", "SERVER", "TEAM", "CONTEXT"},
					Rows:   [][]string{{me.Me.Username, me.Me.DisplayName, ep.Server, dash(ep.Team), dash(ctxName)}},
				}
			})
		},
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// noArgs is cobra.NoArgs with the usage exit code.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// exactArgs wants the named arguments, e.g. exactArgs("NAME").
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return usagef("%s needs %s, got %d argument(s)", cmd.CommandPath(), strings.Join(names, " "), len(args))
		}
		return nil
	}
}
