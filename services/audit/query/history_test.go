package query_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/audit/query"
)

// seed appends a small history across two teams and the team-less users.
func seed(t *testing.T, h *harness) {
	h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})       // 0
	h.append(t, "acme", "c2", "user:carol", CounterCreated{Name: "two"})       // 1
	h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 2})         // 2
	h.append(t, "globex", "g1", "user:bob", CounterCreated{Name: "gee"})       // 3
	h.append(t, "acme", "c2", "user:carol", CounterRenamed{Name: "deux"})      // 4
	h.append(t, "_", "u1", "system:signup", UserCreated{Email: "a@acme.test"}) // 5
	h.append(t, "acme", "c1", "user:carol", CounterIncremented{By: 5})         // 6
	h.append(t, "globex", "g1", "user:bob", CounterIncremented{By: 1})         // 7
	h.append(t, "acme", "c1", "user:alice", CounterDeleted{})                  // 8
}

// pages reads q to the end in pages of size, checking the paging contract,
// and returns the sequences in the order they came.
func pages(t *testing.T, h *harness, p auth.Principal, q query.HistoryQuery, size int) []uint64 {
	t.Helper()
	q.Limit = size
	out := []uint64{}
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatal("paging does not end")
		}
		page, err := h.svc.History(ctxFor(t), p, q)
		if err != nil {
			t.Fatalf("history %+v: %v", q, err)
		}
		if len(page.Entries) > size {
			t.Fatalf("page of %d entries; limit %d", len(page.Entries), size)
		}
		for _, e := range page.Entries {
			out = append(out, e.Seq)
		}
		if page.Next == 0 {
			return out
		}
		if len(page.Entries) != size || page.Next != page.Entries[len(page.Entries)-1].Seq {
			t.Fatalf("page with %d entries has cursor %d", len(page.Entries), page.Next)
		}
		q.Cursor = page.Next
	}
}

func TestHistorySelectsExactlyTheMatchingEventsInOrderWithPaging(t *testing.T) {
	h := newHarness(t)
	seed(t, h)
	l := h.log
	acme := func(a appended) bool { return a.Team == "acme" }

	cases := []struct {
		name string
		p    auth.Principal
		q    query.HistoryQuery
		keep func(appended) bool
	}{
		{"team", alice, query.HistoryQuery{Team: "acme"}, acme},
		{"resource", alice, query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "c1"},
			func(a appended) bool { return acme(a) && a.Aggregate.ID == "c1" }},
		{"aggregate type", bob, query.HistoryQuery{Team: "globex", AggregateType: counterAgg},
			func(a appended) bool { return a.Team == "globex" }},
		{"actor", alice, query.HistoryQuery{Team: "acme", Actor: "user:carol"},
			func(a appended) bool { return acme(a) && a.Actor == "user:carol" }},
		{"event type", alice, query.HistoryQuery{Team: "acme", Types: []string{"test.counter.incremented", "test.counter.deleted"}},
			func(a appended) bool {
				return acme(a) && (a.Type == "test.counter.incremented" || a.Type == "test.counter.deleted")
			}},
		{"sequence range", alice, query.HistoryQuery{Team: "acme", FromSeq: l[1].Seq, ToSeq: l[6].Seq},
			func(a appended) bool { return acme(a) && a.Seq >= l[1].Seq && a.Seq <= l[6].Seq }},
		{"time range", alice, query.HistoryQuery{Team: "acme", Since: l[1].after, Until: l[6].after},
			// stored after event 1's append returned, at or before event 6's did
			func(a appended) bool { return acme(a) && a.Seq > l[1].Seq && a.Seq <= l[6].Seq }},
		{"time and actor", alice, query.HistoryQuery{Team: "acme", Since: l[0].after, Actor: "user:alice"},
			func(a appended) bool { return acme(a) && a.Seq > l[0].Seq && a.Actor == "user:alice" }},
		{"nothing in range", alice, query.HistoryQuery{Team: "acme", Since: l[8].after},
			func(appended) bool { return false }},
		{"team-less, system", sys, query.HistoryQuery{Team: query.TeamLess},
			func(a appended) bool { return a.Team == "_" }},
		{"every team, system", sys, query.HistoryQuery{},
			func(appended) bool { return true }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := h.want(c.keep)
			for _, size := range []int{1, 2, 100} {
				q := c.q
				q.Order = query.OldestFirst
				if got := pages(t, h, c.p, q, size); !slices.Equal(got, want) {
					t.Errorf("oldest first, pages of %d: %v; want %v", size, got, want)
				}
				q.Order = query.NewestFirst
				rev := slices.Clone(want)
				slices.Reverse(rev)
				if got := pages(t, h, c.p, q, size); !slices.Equal(got, rev) {
					t.Errorf("newest first, pages of %d: %v; want %v", size, got, rev)
				}
			}
		})
	}
}

func TestHistoryEntryCarriesTheEnvelopeAndData(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	res, err := h.store.Append(ctx, 0, events.Event{
		Team: "acme", Aggregate: events.AggregateRef{Type: counterAgg, ID: "c1"}, Actor: "user:alice",
		CausationID: "cause-1", CorrelationID: "corr-1", Data: CounterCreated{Name: "one"},
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme"})
	if err != nil || len(page.Entries) != 1 {
		t.Fatalf("history: %+v, %v", page, err)
	}
	e, r := page.Entries[0], res.Events[0]
	if e.Seq != r.Seq || e.ID != r.ID || !e.Time.Equal(r.Time) || e.Type != "test.counter.created" || e.Version != 1 ||
		e.Team != "acme" || e.Aggregate != r.Aggregate || e.Actor != "user:alice" ||
		e.CausationID != "cause-1" || e.CorrelationID != "corr-1" || !e.Known || string(e.Data) != `{"name":"one"}` {
		t.Fatalf("entry %+v (data %s); appended %+v", e, e.Data, r)
	}
	if page.Next != 0 {
		t.Fatalf("cursor %d on the only page", page.Next)
	}
}

// A resource's events far apart in a busy team take several backward reads.
func TestNewestFirstFindsSparseEventsAcrossAManyEventLog(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	h.append(t, "acme", "rare", "user:alice", CounterCreated{Name: "rare"})
	for batch := range 3 {
		evs := make([]events.Event, 500)
		for i := range evs {
			evs[i] = events.Event{Team: "acme", Aggregate: events.AggregateRef{Type: counterAgg, ID: "busy"}, Actor: "user:carol", Data: CounterIncremented{By: 1}}
		}
		if _, err := h.store.Append(ctx, events.AnyVersion, evs...); err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		h.append(t, "acme", "rare", "user:alice", CounterRenamed{Name: fmt.Sprint("rare-", batch)})
	}
	want := h.want(func(a appended) bool { return a.Aggregate.ID == "rare" })
	slices.Reverse(want)
	q := query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "rare"}
	if got := pages(t, h, alice, q, 1); !slices.Equal(got, want) {
		t.Fatalf("rare counter newest first: %v; want %v", got, want)
	}
	q = query.HistoryQuery{Team: "acme", Actor: "user:alice", Limit: 2}
	page, err := h.svc.History(ctx, alice, q)
	if err != nil || len(page.Entries) != 2 || page.Entries[0].Seq != want[0] || page.Entries[1].Seq != want[1] {
		t.Fatalf("alice's last two: %+v, %v; want %v", page, err, want[:2])
	}
	// A dense newest-first page is the last events of the log.
	page, err = h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "busy", Limit: 3})
	if err != nil || len(page.Entries) != 3 || page.Entries[0].Seq != h.log[len(h.log)-1].Seq-1 {
		t.Fatalf("last busy events: %+v, %v", page, err)
	}
}

func TestHistoryIsScopedToTheCallersTeam(t *testing.T) {
	h := newHarness(t)
	seed(t, h)
	ctx := ctxFor(t)

	for _, q := range []query.HistoryQuery{
		{Team: "globex"},
		{Team: "globex", AggregateType: counterAgg, AggregateID: "g1"},
		{Team: query.TeamLess},
	} {
		page, err := h.svc.History(ctx, alice, q)
		if !isNotFound(err) || len(page.Entries) != 0 {
			t.Errorf("alice reads %+v: %d entries, %v; want NOT_FOUND", q, len(page.Entries), err)
		}
	}
	// Nobody but the system reads across teams.
	_, err := h.svc.History(ctx, alice, query.HistoryQuery{})
	wantCode(t, err, fault.Invalid, "team")
	_, err = h.svc.History(ctx, auth.Principal{}, query.HistoryQuery{Team: "acme"})
	wantCode(t, err, fault.Unauthenticated, "")

	// Her own team's history holds nothing of another team or of users,
	// even with filters that would match them.
	page, err := h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme", Limit: query.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != len(h.want(func(a appended) bool { return a.Team == "acme" })) {
		t.Fatalf("%d entries for acme", len(page.Entries))
	}
	for _, e := range page.Entries {
		if e.Team != "acme" {
			t.Fatalf("alice sees %+v", e)
		}
	}
	page, err = h.svc.History(ctx, alice, query.HistoryQuery{Team: "acme", Actor: "user:bob"})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("bob's events through acme: %+v, %v", page, err)
	}
	// A system principal sees users' events.
	page, err = h.svc.History(ctx, sys, query.HistoryQuery{Team: query.TeamLess})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Type != "test.user.created" {
		t.Fatalf("system reads users: %+v, %v", page, err)
	}
}

func TestHistoryRejectsBadInputNamingTheField(t *testing.T) {
	h := newHarness(t)
	ctx := ctxFor(t)
	now := time.Now()
	cases := []struct {
		q     query.HistoryQuery
		field string
	}{
		{query.HistoryQuery{Team: "ac.me"}, "team"},
		{query.HistoryQuery{Team: "acme", AggregateID: "c1"}, "aggregateType"},
		{query.HistoryQuery{Team: "acme", AggregateType: "count>er"}, "aggregateType"},
		{query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "c 1"}, "aggregateId"},
		{query.HistoryQuery{Team: "acme", Types: []string{""}}, "types"},
		{query.HistoryQuery{Team: "acme", Actor: "user:\x00"}, "actor"},
		{query.HistoryQuery{Team: "acme", FromSeq: 9, ToSeq: 3}, "fromSeq"},
		{query.HistoryQuery{Team: "acme", Since: now, Until: now.Add(-time.Second)}, "since"},
		{query.HistoryQuery{Team: "acme", Limit: -1}, "limit"},
		{query.HistoryQuery{Team: "acme", Limit: query.MaxLimit + 1}, "limit"},
		{query.HistoryQuery{Team: "acme", Order: "SIDEWAYS"}, "order"},
	}
	for _, c := range cases {
		_, err := h.svc.History(ctx, alice, c.q)
		wantCode(t, err, fault.Invalid, c.field)
	}
}
