package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"weft.dev/events"
	"weft.dev/kernel/fault"
	ad "weft.dev/services/accounts/domain"
	"weft.dev/services/uniq"
)

// names finds what a person calls the resources and actors of events:
// a resource's name is the one its first event (its creation) recorded,
// so a deleted resource keeps the name it had, and names that never
// change (every weft resource's: only a team's display name changes, and
// a team is named by its slug) are remembered once per id.
type names struct {
	store *events.Store
	mu    sync.Mutex
	known map[string]string // team/type/id → name; "" when it has none
}

// maxNames bounds the memory names takes; past it, it starts over.
const maxNames = 100_000

func newNames(store *events.Store) *names {
	return &names{store: store, known: map[string]string{}}
}

// fill sets the entries' ActorName and ResourceName.
func (n *names) fill(ctx context.Context, entries []Entry) error {
	for i := range entries {
		e := &entries[i]
		var err error
		if e.ResourceName, err = n.resource(ctx, e.Team, e.Aggregate.Type, e.Aggregate.ID); err != nil {
			return err
		}
		if e.ActorName, err = n.actor(ctx, e.Actor); err != nil {
			return err
		}
	}
	return nil
}

// actor is a user actor's username ("user:<id>" → "admin"); other actors
// (system:<name>) are named as recorded.
func (n *names) actor(ctx context.Context, actor string) (string, error) {
	id, ok := strings.CutPrefix(actor, "user:")
	if !ok || id == "" {
		return actor, nil
	}
	name, err := n.resource(ctx, TeamLess, "user", id)
	if name == "" {
		name = actor
	}
	return name, err
}

// resource is the name a resource was created with: "api" in environment
// "prod" is "prod/api"; an intercept is its app's name with the port; a
// resource whose first event carries no name has none ("").
func (n *names) resource(ctx context.Context, team, aggType, id string) (string, error) {
	key := team + "/" + aggType + "/" + id
	n.mu.Lock()
	name, ok := n.known[key]
	n.mu.Unlock()
	if ok {
		return name, nil
	}
	data, err := n.first(ctx, team, aggType, id)
	if err != nil {
		return "", err
	}
	var f struct {
		Name     string `json:"name"`
		Username string `json:"username"`
		Slug     string `json:"slug"`
		EnvID    string `json:"envId"`
		AppID    string `json:"appId"`
		Port     struct {
			Port     int    `json:"port"`
			Protocol string `json:"protocol"`
		} `json:"port"`
	}
	_ = json.Unmarshal(data, &f) // no name is an answer too
	name = firstOf(f.Name, f.Username, f.Slug)
	switch {
	case name != "" && f.EnvID != "" && aggType != "env":
		env, err := n.resource(ctx, team, "env", f.EnvID)
		if err != nil {
			return "", err
		}
		if env != "" {
			name = env + "/" + name
		}
	case name == "" && f.AppID != "" && aggType == "intercept":
		app, err := n.resource(ctx, team, "app", f.AppID)
		if err != nil {
			return "", err
		}
		if app != "" {
			name = fmt.Sprintf("%s:%d", app, f.Port.Port)
		}
	}
	n.mu.Lock()
	if len(n.known) >= maxNames {
		n.known = map[string]string{}
	}
	n.known[key] = name
	n.mu.Unlock()
	return name, nil
}

// first is the data of the aggregate's first event; nil when it has none.
func (n *names) first(ctx context.Context, team, aggType, id string) (json.RawMessage, error) {
	if events.ValidateToken("team", team) != nil || events.ValidateToken("type", aggType) != nil || events.ValidateToken("id", id) != nil {
		return nil, nil // not a subject the log could hold
	}
	var data json.RawMessage
	err := n.store.Read(ctx, events.Filter{Team: team, AggType: aggType, AggID: id, SkipTypes: true}, func(r events.Recorded) error {
		data = r.Raw
		return events.ErrStop
	})
	if err != nil && !errors.Is(err, events.ErrStop) {
		return nil, fmt.Errorf("name of %s %s: %w", aggType, id, err)
	}
	return data, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// resolveActor turns an actor filter given as a username ("admin": no
// kind prefix) into the actor as recorded ("user:<id>"); an actor with a
// prefix (user:<id>, system:<name>) is kept. A username nobody has is a
// BAD_USER_INPUT, not a filter that silently matches nothing.
func (s *Service) resolveActor(ctx context.Context, actor string) (string, error) {
	if actor == "" || strings.Contains(actor, ":") {
		return actor, nil
	}
	if err := checkText("actor", actor, 256); err != nil {
		return "", err
	}
	id, _, err := uniq.Owner(ctx, s.store, TeamLess, ad.UsernameKind, actor)
	if err != nil {
		return "", fmt.Errorf("actor %q: %w", actor, err)
	}
	if id == "" {
		return "", fault.Invalidf("actor", "no user is called %q: give a username, user:<id> or system:<name>", actor)
	}
	return "user:" + id, nil
}
