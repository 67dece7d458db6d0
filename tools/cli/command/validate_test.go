package command

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// noNetwork fails the test on any request: bad input must be refused
// before the CLI calls the server.
type noNetwork struct{ t *testing.T }

func (n noNetwork) Do(r *http.Request) (*http.Response, error) {
	n.t.Errorf("a request was sent to %s despite bad input", r.URL)
	return nil, http.ErrHandlerTimeout
}

func TestBadInputIsRefusedWithExitCode2BeforeAnyRequest(t *testing.T) {
	t.Parallel()
	key := "hY3bJq2L6m1z8vWc0aQpR5sT7uVxYzA1bC2dE3fG4hI=" // 44 characters, base64
	tests := []struct {
		args []string
		want string // the problem the message must name
	}{
		{[]string{"cluster", "create", "EU_1"}, `invalid cluster name "EU_1"`},
		{[]string{"cluster", "get", strings.Repeat("x", 64)}, "1 to 63"},
		{[]string{"cluster", "delete"}, "needs NAME"},
		{[]string{"device", "create", "laptop", "--public-key", "short"}, "invalid public key"},
		{[]string{"device", "create", "Laptop", "--public-key", key}, `invalid device name "Laptop"`},
		{[]string{"device", "list", "--kind", "phone"}, `invalid --kind "phone"`},
		{[]string{"device", "connect", "Laptop"}, `invalid device name "Laptop"`},
		{[]string{"device", "connect", "laptop", "--netstack", "--expose", "70000"}, "--expose 70000: a port is 1-65535"},
		{[]string{"device", "connect", "laptop", "--expose", "3000"}, "need --netstack"},
		{[]string{"device", "connect", "laptop", "--netstack", "--socks", "1080"}, `--socks "1080": want host:port`},
		{[]string{"device", "config", "laptop.home"}, `invalid device name "laptop.home"`},
		{[]string{"env", "create", "prod"}, "needs --cluster"},
		{[]string{"env", "create", "prod", "--cluster", "eu.1"}, `invalid cluster name "eu.1"`},
		{[]string{"app", "create", "api", "--env", "prod"}, "at least one --port"},
		{[]string{"app", "create", "api", "--port", "80"}, "needs --env"},
		{[]string{"app", "create", "api", "--env", "prod", "--port", "70000"}, `invalid port "70000"`},
		{[]string{"app", "create", "api", "--env", "prod", "--port", "80/sctp"}, "protocol must be tcp, udp or http"},
		{[]string{"app", "create", "api", "--env", "prod", "--port", "80", "--backend", "10.0.0.1"}, `invalid backend "10.0.0.1"`},
		{[]string{"app", "create", "api", "--env", "prod", "--port", "80", "--lb", "fastest"}, `invalid --lb "fastest"`},
		{[]string{"app", "create", "api", "--env", "prod", "--port", "80", "--health-path", "healthz"}, "must start with /"},
		{[]string{"app", "get", "API"}, `invalid app name "API"`},
		{[]string{"service", "create", "db", "--env", "prod", "--kind", "oracle", "--port", "1521"}, `invalid --kind "oracle"`},
		{[]string{"intercept", "start", "api", "--port", "80"}, "needs --port and --device"},
		{[]string{"intercept", "start", "api", "--port", "x", "--device", "laptop"}, `invalid port "x"`},
		{[]string{"policy", "create", "p1", "--from", "all", "--to", "all"}, "exactly one of --allow or --deny"},
		{[]string{"policy", "create", "p1", "--allow", "--from", "planet:earth", "--to", "all"}, `invalid subject "planet:earth"`},
		{[]string{"policy", "create", "p1", "--allow", "--from", "all"}, "at least one --from and one --to"},
		{[]string{"member", "add", "bob", "--role", "king"}, `invalid role "king"`},
		{[]string{"member", "set-role", "bob"}, "needs --role"},
		{[]string{"events", "--seq", "9..3"}, "FROM is after TO"},
		{[]string{"events", "--since", "yesterday"}, `invalid time "yesterday"`},
		{[]string{"events", "--resource", "app/"}, `invalid --resource "app/"`},
		{[]string{"get", "app", "api", "--as-of", "last-tuesday"}, `invalid point in time "last-tuesday"`},
		{[]string{"token", "create", "--expires", "soon"}, `invalid --expires "soon"`},
		{[]string{"team", "use", "Acme"}, `invalid team name "Acme"`},
		{[]string{"cluster", "list", "--team", "Not-A-Label!"}, `invalid team name "Not-A-Label!"`},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			env := map[string]string{"WEFT_SERVER": "http://weft.invalid", "WEFT_TOKEN": "weft_x", "WEFT_TEAM": "acme"}
			code := Main(context.Background(), tt.args, Options{
				Stdout: &out, Stderr: &errb,
				Getenv:     func(k string) string { return env[k] },
				ConfigPath: t.TempDir() + "/config.yaml",
				HTTP:       noNetwork{t},
			})
			if code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitUsage, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr does not name the problem %q:\n%s", tt.want, errb.String())
			}
		})
	}
}

func TestTeamCommandsWithoutATeamSayHowToChooseOne(t *testing.T) {
	t.Parallel()
	var errb bytes.Buffer
	env := map[string]string{"WEFT_SERVER": "http://weft.invalid", "WEFT_TOKEN": "weft_x"}
	code := Main(context.Background(), []string{"cluster", "list"}, Options{
		Stderr: &errb, Stdout: &bytes.Buffer{},
		Getenv: func(k string) string { return env[k] }, ConfigPath: t.TempDir() + "/c.yaml", HTTP: noNetwork{t},
	})
	if code != ExitUsage || !strings.Contains(errb.String(), "no team selected") || !strings.Contains(errb.String(), "weft team use") {
		t.Errorf("exit %d:\n%s", code, errb.String())
	}
}

func TestDNSLabelRules(t *testing.T) {
	t.Parallel()
	for _, good := range []string{"a", "eu-1", "0", strings.Repeat("a", 63), "a-b-c"} {
		if err := dnsLabel(good); err != nil {
			t.Errorf("%q refused: %v", good, err)
		}
	}
	for _, bad := range []string{"", "-a", "a-", "A", "a_b", "a.b", "é", strings.Repeat("a", 64)} {
		if err := dnsLabel(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
