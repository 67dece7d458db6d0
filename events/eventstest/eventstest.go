// Package eventstest starts a real embedded JetStream server for tests, with
// the EVENTS stream in place, and shuts it down when the test ends.
package eventstest

import (
	"testing"

	"github.com/nats-io/nats.go"

	"weft.dev/events/broker"
	"weft.dev/events/stream"
)

// Env is a running embedded server and a client connection to it.
type Env struct {
	Server  *broker.Server
	Conn    *nats.Conn
	DataDir string
}

// Start runs an embedded server in a fresh temporary directory.
func Start(tb testing.TB) *Env {
	tb.Helper()
	return StartIn(tb, tb.TempDir())
}

// StartIn runs an embedded server on dir (reuse dir to test restarts).
func StartIn(tb testing.TB, dir string) *Env {
	tb.Helper()
	srv, err := broker.Start(broker.Config{DataDir: dir})
	if err != nil {
		tb.Fatalf("start embedded NATS: %v", err)
	}
	nc, err := srv.Connect("test")
	if err != nil {
		srv.Shutdown()
		tb.Fatalf("connect: %v", err)
	}
	if err := stream.Ensure(nc, stream.Config(1)); err != nil {
		nc.Close()
		srv.Shutdown()
		tb.Fatalf("ensure EVENTS: %v", err)
	}
	env := &Env{Server: srv, Conn: nc, DataDir: dir}
	tb.Cleanup(env.Stop)
	return env
}

// Stop closes the connection and shuts the server down; safe to call twice.
func (e *Env) Stop() {
	if e.Conn != nil {
		e.Conn.Close()
		e.Conn = nil
	}
	if e.Server != nil {
		e.Server.Shutdown()
		e.Server = nil
	}
}
