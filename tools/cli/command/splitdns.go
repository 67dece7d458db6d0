package command

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
)

// splitDNS points the names under weft.internal, and only those, at the
// team's gateways on a tunnel's interface, where the system has a way to
// say so per interface: systemd-resolved's resolvectl on Linux. The
// settings belong to the interface, so they go with it when connect
// ends; nothing else of the system's resolution changes.
type splitDNS struct {
	iface, team string
	// resolvectl is the program's path; "" when the system has none.
	resolvectl string
	have       []string // the servers last set
}

func newSplitDNS(iface, team string) *splitDNS {
	s := &splitDNS{iface: iface, team: team}
	if runtime.GOOS == "linux" {
		s.resolvectl, _ = exec.LookPath("resolvectl")
	}
	return s
}

// set makes servers the interface's resolvers for weft.internal (when
// they changed) and returns what it did, for the user, or "" when nothing
// changed. Without resolvectl it says what to do instead, once. A failing
// resolvectl (systemd-resolved not running) is an error for the caller to
// report; the tunnel works without it.
func (s *splitDNS) set(ctx context.Context, servers []string) (string, error) {
	servers = slices.Sorted(slices.Values(servers))
	if len(servers) == 0 || slices.Equal(servers, s.have) {
		return "", nil
	}
	first := s.have == nil
	s.have = servers
	if s.resolvectl == "" {
		if !first {
			return "", nil
		}
		return fmt.Sprintf("names: no resolvectl here, so *.%s is not routed to the gateways; ask them directly (dig @%s api.prod.%s.%s) or see the README's \"Name resolution\"",
			meshZone, servers[0], s.team, meshZone), nil
	}
	// "~weft.internal" routes the zone to these servers only; the team's
	// domain is also searched, so api.prod finds api.prod.<team>.weft.internal.
	if err := s.run(ctx, append([]string{"dns", s.iface}, servers...)...); err != nil {
		return "", err
	}
	if err := s.run(ctx, "domain", s.iface, "~"+meshZone, s.team+"."+meshZone); err != nil {
		return "", err
	}
	return fmt.Sprintf("names: *.%s asked of %s on %s (resolvectl; searching %s.%s)", meshZone, strings.Join(servers, ", "), s.iface, s.team, meshZone), nil
}

func (s *splitDNS) run(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, s.resolvectl, args...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("split DNS: resolvectl %s: %s", strings.Join(args, " "), msg)
	}
	return nil
}
