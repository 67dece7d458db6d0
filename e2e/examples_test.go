package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every example a user is shown runs against a real weft-server, as
// CoreDNS boots every plugin README's examples: each command's --help
// examples (found by walking weft --help) and the README's walk-through,
// each line as a shell runs it. An example that fails or finds nothing
// fails here; one that cannot run here is listed in exampleSkips with the
// reason and where it is run instead, and a stale entry fails too.
//
// The README's walk-through runs first, as written, on a fresh server.
// Then each --help example runs in a team of its own (so one example's
// writes cannot break another), made with the resources the examples
// name (exampleWorld) except those the example itself creates, and
// without what depends on what it deletes.
func TestEveryHelpAndReadmeExampleRunsAgainstARealServer(t *testing.T) {
	bin := binaries(t)
	var fresh []*server
	var wg sync.WaitGroup
	// The examples that create team acme need a server without it (a
	// slug is never freed): one each, started beside the main one.
	creators := []string{}
	helps := helpExamples(t, filepath.Join(bin, "weft"))
	for _, e := range helps {
		if strings.HasPrefix(e.cmd, "weft team create acme") {
			creators = append(creators, e.cmd)
		}
	}
	// fresh[0] is the main server: the first walk-through, then the
	// --help examples (some name its team acme); then one per creator of
	// acme and one per further walk-through.
	fresh = make([]*server, 1+len(creators)+len(walkthroughs)-1)
	for i := range fresh {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &server{}
			dir := t.TempDir()
			s.args = []string{"--data-dir", filepath.Join(dir, "data"), "--http", "127.0.0.1:0", "--nats-listen", "", "--dns", "", "--log-level", "warn"}
			if err := s.start(bin); err != nil {
				t.Error(err)
				return
			}
			fresh[i] = s
		}()
	}
	wg.Wait()
	for _, s := range fresh {
		if s != nil {
			t.Cleanup(s.stop)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	main := fresh[0]
	used := map[string]bool{} // skip entries that matched an example

	for i, w := range walkthroughs {
		t.Run(w.path, func(t *testing.T) {
			s := main
			if i > 0 {
				s = fresh[len(creators)+i]
			}
			sh := newShell(t, bin, s)
			// The walk-through's login relies on the default server, which
			// is elsewhere here.
			sh.exampleEnv = append(sh.exampleEnv, "WEFT_SERVER="+sh.s.URL)
			if out, code := sh.run("true", w.prep); code != 0 {
				t.Fatalf("prepare: %s", out)
			}
			for _, line := range readmeWalkthrough(t, w.path, w.heading) {
				if why, ok := exampleSkips[line]; ok {
					used[line] = true
					t.Logf("not run here: %s\n  (%s)", line, why)
					continue
				}
				if out, code := sh.run(line, nil); code != 0 {
					t.Fatalf("%s step %q: exit %d\n%s", w.path, line, code, out)
				}
			}
			// The trail of the walk-through names who did what to what.
			out, _ := sh.run("weft events --limit 0", nil)
			for _, want := range append([]string{"admin"}, w.named...) {
				if !strings.Contains(out, want) {
					t.Errorf("weft events after the walk-through lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "user:") {
				t.Errorf("weft events after the walk-through shows a user id:\n%s", out)
			}
		})
	}

	t.Run("team create on fresh servers", func(t *testing.T) {
		for i, cmd := range creators {
			sh := newShell(t, bin, fresh[i+1])
			sh.login()
			if out, code := sh.run(cmd, nil); code != 0 {
				t.Errorf("%s: exit %d\n%s", cmd, code, out)
			}
		}
	})

	t.Run("--help examples", func(t *testing.T) {
		sh := newShell(t, bin, main)
		sh.login()
		// bob exists once the user examples ran; they run first.
		slices.SortStableFunc(helps, func(a, b example) int {
			return boolCmp(!strings.HasPrefix(a.cmd, "weft user create"), !strings.HasPrefix(b.cmd, "weft user create"))
		})
		seen := map[string]bool{}
		n := 0
		for _, e := range helps {
			if seen[e.cmd] || slices.Contains(creators, e.cmd) {
				continue
			}
			seen[e.cmd] = true
			if why, ok := exampleSkips[e.cmd]; ok {
				used[e.cmd] = true
				t.Logf("not run here: %s\n  (%s)", e.cmd, why)
				continue
			}
			n++
			team := fmt.Sprintf("ex%d", n)
			setup := []string{"weft team create " + team + " >/dev/null"}
			setup = append(setup, worldFor(e.cmd)...)
			setup = append(setup, exampleSetups[e.cmd]...)
			if out, code := sh.run(e.cmd, setup); code != 0 {
				t.Errorf("%s\n  %s: exit %d\n%s", e.where, e.cmd, code, out)
			}
			sh.restoreConfig()
			if strings.HasPrefix(e.cmd, "weft user create bob") {
				sh.exampleEnv = append(sh.exampleEnv, "BOB_ID="+sh.userID("bob"))
			}
		}
		if n < 50 {
			t.Errorf("ran %d --help examples; the walk found too few", n)
		}
	})

	for cmd := range exampleSkips {
		if !used[cmd] {
			t.Errorf("exampleSkips lists %q, which no --help or README shows any more", cmd)
		}
	}
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// walkthroughs are the READMEs' walk-throughs, each run as written on a
// server of its own (prep is what the reader is assumed to have).
var walkthroughs = []struct {
	path, heading string
	prep          []string
	named         []string // what the trail must name afterwards
}{
	{"../README.md", "## Walk-through with the CLI", nil, []string{"app prod/api", "cluster eu-1", "device laptop"}},
	{"../tools/cli/README.md", "## Walk-through", []string{"wg genkey > private.key"}, []string{"app prod/api", "app prod/web", "device laptop"}},
}

// example is one line of a command's Examples.
type example struct {
	where string // the command whose --help shows it
	cmd   string
}

// helpExamples walks weft --help and every subcommand's, collecting their
// examples; a line ending in \ continues on the next.
func helpExamples(t *testing.T, weft string) []example {
	t.Helper()
	var out []example
	var walk func(path []string)
	walk = func(path []string) {
		b, err := exec.Command(weft, append(append([]string{}, path...), "--help")...).Output()
		if err != nil {
			t.Fatalf("weft %s --help: %v", strings.Join(path, " "), err)
		}
		help := string(b)
		where := strings.TrimSpace("weft " + strings.Join(path, " ") + " --help")
		if m := regexp.MustCompile(`(?m)^Examples:\n((?:  .*\n?)*)`).FindStringSubmatch(help); m != nil {
			for _, l := range joinContinued(strings.Split(m[1], "\n")) {
				if l = strings.TrimSpace(l); l != "" {
					out = append(out, example{where, l})
				}
			}
		}
		if m := regexp.MustCompile(`(?m)^Available Commands:\n((?:  .*\n)*)`).FindStringSubmatch(help); m != nil {
			for _, l := range strings.Split(strings.TrimSpace(m[1]), "\n") {
				if name := strings.Fields(l)[0]; name != "help" {
					walk(append(append([]string{}, path...), name))
				}
			}
		}
	}
	walk(nil)
	if len(out) == 0 {
		t.Fatal("weft --help shows no examples")
	}
	return out
}

// readmeWalkthrough is the first sh block after heading, one command per
// line (comments and the alias that makes weft a command dropped).
func readmeWalkthrough(t *testing.T, path, heading string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(b), heading)
	if !ok {
		t.Fatalf("%s has no %q", path, heading)
	}
	_, block, ok := strings.Cut(after, "```sh\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatalf("%s: no sh block after %q", path, heading)
	}
	var out []string
	for _, l := range joinContinued(strings.Split(block, "\n")) {
		if i := strings.Index(l, "  #"); i >= 0 {
			l = l[:i] // the line's comment
		}
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "alias weft=") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func joinContinued(lines []string) []string {
	var out []string
	cont := false
	for _, l := range lines {
		if cont {
			out[len(out)-1] += " " + strings.TrimSpace(l)
		} else {
			out = append(out, l)
		}
		cont = strings.HasSuffix(strings.TrimSpace(l), "\\")
		if cont {
			out[len(out)-1] = strings.TrimSuffix(strings.TrimSpace(out[len(out)-1]), "\\")
		}
	}
	return out
}

// shell runs example lines as bash does, with weft on PATH, a home and a
// working directory of its own, and the server's address and token where
// the examples hold placeholders.
type shell struct {
	t          *testing.T
	s          *server
	bin, home  string
	config     string
	savedConf  []byte
	replacer   *strings.Replacer
	exampleEnv []string
}

func newShell(t *testing.T, bin string, s *server) *shell {
	home := t.TempDir()
	sh := &shell{t: t, s: s, bin: bin, home: home, config: filepath.Join(home, ".config", "weft", "config.yaml")}
	host := strings.TrimPrefix(s.URL, "http://")
	sh.replacer = strings.NewReplacer(
		"http://127.0.0.1:4000", s.URL, "https://weft.example.com", s.URL, "127.0.0.1:4000", host,
		"weft_0193...", s.Token, "weft_...", s.Token, "weft_…", s.Token,
		"hY3...=", otherKey, "<bob's id>", "$BOB_ID", "0193...", "$BOB_ID",
	)
	return sh
}

// login makes a context for the server, and keeps the config to go back
// to after each example.
func (sh *shell) login() {
	sh.t.Helper()
	if out, code := sh.run("weft login --server "+sh.s.URL+" --token "+sh.s.Token+" >/dev/null", nil); code != 0 {
		sh.t.Fatalf("login: %s", out)
	}
	sh.saveConfig()
}

// userID is the id of user name, as a team it joins for this lists it.
func (sh *shell) userID(name string) string {
	sh.t.Helper()
	out, code := sh.run("weft member list --team "+name+"-ids -o json", []string{
		"weft team create " + name + "-ids >/dev/null", "weft member add " + name + " >/dev/null"})
	if code != 0 {
		sh.t.Fatalf("find the id of %s: %s", name, out)
	}
	sh.restoreConfig()
	m := regexp.MustCompile(`"id":\s*"([^"]+)",\s*"username":\s*"` + name + `"`).FindStringSubmatch(out)
	if m == nil {
		sh.t.Fatalf("no id of %s in:\n%s", name, out)
	}
	return m[1]
}

func (sh *shell) saveConfig() {
	b, err := os.ReadFile(sh.config)
	if err != nil {
		sh.t.Fatal(err)
	}
	sh.savedConf = b
}

// restoreConfig undoes what an example did to the CLI's contexts.
func (sh *shell) restoreConfig() {
	if sh.savedConf != nil {
		if err := os.WriteFile(sh.config, sh.savedConf, 0o600); err != nil {
			sh.t.Fatal(err)
		}
	}
}

// run runs setup (each line must succeed) and then line, returning the
// output of both and line's exit code.
func (sh *shell) run(line string, setup []string) (string, int) {
	sh.t.Helper()
	line = sh.replacer.Replace(line)
	script := "set -e\n"
	for _, l := range setup {
		script += sh.replacer.Replace(l) + "\n"
	}
	script += "set +e\n" + line + "\n"
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = sh.home
	cmd.Env = []string{"PATH=" + sh.bin + ":" + os.Getenv("PATH"), "HOME=" + sh.home, "WEFT_CONFIG=" + sh.config,
		"TOKEN=" + sh.s.Token}
	cmd.Env = append(cmd.Env, sh.exampleEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		sh.t.Fatalf("bash: %v", err)
	}
	if ctx.Err() != nil {
		return out.String() + "\n(timed out)", -1
	}
	return out.String(), code
}

// otherKey is a WireGuard public key other than laptopKey.
const otherKey = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

// worldItem is a resource the examples name, made in an example's team
// before it runs.
type worldItem struct {
	key    string   // what an example creates or deletes to matter: "cluster eu-1"
	needs  []string // keys it depends on
	create string
}

// exampleWorld is every resource the --help examples name, in the order
// they can be made.
var exampleWorld = []worldItem{
	{"cluster eu-1", nil, "weft cluster create eu-1"},
	{"cluster us-1", nil, "weft cluster create us-1"},
	{"env prod", []string{"cluster eu-1"}, "weft env create prod --cluster eu-1"},
	{"env staging", []string{"cluster us-1"}, "weft env create staging --cluster us-1"},
	{"app api", []string{"env prod"}, "weft app create api --env prod --port 80 --port 8080/http --backend 10.0.0.7:8080"},
	{"service db", []string{"env prod"}, "weft service create db --env prod --kind postgres --port 5432 --backend 10.0.0.20:5432"},
	{"device laptop", nil, "weft device create laptop --public-key " + laptopKey},
	{"intercept api", []string{"app api", "device laptop"}, "weft intercept start api --env prod --port 80 --device laptop"},
	{"policy laptops-to-api", []string{"app api", "device laptop"}, "weft policy create laptops-to-api --allow --from device:laptop --to app:prod/api"},
	{"policy staging-not-api", []string{"app api", "env staging"}, "weft policy create staging-not-api --deny --from env:staging --to app:prod/api"},
	{"member bob", []string{"user bob"}, "weft member add bob"},
	{"config app-settings", []string{"env prod"}, "weft config set app-settings LOG_LEVEL=debug FEATURE_X=on --env prod"},
	{"secret db-creds", []string{"env prod"}, "weft secret set db-creds PASSWORD=hunter2 OLD_TOKEN=x --env prod"},
	{"service cache", []string{"env prod"}, "weft service create cache --env prod --kind redis"},
	{"app frontend", []string{"env prod"}, "weft app create frontend --env prod --image ghcr.io/acme/frontend:1 --port 80"},
	{"app backend", []string{"env prod"}, "weft app create backend --env prod --image ghcr.io/acme/backend:1 --port 80"},
	{"router web", []string{"app frontend", "app backend"}, "weft router create web --env prod --domain shop.example.com --route /=app:frontend:80 --route /api=app:backend:80"},
}

var exampleVerb = regexp.MustCompile(`^weft (\w+) (create|delete|start|stop|add|remove) ([a-z0-9-]+)`)

// worldFor is the setup of an example: the world without what it makes
// itself (and what needs that), and without what needs what it removes.
func worldFor(cmd string) []string {
	drop := map[string]bool{}
	if m := exampleVerb.FindStringSubmatch(cmd); m != nil {
		kind, verb, name := m[1], m[2], m[3]
		key := kind + " " + name
		switch verb {
		case "create", "start", "add":
			drop[key] = true
			if kind == "app" || kind == "service" {
				// Apps and services share their environment's names.
				drop["app "+name], drop["service "+name] = true, true
			}
		case "delete", "stop", "remove":
			for _, it := range exampleWorld {
				if slices.Contains(it.needs, key) {
					drop[it.key] = true
				}
			}
		}
	}
	var out []string
	for _, it := range exampleWorld {
		skip := drop[it.key]
		for _, n := range it.needs {
			skip = skip || drop[n]
		}
		if skip {
			drop[it.key] = true
			continue
		}
		out = append(out, it.create+" >/dev/null")
	}
	return out
}

// exampleSetups are what an example needs beyond exampleWorld.
var exampleSetups = map[string][]string{
	"weft audit verify --file trail.jsonl":                                        {"weft audit export --format jsonl > trail.jsonl"},
	`weft device create laptop --public-key "$(wg pubkey < private.key)"`:         {"wg genkey > private.key"},
	`weft device rotate-key laptop --public-key "$(wg pubkey < new.key)"`:         {"wg genkey > new.key"},
	`weft context use acme@weft.example.com`:                                      {"weft login --server https://weft.example.com --token weft_... --context acme@weft.example.com >/dev/null"},
	`weft logout --context acme@weft.example.com`:                                 {"weft login --server https://weft.example.com --token weft_... --context acme@weft.example.com >/dev/null"},
	`weft context use acme@127.0.0.1:4000`:                                        {"weft login --server http://127.0.0.1:4000 --token weft_... --context acme@127.0.0.1:4000 >/dev/null"},
	`weft context delete old-server`:                                              {"weft login --server http://127.0.0.1:4000 --token weft_... --context old-server >/dev/null"},
	`weft completion fish > ~/.config/fish/completions/weft.fish`:                 {"mkdir -p ~/.config/fish/completions"},
	`weft team leave --team old-team`:                                             {"weft team create old-team >/dev/null", "weft member add bob --role owner --team old-team >/dev/null"},
	`weft team delete sandbox`:                                                    {"weft team create sandbox >/dev/null", "exec < <(echo sandbox)"},
	`weft team delete trial --yes -o json`:                                        {"weft team create trial >/dev/null"},
	`weft login --server http://127.0.0.1:4000 --context local-admin`:             {"exec < <(echo $TOKEN)"},
	`weft member add carol --role admin`:                                          {"weft user create carol >/dev/null 2>&1 || true"},
	`weft config set app-settings --from-file app.yaml --env prod`:                {"printf 'port: 8080\\n' > app.yaml"},
	`weft config set app-settings --from-file config.yaml=./prod.yaml --env prod`: {"printf 'port: 8080\\n' > prod.yaml"},
	`weft secret set db-creds --from-file tls.key=./server.key --env prod`:        {"printf 'not a real key\\n' > server.key"},
}

// exampleSkips are the examples that cannot run here, each with why and
// where what it shows is run instead.
var exampleSkips = map[string]string{
	"go tool task up": "starts the server the test already started",
	"weft app update web --env prod --image ghcr.io/acme/web:1.5 --wait":              "waits for a cluster in Kubernetes mode to report the rollout: TestAnAppFromAnImageRollsOutAndWaitFollowsTheClustersReports runs it",
	"weft app get web --env prod":                                                     "shows what a cluster in Kubernetes mode reported (runs after the skipped update it shows): TestAnAppFromAnImageRollsOutAndWaitFollowsTheClustersReports checks it",
	"weft events --follow -o json":                                                    "follows until interrupted",
	"weft invitation accept acme":                                                     "needs an invitation to the example's user, who owns acme: TestCLIManagesEveryResourceOfARealServer has one accepted",
	"weft invitation decline other":                                                   "needs an invitation to the example's user: TestCLIManagesEveryResourceOfARealServer has one declined",
	"weft audit credentials":                                                          "needs weft-server listening for NATS clients (this one listens in-process only): TestAnAuditorReplaysTheTeamsLogWithTheirOwnNATSClientAndNothingElse runs it",
	"weft audit credentials --expires-in 4h -o json > replay.json":                    "needs weft-server listening for NATS clients (this one listens in-process only): TestAnAuditorReplaysTheTeamsLogWithTheirOwnNATSClientAndNothingElse runs it",
	"weft get app api --as-of 2h":                                                     "needs an app two hours old: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
	"weft config get app-settings --env prod --as-of 2h":                              "needs a config two hours old: TestCLIManagesEveryResourceOfARealServer reads a config as of a past sequence",
	"weft secret get db-creds --env prod --as-of 2h":                                  "needs a secret two hours old: TestCLIManagesEveryResourceOfARealServer reads a config as of a past sequence the same way",
	"weft service get db --env prod --as-of 2h":                                       "needs a service two hours old: TestCLIManagesEveryResourceOfARealServer reads a run service as of its creation",
	"weft router get web --env prod --as-of 2h":                                       "needs a router two hours old: weft service get --as-of, which TestCLIManagesEveryResourceOfARealServer runs, reads it the same way",
	"sudo wg-quick up ./weft.conf":                                                    "brings up a WireGuard interface on the host: the e2e mesh scenario joins a laptop to a team network in a network namespace",
	"weft device config laptop -o weft.conf && sudo wg-quick up ./weft.conf":          "brings up a WireGuard interface on the host (weft device config -o runs in the README walk-through; the e2e mesh scenario joins a laptop)",
	"weft device status":                                                              "shows a running weft device connect: TestARootlessDeviceConnectReachesAppsByNameThroughSOCKSAndServesAnIntercept checks it",
	"weft device status laptop -o json":                                               "shows a running weft device connect: TestARootlessDeviceConnectReachesAppsByNameThroughSOCKSAndServesAnIntercept checks it",
	"sudo weft device connect laptop":                                                 "needs root and makes a WireGuard interface on the host: the e2e mesh scenario connects a laptop in a namespace",
	"sudo weft device connect laptop --interface weft1":                               "needs root and makes a WireGuard interface on the host: the e2e mesh scenario connects a laptop in a namespace",
	"weft device connect laptop --netstack --socks 127.0.0.1:1080 --expose 3000":      "runs until interrupted: TestARootlessDeviceConnectReachesAppsByNameThroughSOCKSAndServesAnIntercept runs it",
	"curl --socks5-hostname 127.0.0.1:1080 http://api.prod.acme.weft.internal/":       "needs a running netstack connect and an agent: TestARootlessDeviceConnectReachesAppsByNameThroughSOCKSAndServesAnIntercept runs it",
	"weft events --follow -o json | jq .type":                                         "follows until interrupted",
	`weft completion zsh > "${fpath[1]}/_weft"`:                                       "zsh syntax (fpath): TestCompletionScriptsForBashZshFish checks the script",
	"weft app update api --env prod --image ghcr.io/acme/api:1.5 --replicas 3 --wait": "waits for a cluster in Kubernetes mode to report the rollout: TestAnAppFromAnImageRollsOutAndWaitFollowsTheClustersReports runs it",
	"weft app create api --env prod --image ghcr.io/acme/api:1.4 --port 80:8080/http --replicas 2  --env-var LOG=debug --cpu 250m --memory 128Mi --readiness http/healthz --wait": "waits for a cluster in Kubernetes mode to report the rollout: TestAnAppFromAnImageRollsOutAndWaitFollowsTheClustersReports runs it",
	"weft service create db --env prod --kind postgres --version 17 --storage 10Gi --wait":                                                                                        "waits for a cluster in Kubernetes mode to run it: TestAManagedServiceRunsAsAStatefulSetWithCredentialsMadeInTheClusterAndKeepsItsDataUnlessPurged (agent/kube) runs what it waits for",
	"weft service credentials db --env prod":         "needs credentials an agent in Kubernetes mode generated: TestARunServiceGetsItsKindsPortAndCredentialsOnlyAnAdminOpensWithARecord (services/console/command) reveals them",
	"weft service credentials db --env prod -o json": "needs credentials an agent in Kubernetes mode generated: TestARunServiceGetsItsKindsPortAndCredentialsOnlyAnAdminOpensWithARecord (services/console/command) reveals them",
	"weft router create web --env prod --domain shop.example.com --route /=app:frontend:80 --route /api=app:backend:80 --tls --wait": "waits for an ingress controller's address: TestARouterIsAnIngressOfTheAgentsClassAndIssuerAndItsAddressIsReported (agent/kube) reports one",
	"weft get app api --env prod --as-of 2m":                         "needs an app two minutes old: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
	"weft get app api --env prod --as-of 2026-11-24T09:00:00Z":       "needs an app that existed at that time: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
	"weft get app api --env prod --as-of 2h":                         "needs an app two hours old: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
	"weft get app api --as-of 1234 -o json":                          "needs a log of 1234 events: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
	"weft get app old-api --id 0193... --as-of 2026-11-01T00:00:00Z": "needs a deleted app that existed then: TestCLIManagesEveryResourceOfARealServer reads an app as of a past sequence",
}
