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

// Verifying remembers what it verified, but never longer than the
// assertion is valid, and never more than maxVerified at once; a forged
// variant of a remembered assertion is still refused.
func TestRememberedAssertionsExpireAndStayBounded(t *testing.T) {
	s, err := RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	p := Principal{UserID: "u1", Team: "acme", Role: Member}
	v := s.Sign(p, time.Minute)
	for range 2 {
		if got, err := s.Verify(v); err != nil || got != p {
			t.Fatalf("Verify = %+v, %v", got, err)
		}
	}
	parts := strings.Split(v, ".")
	last := "A"
	if strings.HasSuffix(parts[2], last) {
		last = "B"
	}
	if _, err := s.Verify(parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-1] + last); !errors.Is(err, ErrBadAssertion) {
		t.Errorf("a changed signature of a remembered assertion: %v", err)
	}
	for i := range maxVerified + 10 {
		if _, err := s.Verify(s.Sign(Principal{UserID: "u" + strings.Repeat("x", i%7), Team: "t", Role: Member}, time.Duration(i+1)*time.Second+time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	n := len(s.verified)
	s.mu.Unlock()
	if n > maxVerified {
		t.Errorf("%d assertions remembered, bound is %d", n, maxVerified)
	}
	if _, err := s.Verify(v); err != nil {
		t.Fatalf("re-verifying after the cache was emptied: %v", err)
	}
	s.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if _, err := s.Verify(v); !errors.Is(err, ErrBadAssertion) {
		t.Errorf("a remembered assertion past its expiry: %v", err)
	}
}

// A remembered assertion is the one signing anew would give: same
// principal and expiry second, same bytes; any other principal or second
// gets its own.
func TestSignRemembersExactlyWhatItWouldSign(t *testing.T) {
	s, err := RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	fresh := func(p Principal, ttl time.Duration) string {
		t.Helper()
		c, err := NewSigner(s.key)
		if err != nil {
			t.Fatal(err)
		}
		c.now = s.now
		return c.Sign(p, ttl)
	}
	alice := Principal{UserID: "alice", Team: "acme", Role: Owner}
	bob := Principal{UserID: "bob", Team: "acme", Role: Member}
	a1 := s.Sign(alice, time.Minute)
	if a1 != fresh(alice, time.Minute) || s.Sign(alice, time.Minute) != a1 {
		t.Fatal("a repeated Sign differs from a fresh one")
	}
	if b := s.Sign(bob, time.Minute); b == a1 || b != fresh(bob, time.Minute) {
		t.Fatal("another principal got a remembered assertion")
	}
	now = now.Add(time.Second)
	if a2 := s.Sign(alice, time.Minute); a2 == a1 || a2 != fresh(alice, time.Minute) {
		t.Fatal("the next second reused the last second's assertion")
	}
	if p, err := s.Verify(a1); err != nil || p != alice {
		t.Fatalf("Verify(remembered) = %+v, %v", p, err)
	}
}
