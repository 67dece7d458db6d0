package command

import (
	"strings"
	"testing"
)

// A mistyped subcommand or flag stops a script: exit 2, the nearest
// names, and nothing sent (the server here is never reachable).
func TestUnknownSubcommandsAndFlagsExit2WithTheNearestNames(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["WEFT_SERVER"] = "http://127.0.0.1:1"
	c.env["WEFT_TOKEN"] = "weft_x"
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"team", "selct", "acme"}, []string{`unknown command "selct" for "weft team"`, "did you mean use?"}},
		{[]string{"team", "frobnicate"}, []string{`unknown command "frobnicate" for "weft team"`}},
		{[]string{"intercept", "stpo", "api"}, []string{"did you mean stop?"}},
		{[]string{"tema", "list"}, []string{`unknown command "tema" for "weft"`, "did you mean team?"}},
		{[]string{"device", "lst"}, []string{"did you mean list?"}},
		{[]string{"events", "--tpye", "x"}, []string{"unknown flag: --tpye", "did you mean --type?"}},
		{[]string{"app", "list", "--evn", "prod"}, []string{"did you mean --env?"}},
		{[]string{"intercept", "stop", "api", "--prot=80"}, []string{"did you mean --port?"}},
	}
	for _, tt := range tests {
		r := c.run(tt.args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, r.code, ExitUsage, r.stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tt.args, w, r.stderr)
			}
		}
		if strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%v printed help on stdout instead of failing:\n%s", tt.args, r.stdout)
		}
	}
	// A group alone still prints its help and succeeds.
	if r := c.run("team"); r.code != ExitOK || !strings.Contains(r.stdout, "Available Commands") {
		t.Errorf("weft team: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// "select" is what the help said; it does what use does.
func TestTeamSelectIsTeamUse(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	c.run("login", "--server", g.URL, "--token", "weft_one")
	if r := c.run("team", "select", "acme"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	c.run("whoami")
	reqs := g.received()
	if got := reqs[len(reqs)-1].Header.Get("Weft-Team"); got != "acme" {
		t.Errorf("Weft-Team = %q after team select acme", got)
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"use", "use", 0}, {"selct", "select", 1}, {"tpye", "type", 1}, {"evn", "env", 1}, {"abc", "", 3}, {"kitten", "sitting", 3}}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLooksLikeID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b": true,
		"0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B": true,
		"api":                                  false,
		"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5":  false,
		"0193a1b2xc3d4-7e5f-8a9b-0c1d2e3f4a5b": false,
		"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g": false,
	} {
		if got := looksLikeID(s); got != want {
			t.Errorf("looksLikeID(%q) = %v", s, got)
		}
	}
}
