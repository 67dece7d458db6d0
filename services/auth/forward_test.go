package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignedPrincipalVerifiesOnlyUnchangedUnexpiredAndWithTheSameKey(t *testing.T) {
	s, err := RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	other, _ := RandomSigner()
	p := Principal{UserID: "u1", Team: "acme", Role: Admin}
	v := s.Sign(p, time.Minute)

	got, err := s.Verify(v)
	if err != nil || got != p {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, p)
	}

	parts := strings.Split(v, ".")
	forgedBody := s.Sign(Principal{UserID: "u1", Team: "acme", Role: Owner}, time.Minute)
	bad := map[string]string{
		"empty":           "",
		"other key":       other.Sign(p, time.Minute),
		"swapped body":    parts[0] + "." + strings.Split(forgedBody, ".")[1] + "." + parts[2],
		"truncated sig":   v[:len(v)-2],
		"unknown version": "v2." + parts[1] + "." + parts[2],
		"bare principal":  `{"u":"u1","t":"acme","r":"owner"}`,
	}
	for name, v := range bad {
		if _, err := s.Verify(v); !errors.Is(err, ErrBadAssertion) {
			t.Errorf("%s: Verify err = %v, want ErrBadAssertion", name, err)
		}
	}

	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, err := s.Verify(v); !errors.Is(err, ErrBadAssertion) {
		t.Errorf("expired: Verify err = %v", err)
	}
}

func TestSignerRefusesShortKeys(t *testing.T) {
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Fatal("a 5-byte key was accepted")
	}
}
