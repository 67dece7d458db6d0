package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/keyring"
)

// ring opens the keyring on the harness's JetStream.
func (h *harness) ring() (*keyring.Ring, jetstream.KeyValue) {
	h.t.Helper()
	js, err := jetstream.New(h.env.Conn)
	if err != nil {
		h.t.Fatal(err)
	}
	r, err := keyring.Open(h.ctx, js, 1)
	if err != nil {
		h.t.Fatal(err)
	}
	kv, err := js.KeyValue(h.ctx, keyring.Bucket)
	if err != nil {
		h.t.Fatal(err)
	}
	return r, kv
}

// Deleting a team: owners only; afterwards its secrets' values no longer
// open (no key of the team is left in the bucket, no revision of one
// either), every member's token is refused in the team with an error that
// says it was deleted (an outsider learns nothing), the read model forgets
// it, its name is not used again, and the members' tokens go on working
// elsewhere.
func TestDeletingATeamDestroysItsKeysAndItsMembersGetAClearError(t *testing.T) {
	h := setup(t)
	ring, kv := h.ring()
	h.h = command.New(h.store, command.WithClock(h.clock.Now), command.WithTeardown(command.Teardown{What: "destroy the team's keys", Run: ring.ShredTeam}))
	alice, adam, mia, olga := h.user("alice"), h.user("adam"), h.user("mia"), h.user("olga")
	owner := h.team(alice, "acme")
	h.team(olga, "other")
	h.team(alice, "alices-other")
	for _, m := range []struct {
		id   string
		role auth.Role
	}{{adam, auth.Admin}, {mia, auth.Member}} {
		if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", UserID: m.id, Role: m.role}); err != nil {
			t.Fatal(err)
		}
	}
	aliceTok, miaTok, olgaTok := h.token(alice).Secret, h.token(mia).Secret, h.token(olga).Secret
	sealed, err := ring.Seal(h.ctx, "acme", "0193a1b2-secret", map[string]string{"PASSWORD": "team-deletion-known"})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := ring.Seal(h.ctx, "other", "0193a1b2-other", map[string]string{"K": "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if len(remaining(t, h.ctx, kv, "acme")) == 0 {
		t.Fatal("the bucket holds no key of the team before the deletion; the check below proves nothing")
	}

	// Admins and members may not; another team's owner finds no team.
	for _, p := range []auth.Principal{
		{UserID: adam, Team: "acme", Role: auth.Admin},
		{UserID: mia, Team: "acme", Role: auth.Member},
	} {
		_, err := h.h.DeleteTeam(h.ctx, p, command.DeleteTeamInput{Team: "acme"})
		wantFault(t, err, fault.Forbidden, "")
	}
	_, err = h.h.DeleteTeam(h.ctx, auth.Principal{UserID: olga}, command.DeleteTeamInput{Team: "acme"})
	wantFault(t, err, fault.NotFound, "team")
	// Acting in one team, the slug must name it.
	_, err = h.h.DeleteTeam(h.ctx, auth.Principal{UserID: alice, Team: "alices-other", Role: auth.Owner}, command.DeleteTeamInput{Team: "acme"})
	wantFault(t, err, fault.Invalid, "slug")

	res, err := h.h.DeleteTeam(h.ctx, owner, command.DeleteTeamInput{Team: "acme"})
	if err != nil || !res.Object.Finished || res.Seq == 0 {
		t.Fatalf("delete team: %+v %v", res, err)
	}

	// The values no longer open, and nothing of the team's keys is left.
	if _, err := ring.Open(h.ctx, "acme", "0193a1b2-secret", sealed); !errors.Is(err, keyring.ErrShredded) {
		t.Errorf("the deleted team's value opens: %v", err)
	}
	if left := remaining(t, h.ctx, kv, "acme"); len(left) > 0 {
		t.Errorf("the bucket still holds the deleted team's %v", left)
	}
	if got, err := ring.Open(h.ctx, "other", "0193a1b2-other", kept); err != nil || got["K"] != "kept" {
		t.Errorf("another team's value after the deletion: %v %v", got, err)
	}

	// Every member, through the log and through the read model, is told.
	if err := h.q.WaitFor(h.ctx, res.Seq); err != nil {
		t.Fatal(err)
	}
	authn := command.NewAuthenticator(h.h, h.model, h.q)
	for _, tok := range []string{aliceTok, miaTok} {
		for name, a := range map[string]func(context.Context, string, string) (auth.Principal, error){"log": h.h.Authenticate, "model": authn.Authenticate} {
			_, err := a(h.ctx, tok, "acme")
			if !errors.Is(err, domain.ErrTeamDeleted) || !strings.Contains(err.Error(), `team "acme" was deleted`) {
				t.Errorf("a member's token in the deleted team (%s): %v, want that it was deleted", name, err)
			}
			wantFault(t, err, fault.NotFound, "team")
		}
	}
	if _, err := h.h.Authenticate(h.ctx, olgaTok, "acme"); err == nil || errors.Is(err, domain.ErrTeamDeleted) {
		t.Errorf("an outsider in the deleted team: %v, want a plain NOT_FOUND", err)
	}
	// Their tokens still work elsewhere: tokens are the user's.
	if p := h.signIn(aliceTok, "alices-other"); p.Role != auth.Owner {
		t.Errorf("alice in her other team: %+v", p)
	}
	// The read model forgot it.
	if _, err := h.q.Team(h.ctx, owner, "acme", res.Seq); err == nil {
		t.Errorf("the read model still answers the deleted team")
	}
	teams, err := h.q.TeamsOf(h.ctx, auth.Principal{UserID: alice}, alice, res.Seq)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range teams {
		if m.Team == "acme" {
			t.Errorf("alice's teams still list the deleted team")
		}
	}
	if got := h.model.DeletedTeams(); len(got) != 1 || got[0] != "acme" {
		t.Errorf("deleted teams: %v", got)
	}
	// Nothing else is accepted of it, and its name is not used again.
	_, err = h.h.RenameTeam(h.ctx, owner, command.RenameTeamInput{Team: "acme", DisplayName: "Again"})
	wantFault(t, err, fault.NotFound, "team")
	_, err = h.h.CreateTeam(h.ctx, auth.Principal{UserID: olga}, command.CreateTeamInput{Slug: "acme", DisplayName: "Acme again"})
	wantFault(t, err, fault.Conflict, "")
	if !strings.Contains(err.Error(), "was deleted") {
		t.Errorf("creating the deleted team's name again: %v, want why", err)
	}
}

// A deletion whose teardown fails leaves the team deleted (no token acts
// in it) and says what did not finish; the owner deleting it again, or the
// server finishing deletions at start, completes it.
func TestADeletionWhoseTeardownFailsIsFinishedByARetryOrAtStart(t *testing.T) {
	h := setup(t)
	ring, kv := h.ring()
	fail := true
	flaky := command.Teardown{What: "destroy the team's keys", Run: func(ctx context.Context, team string) error {
		if fail {
			return errors.New("the keyring does not answer")
		}
		return ring.ShredTeam(ctx, team)
	}}
	h.h = command.New(h.store, command.WithClock(h.clock.Now), command.WithTeardown(flaky))
	alice := h.user("alice")
	tok := h.token(alice).Secret
	for _, slug := range []string{"acme", "globex"} {
		h.team(alice, slug)
		if _, err := ring.Seal(h.ctx, slug, "0193a1b2-secret", map[string]string{"P": "v"}); err != nil {
			t.Fatal(err)
		}
	}

	// Team-less, as the CLI asks: a retry must not need the team.
	res, err := h.h.DeleteTeam(h.ctx, auth.Principal{UserID: alice}, command.DeleteTeamInput{Team: "acme"})
	wantFault(t, err, fault.Unavailable, "")
	if !strings.Contains(err.Error(), "destroy the team's keys") || !strings.Contains(err.Error(), "delete it again") {
		t.Errorf("the half-done deletion's error: %v", err)
	}
	if res.Seq == 0 || res.Object.Finished {
		t.Errorf("the half-done deletion's result: %+v", res)
	}
	if _, err := h.h.Authenticate(h.ctx, tok, "acme"); !errors.Is(err, domain.ErrTeamDeleted) {
		t.Errorf("the half-deleted team lets its owner in: %v", err)
	}
	if len(remaining(t, h.ctx, kv, "acme")) == 0 {
		t.Fatal("the failing teardown destroyed the keys; the retry proves nothing")
	}
	fail = false
	again, err := h.h.DeleteTeam(h.ctx, auth.Principal{UserID: alice}, command.DeleteTeamInput{Team: "acme"})
	if err != nil || !again.Object.Finished || again.Seq != res.Seq {
		t.Fatalf("the retry: %+v %v; want it finished, nothing appended (seq %d)", again, err, res.Seq)
	}
	if left := remaining(t, h.ctx, kv, "acme"); len(left) > 0 {
		t.Errorf("after the retry the bucket still holds %v", left)
	}

	// A process that stopped after the event: the next start finishes.
	fail = true
	if _, err := h.h.DeleteTeam(h.ctx, auth.Principal{UserID: alice}, command.DeleteTeamInput{Team: "globex"}); err == nil {
		t.Fatal("the failing teardown succeeded")
	}
	fail = false
	if err := h.q.WaitFor(h.ctx, h.lastSeq()); err != nil {
		t.Fatal(err)
	}
	restarted := command.New(h.store, command.WithTeardown(flaky))
	if err := restarted.FinishDeletions(h.ctx, h.model.DeletedTeams()); err != nil {
		t.Fatal(err)
	}
	if left := remaining(t, h.ctx, kv, "globex"); len(left) > 0 {
		t.Errorf("after the start's finishing the bucket still holds %v", left)
	}
}

// remaining is what the bucket still holds of team's keys (keyring.Remaining).
func remaining(t *testing.T, ctx context.Context, kv jetstream.KeyValue, team string) []string {
	t.Helper()
	left, err := keyring.Remaining(ctx, kv, team)
	if err != nil {
		t.Fatal(err)
	}
	return left
}
