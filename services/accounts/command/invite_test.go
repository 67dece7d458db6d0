package command_test

import (
	"reflect"
	"testing"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
)

// An admin's invitation answers the same for a username nobody holds as
// for a user's, adds nobody, and the invitee alone joins by accepting
// (with the role offered) or declines; nobody else can take it up.
func TestInvitationsAreAcceptedByTheInviteeAndTellTheInviterNothing(t *testing.T) {
	h := setup(t)
	olga, bob, eve := h.user("olga"), h.user("bob"), h.user("eve")
	owner := h.team(olga, "acme")
	known, err := h.h.Invite(h.ctx, owner, command.InviteInput{Team: "acme", Username: "bob", Role: auth.Admin})
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := h.h.Invite(h.ctx, owner, command.InviteInput{Team: "acme", Username: "nobody", Role: auth.Admin})
	if err != nil {
		t.Fatalf("inviting a name nobody holds: %v; want the same answer as for a user", err)
	}
	if !reflect.DeepEqual(known.Object, unknown.Object) || len(known.Object.Members) != 1 {
		t.Fatalf("the answers differ or add members: %+v / %+v", known.Object, unknown.Object)
	}
	if unknown.Seq <= known.Seq {
		t.Fatalf("the unknown name's invitation was not recorded (seq %d after %d)", unknown.Seq, known.Seq)
	}
	// Nobody else takes bob's invitation; an uninvited user learns nothing.
	_, err = h.h.AcceptInvitation(h.ctx, auth.Principal{UserID: eve}, "acme")
	wantFault(t, err, fault.NotFound, "team")
	_, err = h.h.AcceptInvitation(h.ctx, auth.Principal{UserID: eve}, "nope")
	wantFault(t, err, fault.NotFound, "team")
	// A member may not invite; an admin may not invite an owner.
	_, err = h.h.Invite(h.ctx, auth.Principal{UserID: eve, Team: "acme", Role: auth.Admin}, command.InviteInput{Team: "acme", Username: "eve", Role: auth.Member})
	wantFault(t, err, fault.Forbidden, "")

	res, err := h.h.AcceptInvitation(h.ctx, auth.Principal{UserID: bob}, "acme")
	if err != nil {
		t.Fatal(err)
	}
	var role auth.Role
	for _, m := range res.Object.Members {
		if m.UserID == bob {
			role = m.Role
		}
	}
	if role != auth.Admin {
		t.Fatalf("after accepting, bob is %q; want admin, the role offered", role)
	}
	if p := h.signIn(h.token(bob).Secret, "acme"); p.Role != auth.Admin {
		t.Fatalf("bob signs in to acme as %+v", p)
	}
	_, err = h.h.AcceptInvitation(h.ctx, auth.Principal{UserID: bob}, "acme")
	wantFault(t, err, fault.NotFound, "team") // spent
	_, err = h.h.Invite(h.ctx, owner, command.InviteInput{Team: "acme", Username: "bob", Role: auth.Member})
	wantFault(t, err, fault.Conflict, "")

	// eve, invited, declines: she does not join, and cannot accept after.
	if _, err := h.h.Invite(h.ctx, owner, command.InviteInput{Team: "acme", Username: "eve", Role: auth.Member}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.h.DeclineInvitation(h.ctx, auth.Principal{UserID: eve}, "acme"); err != nil {
		t.Fatal(err)
	}
	_, err = h.h.AcceptInvitation(h.ctx, auth.Principal{UserID: eve}, "acme")
	wantFault(t, err, fault.NotFound, "team")

	// bob, now an admin, invites members but not auditors or owners: those
	// read the whole history or hold the team, and are the owners' to offer.
	admin := h.signIn(h.token(bob).Secret, "acme")
	for _, role := range []auth.Role{auth.Auditor, auth.Owner} {
		_, err = h.h.Invite(h.ctx, admin, command.InviteInput{Team: "acme", Username: "carl", Role: role})
		wantFault(t, err, fault.Forbidden, "")
	}
	if _, err := h.h.Invite(h.ctx, admin, command.InviteInput{Team: "acme", Username: "carl", Role: auth.Member}); err != nil {
		t.Fatalf("an admin's invitation of a member: %v", err)
	}
}
