// Package validate holds the checks applied to user input at the edge:
// names, addresses, ports, CIDRs and keys. Every check returns a
// *fault.Error naming the field, so a caller can return it unchanged.
package validate

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"weft.dev/kernel/fault"
)

// Name checks a resource name: a DNS label, [a-z0-9-], 1–63 characters, no
// leading or trailing hyphen. Names become DNS labels and subject tokens.
func Name(field, s string) error {
	if s == "" {
		return fault.Invalidf(field, "is required")
	}
	if len(s) > 63 {
		return fault.Invalidf(field, "%q is %d characters; at most 63", s, len(s))
	}
	for i, r := range s {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-'
		if !ok {
			return fault.Invalidf(field, "%q contains %q at position %d; use lowercase letters, digits and '-'", s, r, i+1)
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return fault.Invalidf(field, "%q may not start or end with '-'", s)
	}
	// "xn--" labels are punycode: a browser or a terminal may show them as
	// other letters, e.g. one that looks like a team's own name. IDNA
	// reserves every "??--" label for such encodings.
	if len(s) >= 4 && s[2:4] == "--" {
		return fault.Invalidf(field, "%q has '--' as its 3rd and 4th characters, which DNS reserves for encoded names (punycode, xn--); use lowercase letters, digits and single '-'", s)
	}
	return nil
}

// reservedSlugs are team slugs that would read as weft itself, the server,
// or a well-known name under the zone (<app>.<env>.<team>.weft.internal).
var reservedSlugs = []string{
	"admin", "administrator", "api", "auth", "dns", "graphql", "healthz", "help",
	"internal", "localhost", "login", "metrics", "nats", "ns", "portal", "readyz",
	"root", "security", "status", "support", "system", "weft", "www",
}

// TeamSlug checks a team's slug: a Name that is not reserved.
func TeamSlug(field, s string) error {
	if err := Name(field, s); err != nil {
		return err
	}
	for _, r := range reservedSlugs {
		if s == r {
			return fault.Invalidf(field, "%q is reserved; a team slug may not be one of %s", s, strings.Join(reservedSlugs, ", "))
		}
	}
	return nil
}

// DisplayName checks free text shown to people and returns it as weft keeps
// it: without invisible format characters (Unicode Cf: bidirectional
// overrides and isolates, which can make "gpj.exe" show as "exe.jpg",
// zero-width spaces and joiners, soft hyphens), which are dropped, then
// 1–100 printable characters.
func DisplayName(field, s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	if strings.TrimSpace(s) == "" {
		return "", fault.Invalidf(field, "is required (visible characters; invisible formatting characters are dropped)")
	}
	if len([]rune(s)) > 100 {
		return "", fault.Invalidf(field, "is longer than 100 characters")
	}
	for _, r := range s {
		if unicode.IsControl(r) || !utf8.ValidRune(r) || r == utf8.RuneError {
			return "", fault.Invalidf(field, "contains a control character or invalid UTF-8; use printable text")
		}
	}
	return s, nil
}

// Port checks a TCP/UDP port, 1–65535.
func Port(field string, p int) error {
	if p < 1 || p > 65535 {
		return fault.Invalidf(field, "%d is not a port (1–65535)", p)
	}
	return nil
}

// HostPort checks a backend address "host:port"; host is an IP or DNS name.
func HostPort(field, s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return fault.Invalidf(field, "%q is not host:port", s)
	}
	if host == "" {
		return fault.Invalidf(field, "%q has no host", s)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return fault.Invalidf(field, "%q has a non-numeric port", s)
	}
	if err := Port(field, p); err != nil {
		return err
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return nil
	}
	if len(host) > 253 {
		return fault.Invalidf(field, "host %q is too long", host)
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if err := hostLabel(label); err != nil {
			return fault.Invalidf(field, "host %q: %v", host, err)
		}
	}
	return nil
}

func hostLabel(l string) error {
	if l == "" || len(l) > 63 {
		return fault.Invalidf("", "label %q must be 1–63 characters", l)
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fault.Invalidf("", "label %q contains %q", l, r)
		}
	}
	return nil
}

// Addr checks an IP address.
func Addr(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fault.Invalidf(field, "%q is not an IP address", s)
	}
	return a, nil
}

// Prefix checks a CIDR and that it is in canonical form (no host bits set).
func Prefix(field, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fault.Invalidf(field, "%q is not a CIDR (like 10.0.0.0/24)", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fault.Invalidf(field, "%q has host bits set; did you mean %s?", s, p.Masked())
	}
	return p, nil
}
