package messageoffice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// LeaseBucket is the KV bucket weft's single-writer services take their
// leases in.
const LeaseBucket = "weft_leases"

// Lease makes one replica of a service its only writer. Readers (the read
// models) run in every replica; the message office writes the cluster
// streams and records agents' status, which two writers would do twice. A
// lease is a key in a JetStream KV bucket whose values expire after TTL:
// the holder rewrites it every TTL/3, and when it stops or dies another
// replica creates the key once it expired and takes over, starting from
// the log and the streams as they are.
type Lease struct {
	KV     jetstream.KeyValue
	Key    string // the service, e.g. "messageoffice"
	Holder string // this replica, e.g. its host name and pid
	TTL    time.Duration
	Log    *slog.Logger

	start, stop func(context.Context) error
	rev         uint64
	holding     bool
	held        atomic.Bool // holding, for other goroutines
	abandoned   atomic.Bool
	wake        chan struct{}
}

// Abandon gives the lease up for good: the holder stops and deletes the
// key at once (without waiting for it to expire), and this replica does not
// take it again. For a service that stopped on an event it cannot apply:
// another replica (perhaps of a newer version) may be able to. It does not
// wait, so the stopped service may call it.
func (l *Lease) Abandon() {
	l.abandoned.Store(true)
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// OpenLeases creates (or opens) the lease bucket with values living ttl.
func OpenLeases(ctx context.Context, js jetstream.JetStream, ttl time.Duration, replicas int) (jetstream.KeyValue, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: LeaseBucket, TTL: ttl, History: 1, Replicas: max(replicas, 1), Storage: jetstream.FileStorage,
		Description: "single-writer leases of weft services",
	})
	if err != nil {
		return nil, fmt.Errorf("lease bucket: %w", err)
	}
	return kv, nil
}

// Go tries the lease once, here: when it is free, start runs before Go
// returns (its error is Go's). Then it keeps trying or renewing in the
// background until ctx ends: start runs each time this replica becomes the
// holder, stop each time it stops being one. done closes when it has let
// go after ctx ended.
func (l *Lease) Go(ctx context.Context, start, stop func(context.Context) error) (<-chan struct{}, error) {
	l.start, l.stop = start, stop
	if l.wake == nil {
		l.wake = make(chan struct{}, 1)
	}
	if err := l.step(ctx); err != nil {
		l.release("start failed")
		_ = l.KV.Delete(context.Background(), l.Key, jetstream.LastRevision(l.rev))
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(l.TTL / 3)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if l.holding {
					l.release("shutting down")
					// Hand over at once instead of after TTL.
					dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					_ = l.KV.Delete(dctx, l.Key, jetstream.LastRevision(l.rev))
					cancel()
				}
				return
			case <-t.C:
			case <-l.wake:
			}
			if err := l.step(ctx); err != nil {
				l.Log.Error("start after taking the lease", "key", l.Key, "err", err)
				l.release("start failed")
				_ = l.KV.Delete(context.Background(), l.Key, jetstream.LastRevision(l.rev))
			}
		}
	}()
	return done, nil
}

// Holding reports whether this replica is the writer now.
func (l *Lease) Holding() bool { return l.held.Load() }

func (l *Lease) step(ctx context.Context) error {
	if l.abandoned.Load() {
		if l.holding {
			l.release("abandoned")
			dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			_ = l.KV.Delete(dctx, l.Key, jetstream.LastRevision(l.rev))
		}
		return nil
	}
	if l.holding {
		r, err := l.KV.Update(ctx, l.Key, []byte(l.Holder), l.rev)
		if err != nil {
			l.release(fmt.Sprintf("renew: %v", err))
			return nil
		}
		l.rev = r
		return nil
	}
	r, err := l.KV.Create(ctx, l.Key, []byte(l.Holder))
	switch {
	case err == nil:
		l.rev, l.holding = r, true
		l.held.Store(true)
		l.Log.Info("lease taken", "key", l.Key, "holder", l.Holder)
		return l.start(ctx)
	case errors.Is(err, jetstream.ErrKeyExists):
		return nil // another replica writes
	case ctx.Err() == nil:
		l.Log.Warn("lease", "key", l.Key, "err", err)
	}
	return nil
}

func (l *Lease) release(why string) {
	if !l.holding {
		return
	}
	l.holding = false
	l.held.Store(false)
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.stop(sctx); err != nil {
		l.Log.Warn("stopping after the lease", "key", l.Key, "err", err)
	}
	l.Log.Info("lease given up", "key", l.Key, "why", why)
}
