// Package config reads and writes the CLI's contexts: which servers the
// user is logged in to, with which API token, acting in which team. The
// file holds tokens, so it is written 0600 in a 0700 directory, and a file
// that others can read is refused rather than used.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// File is the whole config file.
type File struct {
	// Current is the context commands use without --context.
	Current  string    `yaml:"current-context,omitempty"`
	Contexts []Context `yaml:"contexts,omitempty"`
}

// Context is one login: a server, the token it accepted, and the team
// commands act in.
type Context struct {
	Name   string `yaml:"name"`
	Server string `yaml:"server"`
	// User is the username the token resolved to at login, for display.
	User  string `yaml:"user,omitempty"`
	Token string `yaml:"token,omitempty"`
	Team  string `yaml:"team,omitempty"`
	// Seq is the EVENTS sequence of the last write made through this
	// context. Reads pass it as minSeq, so a command sees what the command
	// before it wrote even when a read model is a moment behind.
	Seq int `yaml:"seq,omitempty"`
}

// ErrInsecure means the file is readable or writable by others.
var ErrInsecure = errors.New("config file is accessible by other users")

// Path is where the config lives: $WEFT_CONFIG when set, else
// weft/config.yaml under the user's config directory.
func Path(getenv func(string) string) (string, error) {
	if p := getenv("WEFT_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config directory (set WEFT_CONFIG to choose a file): %w", err)
	}
	return filepath.Join(dir, "weft", "config.yaml"), nil
}

// Load reads the file at path; a missing file is an empty config.
func Load(path string) (*File, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	// Tokens in a file others can read are as good as leaked; refuse so the
	// user fixes it, instead of silently carrying on.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; run: chmod 600 %s", ErrInsecure, path, perm, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var f File
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("parse config %s: %w", path, err)
	}
	return &f, nil
}

// Save writes f to path atomically: a crash leaves the old file or the new
// one, never half of either, and never a moment with looser permissions.
func (f *File) Save(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	b, err := yaml.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".config-*.yaml") // CreateTemp makes it 0600
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// Get returns the context called name.
func (f *File) Get(name string) (*Context, bool) {
	i := slices.IndexFunc(f.Contexts, func(c Context) bool { return c.Name == name })
	if i < 0 {
		return nil, false
	}
	return &f.Contexts[i], true
}

// Put adds c or replaces the context of the same name.
func (f *File) Put(c Context) {
	if have, ok := f.Get(c.Name); ok {
		*have = c
		return
	}
	f.Contexts = append(f.Contexts, c)
}

// Delete removes the context called name, and makes none current if it was.
func (f *File) Delete(name string) bool {
	n := len(f.Contexts)
	f.Contexts = slices.DeleteFunc(f.Contexts, func(c Context) bool { return c.Name == name })
	if f.Current == name {
		f.Current = ""
	}
	return len(f.Contexts) != n
}

// Names lists the contexts' names in file order.
func (f *File) Names() []string {
	out := make([]string, len(f.Contexts))
	for i, c := range f.Contexts {
		out[i] = c.Name
	}
	return out
}
