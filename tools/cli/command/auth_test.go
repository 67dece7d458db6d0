package command

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"weft.dev/tools/cli/api"
	"weft.dev/tools/cli/config"
)

func TestLoginVerifiesTheTokenWithMeAndSavesAContext0600(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	r := c.run("login", "--server", g.URL, "--token", "weft_tok1")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	reqs := g.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	q := reqs[0]
	if q.Method != http.MethodPost || q.Path != "/graphql" {
		t.Errorf("request %s %s, want POST /graphql", q.Method, q.Path)
	}
	if got := q.Header.Get("Authorization"); got != "Bearer weft_tok1" {
		t.Errorf("Authorization = %q", got)
	}
	if _, has := q.Header["Weft-Team"]; has {
		t.Errorf("login without --team sent Weft-Team %q", q.Header.Get("Weft-Team"))
	}
	if got := q.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	// By the registered operation's id, not its text (api.persistedDoer).
	id := sha256.Sum256([]byte(api.Me_Operation))
	if q.Query != "" || q.OperationName != "Me" || !strings.Contains(string(q.RawBody), `"sha256Hash":"`+hex.EncodeToString(id[:])+`"`) {
		t.Errorf("body = %s", q.RawBody)
	}
	fi, err := os.Stat(c.config)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %04o, want 0600", fi.Mode().Perm())
	}
	f, err := config.Load(c.config)
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(g.URL, "http://")
	ctx, found := f.Get(host)
	if !found || f.Current != host || ctx.Token != "weft_tok1" || ctx.User != "alice" || ctx.Server != g.URL {
		t.Errorf("saved config = %+v", f)
	}
	if !strings.Contains(r.stdout, "as alice") {
		t.Errorf("stdout = %q", r.stdout)
	}
}

func TestLoginWithTeamSendsWeftTeamAndChecksMembership(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){
		"Me":          ok(meAlice),
		"CurrentTeam": ok(`{"data":{"team":{"slug":"acme","displayName":"Acme"}}}`),
	})
	c := newCLI(t)
	r := c.run("login", "--server", g.URL, "--token", "weft_tok1", "--team", "acme", "--context", "work")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, q := range g.received() {
		if q.Header.Get("Weft-Team") != "acme" || q.Header.Get("Authorization") != "Bearer weft_tok1" {
			t.Errorf("%s headers: %v", q.OperationName, q.Header)
		}
	}
	f, _ := config.Load(c.config)
	if ctx, ok := f.Get("work"); !ok || ctx.Team != "acme" || f.Current != "work" {
		t.Errorf("config = %+v", f)
	}
}

func TestLoginReadsTheTokenFromStdinThenWEFT_TOKEN(t *testing.T) {
	t.Parallel()
	var seen []string
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": func(r request) (int, string) {
		seen = append(seen, r.Header.Get("Authorization"))
		return http.StatusOK, meAlice
	}})
	c := newCLI(t)
	c.stdin = "weft_from_stdin\n"
	if r := c.run("login", "--server", g.URL); r.code != ExitOK {
		t.Fatalf("stdin login: exit %d: %s", r.code, r.stderr)
	}
	c.env["WEFT_TOKEN"] = "weft_from_env"
	if r := c.run("login", "--server", g.URL); r.code != ExitOK {
		t.Fatalf("env login: exit %d: %s", r.code, r.stderr)
	}
	if len(seen) != 2 || seen[0] != "Bearer weft_from_stdin" || seen[1] != "Bearer weft_from_env" {
		t.Errorf("tokens sent = %v", seen)
	}
}

func TestLoginWithARejectedTokenSavesNothingAndSaysRunWeftLogin(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": func(request) (int, string) {
		return http.StatusUnauthorized, `{"errors":[{"message":"the API token resolves to no user","extensions":{"code":"UNAUTHENTICATED"}}]}`
	}})
	c := newCLI(t)
	r := c.run("login", "--server", g.URL, "--token", "weft_bad")
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d", r.code, ExitError)
	}
	for _, want := range []string{"log in to " + g.URL, "UNAUTHENTICATED", "resolves to no user", "weft login"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(c.config); !os.IsNotExist(err) {
		t.Errorf("a config was written after a failed login (stat: %v)", err)
	}
}

func TestLoginWithABadServerTeamOrNoTokenIsAUsageErrorWithoutARequest(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){})
	c := newCLI(t)
	for _, args := range [][]string{
		{"login", "--server", "ftp://x", "--token", "t"},
		{"login", "--server", g.URL, "--token", "t", "--team", "Not_A_Label"},
		{"login", "--server", g.URL},
	} {
		r := c.run(args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, r.code, ExitUsage, r.stderr)
		}
	}
	if n := len(g.received()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestWhoamiUsesTheCurrentContextAndFlagsAndEnvironmentOverrideIt(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	if r := c.run("login", "--server", g.URL, "--token", "weft_tok1", "--context", "one"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := c.run("whoami", "--team", "acme", "-o", "json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, want := range []string{`"username": "alice"`, `"team": "acme"`, `"context": "one"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("whoami lacks %s:\n%s", want, r.stdout)
		}
	}
	c.env["WEFT_TOKEN"] = "weft_env"
	c.env["WEFT_TEAM"] = "beta"
	if r := c.run("whoami"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	reqs := g.received()
	last := reqs[len(reqs)-1]
	if last.Header.Get("Authorization") != "Bearer weft_env" || last.Header.Get("Weft-Team") != "beta" {
		t.Errorf("WEFT_TOKEN/WEFT_TEAM not used: %v", last.Header)
	}
	if strings.Contains(r.stdout, "weft_") || strings.Contains(r.stderr, "weft_") {
		t.Error("whoami printed a token")
	}
}

func TestWhoamiWhenNotLoggedInSaysHowToLogIn(t *testing.T) {
	t.Parallel()
	r := newCLI(t).run("whoami")
	if r.code != ExitError || !strings.Contains(r.stderr, "not logged in") || !strings.Contains(r.stderr, "weft login") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestLogoutForgetsTheTokenButKeepsTheContext(t *testing.T) {
	t.Parallel()
	g := newFakeGateway(t, map[string]func(request) (int, string){"Me": ok(meAlice)})
	c := newCLI(t)
	c.run("login", "--server", g.URL, "--token", "weft_tok1", "--context", "one")
	if r := c.run("logout"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, _ := os.ReadFile(c.config)
	if strings.Contains(string(b), "weft_tok1") {
		t.Errorf("token still in the config:\n%s", b)
	}
	if r := c.run("whoami"); r.code != ExitError || !strings.Contains(r.stderr, "not logged in") {
		t.Errorf("whoami after logout: %d %s", r.code, r.stderr)
	}
}
