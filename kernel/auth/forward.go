package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Header carries a principal from the gateway to a subgraph. Subgraphs
// accept it only with a valid signature, so a client that reaches a
// subgraph directly cannot claim to be anyone.
const Header = "Weft-Principal"

// ErrBadAssertion is returned for a missing, malformed, forged or expired
// principal assertion.
var ErrBadAssertion = errors.New("auth: bad principal assertion")

// Signer signs and verifies principal assertions with a key shared by the
// gateway and the subgraphs (HMAC-SHA256). In the all-in-one server the key
// is made at start and never leaves the process; split deployments give
// every service the same key file.
type Signer struct {
	key []byte
	now func() time.Time

	// verified remembers assertions already verified, until they expire:
	// the gateway sends one assertion with every fetch of a request (and
	// the same one for a principal's requests within a second), and each
	// subgraph request verifying it anew cost a tenth of a subgraph's
	// time. An entry holds exactly what verifying the same string again
	// would give.
	mu       sync.Mutex
	verified map[string]verifiedAssertion

	// signed remembers the assertion last made for a principal with each
	// expiry second: the gateway signs one for every request, and a
	// principal's requests within a second get the same bytes anyway
	// (encoding and HMAC were 15 allocations a request).
	signedMu sync.Mutex
	signed   map[signedKey]string
}

type signedKey struct {
	p   Principal
	exp int64
}

type verifiedAssertion struct {
	p   Principal
	exp int64
}

// maxVerified bounds the remembered assertions; when full they are
// forgotten all at once (each is one HMAC away from being re-verified).
const maxVerified = 4096

// NewSigner returns a signer for key, which must hold at least 32 bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("auth: signing key has %d bytes, need at least 32", len(key))
	}
	return &Signer{key: append([]byte(nil), key...), now: time.Now}, nil
}

// RandomSigner returns a signer with a fresh random key.
func RandomSigner() (*Signer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("auth: signing key: %w", err)
	}
	return NewSigner(key)
}

type assertion struct {
	UserID string `json:"u"`
	Team   string `json:"t,omitempty"`
	Role   Role   `json:"r,omitempty"`
	System bool   `json:"s,omitempty"`
	Exp    int64  `json:"e"`
}

// Sign returns the assertion of p, valid for ttl.
func (s *Signer) Sign(p Principal, ttl time.Duration) string {
	key := signedKey{p: p, exp: s.now().Add(ttl).Unix()}
	s.signedMu.Lock()
	v, ok := s.signed[key]
	s.signedMu.Unlock()
	if ok {
		return v
	}
	body, _ := json.Marshal(assertion{UserID: p.UserID, Team: p.Team, Role: p.Role, System: p.System, Exp: key.exp})
	b := base64.RawURLEncoding.EncodeToString(body)
	v = "v1." + b + "." + base64.RawURLEncoding.EncodeToString(s.mac(b))
	s.signedMu.Lock()
	if s.signed == nil || len(s.signed) >= maxSigned {
		// Entries of past seconds are never asked for again.
		s.signed = make(map[signedKey]string, 64)
	}
	s.signed[key] = v
	s.signedMu.Unlock()
	return v
}

// maxSigned bounds the remembered assertions, as maxVerified the
// verified ones.
const maxSigned = 4096

// Verify returns the principal of an assertion made by Sign with the same
// key and not yet expired.
func (s *Signer) Verify(v string) (Principal, error) {
	s.mu.Lock()
	known, ok := s.verified[v]
	s.mu.Unlock()
	if ok {
		if s.now().Unix() > known.exp {
			return Principal{}, fmt.Errorf("%w: expired", ErrBadAssertion)
		}
		return known.p, nil
	}
	p, exp, err := s.verify(v)
	if err != nil {
		return Principal{}, err
	}
	s.mu.Lock()
	if s.verified == nil || len(s.verified) >= maxVerified {
		s.verified = make(map[string]verifiedAssertion, 64)
	}
	s.verified[v] = verifiedAssertion{p: p, exp: exp}
	s.mu.Unlock()
	return p, nil
}

// verify checks v's signature, expiry and contents.
func (s *Signer) verify(v string) (Principal, int64, error) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || parts[0] != "v1" {
		return Principal{}, 0, ErrBadAssertion
	}
	// Strict: an assertion has one spelling. Lenient decoding let a
	// signature whose last character differed only in its unused bits
	// through, as another string for the same bytes.
	sig, err := strictB64.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.mac(parts[1])) {
		return Principal{}, 0, ErrBadAssertion
	}
	body, err := strictB64.DecodeString(parts[1])
	if err != nil {
		return Principal{}, 0, ErrBadAssertion
	}
	var a assertion
	if err := json.Unmarshal(body, &a); err != nil || a.UserID == "" {
		return Principal{}, 0, ErrBadAssertion
	}
	if s.now().Unix() > a.Exp {
		return Principal{}, 0, fmt.Errorf("%w: expired", ErrBadAssertion)
	}
	if a.Role != "" && !a.Role.Valid() {
		return Principal{}, 0, ErrBadAssertion
	}
	return Principal{UserID: a.UserID, Team: a.Team, Role: a.Role, System: a.System}, a.Exp, nil
}

// strictB64 decodes what Sign encodes and refuses any other spelling.
var strictB64 = base64.RawURLEncoding.Strict()

func (s *Signer) mac(b string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("weft-principal/v1\x00"))
	m.Write([]byte(b))
	return m.Sum(nil)
}
