package domain

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"time"

	"weft.dev/events/event"
	"weft.dev/kernel/fault"
)

// Token is an API token aggregate's state: never the secret, only its hash.
type Token struct {
	ID        string
	UserID    string
	Name      string
	Hash      string
	ExpiresAt *time.Time
	Bootstrap bool
	Revoked   bool
	Created   bool
}

// EvolveToken folds one event into tk.
func EvolveToken(tk Token, r event.Recorded) Token {
	switch e := r.Data.(type) {
	case TokenCreated:
		tk = Token{ID: e.ID, UserID: e.UserID, Name: e.Name, Hash: e.Hash, ExpiresAt: e.ExpiresAt, Bootstrap: e.Bootstrap, Created: true}
	case TokenRevoked:
		tk.Revoked = true
	}
	return tk
}

// HashSecret is how token secrets are stored: SHA-256, hex. A secret
// carries 256 random bits, so an unsalted fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// DecideCreateToken records a new token; the id must be fresh.
func DecideCreateToken(tk Token, c TokenCreated) ([]any, error) {
	if tk.Created {
		return nil, fault.WithKind(ErrExists, fault.Conflictf("token %s already exists", c.ID))
	}
	return []any{c}, nil
}

// DecideRevokeToken revokes a token; nothing when it already is.
func DecideRevokeToken(tk Token, id string) ([]any, error) {
	if !tk.Created {
		return nil, NotFound("id", "token %s", id)
	}
	if tk.Revoked {
		return nil, nil
	}
	return []any{TokenRevoked{ID: tk.ID, UserID: tk.UserID}}, nil
}

// CheckToken accepts secret for tk at now: the token exists, is not
// revoked, has not expired, and the secret's hash matches (compared in
// constant time). Every refusal is the same UNAUTHENTICATED fault.
func CheckToken(tk Token, secret string, now time.Time) error {
	presented := HashSecret(secret)
	match := subtle.ConstantTimeCompare([]byte(presented), []byte(tk.Hash)) == 1
	expired := tk.ExpiresAt != nil && !now.Before(*tk.ExpiresAt)
	if !tk.Created || tk.Hash == "" || tk.Revoked || expired || !match {
		return Unauthenticated()
	}
	return nil
}
