package clusterstate

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/nacl/box"
)

// Secret values travel to an agent sealed to the agent's own sealing key
// pair (NaCl box, anonymous: X25519, XSalsa20-Poly1305). The agent makes
// the pair on its host at its first start (LoadOrCreateSealingKey), keeps
// the private half there (mode 0600) and reports only the public half
// (Gateway.SealingKey); the message office seals each value to it
// (SealTo), and only that agent opens it (SealingKey.Open). Another
// cluster's agent, which cannot read this cluster's stream anyway, could
// not open what it holds either.

// SealingKey is an agent's sealing key pair.
type SealingKey struct {
	Public, private *[32]byte
}

// PublicString is the public half as reported: base64.
func (k SealingKey) PublicString() string { return base64.StdEncoding.EncodeToString(k.Public[:]) }

// LoadOrCreateSealingKey reads the pair kept in file, or makes one and
// keeps it there (mode 0600). A file others can read is refused.
func LoadOrCreateSealingKey(file string) (SealingKey, error) {
	b, err := os.ReadFile(file)
	switch {
	case err == nil:
		fi, err := os.Stat(file)
		if err != nil {
			return SealingKey{}, err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return SealingKey{}, fmt.Errorf("%s is readable by others (mode %o): run chmod 600 %s", file, fi.Mode().Perm(), file)
		}
		raw, err := base64.StdEncoding.DecodeString(string(b))
		if err != nil || len(raw) != 64 {
			return SealingKey{}, fmt.Errorf("read sealing key %s: not a key pair", file)
		}
		var pub, priv [32]byte
		copy(pub[:], raw[:32])
		copy(priv[:], raw[32:])
		return SealingKey{Public: &pub, private: &priv}, nil
	case !errors.Is(err, os.ErrNotExist):
		return SealingKey{}, fmt.Errorf("read sealing key: %w", err)
	}
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return SealingKey{}, fmt.Errorf("make sealing key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return SealingKey{}, fmt.Errorf("save sealing key: %w", err)
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(base64.StdEncoding.EncodeToString(append(pub[:], priv[:]...))), 0o600); err != nil {
		return SealingKey{}, fmt.Errorf("save sealing key: %w", err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return SealingKey{}, fmt.Errorf("save sealing key: %w", err)
	}
	return SealingKey{Public: pub, private: priv}, nil
}

// NewSealingKey makes a pair in memory (tests).
func NewSealingKey() (SealingKey, error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return SealingKey{}, err
	}
	return SealingKey{Public: pub, private: priv}, nil
}

// ParseSealingKey reads a reported public half.
func ParseSealingKey(s string) (*[32]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%q is not a sealing key (32 bytes, base64)", s)
	}
	var k [32]byte
	copy(k[:], b)
	return &k, nil
}

// SealTo seals plain to the agent whose public sealing key is pub; the
// result is base64.
func SealTo(pub *[32]byte, plain []byte) (string, error) {
	out, err := box.SealAnonymous(nil, plain, pub, rand.Reader)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return base64.StdEncoding.EncodeToString(out), nil
}

// Open opens a value SealTo sealed to this pair.
func (k SealingKey) Open(sealed string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("open sealed value: %w", err)
	}
	out, ok := box.OpenAnonymous(nil, b, k.Public, k.private)
	if !ok {
		return nil, errors.New("open sealed value: not sealed to this agent's key")
	}
	return out, nil
}
