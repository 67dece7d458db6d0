package command

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// checkName refuses a name that is not a DNS label, before any request:
// names become DNS names (<app>.<env>.<team>.weft.internal).
func checkName(kind, name string) error {
	if err := dnsLabel(name); err != nil {
		return usagef("invalid %s name %q: %v", kind, name, err)
	}
	return nil
}

func dnsLabel(s string) error {
	if len(s) == 0 || len(s) > 63 {
		return fmt.Errorf("must be 1 to 63 characters long")
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return fmt.Errorf("may hold only lowercase letters, digits and '-' (found %q)", r)
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return fmt.Errorf("must start and end with a letter or digit")
	}
	return nil
}

// parsePort reads a port with an optional protocol: 80, 53/udp, 8080/http.
func parsePort(s string) (port int, proto string, err error) {
	p, pr, _ := strings.Cut(s, "/")
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n > 65535 {
		return 0, "", usagef("invalid port %q: want a number from 1 to 65535, optionally with /tcp, /udp or /http", s)
	}
	switch strings.ToUpper(pr) {
	case "", "TCP":
		return n, "TCP", nil
	case "UDP", "HTTP":
		return n, strings.ToUpper(pr), nil
	}
	return 0, "", usagef("invalid port %q: protocol must be tcp, udp or http", s)
}

// checkBackend refuses a backend that is not host:port.
func checkBackend(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" {
		return usagef("invalid backend %q: want host:port, e.g. 10.0.0.7:8080", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return usagef("invalid backend %q: port must be 1 to 65535", s)
	}
	return nil
}

// checkPublicKey refuses anything but a base64 WireGuard public key (32
// bytes), so a private key pasted by mistake is not obviously refused
// later by the server but caught here too if malformed.
func checkPublicKey(s string) error {
	if len(s) != 44 || !strings.HasSuffix(s, "=") {
		return usagef("invalid public key %q: want a 44-character base64 WireGuard key (wg pubkey)", s)
	}
	return nil
}

// parseTimeOrSeq reads --as-of and friends: an RFC 3339 time, a duration
// ago (e.g. 2h), or an EVENTS sequence number.
func parseTimeOrSeq(s string, now time.Time) (t *time.Time, seq *int, err error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return nil, &n, nil
	}
	if tt, err := parseTime(s, now); err == nil {
		return &tt, nil, nil
	}
	return nil, nil, usagef("invalid point in time %q: want an RFC 3339 time (2026-11-24T12:00:00Z), a duration ago (2h) or an event sequence (1234)", s)
}

func parseTime(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, usagef("invalid time %q: want RFC 3339 (2026-11-24T12:00:00Z) or a duration ago (2h)", s)
}

// looksLikeID reports whether s has the shape of a weft id (a UUID,
// 8-4-4-4-12 hex digits), so a command that takes a name or an id knows
// which it was given. A name of that shape would be taken for an id.
func looksLikeID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if (r < '0' || r > '9') && (r < 'a' || r > 'f') && (r < 'A' || r > 'F') {
				return false
			}
		}
	}
	return true
}
