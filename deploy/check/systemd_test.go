package check

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The systemd units parse as systemd reads them (systemd-analyze verify,
// with the binary's path pointed at a present executable), and every
// ${VARIABLE} their command lines use is set in the env file beside them.
func TestTheSystemdUnitsVerifyAndTheirEnvFilesSetEveryVariable(t *testing.T) {
	for _, name := range []string{"weft-server", "weft-agent"} {
		t.Run(name, func(t *testing.T) {
			unit, err := os.ReadFile(filepath.Join("..", "systemd", name+".service"))
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]bool{}
			f, err := os.Open(filepath.Join("..", "systemd", name+".env"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if k, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
					env[k] = true
				}
			}
			for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)\}`).FindAllStringSubmatch(string(unit), -1) {
				if !env[m[1]] {
					t.Errorf("%s.service uses ${%s}, which %s.env does not set", name, m[1], name)
				}
			}

			analyze, err := exec.LookPath("systemd-analyze")
			if err != nil {
				t.Skip("systemd-analyze is not installed")
			}
			dir := t.TempDir()
			text := strings.ReplaceAll(string(unit), "/usr/local/bin/"+name, "/bin/true")
			p := filepath.Join(dir, name+".service")
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(analyze, "verify", "--man=no", p).CombinedOutput(); err != nil || len(out) > 0 {
				t.Errorf("systemd-analyze verify %s.service: %v\n%s", name, err, out)
			}
		})
	}
}
