package readmodel_test

import (
	"encoding/base64"
	"net/netip"
	"testing"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustAddr(t testing.TB, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
