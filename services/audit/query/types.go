package query

import (
	"sort"
	"strings"

	"weft.dev/kernel/fault"
)

// resolveTypes returns types with each short form replaced by the one
// registered event type it names, so a person can filter by
// "app.created" or "AppCreated" as well as by "console.app.created".
// A registered name is kept; so is a full name this build does not know
// (service.aggregate.event: it may come from a newer build, and unknown
// types never break a read). A short form that names no registered type,
// or several, is a BAD_USER_INPUT naming the candidates: a filter that
// silently matches nothing is how a new user's first example failed.
func (s *Service) resolveTypes(types []string) ([]string, error) {
	if len(types) == 0 {
		return types, nil
	}
	reg := s.store.Registry()
	out := make([]string, 0, len(types))
	for _, t := range types {
		if err := checkText("types", t, 256); err != nil {
			return nil, err
		}
		if reg.Known(t) || strings.Count(t, ".") >= 2 {
			out = append(out, t)
			continue
		}
		var found []string
		for _, info := range reg.Types() {
			if shortFormOf(t, info.Name) {
				found = append(found, info.Name)
			}
		}
		switch len(found) {
		case 1:
			out = append(out, found[0])
		case 0:
			return nil, fault.Invalidf("types", "%q is no event type: types are named service.resource.event, e.g. console.app.created (or app.created, AppCreated)", t)
		default:
			sort.Strings(found)
			return nil, fault.Invalidf("types", "%q could be any of %s: give the full name", t, strings.Join(found, ", "))
		}
	}
	return out, nil
}

// shortFormOf reports whether short names the registered type name
// (service.resource.event): as its resource.event ("app.created") or its
// last part ("intercept-attached" is not enough: the resource is needed),
// or that without dots and dashes in any case ("AppCreated").
func shortFormOf(short, name string) bool {
	_, rest, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	if strings.EqualFold(short, rest) {
		return true
	}
	squash := func(s string) string {
		return strings.ToLower(strings.NewReplacer(".", "", "-", "", "_", "").Replace(s))
	}
	return !strings.Contains(short, ".") && squash(short) == squash(rest)
}
