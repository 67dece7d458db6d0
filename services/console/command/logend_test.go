package command_test

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/services/console/command"
)

// A creation reads the environment, its cluster, the cluster's name
// claim, the service range and two claims of its own; each read used to
// ask the stream for the log's end, a request that waits behind the
// stream's batch commits under load. Now the reads before the append
// share one (events.Store.PinEnd) and the range, which must see every
// append ended before it, asks its own: two a creation, and updates and
// deletions one.
func TestACreationAsksForTheLogsEndTwiceAndAChangeOnce(t *testing.T) {
	h := setup(t)
	_, env, _ := h.world()
	var asked atomic.Int64
	sub, err := h.env.Conn.Subscribe("$JS.API.DIRECT.GET."+events.StreamName, func(m *nats.Msg) {
		if bytes.Contains(m.Data, []byte(`"last_by_subj"`)) {
			asked.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	count := func(what string, max int64, do func() error) {
		t.Helper()
		if err := h.env.Conn.Flush(); err != nil {
			t.Fatal(err)
		}
		before := asked.Load()
		if err := do(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if err := h.env.Conn.Flush(); err != nil {
			t.Fatal(err)
		}
		if n := asked.Load() - before; n > max {
			t.Errorf("%s asked for the log's end %d times; want at most %d", what, n, max)
		}
	}
	for i := range 3 {
		var id string
		count("createApp", 2, func() error {
			res, err := h.h.CreateApp(h.ctx, member, command.CreateAppInput{Team: "acme", Env: env.Name, Name: fmt.Sprintf("app%d", i), Spec: webSpec()})
			id = res.Object.ID
			return err
		})
		count("updateApp", 1, func() error {
			spec := webSpec()
			spec.Ports[0].Port = 8081
			_, err := h.h.UpdateApp(h.ctx, member, command.UpdateAppInput{Team: "acme", ID: id, Spec: spec})
			return err
		})
		count("deleteApp", 1, func() error {
			_, err := h.h.DeleteApp(h.ctx, member, "acme", id)
			return err
		})
	}
}
