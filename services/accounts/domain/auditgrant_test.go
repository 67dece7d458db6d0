package domain_test

import (
	"testing"
	"time"

	"weft.dev/kernel/auth"
	"weft.dev/services/accounts/domain"
)

func TestOnlyAuditorsAndOwnersGetAnAuditGrantAndOnlyForADayAtMost(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		role auth.Role
		ttl  time.Duration
		want time.Time // zero: refused
	}{
		{auth.Auditor, 0, now.Add(time.Hour)},
		{auth.Owner, 4 * time.Hour, now.Add(4 * time.Hour)},
		{auth.Admin, time.Hour, time.Time{}},
		{auth.Member, time.Hour, time.Time{}},
		{auth.Auditor, 25 * time.Hour, time.Time{}},
		{auth.Auditor, time.Second, time.Time{}},
		{auth.Auditor, -time.Hour, time.Time{}},
	} {
		got, err := domain.DecideAuditGrant("acme", c.role, c.ttl, now)
		if !got.Equal(c.want) || (err == nil) == c.want.IsZero() {
			t.Errorf("%s for %s: %v, %v; want %v", c.role, c.ttl, got, err, c.want)
		}
	}
}

func TestAnAuditGrantStandsOnlyWhileItsTokenAndItsHoldersRoleDo(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	grant := domain.Token{ID: "t1", UserID: "u1", Name: domain.AuditGrantName("acme"), ExpiresAt: &later, Created: true}
	if !domain.AuditGrantStands(grant, "acme", auth.Auditor, true, now) {
		t.Fatal("a fresh grant of a team's auditor does not stand")
	}
	revoked := grant
	revoked.Revoked = true
	plain := grant
	plain.Name = "laptop"
	for name, c := range map[string]struct {
		tk     domain.Token
		team   string
		role   auth.Role
		member bool
		at     time.Time
	}{
		"revoked":             {revoked, "acme", auth.Auditor, true, now},
		"expired":             {grant, "acme", auth.Auditor, true, later},
		"another team":        {grant, "other", auth.Auditor, true, now},
		"role lost":           {grant, "acme", auth.Member, true, now},
		"membership lost":     {grant, "acme", "", false, now},
		"not a grant's token": {plain, "acme", auth.Auditor, true, now},
	} {
		if domain.AuditGrantStands(c.tk, c.team, c.role, c.member, c.at) {
			t.Errorf("%s: the grant still stands", name)
		}
	}
	if team, ok := domain.AuditGrantTeam(grant); !ok || team != "acme" {
		t.Errorf("AuditGrantTeam: %q %v", team, ok)
	}
}
