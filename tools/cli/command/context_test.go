package command

import (
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestContextListUseAndDeleteSwitchBetweenServers(t *testing.T) {
	t.Parallel()
	g1 := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	g2 := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	c.run("login", "--server", g1.URL, "--token", "weft_one", "--context", "one")
	c.run("login", "--server", g2.URL, "--token", "weft_two", "--context", "two")

	r := c.run("context", "list")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if !strings.Contains(r.stdout, "*        two") || strings.Contains(r.stdout, "weft_") {
		t.Errorf("list (want two current, no tokens):\n%s", r.stdout)
	}
	if r := c.run("context", "use", "one"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	c.run("whoami")
	if n := len(g1.received()); n != 2 {
		t.Errorf("server one got %d requests, want 2 (login, whoami)", n)
	}
	// --context and WEFT_CONTEXT pick another context for one command.
	c.run("whoami", "--context", "two")
	c.env["WEFT_CONTEXT"] = "two"
	c.run("whoami")
	delete(c.env, "WEFT_CONTEXT")
	if n := len(g2.received()); n != 3 {
		t.Errorf("server two got %d requests, want 3", n)
	}
	if r := c.run("whoami", "--context", "nope"); r.code != ExitUsage || !strings.Contains(r.stderr, `no context "nope"`) {
		t.Errorf("unknown context: %d %s", r.code, r.stderr)
	}
	if r := c.run("context", "delete", "one"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(c.config)
	if strings.Contains(string(b), "weft_one") {
		t.Errorf("deleted context's token remains:\n%s", b)
	}
	if r := c.run("context", "use", "one"); r.code != ExitUsage {
		t.Errorf("use of a deleted context: exit %d", r.code)
	}
}

func TestCommandsRefuseAWorldReadableConfig(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	c.run("login", "--server", g.URL, "--token", "weft_one")
	if err := os.Chmod(c.config, 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.run("whoami")
	if r.code != ExitError || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(g.received()); n != 1 {
		t.Errorf("the token from a world-readable file was used (%d requests)", n)
	}
}

func TestTeamUseRecordsTheTeamInTheCurrentContext(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	c.run("login", "--server", g.URL, "--token", "weft_one")
	if r := c.run("team", "use", "acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	c.run("whoami")
	reqs := g.received()
	if got := reqs[len(reqs)-1].Header.Get("Weft-Team"); got != "acme" {
		t.Errorf("Weft-Team = %q after team use acme", got)
	}
}

func TestEveryCommandHasAnExample(t *testing.T) {
	t.Parallel()
	root := NewRoot(Options{})
	stack := root.Commands()
	for len(stack) > 0 {
		c := stack[0]
		stack = append(stack[1:], c.Commands()...)
		if c.Hidden || c.Name() == "help" {
			continue
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s has no example", c.CommandPath())
		}
	}
}

func TestCompletionScriptsForBashZshFish(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, sh := range []string{"bash", "zsh", "fish"} {
		r := c.run("completion", sh)
		if r.code != 0 || !strings.Contains(r.stdout, "weft") || len(r.stdout) < 500 {
			t.Errorf("%s: exit %d, %d bytes", sh, r.code, len(r.stdout))
		}
	}
}

func TestNameCompletionIsWiredToExistingCommands(t *testing.T) {
	t.Parallel()
	a := &app{}
	root := NewRoot(Options{})
	known := map[string]bool{}
	stack := root.Commands()
	for len(stack) > 0 {
		c := stack[0]
		stack = append(stack[1:], c.Commands()...)
		known[c.CommandPath()] = true
	}
	args, flags := a.completions()
	for path := range args {
		if !known[path] {
			t.Errorf("completion for %q, which is no command", path)
		}
	}
	// Each flag completed is some command's, and every command with
	// --env, --cluster or a service's --kind or --version has its values
	// completed.
	used := map[string]bool{}
	stack = []*cobra.Command{root}
	for len(stack) > 0 {
		c := stack[0]
		stack = append(stack[1:], c.Commands()...)
		for _, name := range []string{"env", "cluster", "device", "env-from-service", "kind", "version"} {
			if c.LocalFlags().Lookup(name) == nil || (name == "kind" || name == "version") && c.Parent().Name() != "service" {
				continue
			}
			used[name] = true
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				t.Errorf("%s --%s: its values are not completed", c.CommandPath(), name)
			}
		}
	}
	for name := range flags {
		if !used[name] {
			t.Errorf("completion for --%s, which no command has", name)
		}
	}
}
