// Package readmodel is the accounts projection: an in-memory Model of every
// team with its members, every user, and every API token's hash, owner,
// expiry and revocation, fed in stream order by a projection.Runner; and
// Queries over it.
//
// Guarantees: queries are scoped to the caller: a team and its members are
// shown to its members only; a user's teams and tokens to that user (and
// the system); a user to themselves and to members of a team the caller
// acts in that the user belongs to. Anything else looks missing
// (NOT_FOUND). No query returns a token's hash. A query given minSeq
// answers only after the model applied that sequence, waiting at most
// MaxWait, then fails with UNAVAILABLE. A model rebuilt from the log
// snapshots to the same bytes as the live one (maps are serialised with
// sorted keys; derived indexes are not serialised).
package readmodel

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
	"weft.dev/services/accounts/domain"
)

// Member is one membership of a team.
type Member struct {
	UserID string    `json:"userId"`
	Role   auth.Role `json:"role"`
	Since  time.Time `json:"since"`
}

// Team is a team as its members see it, members sorted by user id.
type Team struct {
	Slug        string    `json:"slug"`
	DisplayName string    `json:"displayName"`
	CreatedBy   string    `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Seq         uint64    `json:"seq"` // stream sequence of its last event
	Members     []Member  `json:"members"`
}

// Membership is one team of a user.
type Membership struct {
	Team        string    `json:"team"`
	DisplayName string    `json:"displayName"`
	Role        auth.Role `json:"role"`
	Since       time.Time `json:"since"`
}

// User is a user as others see it.
type User struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"displayName"`
	Superuser   bool      `json:"superuser,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	Seq         uint64    `json:"seq"`
}

// Token is an API token as its user sees it: never the secret or its hash.
type Token struct {
	ID        string     `json:"id"`
	UserID    string     `json:"userId"`
	Name      string     `json:"name,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	Bootstrap bool       `json:"bootstrap,omitempty"`
	Revoked   bool       `json:"revoked"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
}

// TokenHash is what the model keeps to check a token: for an
// authenticator that trades the log read for the model's lag.
type TokenHash struct {
	Token
	Hash string `json:"hash"`
}

type teamRec struct {
	Slug        string            `json:"slug"`
	DisplayName string            `json:"displayName"`
	CreatedBy   string            `json:"createdBy"`
	CreatedAt   time.Time         `json:"createdAt"`
	UpdatedAt   time.Time         `json:"updatedAt"`
	Seq         uint64            `json:"seq"`
	Members     map[string]Member `json:"members"` // by user id
	// Invited are the invitations not yet answered: username → offered
	// role. By name, not id: an invitation says nothing of whether the
	// name is held.
	Invited map[string]auth.Role `json:"invited,omitempty"`
}

func (t *teamRec) view() Team {
	v := Team{Slug: t.Slug, DisplayName: t.DisplayName, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
		UpdatedAt: t.UpdatedAt, Seq: t.Seq, Members: make([]Member, 0, len(t.Members))}
	for _, m := range t.Members {
		v.Members = append(v.Members, m)
	}
	slices.SortFunc(v.Members, func(a, b Member) int { return strings.Compare(a.UserID, b.UserID) })
	return v
}

// DeletedTeam is what the model keeps of a deleted team: that it was,
// and when; nothing a query shows.
type DeletedTeam struct {
	Slug      string    `json:"slug"`
	DeletedBy string    `json:"deletedBy"`
	DeletedAt time.Time `json:"deletedAt"`
	Seq       uint64    `json:"seq"`
}

// state is everything a snapshot holds.
type state struct {
	Teams  map[string]*teamRec  `json:"teams"`  // by slug
	Users  map[string]User      `json:"users"`  // by id
	Tokens map[string]TokenHash `json:"tokens"` // by id
	// Deleted are the deleted teams, by slug: no query answers them.
	Deleted map[string]DeletedTeam `json:"deleted,omitempty"`
}

// Model is the accounts read model. Safe for concurrent queries while one
// goroutine applies events.
type Model struct {
	mu       sync.RWMutex
	s        state
	teamsOf  map[string]map[string]bool // user id → slugs; derived from s.Teams
	tokensOf map[string]map[string]bool // user id → token ids; derived from s.Tokens

	// watchers are told whose rights an applied event may have narrowed
	// (WatchRights); apart from mu so that they may query the model.
	wmu      sync.Mutex
	watchers map[*rightsWatcher]struct{}
}

type rightsWatcher struct {
	fn func(userID string)
}

// New returns an empty model.
func New() *Model {
	m := &Model{}
	m.reset(state{})
	return m
}

func (m *Model) reset(s state) {
	if s.Teams == nil {
		s.Teams = map[string]*teamRec{}
	}
	if s.Users == nil {
		s.Users = map[string]User{}
	}
	if s.Tokens == nil {
		s.Tokens = map[string]TokenHash{}
	}
	if s.Deleted == nil {
		s.Deleted = map[string]DeletedTeam{}
	}
	m.s = s
	m.teamsOf, m.tokensOf = map[string]map[string]bool{}, map[string]map[string]bool{}
	for slug, t := range s.Teams {
		if t.Members == nil {
			t.Members = map[string]Member{}
		}
		for id := range t.Members {
			index(m.teamsOf, id, slug, true)
		}
	}
	for id, tk := range s.Tokens {
		index(m.tokensOf, tk.UserID, id, true)
	}
}

// index adds key to (or removes it from) the set of user in idx.
func index(idx map[string]map[string]bool, user, key string, in bool) {
	set := idx[user]
	if in {
		if set == nil {
			set = map[string]bool{}
			idx[user] = set
		}
		set[key] = true
		return
	}
	delete(set, key)
	if len(set) == 0 {
		delete(idx, user)
	}
}

// Handles tells the projection runner which events to decode: accounts' own.
func (m *Model) Handles(eventType string) bool { return strings.HasPrefix(eventType, "accounts.") }

// WatchRights calls fn with a user's id each time the model applies an event that may narrow what the user may do: a token
// revoked, a membership removed or left, a role changed. fn runs after the
// model holds the change, so an Authenticate started from it sees the new
// rights; it runs on the applying goroutine and must not block.
// WatchRights returns when ctx ends.
func (m *Model) WatchRights(ctx context.Context, fn func(userID string)) {
	w := &rightsWatcher{fn: fn}
	m.wmu.Lock()
	if m.watchers == nil {
		m.watchers = map[*rightsWatcher]struct{}{}
	}
	m.watchers[w] = struct{}{}
	m.wmu.Unlock()
	<-ctx.Done()
	m.wmu.Lock()
	delete(m.watchers, w)
	m.wmu.Unlock()
}

// Apply folds one event in; events of other services are ignored.
func (m *Model) Apply(r event.Recorded) error {
	switch r.Data.(type) {
	case domain.TeamCreated, domain.TeamRenamed, domain.MemberAdded, domain.MemberRoleChanged,
		domain.MemberRemoved, domain.MemberLeft, domain.UserCreated, domain.TokenCreated, domain.TokenRevoked,
		domain.MemberInvited, domain.InvitationAccepted, domain.InvitationDeclined, domain.TeamDeleted:
	default:
		return nil
	}
	narrowed := m.apply(r)
	if user := domain.NarrowedUser(r.Data); user != "" {
		narrowed = append(narrowed, user)
	}
	if len(narrowed) > 0 {
		m.wmu.Lock()
		for w := range m.watchers {
			for _, user := range narrowed {
				w.fn(user)
			}
		}
		m.wmu.Unlock()
	}
	return nil
}

// apply folds r in and returns the users it took rights from beyond
// domain.NarrowedUser's: a deleted team's members.
func (m *Model) apply(r event.Recorded) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e := r.Data.(type) {
	case domain.TeamDeleted:
		// Forgotten: no query shows the team, its members lose it from
		// their teams, the authenticator finds no role in it.
		t, ok := m.s.Teams[r.Aggregate.ID]
		if !ok || r.Aggregate.Type != domain.TeamAggregate {
			return nil
		}
		var members []string
		for id := range t.Members {
			index(m.teamsOf, id, t.Slug, false)
			members = append(members, id)
		}
		slices.Sort(members)
		delete(m.s.Teams, t.Slug)
		m.s.Deleted[t.Slug] = DeletedTeam{Slug: t.Slug, DeletedBy: r.Actor, DeletedAt: r.Time, Seq: r.Seq}
		return members
	case domain.TeamCreated:
		m.s.Teams[e.Slug] = &teamRec{Slug: e.Slug, DisplayName: e.DisplayName, CreatedBy: r.Actor,
			CreatedAt: r.Time, UpdatedAt: r.Time, Seq: r.Seq, Members: map[string]Member{}}
	case domain.TeamRenamed:
		m.onTeam(r, func(t *teamRec) { t.DisplayName = e.DisplayName })
	case domain.MemberAdded:
		m.onTeam(r, func(t *teamRec) {
			t.Members[e.UserID] = Member{UserID: e.UserID, Role: e.Role, Since: r.Time}
			index(m.teamsOf, e.UserID, t.Slug, true)
		})
	case domain.MemberRoleChanged:
		m.onTeam(r, func(t *teamRec) {
			if mem, ok := t.Members[e.UserID]; ok {
				mem.Role = e.To
				t.Members[e.UserID] = mem
			}
		})
	case domain.MemberRemoved:
		m.onTeam(r, func(t *teamRec) { m.removeMember(t, e.UserID) })
	case domain.MemberLeft:
		m.onTeam(r, func(t *teamRec) { m.removeMember(t, e.UserID) })
	case domain.MemberInvited:
		m.onTeam(r, func(t *teamRec) { invite(t, e.Username, e.Role) })
	case domain.InvitationAccepted:
		m.onTeam(r, func(t *teamRec) { invite(t, e.Username, "") })
	case domain.InvitationDeclined:
		m.onTeam(r, func(t *teamRec) { invite(t, e.Username, "") })
	case domain.UserCreated:
		m.s.Users[e.ID] = User{ID: e.ID, Username: e.Username, DisplayName: e.DisplayName,
			Superuser: e.Superuser, CreatedAt: r.Time, Seq: r.Seq}
	case domain.TokenCreated:
		m.s.Tokens[e.ID] = TokenHash{Hash: e.Hash, Token: Token{ID: e.ID, UserID: e.UserID, Name: e.Name,
			ExpiresAt: e.ExpiresAt, Bootstrap: e.Bootstrap, CreatedAt: r.Time}}
		index(m.tokensOf, e.UserID, e.ID, true)
	case domain.TokenRevoked:
		if tk, ok := m.s.Tokens[e.ID]; ok && !tk.Revoked {
			at := r.Time
			tk.Revoked, tk.RevokedAt = true, &at
			m.s.Tokens[e.ID] = tk
		}
	}
	return nil
}

// DeletedTeams lists the deleted teams' slugs, sorted.
func (m *Model) DeletedTeams() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]string, 0, len(m.s.Deleted))
	for slug := range m.s.Deleted {
		out = append(out, slug)
	}
	slices.Sort(out)
	return out
}

// onTeam runs fn on the event's team, if it exists, and stamps the change.
func (m *Model) onTeam(r event.Recorded, fn func(*teamRec)) {
	t, ok := m.s.Teams[r.Aggregate.ID]
	if !ok || r.Aggregate.Type != domain.TeamAggregate {
		return
	}
	fn(t)
	t.UpdatedAt, t.Seq = r.Time, r.Seq
}

// invite records role offered to username in t; "" withdraws it.
func invite(t *teamRec, username string, role auth.Role) {
	if role == "" {
		delete(t.Invited, username)
		return
	}
	if t.Invited == nil {
		t.Invited = map[string]auth.Role{}
	}
	t.Invited[username] = role
}

func (m *Model) removeMember(t *teamRec, user string) {
	delete(t.Members, user)
	index(m.teamsOf, user, t.Slug, false)
}

// Snapshot serialises the model; equal models give equal bytes.
func (m *Model) Snapshot() ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return json.Marshal(m.s)
}

// Restore replaces the model with a snapshot.
func (m *Model) Restore(b []byte) error {
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reset(s)
	return nil
}

// Resource returns a team (in its own team) or a user (in team "_") as
// the model shows it, for as-of queries.
func (m *Model) Resource(team string, agg event.AggregateRef) (any, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	switch agg.Type {
	case domain.TeamAggregate:
		t, ok := m.s.Teams[agg.ID]
		if !ok || team != agg.ID {
			return nil, false
		}
		return t.view(), true
	case domain.UserAggregate:
		u, ok := m.s.Users[agg.ID]
		if !ok || team != domain.NoTeam {
			return nil, false
		}
		return u, true
	}
	return nil, false
}

// Token returns token id as the accounts domain folds it, hash included,
// for the authenticator (command.Credentials); never show it to users.
func (m *Model) Token(id string) (domain.Token, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	tk, ok := m.s.Tokens[id]
	if !ok {
		return domain.Token{}, false
	}
	return domain.Token{ID: tk.ID, UserID: tk.UserID, Name: tk.Name, Hash: tk.Hash, ExpiresAt: tk.ExpiresAt,
		Bootstrap: tk.Bootstrap, Revoked: tk.Revoked, Created: true}, true
}

// Role returns userID's role in team, for the authenticator; false when
// the team or the membership is unknown.
func (m *Model) Role(team, userID string) (auth.Role, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.s.Teams[team]
	if !ok {
		return "", false
	}
	mem, ok := t.Members[userID]
	return mem.Role, ok
}
