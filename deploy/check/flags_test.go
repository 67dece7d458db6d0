package check

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// Every flag the manifests and the systemd units pass to weft-server and
// weft-agent is one the binaries have (a renamed flag would otherwise stop
// a deployment at start, which nothing else here would notice).
func TestEveryFlagTheDeploymentsPassExistsInTheBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds weft-server and weft-agent")
	}
	used := map[string]map[string]string{"weft-server": {}, "weft-agent": {}}
	dirs, err := Kustomizations(filepath.Join("..", "kubernetes"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		docs, err := Render(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			var dep appsv1.Deployment
			if yaml.Unmarshal(d, &dep) != nil || dep.Kind != "Deployment" {
				continue
			}
			for _, c := range dep.Spec.Template.Spec.Containers {
				for bin := range used {
					if strings.Contains(c.Image, "/"+bin+":") {
						for _, a := range append(c.Command, c.Args...) {
							addFlag(used[bin], a, dir+" "+dep.Name)
						}
					}
				}
			}
		}
	}
	for bin := range used {
		unit, err := os.ReadFile(filepath.Join("..", "systemd", bin+".service"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(unit), "\n") {
			if strings.HasPrefix(line, "ExecStart=") {
				for _, a := range strings.Fields(line) {
					addFlag(used[bin], a, bin+".service")
				}
			}
		}
	}

	dir := t.TempDir()
	for bin, pkg := range map[string]string{"weft-server": "weft.dev/services/cmd/weft-server", "weft-agent": "weft.dev/agent/cmd/weft-agent"} {
		exe := filepath.Join(dir, bin)
		if out, err := exec.Command("go", "build", "-o", exe, pkg).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", bin, err, out)
		}
		help, _ := exec.Command(exe, "--help").CombinedOutput()
		have := map[string]bool{}
		for _, m := range regexp.MustCompile(`--([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(help), -1) {
			have[m[1]] = true
		}
		if !have["help"] {
			t.Fatalf("%s --help printed no flags:\n%s", bin, help)
		}
		for f, where := range used[bin] {
			if !have[f] {
				t.Errorf("%s passes --%s to %s, which has no such flag", where, f, bin)
			}
		}
		if len(used[bin]) == 0 {
			t.Errorf("no deployment passes flags to %s: the test found nothing to check", bin)
		}
	}
}

func addFlag(m map[string]string, arg, where string) {
	if name, ok := strings.CutPrefix(arg, "--"); ok {
		name, _, _ = strings.Cut(name, "=")
		m[name] = where
	}
}
