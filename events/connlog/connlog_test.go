package connlog_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events/connlog"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/wait"
)

// records keeps what was logged, as "LEVEL message key=value ...".
type records struct {
	mu    sync.Mutex
	lines []string
}

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *records) WithGroup(string) slog.Handler            { return r }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", rec.Level, rec.Message)
	rec.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true })
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, b.String())
	return nil
}

// has waits for a line starting with prefix and returns it.
func (r *records) has(t *testing.T, prefix string) string {
	t.Helper()
	var got string
	wait.For(t, 10*time.Second, func() error {
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, l := range r.lines {
			if strings.HasPrefix(l, prefix) {
				got = l
				return nil
			}
		}
		return fmt.Errorf("no %q among %q", prefix, r.lines)
	})
	return got
}

// A connection whose server goes away says so, says it is back once the
// server returns (with how long it was down), reports an asynchronous
// error (a slow consumer) with its subject, and logs its own close only at
// debug level, not as a loss.
func TestAConnectionLogsItsLossItsReturnAndTheServersErrors(t *testing.T) {
	node, _ := eventstest.StartNode(t)
	rec := &records{}
	nc, err := nats.Connect(node.URL, append(connlog.Options(slog.New(rec)),
		nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}

	node.Stop()
	rec.has(t, "WARN NATS connection lost; reconnecting")
	time.Sleep(200 * time.Millisecond)
	node.Start(t)
	back := rec.has(t, "INFO NATS connection back")
	if !strings.Contains(back, "server=nats://127.0.0.1:") || strings.Contains(back, "down=0s") {
		t.Errorf("the return says neither where nor how long it was down: %q", back)
	}

	sub, err := nc.Subscribe("busy", func(*nats.Msg) { time.Sleep(time.Second) })
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.SetPendingLimits(1, -1); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if err := nc.Publish("busy", []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if l := rec.has(t, "ERROR NATS error"); !strings.Contains(l, "subject=busy") || !strings.Contains(l, "slow consumer") {
		t.Errorf("the asynchronous error: %q", l)
	}

	nc.Close()
	rec.has(t, "DEBUG NATS connection closed")
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if n := strings.Count(strings.Join(rec.lines, "\n"), "connection lost"); n != 1 {
		t.Errorf("%d losses logged, want 1 (a close is not a loss): %q", n, rec.lines)
	}
}

// A component started while its server is down (as an agent whose hub is
// not up yet) says it cannot reach it, once, and then that it connected.
func TestAFirstConnectionThatWaitsForItsServerSaysSo(t *testing.T) {
	node, _ := eventstest.StartNode(t)
	node.Stop()
	rec := &records{}
	nc, err := nats.Connect(node.URL, append(connlog.Options(slog.New(rec)), nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))...)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rec.has(t, "WARN NATS not reachable yet; still trying")
	time.Sleep(300 * time.Millisecond) // several more attempts fail
	node.Start(t)
	if l := rec.has(t, "INFO NATS connected"); strings.Contains(l, "after=0s") {
		t.Errorf("the connection does not say how long it waited: %q", l)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if n := strings.Count(strings.Join(rec.lines, "\n"), "not reachable yet"); n != 1 {
		t.Errorf("%d failed attempts logged within a minute, want 1: %q", n, rec.lines)
	}
}
