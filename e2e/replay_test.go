package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
)

// An auditor of team acme asks the CLI for replay credentials and reads
// the team's whole log with the NATS client library, as their own tools
// would: every event of acme, none of another team's, nothing written;
// a member is refused the credentials; revoking the grant ends them at
// the next read.
func TestAnAuditorReplaysTheTeamsLogWithTheirOwnNATSClientAndNothingElse(t *testing.T) {
	s := startServer(t, "--nats-listen", "127.0.0.1:0")
	owner := newCLI(t)
	owner.ok("login", "--server", s.URL, "--token", s.Token)
	owner.ok("team", "create", "other", "--display-name", "Other")
	owner.ok("cluster", "create", "hidden-1", "--team", "other")
	owner.ok("team", "create", "acme", "--display-name", "Acme")
	owner.ok("cluster", "create", "eu-1", "--team", "acme")
	owner.ok("device", "create", "laptop", "--public-key", newKey(t), "--team", "acme")
	people := map[string]*cli{}
	for name, role := range map[string]string{"audrey": "auditor", "mia": "member"} {
		u := owner.json("user", "create", name, "--display-name", name)
		id, _ := find(u, "id").(string)
		owner.ok("member", "add", name, "--role", role, "--team", "acme")
		tok := owner.json("token", "create", "--user", id)
		secret, _ := find(tok, "secret").(string)
		c := newCLI(t)
		c.ok("login", "--server", s.URL, "--token", secret)
		people[name] = c
	}

	if _, errs, code := people["mia"].run("audit", "credentials", "--team", "acme"); code == 0 || !strings.Contains(errs, "only auditors and owners") {
		t.Fatalf("a member got replay credentials: exit %d\n%s", code, errs)
	}
	var cred struct {
		Token                                                                             struct{ Id string }
		NatsUrl, User, Password, ApiPrefix, InboxPrefix, ConsumerPrefix, Stream, Subjects string
	}
	out := people["audrey"].ok("audit", "credentials", "--team", "acme", "--expires-in", "10m", "-o", "json")
	if err := json.Unmarshal([]byte(out), &cred); err != nil || cred.Password == "" || cred.Subjects != "ev.acme.>" {
		t.Fatalf("audit credentials -o json: %v\n%s", err, out)
	}

	denied := make(chan error, 8)
	nc, err := nats.Connect(cred.NatsUrl, nats.UserInfo(cred.User, cred.Password), nats.CustomInboxPrefix(cred.InboxPrefix),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { denied <- err }))
	if err != nil {
		t.Fatalf("connect with the replay credentials: %v", err)
	}
	defer nc.Close()
	js, err := jetstream.NewWithAPIPrefix(nc, cred.ApiPrefix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	oc, err := js.OrderedConsumer(ctx, cred.Stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{cred.Subjects}, NamePrefix: cred.ConsumerPrefix})
	if err != nil {
		t.Fatalf("the auditor's ordered consumer: %v", err)
	}
	var types []string
	for {
		m, err := oc.Next(jetstream.FetchMaxWait(2 * time.Second))
		if err != nil {
			break
		}
		if !strings.HasPrefix(m.Subject(), "ev.acme.") {
			t.Fatalf("the auditor of acme read %s", m.Subject())
		}
		types = append(types, m.Headers().Get(events.HeaderEventType))
	}
	all := strings.Join(types, " ")
	// The grant itself is on the team's trail (the token behind it is the
	// user's, which the team's events do not hold).
	for _, want := range []string{"accounts.team.created", "infra.cluster.created", "infra.device.created", "accounts.team.member-added", "accounts.team.audit-granted"} {
		if !strings.Contains(all, want) {
			t.Errorf("the replay lacks %s: read %d events: %s", want, len(types), all)
		}
	}
	if _, err := js.OrderedConsumer(ctx, cred.Stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"ev.other.>"}, NamePrefix: cred.ConsumerPrefix}); err == nil {
		t.Error("the auditor of acme made a consumer on team other's events")
	}
	if err := nc.Publish("ev.acme.device.forged", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-denied:
		if !strings.Contains(err.Error(), "Permissions Violation") {
			t.Errorf("a publish into the log: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("a publish into the log was not denied")
	}

	// The grant is a token of the auditor's; revoking it ends the
	// credentials at the next read.
	people["audrey"].ok("token", "revoke", cred.Token.Id)
	m, err := nc.Request(cred.ApiPrefix+".DIRECT.GET."+cred.Stream, []byte(`{"next_by_subj":"ev.acme.>"}`), 5*time.Second)
	if err != nil || m.Header.Get("Status") != "403" {
		t.Fatalf("a read after the grant was revoked: %v %v %s", err, m.Header, m.Data)
	}
	if out := people["audrey"].ok("token", "list"); !strings.Contains(out, cred.Token.Id) || !strings.Contains(out, "revoked") {
		t.Errorf("the auditor's tokens do not show the revoked grant %s:\n%s", cred.Token.Id, out)
	}
}
