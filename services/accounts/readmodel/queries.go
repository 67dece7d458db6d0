package readmodel

import (
	"context"
	"slices"
	"strings"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/kernel/watermark"
	"weft.dev/services/accounts/domain"
)

// MaxWait bounds how long a query waits for its minSeq.
const MaxWait = watermark.MaxWait

// Waiter is the runner feeding the model (a *projection.Runner).
type Waiter = watermark.Waiter

// Queries answers the accounts reads, each scoped to the caller.
type Queries struct {
	m *Model
	w Waiter
}

// NewQueries returns the queries over m, fed by w.
func NewQueries(m *Model, w Waiter) *Queries { return &Queries{m: m, w: w} }

// WaitFor waits, at most MaxWait, until the model applied seq.
func (q *Queries) WaitFor(ctx context.Context, seq uint64) error {
	return watermark.Bounded(ctx, q.w, seq, "the accounts read model")
}

// read waits for minSeq and runs fn under the read lock.
func (q *Queries) read(ctx context.Context, minSeq uint64, fn func(*state)) error {
	if err := q.WaitFor(ctx, minSeq); err != nil {
		return err
	}
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	fn(&q.m.s)
	return nil
}

// Team returns the team with its members; members of the team only.
func (q *Queries) Team(ctx context.Context, p auth.Principal, slug string, minSeq uint64) (Team, error) {
	// Auditors too: the history they read names the team's members.
	if err := p.Require(slug, auth.Auditor); err != nil {
		return Team{}, err
	}
	var out Team
	found := false
	err := q.read(ctx, minSeq, func(s *state) {
		if t, ok := s.Teams[slug]; ok {
			out, found = t.view(), true
		}
	})
	if err == nil && !found {
		err = domain.NotFound("team", "team %q", slug)
	}
	return out, err
}

// Invitation is an invitation not yet answered: to Team, of Username,
// offering Role.
type Invitation struct {
	Team     string    `json:"team"`
	Username string    `json:"username"`
	Role     auth.Role `json:"role"`
}

// Invitations lists the team's unanswered invitations, by username; its
// admins and owners only (who made them).
func (q *Queries) Invitations(ctx context.Context, p auth.Principal, team string, minSeq uint64) ([]Invitation, error) {
	if err := p.Require(team, auth.Admin); err != nil {
		return nil, err
	}
	out := []Invitation{}
	err := q.read(ctx, minSeq, func(s *state) {
		if t, ok := s.Teams[team]; ok {
			for name, role := range t.Invited {
				out = append(out, Invitation{Team: team, Username: name, Role: role})
			}
		}
	})
	slices.SortFunc(out, func(a, b Invitation) int { return strings.Compare(a.Username, b.Username) })
	return out, err
}

// MyInvitations lists the invitations waiting for the caller's answer, by
// team: those made to the caller's username.
func (q *Queries) MyInvitations(ctx context.Context, p auth.Principal, minSeq uint64) ([]Invitation, error) {
	if p.UserID == "" {
		return nil, domain.Unauthenticated()
	}
	out := []Invitation{}
	err := q.read(ctx, minSeq, func(s *state) {
		u, ok := s.Users[p.UserID]
		if !ok {
			return
		}
		for slug, t := range s.Teams {
			if role, ok := t.Invited[u.Username]; ok {
				out = append(out, Invitation{Team: slug, Username: u.Username, Role: role})
			}
		}
	})
	slices.SortFunc(out, func(a, b Invitation) int { return strings.Compare(a.Team, b.Team) })
	return out, err
}

// Members lists the team's members by user id; members of the team only.
func (q *Queries) Members(ctx context.Context, p auth.Principal, team string, minSeq uint64) ([]Member, error) {
	t, err := q.Team(ctx, p, team, minSeq)
	if err != nil {
		return nil, err
	}
	return t.Members, nil
}

// self checks that p is user (or the system).
func self(p auth.Principal, user string) error {
	if p.System {
		return nil
	}
	if p.UserID == "" {
		return &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	if p.UserID != user {
		return domain.NotFound("userId", "user %s", user)
	}
	return nil
}

// TeamsOf lists the teams of user by slug; the user themselves only.
func (q *Queries) TeamsOf(ctx context.Context, p auth.Principal, user string, minSeq uint64) ([]Membership, error) {
	if err := self(p, user); err != nil {
		return nil, err
	}
	out := []Membership{}
	err := q.read(ctx, minSeq, func(s *state) {
		for slug := range q.m.teamsOf[user] {
			t := s.Teams[slug]
			mem := t.Members[user]
			out = append(out, Membership{Team: slug, DisplayName: t.DisplayName, Role: mem.Role, Since: mem.Since})
		}
	})
	slices.SortFunc(out, func(a, b Membership) int { return strings.Compare(a.Team, b.Team) })
	return out, err
}

// User returns a user to themselves, to the system and superuser, and to
// members of the team the caller acts in when the user belongs to it.
func (q *Queries) User(ctx context.Context, p auth.Principal, id string, minSeq uint64) (User, error) {
	if p.UserID == "" {
		return User{}, &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	var out User
	visible := false
	err := q.read(ctx, minSeq, func(s *state) {
		u, ok := s.Users[id]
		if !ok {
			return
		}
		out = u
		switch {
		case p.System, p.UserID == id, s.Users[p.UserID].Superuser:
			visible = true
		case p.Team != "":
			t, ok := s.Teams[p.Team]
			if !ok {
				return
			}
			_, caller := t.Members[p.UserID]
			_, target := t.Members[id]
			visible = caller && target
		}
	})
	if err == nil && !visible {
		return User{}, domain.NotFound("id", "user %s", id)
	}
	return out, err
}

// Tokens lists user's API tokens, newest first, without secrets or hashes;
// the user themselves, the superuser and the system only.
func (q *Queries) Tokens(ctx context.Context, p auth.Principal, user string, minSeq uint64) ([]Token, error) {
	if p.UserID == "" {
		return nil, &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	out := []Token{}
	allowed := false
	err := q.read(ctx, minSeq, func(s *state) {
		allowed = self(p, user) == nil || s.Users[p.UserID].Superuser
		if !allowed {
			return
		}
		for id := range q.m.tokensOf[user] {
			out = append(out, s.Tokens[id].Token)
		}
	})
	if err != nil {
		return nil, err
	}
	if !allowed {
		return nil, domain.NotFound("userId", "user %s", user)
	}
	slices.SortFunc(out, func(a, b Token) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}
