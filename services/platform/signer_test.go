package platform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"weft.dev/kernel/auth"
)

func TestSignerReadsTheSharedKeyFileSoSplitProcessesAgree(t *testing.T) {
	key := filepath.Join(t.TempDir(), "internal.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("k", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gateway, err := newSigner(Config{InternalKeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	subgraph, err := newSigner(Config{InternalKeyFile: key})
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Principal{UserID: "u1", Team: "acme", Role: auth.Member}
	if got, err := subgraph.Verify(gateway.Sign(p, time.Minute)); err != nil || got != p {
		t.Errorf("Verify = %+v, %v", got, err)
	}

	random, err := newSigner(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := random.Verify(gateway.Sign(p, time.Minute)); err == nil {
		t.Error("a random key verified the shared key's assertion")
	}

	short := filepath.Join(t.TempDir(), "short.key")
	_ = os.WriteFile(short, []byte("short"), 0o600)
	for _, f := range []string{short, filepath.Join(t.TempDir(), "missing.key")} {
		if _, err := newSigner(Config{InternalKeyFile: f}); err == nil {
			t.Errorf("%s: accepted", f)
		}
	}
}
