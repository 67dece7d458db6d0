package domain

import (
	"fmt"
	"reflect"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Action is what a matching policy does to a connection.
type Action string

// Actions.
const (
	Allow Action = "allow"
	Deny  Action = "deny"
)

// SubjectKind says what a policy source or target names.
type SubjectKind string

// Subject kinds. Sources: device, user, cluster, env, all. Targets: app,
// env, all.
const (
	SubjectDevice  SubjectKind = "device"
	SubjectUser    SubjectKind = "user"
	SubjectCluster SubjectKind = "cluster"
	SubjectEnv     SubjectKind = "env"
	SubjectApp     SubjectKind = "app"
	SubjectAll     SubjectKind = "all"
)

// Priority bounds.
const (
	MinPriority = -1_000_000
	MaxPriority = 1_000_000
	MaxSubjects = 256
)

// Subject is one source or target of a policy: a kind and the resource's
// id (a user's id for users; empty for all).
type Subject struct {
	Kind SubjectKind `json:"kind"`
	ID   string      `json:"id,omitempty"`
}

// Rule is what a policy says: Action for connections from any of Sources
// to any of Targets. Higher Priority is evaluated first.
type Rule struct {
	Action      Action    `json:"action"`
	Priority    int       `json:"priority"`
	Sources     []Subject `json:"sources"`
	Targets     []Subject `json:"targets"`
	Description string    `json:"description,omitempty"`
}

// Validate checks a rule's shape (not that the resources exist).
func (r Rule) Validate() error {
	if r.Action != Allow && r.Action != Deny {
		return fault.Invalidf("action", "%q is not allow or deny", r.Action)
	}
	if r.Priority < MinPriority || r.Priority > MaxPriority {
		return fault.Invalidf("priority", "%d is outside %d…%d", r.Priority, MinPriority, MaxPriority)
	}
	if len(r.Description) > 500 {
		return fault.Invalidf("description", "is longer than 500 characters")
	}
	if err := checkSubjects("sources", r.Sources, SubjectDevice, SubjectUser, SubjectCluster, SubjectEnv); err != nil {
		return err
	}
	return checkSubjects("targets", r.Targets, SubjectApp, SubjectEnv)
}

func checkSubjects(field string, subs []Subject, kinds ...SubjectKind) error {
	if len(subs) == 0 {
		return fault.Invalidf(field, "at least one is required (kind %q matches everything)", SubjectAll)
	}
	if len(subs) > MaxSubjects {
		return fault.Invalidf(field, "%d entries; at most %d", len(subs), MaxSubjects)
	}
	seen := map[Subject]bool{}
	for i, s := range subs {
		f := fmt.Sprintf("%s[%d]", field, i)
		ok := s.Kind == SubjectAll
		for _, k := range kinds {
			ok = ok || s.Kind == k
		}
		if !ok {
			return fault.Invalidf(f+".kind", "%q is not one of %v or %s", s.Kind, kinds, SubjectAll)
		}
		if s.Kind == SubjectAll && s.ID != "" {
			return fault.Invalidf(f+".id", "kind all takes no id")
		}
		if s.Kind != SubjectAll {
			if err := event.ValidateToken(f+".id", s.ID); err != nil {
				return fault.Invalidf(f+".id", "%v", err)
			}
		}
		if seen[s] {
			return fault.Invalidf(f, "%s %s is listed twice", s.Kind, s.ID)
		}
		seen[s] = true
	}
	return nil
}

// Policy is an access policy's state.
type Policy struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Rule    Rule   `json:"rule"`
	Deleted bool   `json:"deleted,omitempty"`
}

// Exists reports whether the policy was created and not deleted.
func (p Policy) Exists() bool { return p.ID != "" && !p.Deleted }

// EvolvePolicy folds one event into a policy.
func EvolvePolicy(s Policy, r event.Recorded) Policy {
	switch e := r.Data.(type) {
	case PolicyCreated:
		return Policy{ID: e.ID, Name: e.Name, Rule: e.Rule}
	case PolicyUpdated:
		s.Rule = e.Rule
	case PolicyDeleted:
		s.Deleted = true
	}
	return s
}

// DecideCreatePolicy creates policy id with a validated rule.
func DecideCreatePolicy(s Policy, id, name string, rule Rule) ([]any, error) {
	if s.ID != "" {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("policy %s already exists", id))
	}
	return []any{PolicyCreated{ID: id, Name: name, Rule: rule}}, nil
}

// DecideUpdatePolicy replaces the rule; an identical rule changes nothing.
func DecideUpdatePolicy(s Policy, rule Rule) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("policy", "policy %s", s.ID))
	}
	if reflect.DeepEqual(s.Rule, rule) {
		return nil, nil
	}
	return []any{PolicyUpdated{ID: s.ID, Rule: rule}}, nil
}

// DecideDeletePolicy deletes a policy.
func DecideDeletePolicy(s Policy) ([]any, error) {
	if !s.Exists() {
		return nil, fault.WithKind(ErrNotFound, NotFound("policy", "policy %s", s.ID))
	}
	return []any{PolicyDeleted{ID: s.ID, Name: s.Name}}, nil
}
