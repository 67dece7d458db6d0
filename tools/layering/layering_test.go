package layering

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// layers orders weft's modules from the bottom: a module may require only
// modules of a lower layer. A new module must be placed here.
var layers = map[string]int{
	"weft.dev/kernel":   0, // who calls, coded errors, validation, subject tokens
	"weft.dev/schemas":  0, // embedded schema files
	"weft.dev/events":   1, // the event store and the cluster-state contract
	"weft.dev/gateway":  2, // the federated gateway: knows the kernel, not the services
	"weft.dev/agent":    2, // the agent: reads cluster state, never the services
	"weft.dev/services": 3, // the services and weft-server, which hosts the gateway
	"weft.dev/tools":    4, // the CLI, benchmarks, code generators
	"weft.dev/deploy":   4, // manifests and their checks
	"weft.dev/e2e":      5, // end-to-end tests of everything
}

// root is the workspace root (the directory holding go.work).
func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's directory")
		}
		dir = parent
	}
}

// workspaceModules reads the directories go.work uses.
func workspaceModules(t *testing.T, root string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "go.work"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dirs []string
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "use (":
			in = true
		case line == ")":
			in = false
		case in && line != "":
			dirs = append(dirs, line)
		case strings.HasPrefix(line, "use "):
			dirs = append(dirs, strings.TrimSpace(strings.TrimPrefix(line, "use ")))
		}
	}
	return dirs
}

// TestModulesRequireOnlyWhatIsBelowThem reads every workspace module's
// go.mod and fails when one requires a weft module at its own layer or
// above (the gateway and the services required each other once).
func TestModulesRequireOnlyWhatIsBelowThem(t *testing.T) {
	root := root(t)
	for _, dir := range workspaceModules(t, root) {
		raw, err := os.ReadFile(filepath.Join(root, dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		var self string
		var reqs []string
		for _, line := range strings.Split(string(raw), "\n") {
			fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
			switch {
			case strings.HasPrefix(line, "module "):
				self = strings.TrimSpace(strings.TrimPrefix(line, "module "))
			case len(fields) >= 2 && strings.HasPrefix(fields[0], "weft.dev/"):
				reqs = append(reqs, fields[0])
			}
		}
		mine, ok := layers[self]
		if !ok {
			t.Errorf("module %s (%s) has no layer: place it in layers", self, dir)
			continue
		}
		for _, r := range reqs {
			theirs, ok := layers[r]
			if !ok {
				t.Errorf("%s requires %s, which has no layer", self, r)
				continue
			}
			if theirs >= mine {
				t.Errorf("%s (layer %d) requires %s (layer %d): a module may require only modules below it", self, mine, r, theirs)
			}
		}
	}
}

// forbidden are what a domain or read model package must not reach.
var forbidden = []string{"go.uber.org/fx", "github.com/99designs/gqlgen", "github.com/nats-io/"}

// TestDomainAndReadModelsStayPure lists every services/*/domain and
// services/*/readmodel package with its imports and dependencies and fails
// when one imports fx, gqlgen or NATS, directly or through anything: they
// name events through weft.dev/events/event, not the store.
func TestDomainAndReadModelsStayPure(t *testing.T) {
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "weft.dev/services/...")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		last := p.ImportPath[strings.LastIndex(p.ImportPath, "/")+1:]
		if last != "domain" && last != "readmodel" {
			continue
		}
		checked++
		for _, imp := range p.Imports {
			for _, f := range forbidden {
				if strings.HasPrefix(imp, f) {
					t.Errorf("%s imports %s", p.ImportPath, imp)
				}
			}
		}
		for _, dep := range p.Deps {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s reaches %s", p.ImportPath, dep)
				}
			}
		}
	}
	if checked < 6 {
		t.Errorf("checked %d domain and read model packages; the listing lost some", checked)
	}
}

// links is what each binary must not link: a prefix of an import path, and
// why. The CLI links wireguard-go and gVisor on purpose: `weft device
// connect` brings the device's own tunnel up.
var links = []struct {
	binary string
	not    []string
	why    string
}{
	{"weft.dev/services/cmd/weft-server", []string{"golang.zx2c4.com/wireguard", "gvisor.dev/gvisor", "github.com/vishvananda/netlink", "github.com/mdlayher/netlink"},
		"the server makes no tunnel; of the agent it links only the DNS plugin"},
	{"weft.dev/agent/cmd/weft-agent", []string{"github.com/nats-io/jsm.go", "github.com/nats-io/nats-server", "go.uber.org/fx", "github.com/99designs/gqlgen", "weft.dev/services", "weft.dev/gateway"},
		"the agent reads its cluster's streams and nothing of the services"},
	{"weft.dev/tools/cmd/weft", []string{"github.com/nats-io/jsm.go", "github.com/nats-io/nats-server", "go.uber.org/fx", "github.com/99designs/gqlgen", "weft.dev/services", "weft.dev/gateway"},
		"the CLI talks to the gateway and reads the log; it runs no server"},
}

// TestBinariesLinkOnlyWhatTheyNeed lists every package each binary links
// and fails when one is of a module it must not carry (a go.mod's requires
// say what a module may use; this says what a binary does).
func TestBinariesLinkOnlyWhatTheyNeed(t *testing.T) {
	root := root(t)
	for _, b := range links {
		cmd := exec.Command("go", "list", "-deps", b.binary)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", b.binary, err)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 50 {
			t.Fatalf("%s links %d packages; the listing lost some", b.binary, len(deps))
		}
		for _, dep := range deps {
			for _, not := range b.not {
				if dep == not || strings.HasPrefix(dep, not+"/") {
					t.Errorf("%s links %s (%s)", b.binary, dep, b.why)
				}
			}
			if b.binary == "weft.dev/services/cmd/weft-server" && strings.HasPrefix(dep, "weft.dev/agent/") && dep != "weft.dev/agent/dns" {
				t.Errorf("%s links %s (%s)", b.binary, dep, b.why)
			}
		}
	}
}
