package kube_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"testing"
	"time"
	"weft.dev/kernel/wait"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"weft.dev/agent/converge"
	"weft.dev/agent/kube"
	"weft.dev/agent/kube/kubetest"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
	"weft.dev/events/jsguard"
)

// TestTheAgentAppliesItsStreamsKubernetesEntriesAndPrunesAfterARestart:
// the agent (converge with the controller as its KubeApplier, on NATS
// credentials limited to its cluster) applies the namespace and workload
// entries of its stream, reports its gateway in Kubernetes mode, and after
// a restart during which the app was deleted (a tombstone it never saw
// live) it prunes the app's Deployment and Service and keeps the
// environment's namespace.
func TestTheAgentAppliesItsStreamsKubernetesEntriesAndPrunesAfterARestart(t *testing.T) {
	cp := kubetest.Start(t)
	c := cp.Client
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	office, err := srv.Connect("office")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(office.Close)
	js, _ := jetstream.New(office)
	for _, cfg := range []jetstream.StreamConfig{streams.Cluster("c", 1), streams.Team("acme", 1)} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	// The agent reaches JetStream only through weft's guard, as in weft-server.
	guard := &jsguard.Agents{TeamOf: func(c string) (string, bool) { return "acme", c == "c" }, Log: slog.New(slog.DiscardHandler)}
	guardSub, err := guard.Serve(office)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = guardSub.Unsubscribe() })
	pw, _ := broker.NewPassword()
	h, _ := broker.HashPassword(pw)
	pub, sub := clusterstate.AgentPermissions("c")
	if err := srv.SetAgent(broker.Agent{Name: "agent-c", PasswordHash: h, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	put := func(kind, id string, v any, seq uint64) {
		m := nats.NewMsg(clusterstate.Subject("acme", "c", kind, id))
		m.Header.Set(clusterstate.HeaderEventsSeq, strconv.FormatUint(seq, 10))
		if v == nil {
			m.Header.Set(clusterstate.HeaderDeleted, "true")
		} else {
			m.Data, _ = json.Marshal(v)
		}
		if _, err := js.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	gateways := make(chan clusterstate.Gateway, 4)
	gsub, err := office.Subscribe(clusterstate.StatusSubject("c", clusterstate.StatusGateway), func(m *nats.Msg) {
		var g clusterstate.Gateway
		if json.Unmarshal(m.Data, &g) == nil {
			gateways <- g
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = gsub.Unsubscribe() }()

	run := func() (*converge.Agent, func()) {
		nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("agent-c", pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("c")))
		if err != nil {
			t.Fatal(err)
		}
		ctl, err := kube.New(kube.Config{Client: c, Cluster: "c", Report: nc})
		if err != nil {
			t.Fatal(err)
		}
		rec := converge.NewRecorder(clusterstate.Gateway{PublicKey: "gw"})
		a, err := converge.New(converge.Config{Cluster: "c", Team: "acme", Peers: rec, Routes: kube.NewRoutes(ctl, rec), DNS: rec,
			Kube: ctl, Kubernetes: &clusterstate.Kubernetes{Version: "v1.37.2"}})
		if err != nil {
			t.Fatal(err)
		}
		actx, stop := context.WithCancel(ctx)
		done := make(chan struct{}, 2)
		go func() { _ = ctl.Run(actx); done <- struct{}{} }()
		go func() { _ = a.Run(actx, nc); done <- struct{}{} }()
		return a, func() { stop(); <-done; <-done; nc.Close() }
	}

	put(clusterstate.KindNamespace, "env-prod", envEntry("env-prod", "prod"), 1)
	put(clusterstate.KindWorkload, "a1", workloadEntry("a1", "api", "prod", 2, "ghcr.io/acme/api:1", 1), 2)
	put(clusterstate.KindRoute, "a1", clusterstate.Route{ID: "a1", Name: "api", ServiceIP: "100.80.0.1", Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}},
		Endpoints: &clusterstate.EndpointSource{Namespace: "prod", Service: "api"}}, 2)
	agent, stop := run()
	if err := agent.WaitFor(ctx, 2); err != nil {
		t.Fatal(err)
	}
	select {
	case g := <-gateways:
		if g.Kubernetes == nil || g.Kubernetes.Version != "v1.37.2" {
			t.Errorf("gateway reported %+v, want Kubernetes mode with the API server's version", g)
		}
	case <-ctx.Done():
		t.Fatal("no gateway report")
	}
	wait.For(t, within, func() error {
		if _, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{}); err != nil {
			return err
		}
		_, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{})
		return err
	})
	stop()

	// Deleted while the agent was away: only the tombstone is left.
	put(clusterstate.KindWorkload, "a1", nil, 3)
	put(clusterstate.KindRoute, "a1", nil, 3)
	agent, stop = run()
	defer stop()
	if err := agent.WaitFor(ctx, 3); err != nil {
		t.Fatal(err)
	}
	wait.For(t, within, func() error {
		if _, err := c.AppsV1().Deployments("prod").Get(ctx, "api", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("deployment of the deleted app still there (%v)", err)
		}
		if _, err := c.CoreV1().Services("prod").Get(ctx, "api", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("service of the deleted app still there (%v)", err)
		}
		return nil
	})
	if ns, err := c.CoreV1().Namespaces().Get(ctx, "prod", metav1.GetOptions{}); err != nil || ns.DeletionTimestamp != nil {
		t.Errorf("the environment's namespace went with the app (%v)", err)
	}
}
