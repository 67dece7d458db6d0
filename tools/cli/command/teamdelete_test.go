package command

import (
	"strings"
	"testing"
)

// weft team delete sends nothing until the team's name is confirmed
// (typed, or --yes), sends the deletion without a team (a retry must
// work once the team is gone), and a deleted team's refusal says so.
func TestTeamDeleteAsksForTheNameAndSendsNothingWithoutIt(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){
		"DeleteTeam":  ok(`{"data":{"deleteTeam":{"slug":"acme","seq":42}}}`),
		"CurrentTeam": ok(`{"errors":[{"message":"team \"acme\" was deleted","extensions":{"code":"NOT_FOUND","field":"team"}}],"data":{"team":null}}`),
	})
	c := newCLI(t)
	c.env["WEFT_SERVER"] = g.URL
	c.env["WEFT_TOKEN"] = "weft_x"
	c.env["WEFT_TEAM"] = "acme"
	for _, stdin := range []string{"", "acm\n"} {
		c.stdin = stdin
		if r := c.run("team", "delete", "acme"); r.code != ExitUsage || !strings.Contains(r.stderr, "acme") {
			t.Errorf("stdin %q: exit %d, want %d:\n%s", stdin, r.code, ExitUsage, r.stderr)
		}
	}
	if n := len(g.received()); n != 0 {
		t.Fatalf("%d requests sent without the name confirmed", n)
	}
	c.stdin = "acme\n"
	if r := c.run("team", "delete", "acme"); r.code != ExitOK || !strings.Contains(r.stdout, "acme") {
		t.Errorf("typed name: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	c.stdin = ""
	if r := c.run("team", "delete", "acme", "--yes", "-o", "json"); r.code != ExitOK || !strings.Contains(r.stdout, `"seq": 42`) {
		t.Errorf("--yes: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	reqs := g.received()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Weft-Team") != "" || r.Variables["slug"] != "acme" {
			t.Errorf("deleteTeam sent with team %q and variables %v: want no team and the slug", r.Header.Get("Weft-Team"), r.Variables)
		}
	}
	r := c.run("team", "get")
	if r.code != ExitError || !strings.Contains(r.stderr, "was deleted") || !strings.Contains(r.stderr, "weft team use") {
		t.Errorf("a deleted team's refusal: exit %d:\n%s", r.code, r.stderr)
	}
}
