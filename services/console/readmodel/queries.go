package readmodel

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strings"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/watermark"
	cd "weft.dev/services/console/domain"
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

// Envs lists the team's environments by name.
func (q *Queries) Envs(ctx context.Context, p auth.Principal, team string, minSeq uint64) ([]Env, error) {
	out := []Env{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out = make([]Env, 0, len(t.Envs))
		for _, e := range t.Envs {
			out = append(out, t.envView(e))
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
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

// Apps lists the team's apps, in one environment when env is not empty,
// by environment and name.
func (q *Queries) Apps(ctx context.Context, p auth.Principal, team, env string, minSeq uint64) ([]App, error) {
	out := []App{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		// Sized once: grown by append, a team's views were copied about
		// twice over on every list.
		out = make([]App, 0, len(t.Apps))
		for _, a := range t.Apps {
			if env == "" || t.Envs[a.EnvID].Name == env {
				out = append(out, t.appView(a))
			}
		}
	})
	sort.Sort(appsByPath(out))
	return out, err
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

// Services lists the team's managed services, in one environment when env
// is not empty.
func (q *Queries) Services(ctx context.Context, p auth.Principal, team, env string, minSeq uint64) ([]Service, error) {
	out := []Service{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		out = make([]Service, 0, len(t.Services))
		for _, s := range t.Services {
			if env == "" || t.Envs[s.EnvID].Name == env {
				out = append(out, t.serviceView(s))
			}
		}
	})
	sort.Sort(servicesByPath(out))
	return out, err
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

// Intercepts lists the team's intercepts, newest first; only active ones
// when activeOnly.
func (q *Queries) Intercepts(ctx context.Context, p auth.Principal, team string, activeOnly bool, minSeq uint64) ([]Intercept, error) {
	out := []Intercept{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, i := range t.Intercepts {
			if i.Active || !activeOnly {
				out = append(out, t.interceptView(i))
			}
		}
	})
	sort.Slice(out, func(i, j int) bool {
		if !out[i].StartedAt.Equal(out[j].StartedAt) {
			return out[i].StartedAt.After(out[j].StartedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, err
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

// Policies lists the team's access policies in evaluation order: higher
// priority first, deny before allow, then by name.
func (q *Queries) Policies(ctx context.Context, p auth.Principal, team string, minSeq uint64) ([]Policy, error) {
	out := []Policy{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, pol := range t.Policies {
			out = append(out, t.policyView(pol))
		}
	})
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Rule, out[j].Rule
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		if a.Action != b.Action {
			return a.Action == cd.Deny
		}
		return out[i].Name < out[j].Name
	})
	return out, err
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

// Secrets lists the team's secrets (key names only), in one environment
// when env is not empty, by environment and name.
func (q *Queries) Secrets(ctx context.Context, p auth.Principal, team, env string, minSeq uint64) ([]Secret, error) {
	out := []Secret{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, s := range t.Secrets {
			if env == "" || t.Envs[s.EnvID].Name == env {
				out = append(out, t.secretView(s))
			}
		}
	})
	sort.Slice(out, func(i, j int) bool {
		return compareEnvName(out[i].EnvName, out[i].Name, out[j].EnvName, out[j].Name) < 0
	})
	return out, err
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

// Configs lists the team's configs, in one environment when env is not
// empty, by environment and name.
func (q *Queries) Configs(ctx context.Context, p auth.Principal, team, env string, minSeq uint64) ([]Config, error) {
	out := []Config{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, c := range t.Configs {
			if env == "" || t.Envs[c.EnvID].Name == env {
				out = append(out, t.configView(c))
			}
		}
	})
	sort.Slice(out, func(i, j int) bool {
		return compareEnvName(out[i].EnvName, out[i].Name, out[j].EnvName, out[j].Name) < 0
	})
	return out, err
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

// appsByPath sorts apps by env/name. By index, through sort.Interface:
// the views are large, slices.SortFunc would copy two of them into every
// comparison, and sort.Slice allocates its swapper on every list.
type appsByPath []App

func (s appsByPath) Len() int { return len(s) }
func (s appsByPath) Less(i, j int) bool {
	return compareEnvName(s[i].EnvName, s[i].Name, s[j].EnvName, s[j].Name) < 0
}
func (s appsByPath) Swap(i, j int) { s[i], s[j] = s[j], s[i] }

// servicesByPath sorts services by env/name, as appsByPath apps.
type servicesByPath []Service

func (s servicesByPath) Len() int { return len(s) }
func (s servicesByPath) Less(i, j int) bool {
	return compareEnvName(s[i].EnvName, s[i].Name, s[j].EnvName, s[j].Name) < 0
}
func (s servicesByPath) Swap(i, j int) { s[i], s[j] = s[j], s[i] }

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

// Routers lists the team's routers, in one environment when env is not
// empty, by environment and name.
func (q *Queries) Routers(ctx context.Context, p auth.Principal, team, env string, minSeq uint64) ([]Router, error) {
	out := []Router{}
	err := q.read(ctx, p, team, minSeq, func(t *teamData) {
		for _, r := range t.Routers {
			if env == "" || t.Envs[r.EnvID].Name == env {
				out = append(out, t.routerView(r))
			}
		}
	})
	sort.Slice(out, func(i, j int) bool {
		return compareEnvName(out[i].EnvName, out[i].Name, out[j].EnvName, out[j].Name) < 0
	})
	return out, err
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
