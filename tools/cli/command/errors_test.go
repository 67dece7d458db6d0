package command

import (
	"net/http"
	"strings"
	"testing"
)

func TestGraphQLErrorCodesMapToExitCodesAndHints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code     string
		status   int
		wantExit int
		wantHint string
	}{
		{"UNAUTHENTICATED", http.StatusUnauthorized, ExitError, "weft login"},
		{"FORBIDDEN", http.StatusOK, ExitError, "ask a team admin"},
		{"NOT_FOUND", http.StatusOK, ExitError, "list"},
		{"CONFLICT", http.StatusOK, ExitError, "in the way"},
		{"BAD_USER_INPUT", http.StatusOK, ExitUsage, "fix the value"},
		{"UNAVAILABLE", http.StatusOK, ExitError, "retry in a moment"},
		{"INTERNAL", http.StatusOK, ExitError, "request id"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			body := `{"errors":[{"message":"it went wrong (request id r-42)","extensions":{"code":"` + tt.code + `","field":"slug"}}],"data":null}`
			g := newFakeGateway(t, map[string]func(request) (int, string){
				"Me": func(request) (int, string) { return tt.status, body },
			})
			c := newCLI(t)
			c.env["WEFT_SERVER"] = g.URL
			c.env["WEFT_TOKEN"] = "weft_x"
			r := c.run("whoami")
			if r.code != tt.wantExit {
				t.Errorf("exit %d, want %d", r.code, tt.wantExit)
			}
			for _, want := range []string{"ask the server who you are", tt.code, "it went wrong", "Hint:", tt.wantHint} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestUnreachableServerSaysWhichServerAndWhatToCheck(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["WEFT_SERVER"] = "http://127.0.0.1:1"
	c.env["WEFT_TOKEN"] = "weft_x"
	r := c.run("whoami")
	if r.code != ExitError || !strings.Contains(r.stderr, "cannot reach http://127.0.0.1:1") || !strings.Contains(r.stderr, "is weft-server running") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

func TestExitCodesForUsageErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.env["WEFT_SERVER"] = "http://127.0.0.1:1" // never reached
	c.env["WEFT_TOKEN"] = "weft_x"
	tests := [][]string{
		{"no-such-command"},
		{"whoami", "--no-such-flag"},
		{"whoami", "extra-arg"},
		{"whoami", "-o", "xml"},
		{"context", "use"},
		{"team", "create", "Bad_Name"},
		{"team", "create", strings.Repeat("a", 64)},
		{"team", "create", "-leading-dash"},
		{"completion", "powershell"},
	}
	for _, args := range tests {
		if r := c.run(args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %q", args, r.code, ExitUsage, r.stderr)
		}
	}
	if r := c.run("--help"); r.code != ExitOK {
		t.Errorf("--help: exit %d", r.code)
	}
}
