package readmodel

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sort"
	"strings"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/watermark"
	cd "weft.dev/services/console/domain"
	"weft.dev/services/sorted"
)

// MaxWait bounds how long a query waits for its minSeq.
const MaxWait = watermark.MaxWait

// Waiter is the runner feeding the model (a *projection.Runner).
type Waiter = watermark.Waiter

// Queries answers the console's reads, each scoped to the caller's team.
type Queries struct {
	m *Model
	w Waiter
}

// NewQueries returns the queries over m, fed by w.
func NewQueries(m *Model, w Waiter) *Queries { return &Queries{m: m, w: w} }

// WaitFor waits, at most MaxWait, until the model applied seq.
func (q *Queries) WaitFor(ctx context.Context, seq uint64) error {
	return watermark.Bounded(ctx, q.w, seq, "the console read model")
}

// read checks the caller, waits for minSeq and runs fn on the team's data
// under the read lock (an empty team when it has no data yet).
func (q *Queries) read(ctx context.Context, p auth.Principal, teamName string, minSeq uint64, fn func(*teamData)) error {
	if err := p.Require(teamName, auth.Member); err != nil {
		return err
	}
	if err := q.WaitFor(ctx, minSeq); err != nil {
		return err
	}
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[teamName]
	if !ok {
		t = newTeam()
	}
	fn(t)
	return nil
}

// Envs returns window w of the team's environments by name, on cluster
// clusterID when it is not empty, and how many there are.
func (q *Queries) Envs(ctx context.Context, p auth.Principal, team, clusterID string, w Window, minSeq uint64) ([]Env, int, error) {
	var (
		out   []Env
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.envs, "", clusterID, w, func(id string) Env { return t.envView(t.Envs[id]) })
	})
	return out, total, err
}

// page reads window w of list l, in environment env (by name) when it is
// not empty and of other when that is not empty, making each item a view;
// and how many items the filter selects. It costs the page and a few
// steps per chunk of the list, whatever the team holds.
func page[K key, V any](t *teamData, l *list[K], env, other string, w Window, view func(id string) V) ([]V, int) {
	keys, total := sorted.Page(l.pick(t.envsNamed(env), other), w)
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, view(k.ident()))
	}
	return out, total
}

// Env returns the environment called name.
func (q *Queries) Env(ctx context.Context, p auth.Principal, team, name string, minSeq uint64) (Env, error) {
	var out Env
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, e := range t.Envs {
			if e.Name == name {
				out, found = t.envView(e), true
			}
		}
	})
	if err == nil && !found {
		err = cd.NotFound("name", "environment %q", name)
	}
	return out, err
}

// Apps returns window w of the team's apps by environment and name, in
// environment env when it is not empty and on cluster clusterID when that
// is not empty, and how many apps those are.
func (q *Queries) Apps(ctx context.Context, p auth.Principal, team, env, clusterID string, w Window, minSeq uint64) ([]App, int, error) {
	var (
		out   []App
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.apps, env, clusterID, w, func(id string) App { return t.appView(t.Apps[id]) })
	})
	return out, total, err
}

// App returns the app with id.
func (q *Queries) App(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (App, error) {
	var out App
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if a, ok := t.Apps[id]; ok {
			out, found = t.appView(a), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "app %s", id)
	}
	return out, err
}

// Services returns window w of the team's managed services by
// environment and name, in environment env when it is not empty and of
// kind when that is not empty, and how many services those are.
func (q *Queries) Services(ctx context.Context, p auth.Principal, team, env string, kind cd.ServiceKind, w Window, minSeq uint64) ([]Service, int, error) {
	var (
		out   []Service
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.services, env, string(kind), w, func(id string) Service { return t.serviceView(t.Services[id]) })
	})
	return out, total, err
}

// Service returns the managed service with id.
func (q *Queries) Service(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (Service, error) {
	var out Service
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if s, ok := t.Services[id]; ok {
			out, found = t.serviceView(s), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "service %s", id)
	}
	return out, err
}

// Intercepts returns window w of the team's intercepts, newest first,
// only active ones when activeOnly, and how many those are (stopped ones
// stay, as history: the list grows with the team's age).
func (q *Queries) Intercepts(ctx context.Context, p auth.Principal, team string, activeOnly bool, w Window, minSeq uint64) ([]Intercept, int, error) {
	other := ""
	if activeOnly {
		other = "active"
	}
	var (
		out   []Intercept
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.intercepts, "", other, w, func(id string) Intercept { return t.interceptView(t.Intercepts[id]) })
	})
	return out, total, err
}

// Intercept returns the intercept with id.
func (q *Queries) Intercept(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (Intercept, error) {
	var out Intercept
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if i, ok := t.Intercepts[id]; ok {
			out, found = t.interceptView(i), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "intercept %s", id)
	}
	return out, err
}

// Policies returns window w of the team's access policies in evaluation
// order: higher priority first, deny before allow, then by name; and how
// many there are.
func (q *Queries) Policies(ctx context.Context, p auth.Principal, team string, w Window, minSeq uint64) ([]Policy, int, error) {
	var (
		out   []Policy
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.policies, "", "", w, func(id string) Policy { return t.policyView(t.Policies[id]) })
	})
	return out, total, err
}

// Access evaluates the team's policies for a connection from src to dst.
func (q *Queries) Access(ctx context.Context, p auth.Principal, team string, src cd.Identity, dst cd.Target, minSeq uint64) (cd.Verdict, error) {
	var v cd.Verdict
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		pols := make([]cd.Policy, 0, len(t.Policies))
		for _, pol := range t.Policies {
			pols = append(pols, pol)
		}
		if dst.EnvID == "" {
			dst.EnvID = t.Apps[dst.AppID].EnvID
		}
		v = cd.Decide(pols, src, dst)
	})
	return v, err
}

// EnvWorkloads counts the apps, services, configs, secrets and routers
// in an environment, as applied so far (callers wait for the sequence
// they need first).
func (q *Queries) EnvWorkloads(team, envID string) int { return q.EnvContents(team, envID).Len() }

// EnvContents are the ids of the apps, services, configs, secrets and
// routers of an environment, each kind sorted, as applied so far
// (callers wait for the sequence they need first).
func (q *Queries) EnvContents(team, envID string) cd.EnvContents {
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	var c cd.EnvContents
	t, ok := q.m.teams[team]
	if !ok {
		return c
	}
	c.Apps = idsIn(t.Apps, envID, func(a cd.App) string { return a.EnvID })
	c.Services = idsIn(t.Services, envID, func(s cd.Service) string { return s.EnvID })
	c.Configs = idsIn(t.Configs, envID, func(x cd.Config) string { return x.EnvID })
	c.Secrets = idsIn(t.Secrets, envID, func(x cd.Secret) string { return x.EnvID })
	c.Routers = idsIn(t.Routers, envID, func(r cd.Router) string { return r.EnvID })
	return c
}

// TeamSecrets are the ids of the team's secrets, sorted, as applied so
// far (callers wait for the sequence they need first).
func (q *Queries) TeamSecrets(team string) []string {
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[team]
	if !ok {
		return nil
	}
	return slices.Sorted(maps.Keys(t.Secrets))
}

// TeamRunServices are the ids of the team's managed services its
// clusters run, sorted, as applied so far.
func (q *Queries) TeamRunServices(team string) []string {
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[team]
	if !ok {
		return nil
	}
	var out []string
	for id, s := range t.Services {
		if s.Instance != nil {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// idsIn are the sorted keys of the values of m in environment envID.
func idsIn[V any](m map[string]V, envID string, env func(V) string) []string {
	var out []string
	for id, v := range m {
		if env(v) == envID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Secrets returns window w of the team's secrets (key names only) by
// environment and name, in environment env when it is not empty, and how
// many secrets those are.
func (q *Queries) Secrets(ctx context.Context, p auth.Principal, team, env string, w Window, minSeq uint64) ([]Secret, int, error) {
	var (
		out   []Secret
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.secrets, env, "", w, func(id string) Secret { return t.secretView(t.Secrets[id]) })
	})
	return out, total, err
}

// Secret returns the secret with id (key names only).
func (q *Queries) Secret(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (Secret, error) {
	var out Secret
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if s, ok := t.Secrets[id]; ok {
			out, found = t.secretView(s), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "secret %s", id)
	}
	return out, err
}

// RouteUsers are the names of the routers of environment envID with a
// route to the app or service (kind) called name, sorted.
func (q *Queries) RouteUsers(team, envID, kind, name string) []string {
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[team]
	if !ok {
		return nil
	}
	var out []string
	for _, r := range t.Routers {
		if r.EnvID != envID {
			continue
		}
		for _, rt := range r.Routes {
			if rt.Target.Kind == kind && rt.Target.Name == name {
				out = append(out, r.Name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// SourceUsers are the names of the apps of environment envID that take
// values from src (a variable whose value is key, when key is not empty),
// as applied so far.
func (q *Queries) SourceUsers(team, envID string, src cd.Source, key string) []string {
	q.m.mu.RLock()
	defer q.m.mu.RUnlock()
	t, ok := q.m.teams[team]
	if !ok {
		return nil
	}
	return t.sourceUsers(envID, src, key)
}

// Configs returns window w of the team's configs by environment and
// name, in environment env when it is not empty, and how many configs
// those are.
func (q *Queries) Configs(ctx context.Context, p auth.Principal, team, env string, w Window, minSeq uint64) ([]Config, int, error) {
	var (
		out   []Config
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.configs, env, "", w, func(id string) Config { return t.configView(t.Configs[id]) })
	})
	return out, total, err
}

// Config returns the config with id.
func (q *Queries) Config(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (Config, error) {
	var out Config
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if c, ok := t.Configs[id]; ok {
			out, found = t.configView(c), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "config %s", id)
	}
	return out, err
}

// compareEnvName orders "env/name" paths as the strings they spell, without
// building them (which allocated for every comparison of a sort).
func compareEnvName(envA, nameA, envB, nameB string) int {
	if envA == envB {
		return strings.Compare(nameA, nameB)
	}
	at := func(env, name string, i int) byte {
		switch {
		case i < len(env):
			return env[i]
		case i == len(env):
			return '/'
		}
		return name[i-len(env)-1]
	}
	la, lb := len(envA)+1+len(nameA), len(envB)+1+len(nameB)
	for i := range min(la, lb) {
		if ca, cb := at(envA, nameA, i), at(envB, nameB, i); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(la, lb)
}

// Routers returns window w of the team's routers by environment and
// name, in environment env when it is not empty, and how many routers
// those are.
func (q *Queries) Routers(ctx context.Context, p auth.Principal, team, env string, w Window, minSeq uint64) ([]Router, int, error) {
	var (
		out   []Router
		total int
	)
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out, total = page(t, t.lists.routers, env, "", w, func(id string) Router { return t.routerView(t.Routers[id]) })
	})
	return out, total, err
}

// Router returns the router with id.
func (q *Queries) Router(ctx context.Context, p auth.Principal, team, id string, minSeq uint64) (Router, error) {
	var out Router
	found := false
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		if r, ok := t.Routers[id]; ok {
			out, found = t.routerView(r), true
		}
	})
	if err == nil && !found {
		err = cd.NotFound("id", "router %s", id)
	}
	return out, err
}
