package messageoffice_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/clusterstate"
	"weft.dev/events/jsguard"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/console/readmodel"
	icmd "weft.dev/services/infra/command"
	"weft.dev/services/keyring"
	"weft.dev/services/messageoffice"
)

// withSecrets is console handlers with the read model and a keyring.
func (w *world) withSecrets(t *testing.T) (*ccmd.Handlers, *keyring.Ring) {
	t.Helper()
	ring, err := keyring.Open(w.ctx, w.js, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := readmodel.New()
	r := projection.New(w.store, m, projection.Config{Name: "console-secrets"})
	if err := r.CatchUp(w.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	return ccmd.New(w.store, readmodel.NewQueries(m, r), ccmd.WithSealer(ring)), ring
}

// TestSecretsReachOnlyTheirClustersAgentSealedToItsOwnKey: a secret's
// values reach the agent of its environment's cluster sealed to that
// agent's sealing key (and not before it reported one); no entry of any
// stream holds a value in clear; the agent of another cluster, with its
// own NATS credentials, cannot read the first cluster's entry, and could
// not open it; a change rolls the apps that use it; a deleted secret's
// entry goes and its values no longer open anywhere.
func TestSecretsReachOnlyTheirClustersAgentSealedToItsOwnKey(t *testing.T) {
	w := newWorld(t)
	con, ring := w.withSecrets(t)
	o := w.startWith(t, messageofficeConfig(ring))
	a := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "eu-1"})).Object.ID
	b := must(w.inf.CreateCluster(w.ctx, w.owner, icmd.CreateClusterInput{Team: "acme", Name: "us-1"})).Object.ID
	must(con.CreateEnv(w.ctx, w.owner, ccmd.CreateEnvInput{Team: "acme", Name: "prod", ClusterID: a}))
	const known = "s3cr3t-known-value-7f1c"
	sec := must(con.SetSecret(w.ctx, w.owner, ccmd.SetSecretInput{Team: "acme", Env: "prod", Name: "db-creds", Set: map[string]string{"PASSWORD": known}})).Object
	api := must(con.CreateApp(w.ctx, w.owner, ccmd.CreateAppInput{Team: "acme", Env: "prod", Name: "api",
		Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}},
		Backing: cd.Backing{Workload: &cd.Workload{Image: "ghcr.io/acme/api:1", Replicas: 1,
			Env: []cd.EnvVar{{Name: "DB_PASSWORD", From: &cd.KeyRef{Source: cd.Source{Kind: cd.SourceSecret, Name: "db-creds"}, Key: "PASSWORD"}}}}}})).Object.ID
	w.converge(t, o)
	if _, ok := w.state(t, a)["secret."+sec.ID]; ok {
		t.Fatalf("a secret was sent before the agent reported a sealing key")
	}

	keyA, keyB := w.sealingKey(t, a), w.sealingKey(t, b)
	sys := auth.SystemPrincipal("agent")
	// An agent keeps the sealing key it reported first.
	if _, err := w.inf.ReportSealingKey(w.ctx, sys, icmd.ReportSealingKeyInput{Team: "acme", ClusterID: a, SealingKey: keyB.PublicString()}); err == nil {
		t.Errorf("cluster A's agent moved to another sealing key without enrolling again")
	}
	w.converge(t, o)
	sa := w.state(t, a)
	entry := decode[clusterstate.Secret](t, sa, "secret."+sec.ID)
	if entry.Name != "db-creds" || entry.Namespace != "prod" || entry.Labels[clusterstate.LabelSecretID] != sec.ID || entry.Version != sec.Version {
		t.Errorf("secret entry %+v", entry)
	}
	got, err := keyA.Open(entry.Sealed["PASSWORD"])
	if err != nil || string(got) != known {
		t.Fatalf("cluster A's agent opens %q, %v", got, err)
	}
	if _, err := keyB.Open(entry.Sealed["PASSWORD"]); err == nil {
		t.Errorf("cluster B's key opens what was sealed to A's")
	}
	for _, c := range []string{a, b} {
		for k, v := range w.state(t, c) {
			if strings.Contains(string(v), known) {
				t.Errorf("cluster %s's entry %s holds the value in clear", c, k)
			}
		}
	}
	if _, ok := w.state(t, b)["secret."+sec.ID]; ok {
		t.Errorf("cluster B, not the environment's, got the secret")
	}
	wl := decode[clusterstate.Workload](t, sa, "workload."+api)
	if f := wl.Container.Env[0].From; f == nil || f.Kind != clusterstate.SourceSecret || f.Name != "db-creds" || f.Key != "PASSWORD" || wl.SourcesDigest == "" {
		t.Fatalf("the workload's variable: %+v, digest %q", wl.Container.Env, wl.SourcesDigest)
	}

	// B's agent, with its own credentials, reads nothing of A's stream:
	// neither through weft's guard (how agents reach JetStream) nor around it.
	w.agentCannotRead(t, o, b, a, clusterstate.KindSecret, sec.ID)

	// A change: a new version, sealed anew, and the app rolls.
	must(con.SetSecret(w.ctx, w.owner, ccmd.SetSecretInput{Team: "acme", Env: "prod", Name: "db-creds", Set: map[string]string{"PASSWORD": known + "-2"}}))
	w.converge(t, o)
	sa = w.state(t, a)
	entry2 := decode[clusterstate.Secret](t, sa, "secret."+sec.ID)
	if got, err := keyA.Open(entry2.Sealed["PASSWORD"]); err != nil || string(got) != known+"-2" || entry2.Version <= entry.Version {
		t.Errorf("after the change A opens %q (%v), version %d", got, err, entry2.Version)
	}
	if wl2 := decode[clusterstate.Workload](t, sa, "workload."+api); wl2.SourcesDigest == wl.SourcesDigest {
		t.Errorf("the secret's change did not change the workload's digest")
	}

	// The team's key rotated, the values re-encrypted under new data keys
	// in the log: the agent's entry is byte for byte what it was (nothing
	// sealed or sent again, no roll); an office starting afresh from the
	// log seals the values it opens under the new data key (the old one is
	// destroyed) and the agent opens what it had.
	rawSecret, rawWorkload := string(sa["secret."+sec.ID]), string(sa["workload."+api])
	rot := must(con.RotateSecretsKey(w.ctx, w.owner, "acme")).Object
	if rot.Resealed != 1 {
		t.Fatalf("rotation %+v", rot)
	}
	w.converge(t, o)
	sa = w.state(t, a)
	if string(sa["secret."+sec.ID]) != rawSecret || string(sa["workload."+api]) != rawWorkload {
		t.Errorf("the rotation changed the agent's secret or workload entry")
	}
	if err := o.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	o = w.startWith(t, messageofficeConfig(ring))
	w.converge(t, o)
	entry3 := decode[clusterstate.Secret](t, w.state(t, a), "secret."+sec.ID)
	if got, err := keyA.Open(entry3.Sealed["PASSWORD"]); err != nil || string(got) != known+"-2" || entry3.Version != entry2.Version {
		t.Errorf("after the rotation, an office started afresh sends %q (%v), version %d", got, err, entry3.Version)
	}

	// An office starting while the keyring does not answer cannot seal the
	// values: it leaves the agent's entry as it is, rather than a tombstone
	// that would delete the Kubernetes Secret the app's pods read.
	if err := o.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	o = w.startWith(t, messageoffice.Config{Secrets: unreachableKeyring{}})
	w.converge(t, o)
	if got := w.state(t, a)["secret."+sec.ID]; string(got) == "" {
		t.Fatalf("an office whose keyring did not answer tombstoned the secret's entry")
	} else if e := decode[clusterstate.Secret](t, w.state(t, a), "secret."+sec.ID); e.Version != entry3.Version {
		t.Errorf("the kept entry is of version %d, want %d", e.Version, entry3.Version)
	}
	if err := o.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	o = w.startWith(t, messageofficeConfig(ring))

	// Deleted (once no app uses it): the entry goes, the key is destroyed.
	must(con.DeleteApp(w.ctx, w.owner, "acme", api))
	must(con.DeleteSecret(w.ctx, w.owner, "acme", sec.ID))
	w.converge(t, o)
	if _, ok := w.state(t, a)["secret."+sec.ID]; ok {
		t.Errorf("a deleted secret's entry stayed")
	}
	if _, err := ring.Open(w.ctx, "acme", sec.ID, sec.Values); !errors.Is(err, keyring.ErrShredded) {
		t.Errorf("a deleted secret's sealed values in the log: %v, want ErrShredded", err)
	}
}

func messageofficeConfig(ring *keyring.Ring) messageoffice.Config {
	return messageoffice.Config{Secrets: ring}
}

// agentCannotRead checks that the agent of cluster reader, with its own
// NATS credentials, reads nothing of cluster owner's stream, the entry
// kind.id above all: neither through weft's guard (how agents reach
// JetStream) nor around it.
func (w *world) agentCannotRead(t *testing.T, o *messageoffice.Office, reader, owner, kind, id string) {
	t.Helper()
	nc := w.agentConn(t, reader)
	guard := &jsguard.Agents{TeamOf: o.TeamOf, Log: slog.New(slog.DiscardHandler)}
	gsub, err := guard.Serve(w.env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gsub.Unsubscribe() })
	if err := w.env.Conn.Flush(); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(w.ctx, 3*time.Second)
	defer cancel()
	viaGuard, err := jetstream.NewWithAPIPrefix(nc, clusterstate.AgentAPIPrefix(reader))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viaGuard.Stream(short, clusterstate.StreamName(reader)); err != nil {
		t.Fatalf("the reader's agent cannot read its own stream through the guard (the probe below proves nothing): %v", err)
	}
	subject := clusterstate.Subject("acme", owner, kind, id)
	if st, err := viaGuard.Stream(short, clusterstate.StreamName(owner)); err == nil {
		t.Errorf("cluster %s's agent read %s's stream info through the guard", reader, owner)
		if m, err := st.GetLastMsgForSubject(short, subject); err == nil {
			t.Fatalf("cluster %s's agent read %s's entry %s.%s through the guard: %d bytes", reader, owner, kind, id, len(m.Data))
		}
	}
	if _, err := viaGuard.OrderedConsumer(short, clusterstate.StreamName(owner), jetstream.OrderedConsumerConfig{}); err == nil {
		t.Errorf("cluster %s's agent made a consumer on %s's stream through the guard", reader, owner)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := js.Stream(short, clusterstate.StreamName(owner)); err == nil {
		if m, err := st.GetLastMsgForSubject(short, subject); err == nil {
			t.Fatalf("cluster %s's agent read %s's entry %s.%s: %d bytes", reader, owner, kind, id, len(m.Data))
		}
	}
	if m, err := nc.Request("$JS.API.DIRECT.GET."+clusterstate.StreamName(owner)+"."+subject, nil, 2*time.Second); err == nil && len(m.Data) > 0 {
		t.Fatalf("cluster %s's agent read %s's entry %s.%s by direct get: %d bytes", reader, owner, kind, id, len(m.Data))
	}
}

// sealingKey makes a sealing key pair for cluster's agent and reports its
// public half, as the agent does at enrolment.
func (w *world) sealingKey(t *testing.T, cluster string) clusterstate.SealingKey {
	t.Helper()
	k, err := clusterstate.NewSealingKey()
	if err != nil {
		t.Fatal(err)
	}
	must(w.inf.ReportSealingKey(w.ctx, auth.SystemPrincipal("agent"), icmd.ReportSealingKeyInput{Team: "acme", ClusterID: cluster, SealingKey: k.PublicString()}))
	return k
}

// unreachableKeyring fails every Open, as a keyring that does not answer.
type unreachableKeyring struct{}

func (unreachableKeyring) Open(context.Context, string, string, map[string]string) (map[string]string, error) {
	return nil, errors.New("keyring: nats: timeout")
}
