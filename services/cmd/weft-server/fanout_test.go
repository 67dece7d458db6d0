package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/services/platform"
)

// TestTwoThousandSubscribersOfOneAppGetEveryChangeOnFewConsumers runs
// 2,000 appStatus subscriptions through the gateway (20 sockets of 100),
// checks that each gets the app's state and then its change, and counts
// the EVENTS stream's consumers through JetStream's API: the subscriptions
// add one, however many there are (before, each held its own, and a
// stream takes 1,000 at most).
func TestTwoThousandSubscribersOfOneAppGetEveryChangeOnFewConsumers(t *testing.T) {
	if testing.Short() {
		t.Skip("2,000 subscriptions")
	}
	var b *platform.Broker
	base, admin := startServerWith(t, func(o *options) { o.rate = -1 }, &b)
	must := mustData(t)
	const team = "fanout"
	must(gql(t, base, admin, "", `mutation { createTeam(input: {slug: "fanout", displayName: "Fan-out"}) { seq } }`, nil))
	d := must(gql(t, base, admin, team, `mutation { createCluster(input: {name: "fan-eu"}) { cluster { id } } }`, nil))
	cluster := path(d, "createCluster", "cluster", "id").(string)
	must(gql(t, base, admin, team, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { environment { id } } }`, map[string]any{"c": cluster}))
	d = must(gql(t, base, admin, team, `mutation { createApp(input: {env: "prod", name: "api", spec: {ports: [{port: 80}], backends: ["10.9.9.1:8080"]}}) { app { id } } }`, nil))
	app := path(d, "createApp", "app", "id").(string)

	ctx := context.Background()
	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	consumers := func() int {
		t.Helper()
		s, err := js.Stream(ctx, events.StreamName)
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Consumers
	}
	before := consumers()

	const sockets, each = 20, 100
	doc := fmt.Sprintf(`subscription { appStatus(id: %q) { seq app { spec { backends } } } }`, app)
	ws := make([]*wsClient, sockets)
	for i := range ws {
		w, code := dialWS(t, base, admin, team)
		if w == nil {
			t.Fatalf("socket %d refused (%d)", i, code)
		}
		ws[i] = w
		for j := range each {
			w.send(map[string]any{"id": fmt.Sprint(j), "type": "subscribe", "payload": map[string]any{"query": doc}})
		}
	}
	// awaitAll reads every socket until each of its subscriptions has
	// delivered a state with want among its backends.
	awaitAll := func(want string, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for i, w := range ws {
			seen := map[string]bool{}
			for len(seen) < each {
				m, ok := w.next(deadline)
				if !ok {
					t.Fatalf("socket %d: %d of %d subscriptions delivered %s in time", i, len(seen), each, want)
				}
				switch {
				case m.Type == "next" && strings.Contains(string(m.Payload), want):
					seen[m.ID] = true
				case m.Type == "error" || m.Type == "complete" || strings.Contains(string(m.Payload), `"errors"`):
					t.Fatalf("socket %d, subscription %s: %s %s", i, m.ID, m.Type, m.Payload)
				}
			}
		}
	}
	awaitAll("10.9.9.1:8080", 2*time.Minute)
	if got := consumers() - before; got > 1 {
		t.Fatalf("%d subscriptions hold %d consumers of EVENTS, want at most 1", sockets*each, got)
	}

	must(gql(t, base, admin, team, `mutation($id: ID!) { updateApp(input: {id: $id, spec: {ports: [{port: 80}], backends: ["10.9.9.2:8080"]}}) { seq } }`, map[string]any{"id": app}))
	awaitAll("10.9.9.2:8080", time.Minute)
	if got := consumers() - before; got > 1 {
		t.Fatalf("after the change, %d consumers of EVENTS more than before the subscriptions, want at most 1", got)
	}
}
