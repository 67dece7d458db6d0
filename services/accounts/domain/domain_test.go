package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/domain"
)

func fold[S any](evolve func(S, events.Recorded) S, evs ...any) S {
	var s S
	for i, e := range evs {
		s = evolve(s, events.Recorded{Seq: uint64(i + 1), Data: e})
	}
	return s
}

// team builds acme with the given members (the first one created it).
func team(members ...domain.MemberAdded) domain.Team {
	evs := []any{domain.TeamCreated{Slug: "acme", DisplayName: "Acme"}}
	for _, m := range members {
		evs = append(evs, m)
	}
	return fold(domain.EvolveTeam, evs...)
}

func m(user string, role auth.Role) domain.MemberAdded {
	return domain.MemberAdded{UserID: user, Role: role}
}

var (
	olga = domain.Actor{UserID: "olga"} // owner
	otto = domain.Actor{UserID: "otto"} // second owner, where present
	ada  = domain.Actor{UserID: "ada"}  // admin
	bob  = domain.Actor{UserID: "bob"}  // member
	sys  = domain.Actor{UserID: "bootstrap", System: true}
)

var (
	oneOwner  = team(m("olga", auth.Owner), m("ada", auth.Admin), m("bob", auth.Member))
	twoOwners = team(m("olga", auth.Owner), m("otto", auth.Owner), m("ada", auth.Admin), m("bob", auth.Member))
)

// check asserts a decision: the events wanted, or an error with code and
// sentinel.
func check(t *testing.T, got []any, err error, want []any, code fault.Code, kind error) {
	t.Helper()
	if code != "" {
		if fault.CodeOf(err) != code || !errors.Is(err, kind) {
			t.Fatalf("err = %v (code %s); want %s matching %v", err, fault.CodeOf(err), code, kind)
		}
		if len(got) != 0 {
			t.Fatalf("refused, but decided %v", got)
		}
		return
	}
	if err != nil {
		t.Fatalf("err = %v; want %v", err, want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decided %#v; want %#v", got, want)
	}
}

func TestCreateTeamMakesTheCreatorOwnerOnce(t *testing.T) {
	got, err := domain.DecideCreateTeam(domain.Team{}, "acme", "Acme", "olga")
	check(t, got, err, []any{domain.TeamCreated{Slug: "acme", DisplayName: "Acme"}, m("olga", auth.Owner)}, "", nil)
	s := fold(domain.EvolveTeam, got...)
	if s.RoleOf(olga) != auth.Owner || s.Owners() != 1 {
		t.Fatalf("state %+v", s)
	}
	got, err = domain.DecideCreateTeam(s, "acme", "Acme", "eve")
	check(t, got, err, nil, fault.Conflict, domain.ErrExists)
}

func TestAddMemberOnlyByAdminsAndOnlyOwnersMakeOwners(t *testing.T) {
	tests := []struct {
		name  string
		actor domain.Actor
		user  string
		role  auth.Role
		want  []any
		code  fault.Code
		kind  error
	}{
		{"owner adds member", olga, "cyd", auth.Member, []any{m("cyd", auth.Member)}, "", nil},
		{"owner adds owner", olga, "cyd", auth.Owner, []any{m("cyd", auth.Owner)}, "", nil},
		{"admin adds admin", ada, "cyd", auth.Admin, []any{m("cyd", auth.Admin)}, "", nil},
		{"admin may not add owner", ada, "cyd", auth.Owner, nil, fault.Forbidden, domain.ErrForbidden},
		{"owner adds auditor", olga, "cyd", auth.Auditor, []any{m("cyd", auth.Auditor)}, "", nil},
		{"admin may not add auditor", ada, "cyd", auth.Auditor, nil, fault.Forbidden, domain.ErrForbidden},
		{"member may not add", bob, "cyd", auth.Member, nil, fault.Forbidden, domain.ErrForbidden},
		{"outsider may not add", domain.Actor{UserID: "eve"}, "cyd", auth.Member, nil, fault.Forbidden, domain.ErrForbidden},
		{"system adds owner", sys, "cyd", auth.Owner, []any{m("cyd", auth.Owner)}, "", nil},
		{"already a member", olga, "bob", auth.Admin, nil, fault.Conflict, domain.ErrAlreadyMember},
		{"unknown role", olga, "cyd", "god", nil, fault.Invalid, domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.DecideAddMember(oneOwner, tt.actor, "acme", tt.user, tt.role)
			check(t, got, err, tt.want, tt.code, tt.kind)
		})
	}
	got, err := domain.DecideAddMember(domain.Team{}, olga, "nope", "cyd", auth.Member)
	check(t, got, err, nil, fault.NotFound, domain.ErrNotFound)
}

func TestChangeRoleKeepsTheLastOwner(t *testing.T) {
	change := func(from, to auth.Role, user string) []any {
		return []any{domain.MemberRoleChanged{UserID: user, From: from, To: to}}
	}
	tests := []struct {
		name  string
		team  domain.Team
		actor domain.Actor
		user  string
		role  auth.Role
		want  []any
		code  fault.Code
		kind  error
	}{
		{"last owner cannot demote self", oneOwner, olga, "olga", auth.Admin, nil, fault.Conflict, domain.ErrLastOwner},
		{"system cannot demote the last owner", oneOwner, sys, "olga", auth.Member, nil, fault.Conflict, domain.ErrLastOwner},
		{"one of two owners may step down", twoOwners, olga, "olga", auth.Admin, change(auth.Owner, auth.Admin, "olga"), "", nil},
		{"second owner steps down", twoOwners, otto, "otto", auth.Member, change(auth.Owner, auth.Member, "otto"), "", nil},
		{"owner demotes other owner", twoOwners, olga, "otto", auth.Member, change(auth.Owner, auth.Member, "otto"), "", nil},
		{"admin cannot demote an owner", twoOwners, ada, "otto", auth.Member, nil, fault.Forbidden, domain.ErrForbidden},
		{"admin cannot make an owner", oneOwner, ada, "bob", auth.Owner, nil, fault.Forbidden, domain.ErrForbidden},
		{"admin promotes member to admin", oneOwner, ada, "bob", auth.Admin, change(auth.Member, auth.Admin, "bob"), "", nil},
		{"owner makes an owner", oneOwner, olga, "bob", auth.Owner, change(auth.Member, auth.Owner, "bob"), "", nil},
		{"member cannot change roles", oneOwner, bob, "bob", auth.Admin, nil, fault.Forbidden, domain.ErrForbidden},
		{"owner makes a member auditor", oneOwner, olga, "bob", auth.Auditor, change(auth.Member, auth.Auditor, "bob"), "", nil},
		{"admin cannot make an auditor", oneOwner, ada, "bob", auth.Auditor, nil, fault.Forbidden, domain.ErrForbidden},
		{"same role changes nothing", oneOwner, olga, "bob", auth.Member, nil, "", nil},
		{"not a member", oneOwner, olga, "cyd", auth.Admin, nil, fault.NotFound, domain.ErrNotMember},
		{"unknown role", oneOwner, olga, "bob", "root", nil, fault.Invalid, domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.DecideChangeRole(tt.team, tt.actor, "acme", tt.user, tt.role)
			check(t, got, err, tt.want, tt.code, tt.kind)
		})
	}
}

func TestRemoveMemberKeepsTheLastOwner(t *testing.T) {
	tests := []struct {
		name  string
		team  domain.Team
		actor domain.Actor
		user  string
		want  []any
		code  fault.Code
		kind  error
	}{
		{"admin removes member", oneOwner, ada, "bob", []any{domain.MemberRemoved{UserID: "bob", Role: auth.Member}}, "", nil},
		{"member cannot remove", oneOwner, bob, "ada", nil, fault.Forbidden, domain.ErrForbidden},
		{"admin cannot remove owner", twoOwners, ada, "otto", nil, fault.Forbidden, domain.ErrForbidden},
		{"owner removes other owner", twoOwners, olga, "otto", []any{domain.MemberRemoved{UserID: "otto", Role: auth.Owner}}, "", nil},
		{"last owner cannot be removed", oneOwner, olga, "olga", nil, fault.Conflict, domain.ErrLastOwner},
		{"not a member", oneOwner, olga, "cyd", nil, fault.NotFound, domain.ErrNotMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.DecideRemoveMember(tt.team, tt.actor, "acme", tt.user)
			check(t, got, err, tt.want, tt.code, tt.kind)
		})
	}
}

func TestLeaveKeepsTheLastOwner(t *testing.T) {
	tests := []struct {
		name string
		team domain.Team
		user string
		want []any
		code fault.Code
		kind error
	}{
		{"member leaves", oneOwner, "bob", []any{domain.MemberLeft{UserID: "bob", Role: auth.Member}}, "", nil},
		{"one of two owners leaves", twoOwners, "otto", []any{domain.MemberLeft{UserID: "otto", Role: auth.Owner}}, "", nil},
		{"last owner cannot leave", oneOwner, "olga", nil, fault.Conflict, domain.ErrLastOwner},
		{"outsider learns nothing", oneOwner, "eve", nil, fault.NotFound, domain.ErrNotFound},
		{"no such team", domain.Team{}, "bob", nil, fault.NotFound, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.DecideLeave(tt.team, "acme", tt.user)
			check(t, got, err, tt.want, tt.code, tt.kind)
		})
	}
}

func TestLastOwnerSurvivesAnySequenceOfAllowedDecisions(t *testing.T) {
	// After the second owner leaves, the first may no longer step down.
	s := twoOwners
	evs, err := domain.DecideLeave(s, "acme", "otto")
	if err != nil {
		t.Fatal(err)
	}
	s = domain.EvolveTeam(s, events.Recorded{Data: evs[0]})
	if _, err := domain.DecideChangeRole(s, olga, "acme", "olga", auth.Member); !errors.Is(err, domain.ErrLastOwner) {
		t.Fatalf("demote last owner: %v", err)
	}
	if s.Owners() != 1 {
		t.Fatalf("%d owners", s.Owners())
	}
}

func TestEvolveTeamDoesNotChangeEarlierStates(t *testing.T) {
	before := oneOwner
	after := domain.EvolveTeam(before, events.Recorded{Data: domain.MemberRemoved{UserID: "bob", Role: auth.Member}})
	if _, ok := before.Members["bob"]; !ok {
		t.Fatal("evolve changed the state it was given")
	}
	if _, ok := after.Members["bob"]; ok {
		t.Fatal("bob still a member after removal")
	}
}

func TestRenameTeam(t *testing.T) {
	got, err := domain.DecideRenameTeam(oneOwner, ada, "acme", "Acme Inc")
	check(t, got, err, []any{domain.TeamRenamed{Slug: "acme", DisplayName: "Acme Inc"}}, "", nil)
	got, err = domain.DecideRenameTeam(oneOwner, bob, "acme", "Acme Inc")
	check(t, got, err, nil, fault.Forbidden, domain.ErrForbidden)
	got, err = domain.DecideRenameTeam(oneOwner, ada, "acme", "Acme")
	check(t, got, err, nil, "", nil)
}

func TestCheckTokenAcceptsOnlyTheLiveMatchingSecret(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	created := domain.TokenCreated{ID: "t1", UserID: "u1", Hash: domain.HashSecret("s3cret")}
	expiring := created
	expiring.ExpiresAt = &later
	tests := []struct {
		name   string
		evs    []any
		secret string
		at     time.Time
		ok     bool
	}{
		{"right secret", []any{created}, "s3cret", now, true},
		{"wrong secret", []any{created}, "s3cre7", now, false},
		{"empty secret", []any{created}, "", now, false},
		{"unknown token", nil, "s3cret", now, false},
		{"revoked", []any{created, domain.TokenRevoked{ID: "t1", UserID: "u1"}}, "s3cret", now, false},
		{"before expiry", []any{expiring}, "s3cret", later.Add(-time.Nanosecond), true},
		{"at expiry", []any{expiring}, "s3cret", later, false},
		{"after expiry", []any{expiring}, "s3cret", later.Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := fold(domain.EvolveToken, tt.evs...)
			err := domain.CheckToken(tk, tt.secret, tt.at)
			if tt.ok != (err == nil) {
				t.Fatalf("CheckToken = %v; want ok=%v", err, tt.ok)
			}
			if err != nil && (fault.CodeOf(err) != fault.Unauthenticated || !errors.Is(err, domain.ErrUnauthenticated)) {
				t.Fatalf("refusal %v is not UNAUTHENTICATED", err)
			}
		})
	}
}

func TestRevokeToken(t *testing.T) {
	created := domain.TokenCreated{ID: "t1", UserID: "u1", Hash: "h"}
	got, err := domain.DecideRevokeToken(fold(domain.EvolveToken, created), "t1")
	check(t, got, err, []any{domain.TokenRevoked{ID: "t1", UserID: "u1"}}, "", nil)
	got, err = domain.DecideRevokeToken(fold(domain.EvolveToken, created, domain.TokenRevoked{ID: "t1"}), "t1")
	check(t, got, err, nil, "", nil)
	got, err = domain.DecideRevokeToken(domain.Token{}, "t1")
	check(t, got, err, nil, fault.NotFound, domain.ErrNotFound)
	_, err = domain.DecideCreateToken(fold(domain.EvolveToken, created), created)
	check(t, nil, err, nil, fault.Conflict, domain.ErrExists)
}

func TestCreateUserOnce(t *testing.T) {
	c := domain.UserCreated{ID: "u1", Username: "ada", DisplayName: "Ada"}
	got, err := domain.DecideCreateUser(domain.User{}, c)
	check(t, got, err, []any{c}, "", nil)
	_, err = domain.DecideCreateUser(fold(domain.EvolveUser, c), c)
	check(t, nil, err, nil, fault.Conflict, domain.ErrExists)
}

func TestRegisterNamesEveryTypeAccountsDotAggregateDotVerb(t *testing.T) {
	r := events.NewRegistry()
	domain.Register(r)
	for _, ti := range r.Types() {
		agg := map[string]bool{"team": true, "user": true, "token": true}
		parts := strings.Split(ti.Name, ".")
		n := len(parts)
		if n != 3 || parts[0] != "accounts" || !agg[parts[1]] || parts[2] == "" {
			t.Errorf("event type %q is not accounts.<aggregate>.<verb>", ti.Name)
		}
	}
}
