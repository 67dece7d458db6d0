package readmodel

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"sort"
	"testing"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/auth"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/graph"
	infra "weft.dev/services/infra/domain"
)

// caughtUp is a runner that has applied everything.
type caughtUp struct{}

func (caughtUp) WaitFor(context.Context, uint64) error { return nil }

// feed applies events to a model as the runner would, in sequence.
type feed struct {
	tb  testing.TB
	m   *Model
	seq uint64
	at  time.Time
}

func (f *feed) apply(aggType, id string, data any) {
	f.tb.Helper()
	f.seq++
	f.at = f.at.Add(time.Second)
	r := event.Recorded{Seq: f.seq, Data: data, Meta: event.Meta{Team: "acme", Actor: "user:ada", Time: f.at,
		Aggregate: event.AggregateRef{Type: aggType, ID: id}}}
	if err := f.m.Apply(r); err != nil {
		f.tb.Fatal(err)
	}
}

// bigTeam is a team of n apps (and n/20 of each other kind) over five
// environments on two clusters, whose names interleave as paths
// ("prod/…" and "prod-eu/…"), as a long-lived team's log leaves it: a
// tenth of the apps deleted, another tenth updated, and the environment
// "stage" deleted under its remaining items, which then sort as "/name".
// Some apps take values from a config or a secret (their UsedBy).
func bigTeam(tb testing.TB, n int) *Model {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	f := &feed{tb: tb, m: New(), at: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)}
	f.apply("cluster", "c1", infra.ClusterCreated{ID: "c1", Name: "east", ServiceRange: "10.96.0.0/16"})
	f.apply("cluster", "c2", infra.ClusterCreated{ID: "c2", Name: "west", ServiceRange: "10.97.0.0/16"})
	envs := []struct{ id, name, cluster string }{
		{"e1", "dev", "c1"}, {"e2", "prod", "c1"}, {"e3", "prod-eu", "c2"}, {"e4", "stage", "c2"}, {"e5", "a", "c1"},
	}
	for _, e := range envs {
		f.apply(cd.EnvAggregate, e.id, cd.EnvCreated{ID: e.id, Name: e.name, ClusterID: e.cluster})
	}
	// name is a name not yet used in environment e (names are unique
	// within an environment, as uniq keeps them).
	used := map[string]bool{}
	name := func(kind string, e int) string {
		for {
			s := fmt.Sprintf("%s%d", kind, r.IntN(10*n+100))
			if !used[kind+envs[e].id+s] {
				used[kind+envs[e].id+s] = true
				return s
			}
		}
	}
	kinds := []cd.ServiceKind{cd.Postgres, cd.Redis, cd.Kafka}
	var apps, others []string
	for i := range n {
		e := r.IntN(len(envs))
		id := fmt.Sprintf("a%05d", i)
		var w *cd.Workload
		if i%7 == 0 {
			w = &cd.Workload{Image: "web:1", Env: []cd.EnvVar{{Name: "DB", From: &cd.KeyRef{Source: cd.Source{Kind: cd.SourceConfig, Name: "config1"}, Key: "url"}}}}
		}
		f.apply(cd.AppAggregate, id, cd.AppCreated{ID: id, Name: name("app", e), EnvID: envs[e].id, ClusterID: envs[e].cluster,
			ServiceIP: fmt.Sprintf("10.96.%d.%d", i/250, i%250), Spec: cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.HTTP}}}, Workload: w})
		apps = append(apps, id)
		if i%20 == 0 {
			j := i / 20
			e := j % len(envs)
			cfg := "config1"
			if j >= len(envs) {
				cfg = name("config", e)
			}
			ids := []string{"s" + id, "c" + id, "k" + id, "r" + id}
			f.apply(cd.ServiceAggregate, ids[0], cd.ServiceCreated{ID: ids[0], Name: name("db", e), Kind: kinds[j%len(kinds)], EnvID: envs[e].id, ClusterID: envs[e].cluster})
			f.apply(cd.ConfigAggregate, ids[1], cd.ConfigCreated{ID: ids[1], Name: cfg, EnvID: envs[e].id, ClusterID: envs[e].cluster, Data: map[string]string{"url": "x"}})
			f.apply(cd.SecretAggregate, ids[2], cd.SecretCreated{ID: ids[2], Name: name("secret", e), EnvID: envs[e].id, ClusterID: envs[e].cluster, Values: map[string]string{"k": "sealed"}})
			f.apply(cd.RouterAggregate, ids[3], cd.RouterCreated{ID: ids[3], Name: name("router", e), EnvID: envs[e].id, ClusterID: envs[e].cluster, Domain: "x.example"})
			others = append(others, ids...)
		}
	}
	r.Shuffle(len(apps), func(i, j int) { apps[i], apps[j] = apps[j], apps[i] })
	for _, id := range apps[:n/10] {
		a := f.m.teams["acme"].Apps[id]
		f.apply(cd.AppAggregate, id, cd.AppDeleted{ID: id, Name: a.Name, EnvID: a.EnvID, ClusterID: a.ClusterID})
	}
	for _, id := range apps[n/10 : n/5] {
		f.apply(cd.AppAggregate, id, cd.AppUpdated{ID: id, Spec: cd.Spec{Ports: []cd.Port{{Port: 8080, Protocol: cd.TCP}}}})
	}
	for i, id := range others {
		if i%9 != 0 {
			continue
		}
		t := f.m.teams["acme"]
		switch id[0] {
		case 's':
			s := t.Services[id]
			f.apply(cd.ServiceAggregate, id, cd.ServiceDeleted{ID: id, Name: s.Name, EnvID: s.EnvID, ClusterID: s.ClusterID})
		case 'c':
			c := t.Configs[id]
			f.apply(cd.ConfigAggregate, id, cd.ConfigDeleted{ID: id, Name: c.Name, EnvID: c.EnvID, ClusterID: c.ClusterID})
		case 'r':
			x := t.Routers[id]
			f.apply(cd.RouterAggregate, id, cd.RouterDeleted{ID: id, Name: x.Name, EnvID: x.EnvID, ClusterID: x.ClusterID})
		}
	}
	// Intercepts, a third started in the same second as the one before
	// (newest first, then by id), half of them stopped; policies of a few
	// priorities and both actions, some updated (moving them), some deleted.
	for i := range n / 20 {
		id := fmt.Sprintf("i%05d", r.IntN(1000000))
		if i%3 == 0 {
			f.at = f.at.Add(-time.Second)
		}
		app := apps[n/10+r.IntN(n-n/10)]
		f.apply(cd.InterceptAggregate, id, cd.InterceptStarted{ID: id, AppID: app, EnvID: f.m.teams["acme"].Apps[app].EnvID, Port: cd.Port{Port: 80, Protocol: cd.HTTP}, DeviceID: "d1", TargetPort: 8080})
		if i%2 == 0 {
			f.apply(cd.InterceptAggregate, id, cd.InterceptStopped{ID: id, AppID: app, Port: cd.Port{Port: 80, Protocol: cd.HTTP}, StoppedBy: "user:ada"})
		}
	}
	rule := func() cd.Rule {
		action := cd.Allow
		if r.IntN(2) == 0 {
			action = cd.Deny
		}
		return cd.Rule{Action: action, Priority: r.IntN(5), Sources: []cd.Subject{{Kind: cd.SubjectEnv, ID: "e1"}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: apps[0]}}}
	}
	for i := range n / 30 {
		id := fmt.Sprintf("p%05d", i)
		f.apply(cd.PolicyAggregate, id, cd.PolicyCreated{ID: id, Name: fmt.Sprintf("policy-%d", r.IntN(1000000)), Rule: rule()})
		switch i % 5 {
		case 1:
			f.apply(cd.PolicyAggregate, id, cd.PolicyUpdated{ID: id, Rule: rule()})
		case 2:
			f.apply(cd.PolicyAggregate, id, cd.PolicyDeleted{ID: id})
		}
	}
	f.apply(cd.EnvAggregate, "e4", cd.EnvDeleted{ID: "e4", Name: "stage"})
	return f.m
}

// The naive lists are what the queries did before the lists were kept:
// every item of the team made a view, filtered, sorted by path. The test
// data has no two items of one path (asserted), so their order is the one
// order.

func naive[V any](items []V, keep func(V) bool, env, name func(V) string) []V {
	out := []V{}
	for _, v := range items {
		if keep(v) {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return compareEnvName(env(out[i]), name(out[i]), env(out[j]), name(out[j])) < 0
	})
	return out
}

func values[V, S any](m map[string]S, view func(S) V) []V {
	out := make([]V, 0, len(m))
	for _, s := range m {
		out = append(out, view(s))
	}
	return out
}

// pageCheck walks list through every page of size first by its cursors,
// as a client does, and checks each page (edges, cursors, page info,
// total) is what graph.Paginate makes over the naive list want.
func pageCheck[V any](t *testing.T, what string, first int, want []V, list func(Window) ([]V, int, error)) {
	t.Helper()
	type edge struct {
		Cursor string
		Node   V
	}
	mk := func(c string, v V) edge { return edge{c, v} }
	var after *string
	var got []V
	for pages := 0; ; pages++ {
		start, n, err := graph.Window(&first, after)
		if err != nil {
			t.Fatal(err)
		}
		items, total, err := list(Window{Start: start, N: n})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		edges, info := graph.Edges(items, start, total, mk)
		wantEdges, wantInfo, _ := graph.Paginate(want, &first, after, mk)
		if total != len(want) || !reflect.DeepEqual(edges, wantEdges) || !reflect.DeepEqual(info, wantInfo) {
			t.Fatalf("%s, first %d, page %d (from %d): %d edges of %d, want %d of %d; info %+v, want %+v",
				what, first, pages, start, len(edges), total, len(wantEdges), len(want), info, wantInfo)
		}
		for _, e := range edges {
			got = append(got, e.Node)
		}
		if !info.HasNextPage {
			break
		}
		after = info.EndCursor
	}
	if len(got) != len(want) {
		t.Fatalf("%s: walked %d items, want %d", what, len(got), len(want))
	}
}

// TestEveryListPagedByItsCursorsIsWhatSortingTheWholeTeamGave proves the
// kept lists change no answer: over a team of 10,000 apps (500 of every
// other kind, intercepts and policies) created, deleted, updated, stopped,
// started in the same second, and with an environment
// deleted under its items, every page of every list, filter and page
// size, read by its cursors, is the page the query made by copying and
// sorting the whole team; and so after a snapshot's round trip, whose
// bytes stay the same.
func TestEveryListPagedByItsCursorsIsWhatSortingTheWholeTeamGave(t *testing.T) {
	m := bigTeam(t, 10000)
	restored := New()
	snap, err := m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := restored.Restore(snap); err != nil {
		t.Fatal(err)
	}
	again, _ := restored.Snapshot()
	if !bytes.Equal(snap, again) {
		t.Fatal("the restored model snapshots to other bytes")
	}

	p := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	ctx := context.Background()
	for _, model := range []struct {
		name string
		m    *Model
	}{{"live", m}, {"restored", restored}} {
		q := NewQueries(model.m, caughtUp{})
		t.Run(model.name, func(t *testing.T) {
			td := m.teams["acme"] // the reference is always the live model's maps
			paths := map[string]bool{}
			for _, a := range td.Apps {
				path := td.Envs[a.EnvID].Name + "/" + a.Name
				if paths[path] {
					t.Fatalf("two apps at %s: the naive order would not be one order", path)
				}
				paths[path] = true
			}
			allApps := values(td.Apps, td.appView)
			for _, env := range []string{"", "dev", "prod", "prod-eu", "a", "stage", "nowhere"} {
				for _, cluster := range []string{"", "c1", "c2", "c9"} {
					want := naive(allApps, func(a App) bool {
						return (env == "" || a.EnvName == env) && (cluster == "" || a.ClusterID == cluster)
					}, func(a App) string { return a.EnvName }, func(a App) string { return a.Name })
					sizes := []int{100}
					if env == "" && cluster == "" {
						sizes = []int{100, 37, 500}
					}
					for _, first := range sizes {
						pageCheck(t, fmt.Sprintf("apps env %q cluster %q", env, cluster), first, want, func(w Window) ([]App, int, error) {
							return q.Apps(ctx, p, "acme", env, cluster, w, 0)
						})
					}
				}
			}
			if len(allApps) != 9000 {
				t.Fatalf("%d apps, want 9,000", len(allApps))
			}

			allServices := values(td.Services, td.serviceView)
			for _, env := range []string{"", "prod", "stage"} {
				for _, kind := range []cd.ServiceKind{"", cd.Redis, cd.MySQL} {
					want := naive(allServices, func(s Service) bool {
						return (env == "" || s.EnvName == env) && (kind == "" || s.Kind == kind)
					}, func(s Service) string { return s.EnvName }, func(s Service) string { return s.Name })
					pageCheck(t, fmt.Sprintf("services env %q kind %q", env, kind), 50, want, func(w Window) ([]Service, int, error) {
						return q.Services(ctx, p, "acme", env, kind, w, 0)
					})
				}
			}
			allConfigs := values(td.Configs, td.configView)
			allSecrets := values(td.Secrets, td.secretView)
			allRouters := values(td.Routers, td.routerView)
			for _, env := range []string{"", "prod", "prod-eu", "stage"} {
				pageCheck(t, "configs "+env, 50, naive(allConfigs, func(c Config) bool { return env == "" || c.EnvName == env },
					func(c Config) string { return c.EnvName }, func(c Config) string { return c.Name }),
					func(w Window) ([]Config, int, error) { return q.Configs(ctx, p, "acme", env, w, 0) })
				pageCheck(t, "secrets "+env, 50, naive(allSecrets, func(s Secret) bool { return env == "" || s.EnvName == env },
					func(s Secret) string { return s.EnvName }, func(s Secret) string { return s.Name }),
					func(w Window) ([]Secret, int, error) { return q.Secrets(ctx, p, "acme", env, w, 0) })
				pageCheck(t, "routers "+env, 50, naive(allRouters, func(r Router) bool { return env == "" || r.EnvName == env },
					func(r Router) string { return r.EnvName }, func(r Router) string { return r.Name }),
					func(w Window) ([]Router, int, error) { return q.Routers(ctx, p, "acme", env, w, 0) })
			}
			allIntercepts := values(td.Intercepts, td.interceptView)
			for _, activeOnly := range []bool{false, true} {
				want := []Intercept{}
				for _, i := range allIntercepts {
					if i.Active || !activeOnly {
						want = append(want, i)
					}
				}
				sort.Slice(want, func(i, j int) bool { // as Queries.Intercepts sorted them
					if !want[i].StartedAt.Equal(want[j].StartedAt) {
						return want[i].StartedAt.After(want[j].StartedAt)
					}
					return want[i].ID > want[j].ID
				})
				pageCheck(t, fmt.Sprintf("intercepts active only %v", activeOnly), 50, want, func(w Window) ([]Intercept, int, error) {
					return q.Intercepts(ctx, p, "acme", activeOnly, w, 0)
				})
			}
			policies := values(td.Policies, td.policyView)
			sort.Slice(policies, func(i, j int) bool { // as Queries.Policies sorted them
				a, b := policies[i].Rule, policies[j].Rule
				if a.Priority != b.Priority {
					return a.Priority > b.Priority
				}
				if a.Action != b.Action {
					return a.Action == cd.Deny
				}
				return policies[i].Name < policies[j].Name
			})
			pageCheck(t, "policies", 25, policies, func(w Window) ([]Policy, int, error) { return q.Policies(ctx, p, "acme", w, 0) })

			allEnvs := values(td.Envs, td.envView)
			for _, cluster := range []string{"", "c1", "c2"} {
				pageCheck(t, "environments "+cluster, 2, naive(allEnvs, func(e Env) bool { return cluster == "" || e.ClusterID == cluster },
					func(Env) string { return "" }, func(e Env) string { return e.Name }),
					func(w Window) ([]Env, int, error) { return q.Envs(ctx, p, "acme", cluster, w, 0) })
			}
		})
	}
}

// TestEnvironmentCountsAndUsedByAreWhatCountingTheWholeTeamGave checks the
// counts of an environment's view and a config's or secret's UsedBy, now
// read from the lists by environment, against a count over every item.
func TestEnvironmentCountsAndUsedByAreWhatCountingTheWholeTeamGave(t *testing.T) {
	td := bigTeam(t, 2000).teams["acme"]
	for _, e := range td.Envs {
		var want Env
		for _, a := range td.Apps {
			want.Apps += b2i(a.EnvID == e.ID)
		}
		for _, s := range td.Services {
			want.Services += b2i(s.EnvID == e.ID)
		}
		for _, c := range td.Configs {
			want.Configs += b2i(c.EnvID == e.ID)
		}
		for _, s := range td.Secrets {
			want.Secrets += b2i(s.EnvID == e.ID)
		}
		v := td.envView(e)
		if v.Apps != want.Apps || v.Services != want.Services || v.Configs != want.Configs || v.Secrets != want.Secrets || v.Apps == 0 {
			t.Errorf("%s: %d apps, %d services, %d configs, %d secrets; want %d, %d, %d, %d",
				e.Name, v.Apps, v.Services, v.Configs, v.Secrets, want.Apps, want.Services, want.Configs, want.Secrets)
		}
	}
	users := 0
	for _, c := range td.Configs {
		want := []string{}
		for _, a := range td.Apps {
			if a.EnvID == c.EnvID && a.Workload != nil && len(a.Workload.Env) > 0 && a.Workload.Env[0].From.Name == c.Name {
				want = append(want, a.Name)
			}
		}
		sort.Strings(want)
		if got := td.configView(c).UsedBy; !reflect.DeepEqual(got, want) {
			t.Fatalf("config %s used by %v, want %v", c.Name, got, want)
		}
		users += len(want)
	}
	if users == 0 {
		t.Fatal("no config is used: the test proves nothing of UsedBy")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAPageOfAppsCostsThePageNotTheTeam measures the bytes one page of
// 100 apps allocates at 1,000 and at 10,000 apps: the same, give or take
// (copying and sorting the team allocated ten times as much at ten times
// the apps).
func TestAPageOfAppsCostsThePageNotTheTeam(t *testing.T) {
	p := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	perPage := func(n int) uint64 {
		q := NewQueries(bigTeam(t, n), caughtUp{})
		const runs = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range runs {
			if _, _, err := q.Apps(context.Background(), p, "acme", "", "", Window{Start: i * 7 * n / 200, N: 100}, 0); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / runs
	}
	small, large := perPage(1000), perPage(10000)
	t.Logf("a page of 100 apps allocates %d bytes at 1,000 apps, %d at 10,000", small, large)
	if large > small*3/2 {
		t.Fatalf("a page allocates %d bytes at 10,000 apps, %d at 1,000: it grows with the team", large, small)
	}
}

// BenchmarkAppsPageAt10000Apps reads one page of 100 apps of a team of
// 10,000 (9,000 after deletions) at the start, the middle and the end of
// the list and in one environment, from the kept list, and as the query
// did before (every app's view made, sorted, then paged), for the record.
func BenchmarkAppsPageAt10000Apps(b *testing.B) {
	m := bigTeam(b, 10000)
	q := NewQueries(m, caughtUp{})
	p := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Member}
	ctx := context.Background()
	first := 100
	for _, c := range []struct {
		name  string
		env   string
		start int
	}{{"first", "", 0}, {"middle", "", 4500}, {"last", "", 8900}, {"env", "prod", 900}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := q.Apps(ctx, p, "acme", c.env, "", Window{Start: c.start, N: first}, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/before", func(b *testing.B) {
			after := graph.Cursor("o", uint64(c.start-1))
			for b.Loop() {
				m.mu.RLock()
				td := m.teams["acme"]
				all := make([]App, 0, len(td.Apps))
				for _, a := range td.Apps {
					if c.env == "" || td.Envs[a.EnvID].Name == c.env {
						all = append(all, td.appView(a))
					}
				}
				m.mu.RUnlock()
				sort.Slice(all, func(i, j int) bool {
					return compareEnvName(all[i].EnvName, all[i].Name, all[j].EnvName, all[j].Name) < 0
				})
				if _, _, err := graph.Paginate(all, &first, &after, func(c string, a App) App { return a }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
