// Package broker gives weft its NATS connection: either a nats-server embedded
// in the process (JetStream on a file store) or an external NATS deployment
// reached by URL and credentials. Callers get a *nats.Conn either way and do not
// care which. Agents' NATS users (AgentUsers) live in the embedded server's
// options, or, on an external deployment, in a KV bucket from which weft's
// auth callout answers the deployment (callout.go).
//
// Durability: an embedded server acknowledges a publish once the message is in
// its file store's write buffer. Shutdown flushes and fsyncs every stream, so a
// clean stop loses no acknowledged event; SyncAlways additionally fsyncs every
// write, for hosts that may lose power.
package broker

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// DefaultDataDir is where the embedded server keeps its file store unless told
// otherwise; relative to the working directory, like the README's quick start.
const DefaultDataDir = ".weft/data"

// Config describes the embedded server.
type Config struct {
	// DataDir holds the JetStream file store. Empty means DefaultDataDir.
	DataDir string
	// Listen is host:port for client connections from other processes
	// (agents, the CLI's tools). Empty means in-process connections only.
	Listen string
	// Name identifies the server in logs and cluster membership.
	Name string
	// SyncAlways fsyncs every write instead of on an interval.
	SyncAlways bool
	// Configure, when set, edits the server options before start. Services
	// that own NATS users (the message office's per-cluster credentials) use it.
	Configure func(*server.Options)
	// Logger receives the server's notices and errors. Nil discards them.
	Logger *slog.Logger
}

// Server is a running embedded nats-server with JetStream.
type Server struct {
	ns   *server.Server
	opts *server.Options

	// servicePassword authenticates the in-process connections (Connect);
	// it is made at start and never leaves the process.
	servicePassword string
	serviceHash     string // bcrypt of it: the server keeps no plaintext
	mu              sync.Mutex
	agents          map[string]Agent
}

// Start runs an embedded nats-server with JetStream on a file store and waits
// until it accepts connections.
func Start(cfg Config) (*Server, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir %s: %w", abs, err)
	}
	opts := &server.Options{
		ServerName: cfg.Name,
		JetStream:  true,
		StoreDir:   abs,
		SyncAlways: cfg.SyncAlways,
		NoSigs:     true,
		NoLog:      cfg.Logger == nil,
		// The largest event weft writes is far below this; a generous limit
		// still lets audit tooling publish bulk snapshots.
		MaxPayload: 8 << 20,
	}
	if opts.ServerName == "" {
		opts.ServerName = "weft"
	}
	if cfg.Listen == "" {
		opts.DontListen = true
	} else {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("parse NATS listen address %q: %w", cfg.Listen, err)
		}
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return nil, fmt.Errorf("parse NATS listen address %q: bad port", cfg.Listen)
		}
		if p == 0 {
			p = server.RANDOM_PORT
		}
		opts.Host, opts.Port = host, p
	}
	pw, err := NewPassword()
	if err != nil {
		return nil, err
	}
	agents, err := loadAgents(abs)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return nil, err
	}
	srv := &Server{opts: opts, servicePassword: pw, serviceHash: hash, agents: agents}
	// Every connection authenticates: the services in-process with the
	// service user, agents with the users the message office issued.
	opts.Users = srv.users()
	if cfg.Configure != nil {
		cfg.Configure(opts)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("configure embedded NATS: %w", err)
	}
	if cfg.Logger != nil {
		ns.SetLoggerV2(&slogAdapter{l: cfg.Logger.With("component", "nats")}, false, false, false)
	}
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		ns.Shutdown()
		return nil, errors.New("start embedded NATS: not ready after 30s")
	}
	if !ns.JetStreamEnabled() {
		ns.Shutdown()
		return nil, errors.New("start embedded NATS: JetStream did not start (see server log)")
	}
	srv.ns = ns
	return srv, nil
}

// ClientURL is the URL other processes connect to, or "" when the server only
// accepts in-process connections.
func (s *Server) ClientURL() string {
	if s.opts.DontListen {
		return ""
	}
	return s.ns.ClientURL()
}

// NATS exposes the underlying server for callers that manage users and
// accounts (reloading permissions without a restart).
func (s *Server) NATS() *server.Server { return s.ns }

// Connect opens an in-process client connection: no sockets, no auth
// round-trips beyond what the server's options demand.
func (s *Server) Connect(name string, opts ...nats.Option) (*nats.Conn, error) {
	all := append([]nats.Option{nats.Name(name), nats.InProcessServer(s.ns), nats.MaxReconnects(-1),
		nats.UserInfo(serviceUser, s.servicePassword)}, opts...)
	nc, err := nats.Connect("", all...)
	if err != nil {
		return nil, fmt.Errorf("connect in-process to embedded NATS: %w", err)
	}
	return nc, nil
}

// Shutdown stops the server after flushing every stream to disk.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
}

// Remote describes an external NATS deployment.
type Remote struct {
	URL       string // nats://host:4222[,nats://...]
	CredsFile string // a .creds file (JWT + nkey seed), for operator-mode deployments
	User      string
	Password  string
	Token     string
	// CalloutIssuerFile holds the seed of the account whose public key the
	// deployment's auth_callout names as issuer: weft-server then answers
	// the callout for agents (callout.go). Empty: agents' users are made
	// with the operator's own tooling.
	CalloutIssuerFile string
	// CalloutAccount is the account agents are placed in ("" = "$G").
	CalloutAccount string
	// CalloutTTL is how long a user JWT the callout signs is valid (0 =
	// AgentJWTTTL).
	CalloutTTL time.Duration
}

// Dial connects to an external NATS deployment, reconnecting forever: weft's
// services are useless without NATS, so they wait for it rather than exit.
func Dial(r Remote, name string, opts ...nats.Option) (*nats.Conn, error) {
	if r.URL == "" {
		return nil, errors.New("connect to NATS: no URL given")
	}
	all := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(500 * time.Millisecond)}
	switch {
	case r.CredsFile != "":
		all = append(all, nats.UserCredentials(r.CredsFile))
	case r.User != "":
		all = append(all, nats.UserInfo(r.User, r.Password))
	case r.Token != "":
		all = append(all, nats.Token(r.Token))
	}
	nc, err := nats.Connect(r.URL, append(all, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("connect to NATS at %s: %w", r.URL, err)
	}
	return nc, nil
}

// slogAdapter routes nats-server's logger into slog.
type slogAdapter struct{ l *slog.Logger }

func (a *slogAdapter) Noticef(format string, v ...any) { a.l.Debug(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Warnf(format string, v ...any)   { a.l.Warn(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Fatalf(format string, v ...any)  { a.l.Error(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Errorf(format string, v ...any)  { a.l.Error(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Debugf(format string, v ...any)  { a.l.Debug(fmt.Sprintf(format, v...)) }
func (a *slogAdapter) Tracef(format string, v ...any)  { a.l.Debug(fmt.Sprintf(format, v...)) }
