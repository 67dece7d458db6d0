package command_test

import (
	"fmt"
	"sync"
	"testing"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
)

func TestDuplicateTeamSlugAndUsernameAreConflicts(t *testing.T) {
	h := setup(t)
	olga, eve := h.user("olga"), h.user("eve")
	h.team(olga, "acme")
	before := h.lastSeq()
	_, err := h.h.CreateTeam(h.ctx, auth.Principal{UserID: eve}, command.CreateTeamInput{Slug: "acme", DisplayName: "Mine"})
	wantFault(t, err, fault.Conflict, "")
	_, err = h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: "olga", DisplayName: "Olga 2"})
	wantFault(t, err, fault.Conflict, "")
	// The bootstrap admin's name is taken too.
	_, err = h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: "admin", DisplayName: "Admin 2"})
	wantFault(t, err, fault.Conflict, "")
	if h.lastSeq() != before {
		t.Fatal("refused creations appended")
	}
}

// race runs n creators at once and returns how many succeeded; every
// failure must be a CONFLICT.
func race(t *testing.T, n int, create func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = create(i)
		})
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else if fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("a losing creator got %v, not CONFLICT", err)
		}
	}
	return won
}

func TestConcurrentCreatorsOfOneSlugOrUsernameExactlyOneWins(t *testing.T) {
	h := setup(t)
	const n = 6
	users := make([]string, n)
	for i := range users {
		users[i] = h.user(fmt.Sprint("u", i))
	}
	for round := range 3 {
		slug := fmt.Sprint("race-", round)
		won := race(t, n, func(i int) error {
			_, err := h.h.CreateTeam(h.ctx, auth.Principal{UserID: users[i]}, command.CreateTeamInput{Slug: slug, DisplayName: slug})
			return err
		})
		if won != 1 {
			t.Fatalf("%s: %d creators won", slug, won)
		}
		name := fmt.Sprint("racer-", round)
		if won := race(t, n, func(int) error {
			_, err := h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: name, DisplayName: name})
			return err
		}); won != 1 {
			t.Fatalf("%s: %d creators won", name, won)
		}
	}
	// The log agrees: one TeamCreated per slug, one user per username.
	teams, names := map[string]int{}, map[string]int{}
	err := h.store.Replay(h.ctx, events.Filter{}, func(r events.Recorded) error {
		switch e := r.Data.(type) {
		case domain.TeamCreated:
			teams[e.Slug]++
		case domain.UserCreated:
			names[e.Username]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range teams {
		if c != 1 {
			t.Fatalf("team %s created %d times", k, c)
		}
	}
	for k, c := range names {
		if c != 1 {
			t.Fatalf("username %s created %d times", k, c)
		}
	}
	if len(teams) != 3 || len(names) != 3+n+1 {
		t.Fatalf("%d teams, %d users in the log", len(teams), len(names))
	}
}

func TestReservedSlugsPunycodeAndInvisibleCharactersAreRefusedOrDropped(t *testing.T) {
	h := setup(t)
	olga := h.user("olga")
	p := auth.Principal{UserID: olga}
	before := h.lastSeq()
	for _, slug := range []string{"admin", "weft", "www", "internal", "api", "root", "xn--80ak6aa92e"} {
		_, err := h.h.CreateTeam(h.ctx, p, command.CreateTeamInput{Slug: slug, DisplayName: "X"})
		wantFault(t, err, fault.Invalid, "slug")
	}
	_, err := h.h.CreateTeam(h.ctx, p, command.CreateTeamInput{Slug: "acme", DisplayName: "\u202e\u200b"})
	wantFault(t, err, fault.Invalid, "displayName")
	_, err = h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: "xn--ls8h", DisplayName: "Poo"})
	wantFault(t, err, fault.Invalid, "username")
	if h.lastSeq() != before {
		t.Fatal("refused creations appended")
	}
	res, err := h.h.CreateTeam(h.ctx, p, command.CreateTeamInput{Slug: "acme", DisplayName: "Acme\u202e gnp.exe"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Object.DisplayName != "Acme gnp.exe" {
		t.Errorf("display name kept as %q; want the override dropped", res.Object.DisplayName)
	}
	res, err = h.h.RenameTeam(h.ctx, h.signIn(h.token(olga).Secret, "acme"), command.RenameTeamInput{Team: "acme", DisplayName: "\u2066Acme\u2069 Inc"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Object.DisplayName != "Acme Inc" {
		t.Errorf("renamed to %q; want the isolates dropped", res.Object.DisplayName)
	}
	u, err := h.h.CreateUser(h.ctx, h.admin, command.CreateUserInput{Username: "ada", DisplayName: "A\u200dda\u00ad"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Object.DisplayName != "Ada" {
		t.Errorf("user display name %q; want invisible characters dropped", u.Object.DisplayName)
	}
}
