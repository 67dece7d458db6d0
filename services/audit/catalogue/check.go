package catalogue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"weft.dev/events"
)

var schemaFile = regexp.MustCompile(`^(.+)\.v([0-9]+)\.schema\.json$`)

// Compatible checks the schemas committed in dir against the files
// generated now: a committed version whose field was removed or retyped, a
// committed type no longer registered, or an older version without an
// upcaster to the current one. It does not compare bytes (Stale does).
func Compatible(dir string, reg *events.Registry, generated []File) error {
	now := map[string][]byte{}
	for _, f := range generated {
		now[f.Path] = f.Data
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read the committed catalogue: %w", err)
	}
	var errs []error
	for _, e := range entries {
		m := schemaFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		name := m[1]
		version, _ := strconv.Atoi(m[2])
		if !reg.Known(name) {
			errs = append(errs, fmt.Errorf("%s: event type %s is no longer registered; stored events of it could not be read (types are never removed)", e.Name(), name))
			continue
		}
		cur := current(reg, name)
		switch {
		case version > cur:
			errs = append(errs, fmt.Errorf("%s: version %d is committed but the Go type is at version %d", e.Name(), version, cur))
		case version < cur:
			if !reg.CanUpcast(name, version) {
				errs = append(errs, fmt.Errorf("%s: version %d of %s has no upcaster chain to version %d", e.Name(), version, name, cur))
			}
		default:
			old, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return err
			}
			var o, n map[string]any
			if err := json.Unmarshal(old, &o); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
			if err := json.Unmarshal(now[e.Name()], &n); err != nil {
				return fmt.Errorf("%s: generated: %w", e.Name(), err)
			}
			if ch := Breaking(o, n); len(ch) > 0 {
				var s []string
				for _, c := range ch {
					s = append(s, c.String())
				}
				errs = append(errs, fmt.Errorf("%s v%d: %s; events stored at version %d would no longer read as they were written: register the new shape as version %d with an upcaster from %d (events.Registry.Upcast) instead", name, version, strings.Join(s, "; "), version, version+1, version))
			}
		}
	}
	return errors.Join(errs...)
}

// Stale lists the generated files missing from dir or differing from it.
func Stale(dir string, generated []File) []string {
	var out []string
	for _, f := range generated {
		have, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil || !bytes.Equal(have, f.Data) {
			out = append(out, f.Path)
		}
	}
	return out
}

// Write writes generated into dir, after Compatible allows it.
func Write(dir string, reg *events.Registry, generated []File) error {
	if err := Compatible(dir, reg, generated); err != nil {
		return err
	}
	for _, f := range generated {
		p := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}

func current(reg *events.Registry, name string) int {
	for _, t := range reg.Types() {
		if t.Name == name {
			return t.Version
		}
	}
	return 0
}
