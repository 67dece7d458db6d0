// Command weft is the weft CLI: it manages teams, clusters, devices, apps,
// intercepts and policies through a weft server's GraphQL gateway. See
// weft --help.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"weft.dev/tools/cli/command"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	o := command.Stdio(version)
	o.StdinIsTerminal = term.IsTerminal(int(os.Stdin.Fd()))
	o.StdoutIsTerminal = term.IsTerminal(int(os.Stdout.Fd()))
	o.StderrIsTerminal = term.IsTerminal(int(os.Stderr.Fd()))
	o.Width = func() int {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			return w
		}
		return 0 // not a terminal: never cut what a pipe receives
	}
	code := command.Main(ctx, os.Args[1:], o)
	stop()
	os.Exit(code)
}
