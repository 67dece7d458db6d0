package query_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
	"weft.dev/services/platform"
)

// A small test domain: counters owned by teams, and team-less users.

const counterAgg = "counter"

type CounterCreated struct {
	Name string `json:"name"`
}
type CounterIncremented struct {
	By int `json:"by"`
}
type CounterRenamed struct {
	Name string `json:"name"`
}
type CounterDeleted struct{}
type UserCreated struct {
	Email    string `json:"email"`
	Username string `json:"username,omitempty"`
}

// AgentApplied stands for a status report, under the name agents' real
// progress reports have (query.IsStatus knows status reports by name).
type AgentApplied struct {
	AppliedSeq uint64 `json:"appliedSeq"`
}

func register(r *events.Registry) {
	events.Register[CounterCreated](r, "test.counter.created", 1)
	events.Register[CounterIncremented](r, "test.counter.incremented", 1)
	events.Register[CounterRenamed](r, "test.counter.renamed", 1)
	events.Register[CounterDeleted](r, "test.counter.deleted", 1)
	events.Register[UserCreated](r, "test.user.created", 1)
	events.Register[AgentApplied](r, "infra.cluster.agent-applied", 1)
}

// Counter is what the test read model shows.
type Counter struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Value   int       `json:"value"`
	Changes int       `json:"changes"`
	Updated time.Time `json:"updated"`
}

// counterModel is a read model in the shape services write them: per team,
// per id; safe for queries while the runner applies.
type counterModel struct {
	mu    sync.RWMutex
	teams map[string]map[string]Counter
}

var _ platform.AsOfModel = (*counterModel)(nil)

func newCounterModel() *counterModel { return &counterModel{teams: map[string]map[string]Counter{}} }

func (m *counterModel) Apply(r events.Recorded) error {
	if r.Aggregate.Type != counterAgg {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.teams[r.Team]
	if t == nil {
		t = map[string]Counter{}
		m.teams[r.Team] = t
	}
	c := t[r.Aggregate.ID]
	switch e := r.Data.(type) {
	case CounterCreated:
		c = Counter{ID: r.Aggregate.ID, Name: e.Name}
	case CounterIncremented:
		c.Value += e.By
	case CounterRenamed:
		c.Name = e.Name
	case CounterDeleted:
		delete(t, r.Aggregate.ID)
		return nil
	default:
		return nil
	}
	c.Changes++
	c.Updated = r.Time
	t[r.Aggregate.ID] = c
	return nil
}

func (m *counterModel) Snapshot() ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return json.Marshal(m.teams)
}

func (m *counterModel) Restore(b []byte) error {
	teams := map[string]map[string]Counter{}
	if err := json.Unmarshal(b, &teams); err != nil {
		return err
	}
	m.mu.Lock()
	m.teams = teams
	m.mu.Unlock()
	return nil
}

func (m *counterModel) Resource(team string, agg events.AggregateRef) (any, bool) {
	if agg.Type != counterAgg {
		return nil, false
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.teams[team][agg.ID]
	return c, ok
}

func counterSource() platform.AsOfSource {
	return platform.AsOfSource{AggregateTypes: []string{counterAgg}, New: func() platform.AsOfModel { return newCounterModel() }}
}

var (
	alice = auth.Principal{UserID: "alice", Team: "acme", Role: auth.Member}
	bob   = auth.Principal{UserID: "bob", Team: "globex", Role: auth.Owner}
	sys   = auth.SystemPrincipal("test")
)

type harness struct {
	env   *eventstest.Env
	store *events.Store
	svc   *query.Service
	// log is every event appended through the harness, in order, each with
	// a time taken after its append returned: later than its stored time
	// and earlier than the next event's.
	log []appended
}

type appended struct {
	events.Recorded
	after time.Time
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	register(reg)
	store := events.NewStore(env.Conn, reg)
	svc, err := query.New(store, []platform.AsOfSource{counterSource()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{env: env, store: store, svc: svc}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// append appends one event without a version check and records it.
func (h *harness) append(t *testing.T, team, id, actor string, data any) appended {
	t.Helper()
	aggType := counterAgg
	if _, ok := data.(UserCreated); ok {
		aggType = "user"
	}
	res, err := h.store.Append(ctxFor(t), events.AnyVersion, events.Event{
		Team: team, Aggregate: events.AggregateRef{Type: aggType, ID: id}, Actor: actor, Data: data,
	})
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	a := appended{Recorded: res.Events[0], after: time.Now()}
	h.log = append(h.log, a)
	return a
}

// want is the sequences of the harness's events keep selects, oldest first.
func (h *harness) want(keep func(appended) bool) []uint64 {
	out := []uint64{}
	for _, a := range h.log {
		if keep(a) {
			out = append(out, a.Seq)
		}
	}
	return out
}

func wantCode(t *testing.T, err error, code fault.Code, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	f, ok := fault.As(err)
	if !ok || f.Code != code {
		t.Fatalf("error %v (code %s); want %s", err, fault.CodeOf(err), code)
	}
	if field != "" && f.Field != field {
		t.Fatalf("error %v names field %q; want %q", err, f.Field, field)
	}
}

func isNotFound(err error) bool { return errors.Is(err, &fault.Error{Code: fault.NotFound}) }
