package readmodel

import (
	"strconv"
	"strings"

	"weft.dev/services/sorted"
)

// The lists below keep each team's clusters and devices in list order (by
// name) as events are applied, team-wide and by the subgraph's filter
// (enrolled or not, the device's kind), so that a page reads the page, not
// every cluster or device of the team copied and sorted. They are derived
// from the maps, never serialised: Restore rebuilds them.

// nameKey orders a list by name, then by id, so that no two keys tie.
type nameKey struct{ name, id string }

func compareName(a, b nameKey) int {
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// entry is how one item is indexed: its key and its filter's value.
type entry struct {
	key   nameKey
	group string
}

// list is one kind's items of a team in list order, all and by group.
type list struct {
	all *sorted.Set[nameKey]
	by  map[string]*sorted.Set[nameKey]
	at  map[string]entry // by id: where it is indexed now
}

func newList() *list {
	return &list{all: sorted.New(compareName), by: map[string]*sorted.Set[nameKey]{}, at: map[string]entry{}}
}

// put indexes item id as e, moving it when it was indexed otherwise.
func (l *list) put(id string, e entry) {
	if old, ok := l.at[id]; ok {
		if old == e {
			return
		}
		l.remove(id)
	}
	l.at[id] = e
	l.all.Insert(e.key)
	g, ok := l.by[e.group]
	if !ok {
		g = sorted.New(compareName)
		l.by[e.group] = g
	}
	g.Insert(e.key)
}

// remove drops item id, if indexed.
func (l *list) remove(id string) {
	e, ok := l.at[id]
	if !ok {
		return
	}
	delete(l.at, id)
	l.all.Delete(e.key)
	if g, ok := l.by[e.group]; ok {
		g.Delete(e.key)
		if g.Len() == 0 {
			delete(l.by, e.group)
		}
	}
}

// pick is the set a filter reads: all when group is nil, else that
// group's (nil, an empty list, when it has none).
func (l *list) pick(group *string) *sorted.Set[nameKey] {
	if group == nil {
		return l.all
	}
	return l.by[*group]
}

// lists are a team's indexed lists: clusters grouped by whether they are
// enrolled ("true", "false"), devices by kind.
type lists struct{ clusters, devices *list }

func newLists() *lists { return &lists{clusters: newList(), devices: newList()} }

func (t *teamData) indexCluster(id string) {
	if c, ok := t.Clusters[id]; ok {
		t.lists.clusters.put(id, entry{key: nameKey{c.Name, id}, group: strconv.FormatBool(c.Enrolled)})
	} else {
		t.lists.clusters.remove(id)
	}
}

func (t *teamData) indexDevice(id string) {
	if d, ok := t.Devices[id]; ok {
		t.lists.devices.put(id, entry{key: nameKey{d.Name, id}, group: string(d.Kind)})
	} else {
		t.lists.devices.remove(id)
	}
}

// reindex builds the lists from the maps (after Restore).
func (t *teamData) reindex() {
	t.lists = newLists()
	for id := range t.Clusters {
		t.indexCluster(id)
	}
	for id := range t.Devices {
		t.indexDevice(id)
	}
}
