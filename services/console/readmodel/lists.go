package readmodel

import (
	"cmp"
	"iter"
	"slices"
	"strings"
	"time"

	cd "weft.dev/services/console/domain"
	"weft.dev/services/sorted"
)

// The lists below keep each team's environments, apps, services, configs,
// secrets and routers in list order as events are applied, so that a page
// of a list reads the page, not the team: the query at 10,000 apps copied
// and sorted all of them for every page of 100 (171 ms). They are derived
// from the team's maps, never serialised: Restore rebuilds them, so a
// snapshot's bytes are what they were before.

// key is the key of a list: comparable, and naming its item.
type key interface {
	comparable
	ident() string
}

// pathKey orders a list as its "env/name" paths read (compareEnvName;
// environments by name, with env ""), then by id, so that no two keys tie.
type pathKey struct{ env, name, id string }

func (k pathKey) ident() string { return k.id }

func comparePath(a, b pathKey) int {
	if c := compareEnvName(a.env, a.name, b.env, b.name); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// interceptKey orders intercepts newest first, then by id, descending.
type interceptKey struct {
	started time.Time
	id      string
}

func (k interceptKey) ident() string { return k.id }

func compareIntercepts(a, b interceptKey) int {
	if c := b.started.Compare(a.started); c != 0 {
		return c
	}
	return strings.Compare(b.id, a.id)
}

// policyKey orders policies as they are evaluated: higher priority first,
// deny before allow, then by name (and id).
type policyKey struct {
	priority int
	deny     bool
	name, id string
}

func (k policyKey) ident() string { return k.id }

func comparePolicies(a, b policyKey) int {
	if c := cmp.Compare(b.priority, a.priority); c != 0 {
		return c
	}
	if a.deny != b.deny {
		if a.deny {
			return -1
		}
		return 1
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// entry is how one item is indexed: its key, and the filters it answers
// to, env (its environment's id) and other (an app's or an environment's
// cluster id, a service's kind, "active" for an active intercept); ""
// where it has none.
type entry[K key] struct {
	key        K
	env, other string
}

// list is one kind's items of a team in list order: all of them, and by
// environment, by other, and by both, each set answering one filter of
// the subgraph's lists.
type list[K key] struct {
	cmp     func(a, b K) int
	all     *sorted.Set[K]
	byEnv   map[string]*sorted.Set[K]
	byOther map[string]*sorted.Set[K]
	byBoth  map[[2]string]*sorted.Set[K]
	at      map[string]entry[K] // by id: where it is indexed now
}

func newList[K key](cmp func(a, b K) int) *list[K] {
	return &list[K]{cmp: cmp, all: sorted.New(cmp), byEnv: map[string]*sorted.Set[K]{},
		byOther: map[string]*sorted.Set[K]{}, byBoth: map[[2]string]*sorted.Set[K]{}, at: map[string]entry[K]{}}
}

// put indexes item id as e, moving it when it was indexed otherwise.
func (l *list[K]) put(id string, e entry[K]) {
	if old, ok := l.at[id]; ok {
		if old == e {
			return // the common case: a change that moves nothing
		}
		l.remove(id)
	}
	l.at[id] = e
	l.all.Insert(e.key)
	if e.env != "" {
		into(l.byEnv, e.env, l.cmp).Insert(e.key)
	}
	if e.other != "" {
		into(l.byOther, e.other, l.cmp).Insert(e.key)
	}
	if e.env != "" && e.other != "" {
		into(l.byBoth, [2]string{e.env, e.other}, l.cmp).Insert(e.key)
	}
}

// remove drops item id, if indexed.
func (l *list[K]) remove(id string) {
	e, ok := l.at[id]
	if !ok {
		return
	}
	delete(l.at, id)
	l.all.Delete(e.key)
	if e.env != "" {
		out(l.byEnv, e.env, e.key)
	}
	if e.other != "" {
		out(l.byOther, e.other, e.key)
	}
	if e.env != "" && e.other != "" {
		out(l.byBoth, [2]string{e.env, e.other}, e.key)
	}
}

func into[G comparable, K key](m map[G]*sorted.Set[K], g G, cmp func(a, b K) int) *sorted.Set[K] {
	s, ok := m[g]
	if !ok {
		s = sorted.New(cmp)
		m[g] = s
	}
	return s
}

// out removes k from group g, and the group once empty (a team's deleted
// environments and clusters leave no sets behind).
func out[G comparable, K key](m map[G]*sorted.Set[K], g G, k K) {
	if s, ok := m[g]; ok {
		s.Delete(k)
		if s.Len() == 0 {
			delete(m, g)
		}
	}
}

// inEnv is the number of items of environment envID.
func (l *list[K]) inEnv(envID string) int {
	if s, ok := l.byEnv[envID]; ok {
		return s.Len()
	}
	return 0
}

// inEnvKeys yields the keys of environment envID's items, in list order.
func (l *list[K]) inEnvKeys(envID string) iter.Seq[K] {
	if s, ok := l.byEnv[envID]; ok {
		return s.From(0)
	}
	return func(func(K) bool) {}
}

// idsInEnv are the ids of environment envID's items, in list order.
func (l *list[K]) idsInEnv(envID string) []string {
	s, ok := l.byEnv[envID]
	if !ok {
		return nil
	}
	ids := make([]string, 0, s.Len())
	for k := range s.From(0) {
		ids = append(ids, k.ident())
	}
	return ids
}

// pick is the set a filter reads: every item when envIDs is nil, else
// the items of those environments (none when it is empty); of them, those
// of other when other is not empty. Several environments of one name
// (which the names' uniqueness rules out) are merged into a new set.
func (l *list[K]) pick(envIDs []string, other string) *sorted.Set[K] {
	switch {
	case envIDs == nil && other == "":
		return l.all
	case envIDs == nil:
		return l.byOther[other]
	}
	var sets []*sorted.Set[K]
	for _, id := range envIDs {
		var s *sorted.Set[K]
		if other == "" {
			s = l.byEnv[id]
		} else {
			s = l.byBoth[[2]string{id, other}]
		}
		if s != nil {
			sets = append(sets, s)
		}
	}
	switch len(sets) {
	case 0:
		return nil
	case 1:
		return sets[0]
	}
	merged := sorted.New(l.cmp)
	for _, s := range sets {
		for k := range s.From(0) {
			merged.Insert(k)
		}
	}
	return merged
}

// Window is the part of a list a page reads (sorted.Window).
type Window = sorted.Window

// All is a window over a whole list.
var All = sorted.All

// lists are a team's indexed lists.
type lists struct {
	envs, apps, services, configs, secrets, routers *list[pathKey]
	intercepts                                      *list[interceptKey]
	policies                                        *list[policyKey]
	// users are the names of the apps taking values from a source (a
	// config, a secret) of an environment, by app id: a config's or a
	// secret's UsedBy, read for each one of a page. sources are the keys
	// each app is under there, and its name.
	users   map[usersKey]map[string]string
	sources map[string]appSources
}

// usersKey is a source of one environment.
type usersKey struct {
	env string
	src cd.Source
}

type appSources struct {
	name string
	keys []usersKey
}

func newLists() *lists {
	return &lists{envs: newList(comparePath), apps: newList(comparePath), services: newList(comparePath),
		configs: newList(comparePath), secrets: newList(comparePath), routers: newList(comparePath),
		intercepts: newList(compareIntercepts), policies: newList(comparePolicies),
		users: map[usersKey]map[string]string{}, sources: map[string]appSources{}}
}

// envsNamed are the ids of the team's environments called name, from
// the environments' list (by name): nil for no filter when name is "".
func (t *teamData) envsNamed(name string) []string {
	if name == "" {
		return nil
	}
	ids := []string{}
	for k := range t.lists.envs.all.From(t.lists.envs.all.Search(pathKey{name: name})) {
		if k.name != name {
			break
		}
		ids = append(ids, k.ident())
	}
	return ids
}

// The index functions put the item with id where its current state
// belongs in its list, or drop it when it is gone.

func (t *teamData) indexEnv(id string) {
	if e, ok := t.Envs[id]; ok {
		t.lists.envs.put(id, entry[pathKey]{key: pathKey{name: e.Name, id: id}, other: e.ClusterID})
	} else {
		t.lists.envs.remove(id)
	}
}

func (t *teamData) indexApp(id string) {
	a, ok := t.Apps[id]
	if ok {
		t.lists.apps.put(id, entry[pathKey]{key: pathKey{t.Envs[a.EnvID].Name, a.Name, id}, env: a.EnvID, other: a.ClusterID})
	} else {
		t.lists.apps.remove(id)
	}
	var keys []usersKey
	if ok && a.Workload != nil {
		for _, src := range a.Workload.Sources() {
			keys = append(keys, usersKey{a.EnvID, src})
		}
	}
	l := t.lists
	old := l.sources[id]
	if old.name == a.Name && slices.Equal(old.keys, keys) {
		return
	}
	for _, k := range old.keys {
		delete(l.users[k], id)
		if len(l.users[k]) == 0 {
			delete(l.users, k)
		}
	}
	if len(keys) == 0 {
		delete(l.sources, id)
		return
	}
	l.sources[id] = appSources{name: a.Name, keys: keys}
	for _, k := range keys {
		if l.users[k] == nil {
			l.users[k] = map[string]string{}
		}
		l.users[k][id] = a.Name
	}
}

// usersOf are the names of the apps of environment envID that take values
// from src, sorted.
func (t *teamData) usersOf(envID string, src cd.Source) []string {
	byID := t.lists.users[usersKey{envID, src}]
	out := make([]string, 0, len(byID))
	for _, name := range byID {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (t *teamData) indexService(id string) {
	if s, ok := t.Services[id]; ok {
		t.lists.services.put(id, entry[pathKey]{key: pathKey{t.Envs[s.EnvID].Name, s.Name, id}, env: s.EnvID, other: string(s.Kind)})
	} else {
		t.lists.services.remove(id)
	}
}

func (t *teamData) indexConfig(id string) {
	indexInEnv(t, t.lists.configs, t.Configs, id, func(c cd.Config) (string, string) { return c.EnvID, c.Name })
}

func (t *teamData) indexSecret(id string) {
	indexInEnv(t, t.lists.secrets, t.Secrets, id, func(s cd.Secret) (string, string) { return s.EnvID, s.Name })
}

func (t *teamData) indexRouter(id string) {
	indexInEnv(t, t.lists.routers, t.Routers, id, func(r cd.Router) (string, string) { return r.EnvID, r.Name })
}

// indexInEnv puts item id of items in l under its environment's name and
// its own, or removes it from l when items no longer holds it.
func indexInEnv[V any](t *teamData, l *list[pathKey], items map[string]V, id string, at func(V) (envID, name string)) {
	v, ok := items[id]
	if !ok {
		l.remove(id)
		return
	}
	envID, name := at(v)
	l.put(id, entry[pathKey]{key: pathKey{t.Envs[envID].Name, name, id}, env: envID})
}

func (t *teamData) indexIntercept(id string) {
	if i, ok := t.Intercepts[id]; ok {
		e := entry[interceptKey]{key: interceptKey{i.StartedAt, id}}
		if i.Active {
			e.other = "active"
		}
		t.lists.intercepts.put(id, e)
	} else {
		t.lists.intercepts.remove(id)
	}
}

func (t *teamData) indexPolicy(id string) {
	if p, ok := t.Policies[id]; ok {
		t.lists.policies.put(id, entry[policyKey]{key: policyKey{p.Rule.Priority, p.Rule.Action == cd.Deny, p.Name, id}})
	} else {
		t.lists.policies.remove(id)
	}
}

// indexEnvContents moves the items of environment envID after its name
// changed for them (it was created after them, or deleted before them):
// their keys carry it.
func (t *teamData) indexEnvContents(envID string) {
	for _, id := range t.lists.apps.idsInEnv(envID) {
		t.indexApp(id)
	}
	for _, id := range t.lists.services.idsInEnv(envID) {
		t.indexService(id)
	}
	for _, id := range t.lists.configs.idsInEnv(envID) {
		t.indexConfig(id)
	}
	for _, id := range t.lists.secrets.idsInEnv(envID) {
		t.indexSecret(id)
	}
	for _, id := range t.lists.routers.idsInEnv(envID) {
		t.indexRouter(id)
	}
}

// reindex builds the lists from the maps (after Restore).
func (t *teamData) reindex() {
	t.lists = newLists()
	for id := range t.Envs {
		t.indexEnv(id)
	}
	for id := range t.Apps {
		t.indexApp(id)
	}
	for id := range t.Services {
		t.indexService(id)
	}
	for id := range t.Configs {
		t.indexConfig(id)
	}
	for id := range t.Secrets {
		t.indexSecret(id)
	}
	for id := range t.Routers {
		t.indexRouter(id)
	}
	for id := range t.Intercepts {
		t.indexIntercept(id)
	}
	for id := range t.Policies {
		t.indexPolicy(id)
	}
}
