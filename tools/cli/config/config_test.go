package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveCreatesFile0600InDirectory0700(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "weft", "config.yaml")
	f := &File{Current: "a", Contexts: []Context{{Name: "a", Server: "http://x", Token: "weft_secret"}}}
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %04o, want 0600", perm)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("dir mode = %04o, want 0700", perm)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got.Get("a"); !ok || c.Token != "weft_secret" || got.Current != "a" {
		t.Errorf("round trip = %+v", got)
	}
}

func TestLoadRefusesAGroupOrWorldReadableFile(t *testing.T) {
	t.Parallel()
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte("contexts: []\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if !errors.Is(err, ErrInsecure) {
			t.Fatalf("mode %04o: err = %v, want ErrInsecure", mode, err)
		}
		if !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %04o: message %q does not say how to fix it", mode, err)
		}
	}
}

func TestSaveTightensAFileThatWasLoose(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (&File{}).Save(path); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode after save = %04o, want 0600", perm)
	}
}

func TestMissingFileIsAnEmptyConfig(t *testing.T) {
	t.Parallel()
	f, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err != nil || len(f.Contexts) != 0 {
		t.Fatalf("Load = %+v, %v", f, err)
	}
}

func TestPutReplacesAndDeleteClearsCurrent(t *testing.T) {
	t.Parallel()
	f := &File{}
	f.Put(Context{Name: "a", Server: "http://1"})
	f.Put(Context{Name: "b", Server: "http://2"})
	f.Put(Context{Name: "a", Server: "http://3"})
	f.Current = "a"
	if c, _ := f.Get("a"); c.Server != "http://3" || len(f.Contexts) != 2 {
		t.Fatalf("after Put: %+v", f.Contexts)
	}
	if !f.Delete("a") || f.Current != "" || len(f.Contexts) != 1 {
		t.Fatalf("after Delete: %+v", f)
	}
	if f.Delete("a") {
		t.Error("deleting a missing context reported success")
	}
}

func TestPathPrefersWEFT_CONFIG(t *testing.T) {
	t.Parallel()
	p, err := Path(func(k string) string {
		if k == "WEFT_CONFIG" {
			return "/tmp/x.yaml"
		}
		return ""
	})
	if err != nil || p != "/tmp/x.yaml" {
		t.Fatalf("Path = %q, %v", p, err)
	}
}
