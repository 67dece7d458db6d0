// Package enrol turns a cluster's one-time enrolment secret into the
// agent's NATS credentials, and keeps them on the agent's host only.
package enrol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Credentials are what weft-server issued to this cluster's agent.
type Credentials struct {
	Cluster     string `json:"cluster"`
	Team        string `json:"team"`
	NATSURL     string `json:"natsUrl"`
	User        string `json:"user"`
	Password    string `json:"password"`
	Stream      string `json:"stream"`
	InboxPrefix string `json:"inboxPrefix"`
}

// File is where the credentials live in the agent's state directory.
const File = "credentials.json"

// Load reads the credentials kept in dir; os.ErrNotExist when there are none.
// A file others can read is refused: it holds the agent's password.
func Load(dir string) (Credentials, error) {
	p := filepath.Join(dir, File)
	fi, err := os.Stat(p)
	if err != nil {
		return Credentials{}, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return Credentials{}, fmt.Errorf("%s is readable by others (mode %o): run chmod 600 %s", p, fi.Mode().Perm(), p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return Credentials{}, err
	}
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return Credentials{}, fmt.Errorf("read %s: %w", p, err)
	}
	return c, nil
}

// Save writes the credentials to dir, mode 0600, atomically.
func Save(dir string, c Credentials) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	tmp := filepath.Join(dir, File+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, File)); err != nil {
		return fmt.Errorf("save credentials: %w", err)
	}
	return nil
}

// Enrol spends the secret at server (weft-server's HTTP address) and
// returns the credentials.
func Enrol(ctx context.Context, server, cluster, secret string) (Credentials, error) {
	body, _ := json.Marshal(map[string]string{"cluster": cluster, "secret": secret})
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(server, "/")+"/agent/enrol", bytes.NewReader(body))
	if err != nil {
		return Credentials{}, fmt.Errorf("enrol at %s: %w", server, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("enrol at %s: %w", server, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Code, Error string }
		_ = json.Unmarshal(b, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		return Credentials{}, fmt.Errorf("enrol at %s: %s %s", server, e.Code, e.Error)
	}
	var c Credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return Credentials{}, fmt.Errorf("enrol at %s: %w", server, err)
	}
	if c.User == "" || c.Password == "" || c.Cluster != cluster {
		return Credentials{}, errors.New("enrol: the server answered without credentials for this cluster")
	}
	return c, nil
}
