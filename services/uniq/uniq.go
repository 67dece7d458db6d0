// Package uniq keeps names unique within a team. A name of a kind (cluster
// "prod", app "web") is an aggregate of its own, ev.<team>.name.<kind>-<name>;
// claiming it appends NameClaimed expecting the version read, atomically
// with the event that creates the resource. Two concurrent creators of the
// same name cannot both succeed: one append fails on the version check.
package uniq

import (
	"context"
	"fmt"

	"weft.dev/events"
	"weft.dev/kernel/fault"
)

// AggregateType is the subject token of name aggregates.
const AggregateType = "name"

// NameClaimed records that a name now belongs to a resource.
type NameClaimed struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Owner string `json:"owner"` // the resource's id
}

// NameReleased records that a name is free again.
type NameReleased struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

// Register registers the name events.
func Register(r *events.Registry) {
	events.Register[NameClaimed](r, "uniq.name.claimed", 1)
	events.Register[NameReleased](r, "uniq.name.released", 1)
}

// Ref is the aggregate of one name.
func Ref(kind, name string) events.AggregateRef {
	return events.AggregateRef{Type: AggregateType, ID: kind + "-" + name}
}

// Owner returns who holds the name now ("" when free) and the name's version.
func Owner(ctx context.Context, store *events.Store, team, kind, name string) (string, uint64, error) {
	owner := ""
	v, err := store.LoadFunc(ctx, team, Ref(kind, name), func(r events.Recorded) error {
		switch e := r.Data.(type) {
		case NameClaimed:
			owner = e.Owner
		case NameReleased:
			owner = ""
		}
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("look up %s name %q: %w", kind, name, err)
	}
	return owner, v, nil
}

// Claim returns the write that claims kind/name for owner, or a Conflict
// fault when another resource holds it. Store the write with the creating
// event (events.Command.Also) so the claim and the creation are one.
func Claim(ctx context.Context, store *events.Store, team, actor, kind, name, owner string) (events.Write, error) {
	cur, v, err := Owner(ctx, store, team, kind, name)
	if err != nil {
		return events.Write{}, err
	}
	if cur != "" && cur != owner {
		return events.Write{}, fault.Conflictf("%s %q already exists", kind, name)
	}
	return events.Write{Expected: v, Events: []events.Event{{
		Team: team, Aggregate: Ref(kind, name), Actor: actor,
		Data: NameClaimed{Kind: kind, Name: name, Owner: owner},
	}}}, nil
}

// Release returns the write that frees kind/name if owner holds it; no
// write (ok false) when it does not.
func Release(ctx context.Context, store *events.Store, team, actor, kind, name, owner string) (w events.Write, ok bool, err error) {
	cur, v, err := Owner(ctx, store, team, kind, name)
	if err != nil {
		return events.Write{}, false, err
	}
	if cur != owner {
		return events.Write{}, false, nil
	}
	return events.Write{Expected: v, Events: []events.Event{{
		Team: team, Aggregate: Ref(kind, name), Actor: actor,
		Data: NameReleased{Kind: kind, Name: name, Owner: owner},
	}}}, true, nil
}
