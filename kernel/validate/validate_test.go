package validate

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
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

func TestPublicKeyRefusesTheZeroKeyAndLowOrderPoints(t *testing.T) {
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	le := func(hexBE string) []byte { // a field element, big-endian hex, as 32 little-endian bytes
		b, _ := hex.DecodeString(hexBE)
		out := make([]byte, 32)
		for i := range b {
			out[i] = b[len(b)-1-i]
		}
		return out
	}
	p := "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed"
	bad := map[string][]byte{
		"zero":       make([]byte, 32),
		"one":        le("01"),
		"order 8 #1": le("00b8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0"),
		"order 8 #2": le("57119fd0dd4e22d8868e1c58c45c44045bef839c55b1d0b1248c50a3bc959c5f"),
		"p-1":        le("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffec"),
		"p (0)":      le(p),
		"p+1 (1)":    le("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffee"),
	}
	for name, b := range bad {
		check(t, name, PublicKey("publicKey", b64(b)), false, "publicKey")
		b[31] |= 0x80 // the unused top bit set: the same point
		check(t, name+" top bit", PublicKey("publicKey", b64(b)), false, "publicKey")
	}
	for range 20 {
		k, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		check(t, "generated", PublicKey("publicKey", b64(k.PublicKey().Bytes())), true, "")
	}
}

func TestBackendRefusesTheHostLinkLocalMulticastAndWeftsOwnAddresses(t *testing.T) {
	for s, ok := range map[string]bool{
		"10.0.0.7:8080": true, "192.0.2.1:80": true, "[2001:db8::1]:443": true, "db.prod.svc:5432": true,
		"100.80.0.1:80": true, // another app's service IP
		"127.0.0.1:22":  false, "127.1.2.3:80": false, "[::1]:80": false, "[::ffff:127.0.0.1]:80": false,
		"0.0.0.0:80": false, "0.1.2.3:80": false, "[::]:80": false,
		"169.254.169.254:80": false, "[fe80::1]:80": false, "[fe80::1%eth0]:80": false,
		"224.0.0.1:80": false, "239.1.1.1:80": false, "[ff02::1]:80": false, "255.255.255.255:80": false,
		"100.64.0.1:4222": false, "100.79.255.255:53": false,
		"localhost:80": false, "LocalHost.:80": false, "a.localhost:80": false,
		"metadata.google.internal:80": false, "metadata:80": false,
	} {
		err := Backend("backends[0]", s)
		check(t, "Backend("+s+")", err, ok, "backends[0]")
		if !ok && err != nil && !strings.Contains(err.Error(), "routable unicast") {
			t.Errorf("Backend(%s) = %v: does not say what is allowed", s, err)
		}
	}
}

func TestNamesRefusePunycodeAndTeamSlugsTheReservedWords(t *testing.T) {
	check(t, "punycode", Name("name", "xn--80ak6aa92e"), false, "name")
	check(t, "reserved ??--", Name("name", "ab--cd"), false, "name")
	check(t, "double hyphen later", Name("name", "abc--d"), true, "")
	for _, s := range []string{"admin", "weft", "www", "internal", "api", "root"} {
		check(t, "TeamSlug("+s+")", TeamSlug("slug", s), false, "slug")
		check(t, "Name("+s+")", Name("name", s), true, "")
	}
	check(t, "TeamSlug(acme)", TeamSlug("slug", "acme"), true, "")
	if err := TeamSlug("slug", "admin"); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("TeamSlug(admin) = %v; want it to say the word is reserved", err)
	}
}

func TestDisplayNamesLoseBidiControlsAndInvisibleCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"Acme":                         "Acme",
		"inv\u202eexe.jpg":             "invexe.jpg", // right-to-left override
		"\u2066Acme\u2069":             "Acme",       // isolate
		"A\u200bc\u200dm\u00ade\ufeff": "Acme",       // zero-width space and joiner, soft hyphen, BOM
		"\u200e\u200fAcme Ünïcode ✓":   "Acme Ünïcode ✓",
	} {
		got, err := DisplayName("displayName", in)
		if err != nil || got != want {
			t.Errorf("DisplayName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := DisplayName("displayName", "\u202e\u200b")
	check(t, "only invisible", err, false, "displayName")
}

func TestPortsDisplayNamesAndAddrs(t *testing.T) {
	check(t, "port 1", Port("port", 1), true, "")
	check(t, "port 0", Port("port", 0), false, "port")
	check(t, "port 65536", Port("port", 65536), false, "port")
	display := func(s string) error { _, err := DisplayName("displayName", s); return err }
	check(t, "display", display("Acme Corp. ✓"), true, "")
	check(t, "blank display", display("  "), false, "displayName")
	check(t, "control char", display("a\x00b"), false, "displayName")
	check(t, "long display", display(strings.Repeat("x", 101)), false, "displayName")
	_, err := Addr("ip", "100.64.0.1")
	check(t, "addr", err, true, "")
	_, err = Addr("ip", "100.64.0.256")
	check(t, "bad addr", err, false, "ip")
}
