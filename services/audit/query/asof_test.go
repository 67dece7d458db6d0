package query_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
	"weft.dev/services/platform"
)

// seen is what the live read model showed for one resource at one point.
type seen struct {
	team   string
	agg    events.AggregateRef
	json   string // "" when absent
	seq    uint64 // the point: the event just applied
	teamAt uint64 // the team's last event at that point
}

func TestAsOfShowsWhatTheLiveReadModelShowedAtEveryPoint(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	live := newCounterModel()
	runner := projection.New(h.store, live, projection.Config{Name: "counters-live"})
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(ctxFor(t)) })

	watched := []struct {
		team string
		agg  events.AggregateRef
	}{
		{"acme", events.AggregateRef{Type: counterAgg, ID: "c1"}},
		{"acme", events.AggregateRef{Type: counterAgg, ID: "c2"}},
		{"globex", events.AggregateRef{Type: counterAgg, ID: "g1"}},
	}
	lastOfTeam := map[string]uint64{}
	var points [][]seen // per event appended
	record := func(a appended) {
		if err := runner.WaitFor(ctx, a.Seq); err != nil {
			t.Fatal(err)
		}
		lastOfTeam[a.Team] = a.Seq
		var row []seen
		for _, w := range watched {
			s := seen{team: w.team, agg: w.agg, seq: a.Seq, teamAt: lastOfTeam[w.team]}
			if v, ok := live.Resource(w.team, w.agg); ok {
				b, _ := json.Marshal(v)
				s.json = string(b)
			}
			row = append(row, s)
		}
		points = append(points, row)
	}
	record(h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"}))
	record(h.append(t, "globex", "g1", "user:bob", CounterCreated{Name: "gee"}))
	record(h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 2}))
	record(h.append(t, "acme", "c2", "user:carol", CounterCreated{Name: "two"}))
	record(h.append(t, "_", "u1", "system:signup", UserCreated{Email: "a@acme.test"}))
	record(h.append(t, "acme", "c1", "user:carol", CounterRenamed{Name: "uno"}))
	record(h.append(t, "globex", "g1", "user:bob", CounterIncremented{By: 7}))
	record(h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 3}))
	record(h.append(t, "acme", "c2", "user:carol", CounterDeleted{}))
	record(h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 1}))

	for i, row := range points {
		for _, s := range row {
			who := alice
			if s.team == "globex" {
				who = bob
			}
			for _, at := range []query.Point{{Seq: s.seq}, {Time: h.log[i].after}} {
				st, err := h.svc.AsOf(ctx, who, s.team, s.agg, at)
				if s.json == "" {
					if !isNotFound(err) {
						t.Errorf("%s/%s as of %v (event %d): %+v, %v; want NOT_FOUND", s.team, s.agg, at, i, st, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s/%s as of %v (event %d): %v", s.team, s.agg, at, i, err)
					continue
				}
				if string(st.JSON) != s.json {
					t.Errorf("%s/%s as of %v (event %d):\n got %s\nwant %s", s.team, s.agg, at, i, st.JSON, s.json)
				}
				if _, ok := st.Resource.(Counter); !ok {
					t.Errorf("resource is %T, not the model's value", st.Resource)
				}
				if st.Seq != s.teamAt || st.Team != s.team || st.Aggregate != s.agg {
					t.Errorf("%s/%s as of %v: reflects %d of %s/%s; want %d", s.team, s.agg, at, st.Seq, st.Team, st.Aggregate, s.teamAt)
				}
			}
		}
	}

	// Before anything was appended, nothing existed.
	_, err := h.svc.AsOf(ctx, alice, "acme", watched[0].agg, query.Point{Time: h.log[0].Time.Add(-1e9)})
	if !isNotFound(err) {
		t.Errorf("c1 before its creation: %v", err)
	}
}

func TestAsOfIsScopedAndValidated(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	g := h.append(t, "globex", "g1", "user:bob", CounterCreated{Name: "gee"})
	h.append(t, "_", "u1", "system:signup", UserCreated{Email: "a@acme.test"})
	g1 := events.AggregateRef{Type: counterAgg, ID: "g1"}

	if _, err := h.svc.AsOf(ctx, bob, "globex", g1, query.Point{Seq: g.Seq}); err != nil {
		t.Fatalf("bob reads his counter: %v", err)
	}
	if st, err := h.svc.AsOf(ctx, alice, "globex", g1, query.Point{Seq: g.Seq}); !isNotFound(err) {
		t.Fatalf("alice reads globex's counter: %+v, %v", st, err)
	}
	// Asking through her own team does not find another team's resource.
	if st, err := h.svc.AsOf(ctx, alice, "acme", g1, query.Point{Seq: g.Seq}); !isNotFound(err) {
		t.Fatalf("alice reads g1 through acme: %+v, %v", st, err)
	}
	if _, err := h.svc.AsOf(ctx, alice, query.TeamLess, events.AggregateRef{Type: counterAgg, ID: "u1"}, query.Point{Seq: g.Seq}); !isNotFound(err) {
		t.Fatalf("alice reads team-less state: %v", err)
	}

	cases := []struct {
		team  string
		agg   events.AggregateRef
		at    query.Point
		field string
	}{
		{"", g1, query.Point{Seq: 1}, "team"},
		{"globex", events.AggregateRef{ID: "g1"}, query.Point{Seq: 1}, "aggregateType"},
		{"globex", events.AggregateRef{Type: counterAgg}, query.Point{Seq: 1}, "aggregateId"},
		{"globex", g1, query.Point{}, "at"},
		{"globex", g1, query.Point{Seq: 1, Time: g.after}, "at"},
		{"globex", events.AggregateRef{Type: "widget", ID: "w1"}, query.Point{Seq: 1}, "aggregateType"},
	}
	for _, c := range cases {
		_, err := h.svc.AsOf(ctx, bob, c.team, c.agg, c.at)
		wantCode(t, err, fault.Invalid, c.field)
	}
}

func TestNewRefusesTwoSourcesForOneAggregateType(t *testing.T) {
	h := newHarness(t)
	if _, err := query.New(h.store, []platform.AsOfSource{counterSource(), counterSource()}, nil); err == nil {
		t.Fatal("two sources for counter accepted")
	}
}

// selectiveCounters is a counter model that says which event types it
// applies (projection.Selective) and fails on any other it is given
// decoded: as-of must not decode what the model ignores.
type selectiveCounters struct{ *counterModel }

func (m selectiveCounters) Handles(eventType string) bool {
	return eventType != "infra.cluster.agent-applied"
}

func (m selectiveCounters) Apply(r events.Recorded) error {
	if r.Data != nil && !m.Handles(r.Type) {
		return fmt.Errorf("decoded an event of type %s the model does not apply", r.Type)
	}
	return m.counterModel.Apply(r)
}

func TestAsOfDecodesOnlyWhatTheModelAppliesAndStillSaysWhereItIs(t *testing.T) {
	env := eventstest.Start(t)
	reg := events.NewRegistry()
	register(reg)
	store := events.NewStore(env.Conn, reg)
	src := counterSource()
	src.New = func() platform.AsOfModel { return selectiveCounters{newCounterModel()} }
	svc, err := query.New(store, []platform.AsOfSource{src}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{env: env, store: store, svc: svc}
	ctx := ctxFor(t)
	c1 := events.AggregateRef{Type: counterAgg, ID: "c1"}
	h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})
	h.append(t, "acme", "noise", "system:agent", AgentApplied{AppliedSeq: 1})
	inc := h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 2})
	last := h.append(t, "acme", "noise", "system:agent", AgentApplied{AppliedSeq: 2})

	for _, c := range []struct {
		at   appended
		want int
	}{{inc, 2}, {last, 2}} {
		st, err := svc.AsOf(ctx, alice, "acme", c1, query.Point{Seq: c.at.Seq})
		if err != nil {
			t.Fatalf("as of %d: %v", c.at.Seq, err)
		}
		if got := st.Resource.(Counter).Value; got != c.want {
			t.Errorf("as of %d: value %d, want %d", c.at.Seq, got, c.want)
		}
		if st.Seq != c.at.Seq || !st.Time.Equal(c.at.Time) {
			t.Errorf("as of %d: reflects event %d at %s, want %d at %s (the last event before the point, applied or not)", c.at.Seq, st.Seq, st.Time, c.at.Seq, c.at.Time)
		}
	}
}
