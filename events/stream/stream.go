// Package stream creates and keeps the EVENTS stream's configuration. It is
// apart from the store (weft.dev/events) because it needs jsm.go, which
// links a whole nats-server: only what creates the stream (weft-server's
// platform, tests) imports it, while whoever only reads or appends (the
// CLI's verify, the services' handlers) does not link a server.
package stream

import (
	"fmt"
	"reflect"
	"time"

	"github.com/nats-io/jsm.go"
	"github.com/nats-io/jsm.go/api"
	"github.com/nats-io/nats.go"

	"weft.dev/events"
)

// Config is the EVENTS stream: file storage, keep everything forever,
// refuse deletes and purges, refuse new messages when full rather than drop
// old ones. These flags do not stop a stream update or delete through the
// API; application users must not hold $JS.API.STREAM.{UPDATE,DELETE,PURGE}.EVENTS.
func Config(replicas int) api.StreamConfig {
	if replicas < 1 {
		replicas = 1
	}
	return api.StreamConfig{
		Name:               events.StreamName,
		Subjects:           []string{events.SubjectPrefix + ".>"},
		Storage:            api.FileStorage,
		Retention:          api.LimitsPolicy,
		Discard:            api.DiscardNew,
		MaxAge:             0,
		MaxMsgs:            -1,
		MaxBytes:           -1,
		MaxMsgsPer:         -1,
		MaxConsumers:       -1,
		MaxMsgSize:         -1,
		Replicas:           replicas,
		Duplicates:         2 * time.Minute,
		DenyDelete:         true,
		DenyPurge:          true,
		RollupAllowed:      false,
		AllowDirect:        true,
		AllowAtomicPublish: true,
	}
}

// Ensure creates the stream described by want, or updates an existing
// one whose configuration differs. It is safe to call on every start.
func Ensure(nc *nats.Conn, want api.StreamConfig) error {
	mgr, err := jsm.New(nc, jsm.WithTimeout(10*time.Second))
	if err != nil {
		return fmt.Errorf("ensure stream %s: %w", want.Name, err)
	}
	known, err := mgr.IsKnownStream(want.Name)
	if err != nil {
		return fmt.Errorf("ensure stream %s: look up: %w", want.Name, err)
	}
	if !known {
		if _, err := mgr.NewStreamFromDefault(want.Name, want); err != nil {
			return fmt.Errorf("ensure stream %s: create: %w", want.Name, err)
		}
		return nil
	}
	s, err := mgr.LoadStream(want.Name)
	if err != nil {
		return fmt.Errorf("ensure stream %s: load: %w", want.Name, err)
	}
	if sameManagedConfig(s.Configuration(), want) {
		return nil
	}
	if err := s.UpdateConfiguration(want); err != nil {
		return fmt.Errorf("ensure stream %s: update: %w", want.Name, err)
	}
	return nil
}

// sameManagedConfig compares the fields weft sets, ignoring those the server
// fills in (metadata, defaults for fields left zero).
func sameManagedConfig(have, want api.StreamConfig) bool {
	norm := func(c api.StreamConfig) api.StreamConfig {
		return api.StreamConfig{
			Name: c.Name, Subjects: c.Subjects, Storage: c.Storage, Retention: c.Retention,
			Discard: c.Discard, MaxAge: c.MaxAge, MaxMsgs: c.MaxMsgs, MaxBytes: c.MaxBytes,
			MaxMsgsPer: c.MaxMsgsPer, Replicas: c.Replicas, Duplicates: c.Duplicates,
			DenyDelete: c.DenyDelete, DenyPurge: c.DenyPurge, RollupAllowed: c.RollupAllowed,
			AllowDirect: c.AllowDirect, AllowAtomicPublish: c.AllowAtomicPublish,
		}
	}
	return reflect.DeepEqual(norm(have), norm(want))
}
