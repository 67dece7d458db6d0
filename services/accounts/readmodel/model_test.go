package readmodel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/accounts/command"
	"weft.dev/services/accounts/domain"
	"weft.dev/services/accounts/readmodel"
	"weft.dev/services/uniq"
)

func registry() *events.Registry {
	r := events.NewRegistry()
	domain.Register(r)
	uniq.Register(r)
	return r
}

// counting records which sequences a model applied.
type counting struct {
	*readmodel.Model
	mu   sync.Mutex
	seqs []uint64
}

func (c *counting) Apply(r events.Recorded) error {
	c.mu.Lock()
	c.seqs = append(c.seqs, r.Seq)
	c.mu.Unlock()
	return c.Model.Apply(r)
}

func (c *counting) first() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seqs) == 0 {
		return 0
	}
	return c.seqs[0]
}

type world struct {
	t     *testing.T
	ctx   context.Context
	h     *command.Handlers
	admin auth.Principal
}

func (w *world) must(_ any, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) user(name string) string {
	w.t.Helper()
	res, err := w.h.CreateUser(w.ctx, w.admin, command.CreateUserInput{Username: name, DisplayName: strings.ToUpper(name)})
	if err != nil {
		w.t.Fatal(err)
	}
	return res.Object.ID
}

func newWorld(t *testing.T, ctx context.Context, store *events.Store) *world {
	h := command.New(store)
	b, err := h.Bootstrap(ctx)
	if err != nil || !b.Created {
		t.Fatalf("bootstrap %+v, %v", b, err)
	}
	return &world{t: t, ctx: ctx, h: h, admin: auth.Principal{UserID: b.Admin.ID}}
}

func catchUp(t *testing.T, ctx context.Context, store *events.Store, m projection.Model) *projection.Runner {
	t.Helper()
	r := projection.New(store, m, projection.Config{Name: "accounts"})
	if err := r.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

func snapshot(t *testing.T, m projection.Model) []byte {
	t.Helper()
	b, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestProjectorResumesAfterRestartAndRebuildEqualsLive runs the projector,
// stops it and the server, appends more after the restart, and checks the
// restarted projector applied only what came after its snapshot; then drops
// the model and rebuilds it from the whole log: its snapshot is byte-equal
// to the live one's, and to a model fed by a plain replay.
func TestProjectorResumesAfterRestartAndRebuildEqualsLive(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	w := newWorld(t, ctx, store)

	live := readmodel.New()
	r1 := catchUp(t, ctx, store, live)
	olga, otto, mia := w.user("olga"), w.user("otto"), w.user("mia")
	op := auth.Principal{UserID: olga, Team: "acme", Role: auth.Owner}
	w.must(w.h.CreateTeam(w.ctx, auth.Principal{UserID: olga}, command.CreateTeamInput{Slug: "acme", DisplayName: "Acme"}))
	w.must(w.h.CreateTeam(w.ctx, auth.Principal{UserID: otto}, command.CreateTeamInput{Slug: "globex", DisplayName: "Globex"}))
	// Members are added by the server's administrator (the system here).
	w.must(w.h.AddMember(w.ctx, auth.SystemPrincipal("test"), command.MemberInput{Team: "acme", UserID: mia, Role: auth.Member}))
	w.must(w.h.AddMember(w.ctx, auth.SystemPrincipal("test"), command.MemberInput{Team: "acme", UserID: otto, Role: auth.Admin}))
	tk, err := w.h.CreateToken(w.ctx, auth.Principal{UserID: mia}, command.CreateTokenInput{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}
	last, err := store.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := r1.WaitFor(ctx, last); err != nil {
		t.Fatal(err)
	}
	if err := r1.Stop(ctx); err != nil { // writes the snapshot at last
		t.Fatal(err)
	}

	// Restart the server on the same data, then change things.
	env.Stop()
	env = eventstest.StartIn(t, env.DataDir)
	store = events.NewStore(env.Conn, registry())
	w.h = command.New(store)
	w.must(w.h.ChangeRole(w.ctx, op, command.MemberInput{Team: "acme", UserID: mia, Role: auth.Admin}))
	w.must(w.h.RenameTeam(w.ctx, op, command.RenameTeamInput{Team: "acme", DisplayName: "Acme Inc"}))
	w.must(w.h.RevokeToken(w.ctx, auth.Principal{UserID: mia}, command.TokenInput{ID: tk.Object.ID}))
	w.must(w.h.Leave(w.ctx, auth.Principal{UserID: otto, Team: "acme", Role: auth.Admin}, "acme"))

	resumed := &counting{Model: live}
	r2 := catchUp(t, ctx, store, resumed)
	if got := resumed.first(); got != last+1 {
		t.Fatalf("restarted projector began at %d; want %d (right after its snapshot)", got, last+1)
	}
	team, ok := live.Resource("acme", events.AggregateRef{Type: domain.TeamAggregate, ID: "acme"})
	if v := team.(readmodel.Team); !ok || v.DisplayName != "Acme Inc" || len(v.Members) != 2 {
		t.Fatalf("acme after restart: %+v", team)
	}
	if err := r2.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	if err := projection.Drop(ctx, store, "accounts"); err != nil {
		t.Fatal(err)
	}
	rebuilt := &counting{Model: readmodel.New()}
	r3 := catchUp(t, ctx, store, rebuilt)
	defer func() { _ = r3.Stop(ctx) }()
	if rebuilt.first() != 1 {
		t.Fatalf("rebuild began at %d, not 1", rebuilt.first())
	}
	want := snapshot(t, live)
	if got := snapshot(t, rebuilt); !bytes.Equal(got, want) {
		t.Fatalf("rebuilt model differs from the live one:\n got %s\nwant %s", got, want)
	}
	replayed := readmodel.New()
	if err := store.Replay(ctx, events.Filter{}, replayed.Apply); err != nil {
		t.Fatal(err)
	}
	if got := snapshot(t, replayed); !bytes.Equal(got, want) {
		t.Fatalf("replayed model differs from the live one:\n got %s\nwant %s", got, want)
	}

	// A restored snapshot answers queries like the model it came from,
	// including the derived teams-of index.
	restored := readmodel.New()
	if err := restored.Restore(want); err != nil {
		t.Fatal(err)
	}
	q := readmodel.NewQueries(restored, r3)
	ts, err := q.TeamsOf(ctx, auth.Principal{UserID: otto}, otto, 0)
	if err != nil || len(ts) != 1 || ts[0].Team != "globex" {
		t.Fatalf("otto's teams after restore: %+v, %v", ts, err)
	}
}

func TestQueriesShowTeamsAndTokensButNeverHashes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	env := eventstest.Start(t)
	store := events.NewStore(env.Conn, registry())
	w := newWorld(t, ctx, store)
	m := readmodel.New()
	r := catchUp(t, ctx, store, m)
	defer func() { _ = r.Stop(ctx) }()
	q := readmodel.NewQueries(m, r)

	olga, mia := w.user("olga"), w.user("mia")
	w.must(w.h.CreateTeam(ctx, auth.Principal{UserID: olga}, command.CreateTeamInput{Slug: "acme", DisplayName: "Acme"}))
	w.must(w.h.CreateTeam(ctx, auth.Principal{UserID: olga}, command.CreateTeamInput{Slug: "beta", DisplayName: "Beta"}))
	res, err := w.h.AddMember(ctx, auth.SystemPrincipal("test"), command.MemberInput{Team: "beta", Username: "mia", Role: auth.Admin})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := w.h.CreateToken(ctx, auth.Principal{UserID: mia}, command.CreateTokenInput{Name: "laptop"})
	if err != nil {
		t.Fatal(err)
	}

	me := auth.Principal{UserID: mia}
	teams, err := q.TeamsOf(ctx, me, mia, res.Seq)
	if err != nil || len(teams) != 1 || teams[0].Team != "beta" || teams[0].Role != auth.Admin {
		t.Fatalf("mia's teams %+v, %v", teams, err)
	}
	oTeams, err := q.TeamsOf(ctx, auth.Principal{UserID: olga}, olga, res.Seq)
	if err != nil || len(oTeams) != 2 || oTeams[0].Team != "acme" || oTeams[1].Team != "beta" {
		t.Fatalf("olga's teams %+v, %v", oTeams, err)
	}
	toks, err := q.Tokens(ctx, me, mia, tk.Seq)
	if err != nil || len(toks) != 1 || toks[0].ID != tk.Object.ID || toks[0].Name != "laptop" {
		t.Fatalf("mia's tokens %+v, %v", toks, err)
	}
	out, _ := json.Marshal(toks)
	secret := tk.Object.Secret[strings.LastIndex(tk.Object.Secret, "_")+1:]
	if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte(domain.HashSecret(secret))) || bytes.Contains(out, []byte(`"hash"`)) {
		t.Fatalf("token listing shows a secret or hash: %s", out)
	}
	// The admin lists anyone's tokens; others do not.
	if _, err := q.Tokens(ctx, w.admin, mia, 0); err != nil {
		t.Fatal(err)
	}
	_, err = q.Tokens(ctx, auth.Principal{UserID: olga}, mia, 0)
	if fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("olga lists mia's tokens: %v", err)
	}
	// The model keeps the hash for authenticators.
	if th, ok := m.Token(tk.Object.ID); !ok || th.Hash != domain.HashSecret(secret) || domain.CheckToken(th, secret, time.Now()) != nil {
		t.Fatalf("model token %+v, %v", th, ok)
	}

	u, ok := m.Resource(domain.NoTeam, events.AggregateRef{Type: domain.UserAggregate, ID: mia})
	if v, isUser := u.(readmodel.User); !ok || !isUser || v.Username != "mia" {
		t.Fatalf("as-of user %+v, %v", u, ok)
	}
	if _, ok := m.Resource("acme", events.AggregateRef{Type: domain.TeamAggregate, ID: "beta"}); ok {
		t.Fatal("as-of model answered for a team under another team's token")
	}

	// A wait that cannot be met ends with UNAVAILABLE.
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	_, err = q.Team(short, auth.Principal{UserID: olga, Team: "acme", Role: auth.Owner}, "acme", res.Seq+1_000_000)
	if fault.CodeOf(err) != fault.Unavailable {
		t.Fatalf("far-future minSeq: %v", err)
	}
}
