package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The gateway forwards other names to the host's resolvers, unless that
// would fail CoreDNS's start (no nameserver) or ask itself.
func TestDNSForwardingIsCheckedBeforeCoreDNSGetsIt(t *testing.T) {
	dir := t.TempDir()
	conf := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	upstream := conf("upstream", "search example.com\nnameserver 192.0.2.53\n")
	tests := []struct {
		spec, listen string
		forward      bool
		why          string
	}{
		{upstream, "0.0.0.0:53", true, ""},
		{upstream, "192.0.2.53:5353", true, ""},
		{"192.0.2.1:53", "0.0.0.0:53", true, ""},
		{"", "0.0.0.0:53", false, ""},
		{conf("empty", "# nothing\n"), "0.0.0.0:53", false, "no nameserver"},
		{filepath.Join(dir, "missing"), "0.0.0.0:53", false, "no such file"},
		{conf("self", "nameserver 192.0.2.53\n"), "192.0.2.53:53", false, "answers itself"},
		{conf("loopback", "nameserver 127.0.0.1\n"), "0.0.0.0:53", false, "answers itself"},
		{conf("loopback-other-port", "nameserver 127.0.0.1\n"), "0.0.0.0:5353", true, ""},
	}
	for _, tt := range tests {
		to, why := forwardTo(tt.spec, tt.listen)
		if (to != "") != tt.forward || (tt.why == "") != (why == "") || !strings.Contains(why, tt.why) {
			t.Errorf("forwardTo(%q, %q) = %q, %q; want forwarding %v, reason %q", tt.spec, tt.listen, to, why, tt.forward, tt.why)
		}
	}
}
