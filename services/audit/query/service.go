// Package query is the audit service's reads, answered from the EVENTS log
// itself rather than from a read model:
//
//   - History: the events of a team, narrowed to a resource, an aggregate
//     type, event types, an actor, a sequence range and a time range, newest
//     or oldest first, in pages joined by a sequence cursor.
//   - AsOf: a resource's state as of a past sequence or time, computed by
//     replaying the team's events up to that point into a fresh instance of
//     the owning service's own read model (its platform.AsOfSource).
//   - Follow: the team's events as they are appended, for live views.
//
// Guarantees: every read is scoped to the caller's team. A caller asking for
// another team gets NOT_FOUND, exactly as if the team did not exist; events
// of team-less aggregates (team token "_", e.g. users) and reads across all
// teams are for system principals only. Bad input is a BAD_USER_INPUT
// *fault.Error naming the field. Event types this build does not know never
// break a read: history shows them with their data as stored, as-of models
// do not see them (as the live projection runner does not).
//
// History and AsOf read the log with batched direct gets (events.Store.Read):
// no read makes a consumer or leaves anything on the server, so any number
// of clients may read at once. Each team runs at most ReadsPerTeam of them
// at once in a process; more wait for their turn (or their context), so
// one team's burst of reads never delays another team's. Follow, a live
// subscription, holds one ordered consumer while it runs.
//
// Time ranges and as-of times refer to when the log stored an event (the
// JetStream timestamp), which is monotonic in sequence order; an entry's
// Time is the time its writer stamped, normally the same instant or a hair
// earlier.
package query

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
	"weft.dev/services/platform"
)

// TeamLess is the team token of aggregates that belong to no team (users,
// tokens). Only system principals read their events.
const TeamLess = "_"

// Service answers audit queries.
type Service struct {
	store   *events.Store
	sources map[string]platform.AsOfSource // by aggregate type
	log     *slog.Logger
	slots   *teamSlots
	names   *names
	// checkpoints are as-of models part-way through teams' logs.
	checkpoints *checkpoints
}

// New returns the service over store. sources are every service's as-of
// sources; two sources claiming the same aggregate type are an error, since
// the audit service could not tell whose read model to replay.
func New(store *events.Store, sources []platform.AsOfSource, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, sources: map[string]platform.AsOfSource{}, log: log.With("service", "audit"), slots: newTeamSlots(ReadsPerTeam), names: newNames(store), checkpoints: newCheckpoints(checkpointBytes)}
	for _, src := range sources {
		if src.New == nil {
			return nil, fmt.Errorf("audit: as-of source for %v has no constructor", src.AggregateTypes)
		}
		for _, t := range src.AggregateTypes {
			if _, dup := s.sources[t]; dup {
				return nil, fmt.Errorf("audit: two as-of sources for aggregate type %q", t)
			}
			s.sources[t] = src
		}
	}
	return s, nil
}

// scope checks that p may read team's events. An empty team means every
// team and, like the team-less token, is for system principals only.
func scope(p auth.Principal, team string) error {
	if !p.System && p.UserID == "" {
		return &fault.Error{Code: fault.Unauthenticated, Msg: "not signed in"}
	}
	switch team {
	case "":
		if p.System {
			return nil
		}
		return fault.Invalidf("team", "is required")
	case TeamLess:
		if p.System {
			return nil
		}
		// Do not reveal more than for any other team that is not theirs.
		return fault.NotFoundf("team %q", team)
	}
	if err := checkToken("team", team); err != nil {
		return err
	}
	return p.Require(team, auth.Auditor)
}

// checkToken checks a non-empty subject token (team, aggregate type or id).
func checkToken(field, s string) error {
	if s == "" {
		return fault.Invalidf(field, "is required")
	}
	if err := events.ValidateToken(field, s); err != nil {
		return fault.Invalidf(field, "%q is not valid: it must be at most 128 bytes without '.', '*', '>' or spaces", s)
	}
	return nil
}

// checkText checks free-form identifiers (event type names, actors):
// non-empty, bounded, printable, no spaces.
func checkText(field, s string, max int) error {
	if s == "" {
		return fault.Invalidf(field, "may not be empty")
	}
	if len(s) > max {
		return fault.Invalidf(field, "is longer than %d bytes", max)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
		return fault.Invalidf(field, "%q contains a space or control character", s)
	}
	return nil
}
