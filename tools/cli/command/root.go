// Package command is the weft CLI: cobra commands over the typed GraphQL
// client of the gateway. NewRoot builds a fresh command tree from Options
// (streams, environment, config path, HTTP client) and keeps no global
// state, so tests run many CLIs side by side.
//
// Exit codes (stable, see ExitOK and friends): 0 success, 1 the command
// failed, 2 the command line or its input was wrong (nothing was changed).
package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/spf13/cobra"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/config"
	"weft.dev/tools/cli/output"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Options is everything the CLI takes from its surroundings.
type Options struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads WEFT_* variables; nil reads none.
	Getenv func(string) string
	// ConfigPath overrides WEFT_CONFIG and the default location.
	ConfigPath string
	// HTTP carries GraphQL requests; nil uses a client with a timeout.
	HTTP graphql.Doer
	// Width is the terminal's width for tables; nil or 0 means no limit.
	Width func() int
	// StdinIsTerminal reports whether Stdin is interactive (then login
	// does not wait for a token on it).
	StdinIsTerminal bool
	// StdoutIsTerminal lets commands that print secrets (device config)
	// warn first.
	StdoutIsTerminal bool
	// StderrIsTerminal lets --wait redraw one progress line in place;
	// otherwise it prints a line per change.
	StderrIsTerminal bool
	// Version is printed by --version.
	Version string
}

// app is one invocation's state, shared by the commands of one tree.
type app struct {
	o   Options
	log *slog.Logger
	// ctxName and seq are the context endpoint resolved, and its last
	// write's sequence (see config.Context.Seq).
	ctxName string
	seq     int
	global  struct {
		context, team, server, output string
		verbose, wide                 bool
	}
}

// Main runs the CLI with args and returns the exit code, printing any
// error to Stderr in the form what failed, why, what to do.
func Main(ctx context.Context, args []string, o Options) int {
	root := NewRoot(o)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	err = explainCobra(err)
	fmt.Fprintln(o.Stderr, "Error:", err)
	var e *Error
	if errors.As(err, &e) {
		if e.Hint != "" {
			fmt.Fprintln(o.Stderr, "Hint: ", e.Hint)
		}
		return e.Code
	}
	return ExitError
}

// NewRoot builds the command tree.
func NewRoot(o Options) *cobra.Command {
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	if o.Stdin == nil {
		o.Stdin = strings.NewReader("")
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	a := &app{o: o}
	a.log = slog.New(slog.NewTextHandler(io.Discard, nil))

	root := &cobra.Command{
		Use:   "weft",
		Short: "Manage weft teams, clusters, devices, apps and intercepts",
		Long: `weft talks to a weft server's GraphQL gateway. Log in once per server;
the login is saved as a context (several servers and teams can be kept).

Settings come from flags first, then WEFT_* environment variables, then the
current context: --server/WEFT_SERVER, WEFT_TOKEN, --team/WEFT_TEAM,
--context/WEFT_CONTEXT, and WEFT_CONFIG for the config file.

Exit codes: 0 success, 1 the command failed, 2 the command line or its input
was wrong.`,
		Example: `  weft login --server http://127.0.0.1:4000 --token weft_...
  weft team create acme --display-name Acme
  weft cluster create eu-1
  weft app list -o yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       o.Version,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if a.global.verbose {
				a.log = slog.New(slog.NewTextHandler(o.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			if _, err := output.ParseFormat(a.global.output); err != nil {
				return usage(err)
			}
			return nil
		},
	}
	root.SetIn(o.Stdin)
	root.SetOut(o.Stdout)
	root.SetErr(o.Stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(unknownFlag)

	pf := root.PersistentFlags()
	pf.StringVar(&a.global.context, "context", "", "context to use (default: WEFT_CONTEXT, else the current context)")
	pf.StringVar(&a.global.team, "team", "", "team to act in (default: WEFT_TEAM, else the context's team)")
	pf.StringVar(&a.global.server, "server", "", "server URL (default: WEFT_SERVER, else the context's server)")
	pf.StringVarP(&a.global.output, "output", "o", "table", "output format: table, json or yaml")
	pf.BoolVarP(&a.global.verbose, "verbose", "v", false, "log requests to stderr")
	pf.BoolVar(&a.global.wide, "wide", false, "tables: also show the ids behind names")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("context", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		f, err := a.loadConfig()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return f.Names(), cobra.ShellCompDirectiveNoFileComp
	})

	root.AddCommand(
		a.loginCmd(), a.logoutCmd(), a.whoamiCmd(), a.contextCmd(),
		a.teamCmd(), a.memberCmd(), a.invitationCmd(), a.userCmd(), a.tokenCmd(),
		a.clusterCmd(), a.deviceCmd(),
		a.envCmd(), a.appCmd(), a.serviceCmd(), a.routerCmd(), a.configCmd(), a.secretCmd(), a.interceptCmd(), a.policyCmd(),
		a.eventsCmd(), a.auditCmd(), a.historyCmd(), a.getCmd(),
		a.completionCmd(),
	)
	a.addCompletions(root)
	refuseUnknown(root)
	return root
}

// env reads a WEFT_* variable.
func (a *app) env(name string) string { return a.o.Getenv(name) }

func (a *app) configPath() (string, error) {
	if a.o.ConfigPath != "" {
		return a.o.ConfigPath, nil
	}
	return config.Path(a.o.Getenv)
}

func (a *app) loadConfig() (*config.File, error) {
	p, err := a.configPath()
	if err != nil {
		return nil, err
	}
	f, err := config.Load(p)
	if err != nil {
		if errors.Is(err, config.ErrInsecure) {
			return nil, &Error{Err: err, Code: ExitError, Hint: "the file holds API tokens; make it private, then run the command again"}
		}
		return nil, err
	}
	return f, nil
}

func (a *app) saveConfig(f *config.File) error {
	p, err := a.configPath()
	if err != nil {
		return err
	}
	return f.Save(p)
}

// contextName is the context a command uses, and whether one was asked
// for explicitly (then it must exist).
func (a *app) contextName(f *config.File) (string, bool) {
	if a.global.context != "" {
		return a.global.context, true
	}
	if n := a.env("WEFT_CONTEXT"); n != "" {
		return n, true
	}
	return f.Current, false
}

// endpoint resolves server, token and team: flags, then WEFT_*, then the
// context. needTeam commands refuse to run without a team.
func (a *app) endpoint(needTeam bool) (api.Endpoint, error) {
	f, err := a.loadConfig()
	if err != nil {
		return api.Endpoint{}, err
	}
	var ctx config.Context
	if name, explicit := a.contextName(f); name != "" {
		c, ok := f.Get(name)
		if !ok && explicit {
			return api.Endpoint{}, &Error{Err: fmt.Errorf("no context %q", name), Code: ExitUsage,
				Hint: "list contexts with: weft context list"}
		}
		if ok {
			ctx = *c
			a.ctxName, a.seq = name, c.Seq
		}
	}
	ep := api.Endpoint{
		Server:    first(a.global.server, a.env("WEFT_SERVER"), ctx.Server),
		Token:     first(a.env("WEFT_TOKEN"), ctx.Token),
		Team:      first(a.global.team, a.env("WEFT_TEAM"), ctx.Team),
		UserAgent: "weft-cli/" + first(a.o.Version, "dev"),
	}
	if ep.Server == "" || ep.Token == "" {
		return ep, &Error{Err: errors.New("not logged in"), Code: ExitError,
			Hint: "run: weft login --server URL (or set WEFT_SERVER and WEFT_TOKEN)"}
	}
	if ep.Team != "" {
		if err := checkName("team", ep.Team); err != nil {
			return ep, err
		}
	}
	if needTeam && ep.Team == "" {
		return ep, &Error{Err: errors.New("no team selected"), Code: ExitUsage,
			Hint: "pass --team SLUG, set WEFT_TEAM, or run: weft team use SLUG"}
	}
	return ep, nil
}

// client is a GraphQL client for the resolved endpoint.
func (a *app) client(needTeam bool) (graphql.Client, api.Endpoint, error) {
	ep, err := a.endpoint(needTeam)
	if err != nil {
		return nil, ep, err
	}
	c, err := api.New(ep, loggingDoer{a.log, a.o.HTTP})
	if err != nil {
		return nil, ep, &Error{Err: err, Code: ExitUsage, Hint: "check --server, WEFT_SERVER or the context's server"}
	}
	return seqClient{next: c, a: a}, ep, nil
}

// teamlessClient is a client that acts in no team, whatever the context
// selects: for what needs none (the caller's teams), which must work when
// the selected team was deleted meanwhile.
func (a *app) teamlessClient() (graphql.Client, error) {
	ep, err := a.endpoint(false)
	if err != nil {
		return nil, err
	}
	ep.Team = ""
	c, err := api.New(ep, loggingDoer{a.log, a.o.HTTP})
	if err != nil {
		return nil, &Error{Err: err, Code: ExitUsage, Hint: "check --server, WEFT_SERVER or the context's server"}
	}
	return seqClient{next: c, a: a}, nil
}

type loggingDoer struct {
	log  *slog.Logger
	next graphql.Doer
}

func (d loggingDoer) Do(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.Do(r)
	if err != nil {
		d.log.Debug("request failed", "url", r.URL.String(), "err", err)
		return resp, err
	}
	d.log.Debug("request", "url", r.URL.String(), "status", resp.StatusCode, "took", time.Since(start))
	return resp, err
}

// render prints v in the chosen format.
func (a *app) render(cmd *cobra.Command, v any, table func() output.Rows) error {
	f, _ := output.ParseFormat(a.global.output)
	w := 0
	if a.o.Width != nil {
		w = a.o.Width()
	}
	return output.Render(cmd.OutOrStdout(), f, w, v, table)
}

func (a *app) format() output.Format {
	f, _ := output.ParseFormat(a.global.output)
	return f
}

// first returns the first non-empty string.
func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Stdio is Options for a real process.
func Stdio(version string) Options {
	return Options{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Version: version,
	}
}
