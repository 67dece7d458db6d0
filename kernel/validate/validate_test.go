package validate

import (
	"errors"
	"strings"
	"testing"

	"weft.dev/kernel/fault"
)

// check asserts err is nil when ok, else a BAD_USER_INPUT fault naming field.
func check(t *testing.T, what string, err error, ok bool, field string) {
	t.Helper()
	if ok {
		if err != nil {
			t.Errorf("%s: unexpected error %v", what, err)
		}
		return
	}
	var f *fault.Error
	if !errors.As(err, &f) || f.Code != fault.Invalid || f.Field != field {
		t.Errorf("%s: got %#v, want a BAD_USER_INPUT fault on %q", what, err, field)
	}
}

func TestNameAcceptsOnlyDNSLabels(t *testing.T) {
	for s, ok := range map[string]bool{
		"a": true, "app-1": true, "0db": true, strings.Repeat("a", 63): true,
		"": false, strings.Repeat("a", 64): false, "-app": false, "app-": false,
		"App": false, "app_1": false, "app.x": false, "app x": false, "äpp": false, "a*": false, "a>": false,
	} {
		check(t, "Name("+s+")", Name("name", s), ok, "name")
	}
}

func TestHostPortAcceptsIPsAndDNSNamesWithAValidPort(t *testing.T) {
	for s, ok := range map[string]bool{
		"10.0.0.1:8080": true, "[fd00::1]:443": true, "db.internal:5432": true, "Web_1.example.com.:80": true,
		"10.0.0.1": false, ":80": false, "host:0": false, "host:65536": false, "host:http": false,
		"bad host:80": false, "a..b:80": false, strings.Repeat("a", 64) + ".com:80": false,
	} {
		check(t, "HostPort("+s+")", HostPort("backends[0]", s), ok, "backends[0]")
	}
}

func TestPrefixRefusesHostBitsAndSuggestsTheNetwork(t *testing.T) {
	if _, err := Prefix("cidr", "100.64.0.0/10"); err != nil {
		t.Fatal(err)
	}
	_, err := Prefix("cidr", "100.64.1.0/10")
	check(t, "host bits", err, false, "cidr")
	if err == nil || !strings.Contains(err.Error(), "100.64.0.0/10") {
		t.Errorf("no suggestion in %v", err)
	}
	_, err = Prefix("cidr", "100.64.0.0")
	check(t, "no length", err, false, "cidr")
}

func TestPublicKeyNeedsThirtyTwoBytesOfBase64(t *testing.T) {
	check(t, "valid", PublicKey("publicKey", "3P1jmW5v0fn3Wy2u3Rw0sGsdcJLmPK3FWR1H8rXmKTE="), true, "")
	check(t, "short", PublicKey("publicKey", "AAAA"), false, "publicKey")
	check(t, "not base64", PublicKey("publicKey", strings.Repeat("!", 44)), false, "publicKey")
}

func TestPortsDisplayNamesAndAddrs(t *testing.T) {
	check(t, "port 1", Port("port", 1), true, "")
	check(t, "port 0", Port("port", 0), false, "port")
	check(t, "port 65536", Port("port", 65536), false, "port")
	check(t, "display", DisplayName("displayName", "Acme Corp. ✓"), true, "")
	check(t, "blank display", DisplayName("displayName", "  "), false, "displayName")
	check(t, "control char", DisplayName("displayName", "a\x00b"), false, "displayName")
	check(t, "long display", DisplayName("displayName", strings.Repeat("x", 101)), false, "displayName")
	_, err := Addr("ip", "100.64.0.1")
	check(t, "addr", err, true, "")
	_, err = Addr("ip", "100.64.0.256")
	check(t, "bad addr", err, false, "ip")
}
