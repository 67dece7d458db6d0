// Package connlog makes a NATS connection say what happens to it. weft's
// components ride out a lost server (they reconnect for ever and resume
// where they were), so without these lines an agent cut off from the hub
// for minutes looks, in its log, like one with nothing to do, and a
// permission the server refused (an asynchronous error) is lost.
package connlog

import (
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// retryEvery is how often a failing reconnect is logged again while an
// outage lasts: the client retries every few seconds, for ever.
const retryEvery = time.Minute

// Options are the handlers that log the connection's life on log: a lost
// connection (Warn), each failed attempt to get it back (Warn, at most
// once a minute), its return with how long it was down (Info), the
// server's asynchronous errors such as a refused permission or a slow
// consumer (Error), and its close (Debug). One set per connection.
func Options(log *slog.Logger) []nats.Option {
	o := &outage{}
	return []nats.Option{
		nats.DisconnectErrHandler(func(nc *nats.Conn, err error) {
			if nc.IsClosed() {
				return // closed on purpose; ClosedHandler says so
			}
			o.begin(time.Now())
			if errors.Is(err, nats.ErrAuthExpired) {
				// Short-lived credentials (an agent's, signed by the auth
				// callout) end by design; the reconnect gets new ones.
				log.Info("NATS credentials expired; reconnecting with new ones")
				return
			}
			log.Warn("NATS connection lost; reconnecting", "err", err)
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			if o.retryDue(time.Now()) {
				log.Warn("NATS not reachable yet; still trying", "err", err, "down", o.since(time.Now()))
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("NATS connection back", "server", nc.ConnectedUrlRedacted(), "down", o.end(time.Now()))
		}),
		// A first connection that failed and was retried
		// (RetryOnFailedConnect) ends here instead.
		nats.ConnectHandler(func(nc *nats.Conn) {
			log.Info("NATS connected", "server", nc.ConnectedUrlRedacted(), "after", o.end(time.Now()))
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if errors.Is(err, nats.ErrAuthExpired) {
				return // the disconnect that follows says so
			}
			if sub != nil {
				log.Error("NATS error", "subject", sub.Subject, "err", err)
				return
			}
			log.Error("NATS error", "err", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { log.Debug("NATS connection closed") }),
	}
}

// outage is when the connection was lost and when a failed reconnect was
// last logged. The client calls handlers from one goroutine, but a
// connection's handlers are set once and may share it with the caller's.
type outage struct {
	mu        sync.Mutex
	start     time.Time // zero while connected
	lastRetry time.Time
}

func (o *outage) begin(now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.start.IsZero() {
		o.start, o.lastRetry = now, now
	}
}

// retryDue reports whether a failed attempt at now should be logged: the
// first of a connection that was never up, then once per retryEvery.
func (o *outage) retryDue(now time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.start.IsZero() {
		o.start = now // a first connection that failed (RetryOnFailedConnect)
	} else if now.Sub(o.lastRetry) < retryEvery {
		return false
	}
	o.lastRetry = now
	return true
}

func (o *outage) since(now time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	return now.Sub(o.start).Round(time.Millisecond)
}

// end closes the outage and returns how long it lasted.
func (o *outage) end(now time.Time) time.Duration {
	o.mu.Lock()
	defer o.mu.Unlock()
	d := time.Duration(0)
	if !o.start.IsZero() {
		d = now.Sub(o.start).Round(time.Millisecond)
	}
	o.start = time.Time{}
	return d
}
