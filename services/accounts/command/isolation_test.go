package command_test

import (
	"testing"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
)

// TestUserOfTeamASeesAndChangesNothingOfTeamB signs alice into team a
// with a real token and tries every query and command on team b and its
// owner; each is refused with NOT_FOUND or FORBIDDEN and the log does not
// grow.
func TestUserOfTeamASeesAndChangesNothingOfTeamB(t *testing.T) {
	h := setup(t)
	alice, bob, carl := h.user("alice"), h.user("bob"), h.user("carl")
	h.team(alice, "a")
	bOwner := h.team(bob, "b")
	if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "b", UserID: carl, Role: auth.Member}); err != nil {
		t.Fatal(err)
	}
	bobToken := h.token(bob)
	aliceToken := h.token(alice)
	p := h.signIn(aliceToken.Secret, "a")
	if p.Role != auth.Owner {
		t.Fatalf("alice in a: %+v", p)
	}
	seq := h.lastSeq()
	if err := h.q.WaitFor(h.ctx, seq); err != nil {
		t.Fatal(err)
	}

	refused := func(t *testing.T, err error) {
		t.Helper()
		if c := fault.CodeOf(err); c != fault.NotFound && c != fault.Forbidden {
			t.Fatalf("err = %v (%s); want NOT_FOUND or FORBIDDEN", err, c)
		}
	}
	queries := map[string]func() error{
		"team b":        func() error { _, err := h.q.Team(h.ctx, p, "b", seq); return err },
		"members of b":  func() error { _, err := h.q.Members(h.ctx, p, "b", seq); return err },
		"teams of bob":  func() error { _, err := h.q.TeamsOf(h.ctx, p, bob, seq); return err },
		"user bob":      func() error { _, err := h.q.User(h.ctx, p, bob, seq); return err },
		"user carl":     func() error { _, err := h.q.User(h.ctx, p, carl, seq); return err },
		"tokens of bob": func() error { _, err := h.q.Tokens(h.ctx, p, bob, seq); return err },
	}
	for name, q := range queries {
		t.Run("query "+name, func(t *testing.T) { refused(t, q()) })
	}
	commands := map[string]func() error{
		"rename b": func() error {
			_, err := h.h.RenameTeam(h.ctx, p, command.RenameTeamInput{Team: "b", DisplayName: "mine"})
			return err
		},
		"add self to b": func() error {
			_, err := h.h.AddMember(h.ctx, p, command.MemberInput{Team: "b", UserID: alice, Role: auth.Owner})
			return err
		},
		"demote bob": func() error {
			_, err := h.h.ChangeRole(h.ctx, p, command.MemberInput{Team: "b", UserID: bob, Role: auth.Member})
			return err
		},
		"remove carl": func() error {
			_, err := h.h.RemoveMember(h.ctx, p, command.MemberInput{Team: "b", UserID: carl})
			return err
		},
		"leave b":          func() error { _, err := h.h.Leave(h.ctx, p, "b"); return err },
		"revoke bob token": func() error { _, err := h.h.RevokeToken(h.ctx, p, command.TokenInput{ID: bobToken.ID}); return err },
		"token for bob":    func() error { _, err := h.h.CreateToken(h.ctx, p, command.CreateTokenInput{UserID: bob}); return err },
		"create user": func() error {
			_, err := h.h.CreateUser(h.ctx, p, command.CreateUserInput{Username: "mallory", DisplayName: "M"})
			return err
		},
		"sign in to b": func() error { _, err := h.h.Authenticate(h.ctx, aliceToken.Secret, "b"); return err },
		"claim to be in b": func() error {
			_, err := h.q.Team(h.ctx, auth.Principal{UserID: alice, Team: "a", Role: auth.Owner}, "b", 0)
			return err
		},
		"add self to b by name": func() error {
			_, err := h.h.AddMember(h.ctx, p, command.MemberInput{Team: "b", Username: "alice", Role: auth.Member})
			return err
		},
	}
	for name, c := range commands {
		t.Run("command "+name, func(t *testing.T) { refused(t, c()) })
	}
	if got := h.lastSeq(); got != seq {
		t.Fatalf("refused commands appended: log at %d, was %d", got, seq)
	}
	// Team b is as bob left it.
	team, err := h.q.Team(h.ctx, bOwner, "b", seq)
	if err != nil || team.DisplayName != "b" || len(team.Members) != 2 {
		t.Fatalf("team b %+v, %v", team, err)
	}
	h.signIn(bobToken.Secret, "b")
}

func TestMembersSeeTheirTeamButOnlyAdminsChangeIt(t *testing.T) {
	h := setup(t)
	olga, mia := h.user("olga"), h.user("mia")
	owner := h.team(olga, "acme")
	res, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", UserID: mia, Role: auth.Member})
	if err != nil {
		t.Fatal(err)
	}
	member := h.signIn(h.token(mia).Secret, "acme")
	ms, err := h.q.Members(h.ctx, member, "acme", res.Seq)
	if err != nil || len(ms) != 2 {
		t.Fatalf("members %+v, %v", ms, err)
	}
	// A member sees her teammate.
	if u, err := h.q.User(h.ctx, member, olga, res.Seq); err != nil || u.Username != "olga" {
		t.Fatalf("user olga: %+v, %v", u, err)
	}
	before := h.lastSeq()
	_, err = h.h.AddMember(h.ctx, member, command.MemberInput{Team: "acme", Username: "admin", Role: auth.Member})
	wantFault(t, err, fault.Forbidden, "")
	// Even the team's owner invites rather than adds: adding without
	// consent is the server administrator's.
	_, err = h.h.AddMember(h.ctx, owner, command.MemberInput{Team: "acme", Username: "admin", Role: auth.Member})
	wantFault(t, err, fault.Forbidden, "")
	_, err = h.h.RemoveMember(h.ctx, member, command.MemberInput{Team: "acme", UserID: olga})
	wantFault(t, err, fault.Forbidden, "")
	// A principal claiming more than the team records gets no further.
	forged := auth.Principal{UserID: mia, Team: "acme", Role: auth.Owner}
	_, err = h.h.ChangeRole(h.ctx, forged, command.MemberInput{Team: "acme", UserID: mia, Role: auth.Owner})
	wantFault(t, err, fault.Forbidden, "")
	if h.lastSeq() != before {
		t.Fatal("refused commands appended")
	}
}

func TestLastOwnerCannotLeaveOrBeDemotedThroughTheService(t *testing.T) {
	h := setup(t)
	olga, otto := h.user("olga"), h.user("otto")
	owner := h.team(olga, "acme")
	_, err := h.h.Leave(h.ctx, owner, "acme")
	wantFault(t, err, fault.Conflict, "")
	_, err = h.h.ChangeRole(h.ctx, owner, command.MemberInput{Team: "acme", UserID: olga, Role: auth.Admin})
	wantFault(t, err, fault.Conflict, "")
	_, err = h.h.RemoveMember(h.ctx, owner, command.MemberInput{Team: "acme", UserID: olga})
	wantFault(t, err, fault.Conflict, "")

	if _, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", UserID: otto, Role: auth.Owner}); err != nil {
		t.Fatal(err)
	}
	res, err := h.h.Leave(h.ctx, owner, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Object.Members) != 1 || res.Object.Members[0] != (command.Member{UserID: otto, Role: auth.Owner}) {
		t.Fatalf("members after leaving: %+v", res.Object.Members)
	}
	// olga is out: her token no longer signs her into acme.
	_, err = h.h.Authenticate(h.ctx, h.token(olga).Secret, "acme")
	wantFault(t, err, fault.NotFound, "")
}

func TestBadInputIsRefusedNamingTheFieldAndChangesNothing(t *testing.T) {
	h := setup(t)
	olga := h.user("olga")
	h.team(olga, "acme")
	p := auth.Principal{UserID: olga}
	before := h.lastSeq()
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"slug with capitals", func() error {
			_, err := h.h.CreateTeam(h.ctx, p, command.CreateTeamInput{Slug: "Acme", DisplayName: "x"})
			return err
		}, "slug"},
		{"empty display name", func() error {
			_, err := h.h.CreateTeam(h.ctx, p, command.CreateTeamInput{Slug: "acme2", DisplayName: " "})
			return err
		}, "displayName"},
		{"username with dot", func() error {
			_, err := h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: "a.b", DisplayName: "x"})
			return err
		}, "username"},
		{"unknown role", func() error {
			_, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Username: "admin", Role: "root"})
			return err
		}, "role"},
		{"no user given", func() error {
			_, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Role: auth.Member})
			return err
		}, "userId"},
		{"user id not an id", func() error {
			_, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", UserID: "x.>", Role: auth.Member})
			return err
		}, "userId"},
		{"token id not an id", func() error {
			_, err := h.h.RevokeToken(h.ctx, p, command.TokenInput{ID: "*"})
			return err
		}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFault(t, tt.run(), fault.Invalid, tt.field) })
	}
	_, err := h.h.AddMember(h.ctx, h.admin, command.MemberInput{Team: "acme", Username: "nobody", Role: auth.Member})
	wantFault(t, err, fault.NotFound, "username")
	if h.lastSeq() != before {
		t.Fatal("bad input appended")
	}
}
