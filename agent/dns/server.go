package dns

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/coredns/caddy"

	// The plugins an embedded server's Corefile may use.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/hosts"
)

// Config is an embedded CoreDNS server.
type Config struct {
	Listen string   // host:port, e.g. 127.0.0.1:5353
	Zones  []string // default weft.internal
	Table  *Table
	// Extra is appended inside the server block (e.g. a hosts or forward
	// block for names outside the zones).
	Extra string
}

// Server is a running CoreDNS instance.
type Server struct {
	inst *caddy.Instance
	addr string
	key  string
}

// Start runs CoreDNS in-process with the weft plugin serving cfg.Table.
func Start(cfg Config) (*Server, error) {
	insertDirective()
	if cfg.Table == nil {
		return nil, fmt.Errorf("dns: no table")
	}
	if len(cfg.Zones) == 0 {
		cfg.Zones = []string{"weft.internal"}
	}
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("dns: listen address %q: %w", cfg.Listen, err)
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	key := hex.EncodeToString(b)
	tables.Store(key, cfg.Table)
	corefile := fmt.Sprintf(".:%s {\n  bind %s\n  weft %s {\n    table %s\n  }\n%s\n}\n", port, host, strings.Join(cfg.Zones, " "), key, cfg.Extra)
	inst, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), Filepath: "Corefile", ServerTypeName: "dns"})
	if err != nil {
		tables.Delete(key)
		return nil, fmt.Errorf("dns: start CoreDNS: %w", err)
	}
	return &Server{inst: inst, addr: net.JoinHostPort(host, port), key: key}, nil
}

// Addr is where the server answers (UDP and TCP).
func (s *Server) Addr() string { return s.addr }

// Stop stops the server.
func (s *Server) Stop() error {
	tables.Delete(s.key)
	err := s.inst.Stop()
	// Stop ends the listeners only; the plugins' shutdown hooks end what
	// they started (the state file's watcher, hosts' reloads, forward's
	// connection managers), which otherwise run on for good.
	return errors.Join(append([]error{err}, s.inst.ShutdownCallbacks()...)...)
}
