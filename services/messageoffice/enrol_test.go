package messageoffice_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"weft.dev/events"
	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/stream"
	"weft.dev/services/messageoffice"
)

// An agent enrolled before the team streams holds a user that reads only
// its cluster's stream; the office brings it up to date when it starts,
// and leaves users of other clusters, and up-to-date ones, alone.
func TestEnrolledAgentsGetTheirTeamStreamWhenTheOfficeStarts(t *testing.T) {
	dir := t.TempDir()
	srv, err := broker.Start(broker.Config{DataDir: dir, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown() }()
	pw, _ := broker.NewPassword()
	hash, _ := broker.HashPassword(pw)
	s := clusterstate.StreamName("c1")
	old := []string{"$JS.API.INFO", "$JS.API.STREAM.INFO." + s, "$JS.API.CONSUMER.CREATE." + s + ".>", "status.c1.>"}
	sub := []string{clusterstate.InboxPrefix("c1") + ".>"}
	for _, a := range []broker.Agent{
		{Name: "agent-c1", PasswordHash: hash, Publish: old, Subscribe: sub},
		{Name: "agent-gone", PasswordHash: hash, Publish: []string{"status.gone.>"}, Subscribe: []string{"_INBOX_gone.>"}},
	} {
		if err := srv.SetAgent(a); err != nil {
			t.Fatal(err)
		}
	}
	teamOf := func(c string) (string, bool) { return "acme", c == "c1" }

	n, err := messageoffice.RefreshAgentPermissions(srv, teamOf)
	if err != nil || n != 1 {
		t.Fatalf("refreshed %d users (%v), want 1", n, err)
	}
	if n, err := messageoffice.RefreshAgentPermissions(srv, teamOf); err != nil || n != 0 {
		t.Fatalf("a second refresh changed %d users (%v)", n, err)
	}

	// The agent's own password still works, now on its team's stream; it
	// survives a restart of the server.
	srv.Shutdown()
	if srv, err = broker.Start(broker.Config{DataDir: dir, Listen: "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	pub, _ := clusterstate.AgentPermissions("c1")
	var got []string
	if _, err := srv.UpdateAgents(func(a broker.Agent) (broker.Agent, bool) {
		if a.Name == "agent-c1" {
			got = a.Publish
		}
		return a, false
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, pub) {
		t.Errorf("agent-c1 publishes on\n %v\nwant\n %v", got, pub)
	}
	nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("agent-c1", pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("c1")))
	if err != nil {
		t.Fatalf("the agent's password after the refresh: %v", err)
	}
	nc.Close()
}

// When the office starts, the users of agents whose cluster is gone
// (deleted while no office ran, or whose removal failed) are removed and
// can no longer connect; live clusters' agents and other users (an
// auditor's replay user) stay.
func TestTheOfficesStartRemovesTheUsersOfDeletedClustersAgents(t *testing.T) {
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	pw, _ := broker.NewPassword()
	hash, _ := broker.HashPassword(pw)
	for _, name := range []string{"agent-c1", "agent-gone", "auditor-g1"} {
		if err := srv.SetAgent(broker.Agent{Name: name, PasswordHash: hash, Publish: []string{"status.x.>"}, Subscribe: []string{"_INBOX_x.>"}}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := messageoffice.PruneAgentUsers(srv, func(c string) (string, bool) { return "acme", c == "c1" })
	if err != nil || n != 1 {
		t.Fatalf("pruned %d users (%v), want 1", n, err)
	}
	if got := srv.AgentNames(); !slices.Equal(got, []string{"agent-c1", "auditor-g1"}) {
		t.Errorf("users left %v", got)
	}
	if nc, err := nats.Connect(srv.ClientURL(), nats.UserInfo("agent-gone", pw)); err == nil {
		nc.Close()
		t.Error("the deleted cluster's agent connected")
	}
}

// A replica whose office does not run (another holds the lease) finds an
// enrolling cluster's team in the log's subjects, and no team for a
// cluster the log does not hold.
func TestAReplicaWithoutTheLeaseFindsAClustersTeamInTheLog(t *testing.T) {
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	nc, err := srv.Connect("test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := stream.Ensure(nc, stream.Config(1)); err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	ctx := t.Context()
	for _, subj := range []string{"ev.acme.cluster.c1", "ev.other.cluster.c10", "ev.acme.device.c2", "ev.acme.team.acme", "ev.gone.cluster.c5"} {
		if _, err := js.Publish(ctx, subj, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	// A deleted team's cluster is no one's to enrol.
	deleted := nats.NewMsg("ev.gone.team.gone")
	deleted.Header.Set(events.HeaderEventType, "accounts.team.deleted")
	if _, err := js.PublishMsg(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	for cluster, want := range map[string]string{"c1": "acme", "c10": "other", "c2": "", "c3": "", "c5": ""} {
		team, ok, err := messageoffice.TeamInLog(ctx, js, cluster)
		if err != nil || team != want || ok != (want != "") {
			t.Errorf("cluster %s: team %q %v (%v), want %q", cluster, team, ok, err, want)
		}
	}
}

// An enrolment with an unknown cluster or a wrong secret is refused,
// logged with the cluster and the client's address (never the secret) and
// counted; refusals lock nothing, so the refusal is the same every time.
func TestRefusedEnrolmentsAreLoggedAndCounted(t *testing.T) {
	srv, err := broker.Start(broker.Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown() }()
	var logs bytes.Buffer
	refused := prometheus.NewCounter(prometheus.CounterOpts{Name: "refused"})
	e := &messageoffice.Enroller{Office: &messageoffice.Office{}, Issuer: srv, Log: slog.New(slog.NewTextHandler(&logs, nil)), Refused: refused}
	for range 3 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/agent/enrol", strings.NewReader(`{"cluster": "c-guess", "secret": "wfe_s3cr3t"}`))
		req.RemoteAddr = "192.0.2.7:40000"
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	if got := testutil.ToFloat64(refused); got != 3 {
		t.Errorf("refusals counted: %v, want 3", got)
	}
	out := logs.String()
	if strings.Count(out, "refused enrolment secret") != 3 || !strings.Contains(out, "cluster=c-guess") || !strings.Contains(out, "remote=192.0.2.7:40000") {
		t.Errorf("log:\n%s", out)
	}
	if strings.Contains(out, "s3cr3t") {
		t.Errorf("the log shows the secret:\n%s", out)
	}
}
