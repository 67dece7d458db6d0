package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/supervise"
	"weft.dev/services/accounts/domain"
)

// A gateway without the accounts service follows rights changes in the
// log itself (logRights). It meets what a NATS deployment does to a
// consumer: deleted under it, heartbeating and delivering nothing (as one
// on a replica left behind its leader; here paused on the server), and
// the server stopped and started. After each, the token revoked next
// reaches the gateway, and every revocation reaches it once, in order:
// none is lost while the follower resumes.
func TestTheGatewaysRightsFollowerMissesNoRevocationThroughItsConsumersFaults(t *testing.T) {
	node, nc := eventstest.StartNode(t)
	reg := events.NewRegistry()
	domain.Register(reg)
	store := events.NewStore(nc, reg)
	// The accounts service says it applied whatever it is asked about.
	accounts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{}`)) }))
	t.Cleanup(accounts.Close)
	signer, err := auth.NewSigner(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	sup := supervise.New(supervise.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	l := &logRights{store: store, auth: newRemoteAuthenticator(accounts.URL, signer), log: slog.New(slog.DiscardHandler), sup: sup,
		stall: 100 * time.Millisecond}
	users := make(chan string, 64)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.WatchRights(ctx, func(user string) { users <- user })
	}()
	defer func() { cancel(); <-done }()

	n := 0
	revoke := func() string {
		t.Helper()
		n++
		user := fmt.Sprint("u", n)
		for {
			actx, acancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := store.Append(actx, events.AnyVersion, events.Event{Team: domain.NoTeam,
				Aggregate: events.AggregateRef{Type: domain.TokenAggregate, ID: fmt.Sprint("tok", n)}, Data: domain.TokenRevoked{ID: fmt.Sprint("tok", n), UserID: user}})
			acancel()
			if err == nil {
				return user
			}
			if ctx.Err() != nil {
				t.Fatalf("revoke %s: %v", user, err)
			}
			time.Sleep(100 * time.Millisecond) // the server is on its way back
		}
	}
	reaches := func(after string, want string) {
		t.Helper()
		select {
		case got := <-users:
			if got != want {
				t.Fatalf("after %s the gateway was told of %s, want %s (in order, each once)", after, got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("after %s the revocation of %s never reached the gateway; supervisor: %v", after, want, sup.Statuses())
		}
	}
	// The follower starts after the log's last rights change: it is
	// running once a revocation reaches it.
	for started := false; !started; {
		user := revoke()
		select {
		case got := <-users:
			if got != user {
				t.Fatalf("told of %s, want %s", got, user)
			}
			started = true
		case <-time.After(time.Second):
		}
	}

	eachConsumer := func(fn func(js jetstream.JetStream, name string) error) {
		t.Helper()
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		st, err := js.Stream(ctx, events.StreamName)
		if err != nil {
			t.Fatal(err)
		}
		for name := range st.ConsumerNames(ctx).Name() {
			if err := fn(js, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range []struct {
		name   string
		inject func()
	}{
		{"its consumer deleted", func() {
			eachConsumer(func(js jetstream.JetStream, name string) error {
				return js.DeleteConsumer(ctx, events.StreamName, name)
			})
		}},
		{"its consumer delivering nothing", func() {
			eachConsumer(func(js jetstream.JetStream, name string) error {
				_, err := js.PauseConsumer(ctx, events.StreamName, name, time.Now().Add(time.Hour))
				return err
			})
		}},
		{"the server restarted", func() {
			node.Stop()
			node.Start(t)
		}},
	} {
		f.inject()
		first, second := revoke(), revoke()
		reaches(f.name, first)
		reaches(f.name, second)
	}
	select {
	case got := <-users:
		t.Fatalf("the gateway was told of %s again", got)
	case <-time.After(300 * time.Millisecond):
	}
}
