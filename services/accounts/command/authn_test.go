package command_test

import (
	"context"
	"testing"
	"time"

	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/readmodel"
)

// outcome is what an authentication gave: the principal, or the fault code.
type outcome struct {
	p    auth.Principal
	code fault.Code
}

func authOutcome(t *testing.T, err error, p auth.Principal) outcome {
	t.Helper()
	if err == nil {
		return outcome{p: p}
	}
	f, ok := fault.As(err)
	if !ok {
		t.Fatalf("not a fault: %v", err)
	}
	return outcome{code: f.Code}
}

// The authenticator reading the read model gives, once the model has
// applied a change, exactly what the log gives: the same principals and
// roles, the same faults for bad, revoked and expired tokens and for
// non-members.
func TestModelAuthenticatorAgreesWithTheLog(t *testing.T) {
	h := setup(t)
	authn := command.NewAuthenticator(h.h, h.model, h.q)
	ada, bob := h.user("ada"), h.user("bob")
	owner := h.team(ada, "acme")
	adaTk, bobTk := h.token(ada), h.token(bob)
	exp := h.clock.Now().Add(time.Hour)
	short, err := h.h.CreateToken(h.ctx, auth.Principal{UserID: ada}, command.CreateTokenInput{ExpiresAt: &exp})
	if err != nil {
		t.Fatal(err)
	}
	secret := adaTk.Secret[len("weft_"+adaTk.ID+"_"):]
	flipped := []byte(secret)
	flipped[0] ^= 1

	compare := func(step string) {
		t.Helper()
		if err := h.q.WaitFor(h.ctx, h.lastSeq()); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{adaTk.Secret, bobTk.Secret, short.Object.Secret, "weft_" + adaTk.ID + "_" + string(flipped), "garbage"} {
			for _, team := range []string{"", "acme", "nope", "Not A Slug"} {
				p1, err1 := h.h.Authenticate(h.ctx, tok, team)
				p2, err2 := authn.Authenticate(h.ctx, tok, team)
				if log, model := authOutcome(t, err1, p1), authOutcome(t, err2, p2); log != model {
					t.Errorf("%s: token %.12s… in %q: log says %+v, model %+v", step, tok, team, log, model)
				}
			}
		}
	}
	compare("start")
	if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Username: "bob", Role: auth.Admin}); err != nil {
		t.Fatal(err)
	}
	compare("bob added as admin")
	if _, err := h.h.ChangeRole(h.ctx, owner, command.MemberInput{Team: "acme", UserID: bob, Role: auth.Member}); err != nil {
		t.Fatal(err)
	}
	compare("bob made a member")
	if _, err := h.h.RemoveMember(h.ctx, owner, command.MemberInput{Team: "acme", UserID: bob}); err != nil {
		t.Fatal(err)
	}
	compare("bob removed")
	if _, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: ada}, command.TokenInput{ID: adaTk.ID}); err != nil {
		t.Fatal(err)
	}
	compare("ada's token revoked")
	h.clock.Advance(time.Hour)
	compare("ada's short token expired")
}

// What the model knows is answered without the log: with the NATS
// connection closed, a known token still signs in to its team, and a
// revoked one is still refused.
func TestModelAuthenticatorAnswersKnownTokensWithoutReadingTheLog(t *testing.T) {
	h := setup(t)
	authn := command.NewAuthenticator(h.h, h.model, h.q)
	ada := h.user("ada")
	h.team(ada, "acme")
	tk, revoked := h.token(ada), h.token(ada)
	if _, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: ada}, command.TokenInput{ID: revoked.ID}); err != nil {
		t.Fatal(err)
	}
	if err := h.q.WaitFor(h.ctx, h.lastSeq()); err != nil {
		t.Fatal(err)
	}
	h.env.Conn.Close()
	p, err := authn.Authenticate(h.ctx, tk.Secret, "acme")
	if err != nil || p != (auth.Principal{UserID: ada, Team: "acme", Role: auth.Owner}) {
		t.Fatalf("known token with the log unreachable: %+v, %v", p, err)
	}
	_, err = authn.Authenticate(h.ctx, revoked.Secret, "acme")
	wantFault(t, err, fault.Unauthenticated, "")
	if _, err := h.h.Authenticate(h.ctx, tk.Secret, "acme"); err == nil {
		t.Fatal("the log path answered with the connection closed; the test proves nothing")
	}
}

// What the model has not seen yet - a token or a membership made a moment
// ago - is read from the log, so a new token works at once; a token the
// model has not seen revoked is refused too, since the log decides.
func TestModelAuthenticatorReadsTheLogForWhatTheModelHasNotSeen(t *testing.T) {
	h := setup(t)
	ada, bob := h.user("ada"), h.user("bob")
	owner := h.team(ada, "acme")
	// A model whose runner starts only later: it has seen nothing.
	late := readmodel.New()
	authn := command.NewAuthenticator(h.h, late, nil)
	tk := h.token(bob)
	if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Username: "bob", Role: auth.Member}); err != nil {
		t.Fatal(err)
	}
	p, err := authn.Authenticate(h.ctx, tk.Secret, "acme")
	if err != nil || p != (auth.Principal{UserID: bob, Team: "acme", Role: auth.Member}) {
		t.Fatalf("new token and membership: %+v, %v", p, err)
	}
	if _, err := h.h.RevokeToken(h.ctx, auth.Principal{UserID: bob}, command.TokenInput{ID: tk.ID}); err != nil {
		t.Fatal(err)
	}
	_, err = authn.Authenticate(h.ctx, tk.Secret, "acme")
	wantFault(t, err, fault.Unauthenticated, "")

	// Once the model has caught up, what it knows is refused from it.
	runner := projection.New(h.store, late, projection.Config{Name: "accounts-late"})
	if err := runner.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	defer runner.Stop(context.Background())
	tk2 := h.token(bob)
	if err := runner.WaitFor(h.ctx, h.lastSeq()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.ChangeRole(h.ctx, owner, command.MemberInput{Team: "acme", UserID: bob, Role: auth.Admin}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.RemoveMember(h.ctx, owner, command.MemberInput{Team: "acme", UserID: bob}); err != nil {
		t.Fatal(err)
	}
	if err := runner.WaitFor(h.ctx, h.lastSeq()); err != nil {
		t.Fatal(err)
	}
	_, err = authn.Authenticate(h.ctx, tk2.Secret, "acme")
	wantFault(t, err, fault.NotFound, "")
}

// A token the model has not seen yet is let in once the model has applied
// it, so the request it authenticates reads its own user and team: the
// bootstrap's token asking `me` at once is answered, not NOT_FOUND.
func TestATokenReadFromTheLogIsLetInOnceTheModelKnowsItsUserAndTeam(t *testing.T) {
	h := setup(t)
	ada := h.user("ada")
	h.team(ada, "acme")
	tk := h.token(ada)
	late := readmodel.New()
	runner := projection.New(h.store, late, projection.Config{Name: "accounts-late"})
	authn := command.NewAuthenticator(h.h, late, runner)
	q := readmodel.NewQueries(late, runner)

	type answer struct {
		p   auth.Principal
		err error
	}
	done := make(chan answer, 1)
	go func() {
		p, err := authn.Authenticate(h.ctx, tk.Secret, "acme")
		done <- answer{p, err}
	}()
	select {
	case a := <-done:
		t.Fatalf("let in before the model applied the token: %+v, %v", a.p, a.err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := runner.CatchUp(h.ctx); err != nil {
		t.Fatal(err)
	}
	defer runner.Stop(context.Background())
	a := <-done
	if a.err != nil || a.p.UserID != ada || a.p.Role != auth.Owner {
		t.Fatalf("authenticate: %+v, %v", a.p, a.err)
	}
	// No minSeq: the principal alone is enough to read oneself and the team.
	if u, err := q.User(h.ctx, a.p, ada, 0); err != nil || u.ID != ada {
		t.Fatalf("me right after signing in: %+v, %v", u, err)
	}
	if _, err := q.Team(h.ctx, a.p, "acme", 0); err != nil {
		t.Fatalf("the team right after signing in: %v", err)
	}
}
