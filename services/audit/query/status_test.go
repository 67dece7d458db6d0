package query_test

import (
	"slices"
	"testing"

	"weft.dev/services/audit/query"
)

// Agents' status reports stay in the log but out of the trail unless
// asked for, by IncludeStatus or by naming their type; history and
// follow agree.
func TestStatusReportsAreLeftOutUnlessAsked(t *testing.T) {
	h := newHarness(t)
	h.append(t, "acme", "c1", "user:alice", CounterCreated{Name: "one"})
	h.append(t, "acme", "c1", "system:messageoffice", AgentApplied{AppliedSeq: 1})
	h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 2})
	h.append(t, "acme", "c1", "system:messageoffice", AgentApplied{AppliedSeq: 3})
	changes := h.want(func(a appended) bool { return a.Type != "infra.cluster.agent-applied" })
	reports := h.want(func(a appended) bool { return a.Type == "infra.cluster.agent-applied" })
	all := h.want(func(appended) bool { return true })

	for _, tt := range []struct {
		name string
		q    query.HistoryQuery
		want []uint64
	}{
		{"by default", query.HistoryQuery{Team: "acme"}, changes},
		{"of the resource", query.HistoryQuery{Team: "acme", AggregateType: counterAgg, AggregateID: "c1"}, changes},
		{"with IncludeStatus", query.HistoryQuery{Team: "acme", IncludeStatus: true}, all},
		{"naming the type", query.HistoryQuery{Team: "acme", Types: []string{"infra.cluster.agent-applied"}}, reports},
	} {
		tt.q.Order = query.OldestFirst
		if got := pages(t, h, alice, tt.q, 100); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}

	for _, include := range []bool{false, true} {
		got := make(chan query.Entry, 16)
		f, err := h.svc.Follow(ctxFor(t), alice, query.Live{Team: "acme", FromSeq: all[0], IncludeStatus: include},
			func(e query.Entry) error { got <- e; return nil })
		if err != nil {
			t.Fatal(err)
		}
		want := changes
		if include {
			want = all
		}
		var seqs []uint64
		for range want {
			seqs = append(seqs, next(t, got).Seq)
		}
		// One more change: it comes next, no report before it.
		last := h.append(t, "acme", "c1", "user:alice", CounterIncremented{By: 1})
		all = append(all, last.Seq)
		changes = append(changes, last.Seq)
		if e := next(t, got); e.Seq != last.Seq {
			t.Errorf("follow (include %v): after %v came %d, want %d", include, seqs, e.Seq, last.Seq)
		}
		f.Stop()
		if !slices.Equal(seqs, want) {
			t.Errorf("follow (include %v): %v, want %v", include, seqs, want)
		}
	}
	if !query.IsStatus("console.app.rollout-reported") || query.IsStatus("infra.cluster.agent-reported") || query.IsStatus("infra.cluster.gateway-reported") {
		t.Error("IsStatus: rollouts are status reports; an agent coming, going or reporting a gateway key is not")
	}
}
