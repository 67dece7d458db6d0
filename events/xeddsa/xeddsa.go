// Package xeddsa signs with an X25519 key pair, as WireGuard's keys are:
// the XEdDSA scheme (Signal's specification, "The XEdDSA and VXEdDSA
// Signature Schemes", 2016). A signature made with a WireGuard private
// key verifies with an ordinary Ed25519 verifier against the Edwards form
// of its public key, so a gateway can prove it holds the key it enrolled
// with when it moves to a new one, without a second key pair to keep.
package xeddsa

import (
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// SignatureSize is the length of a signature: R and s, as Ed25519's.
const SignatureSize = 64

// Sign signs msg with the X25519 private key priv (32 bytes, clamped or
// not: it is clamped here as X25519 clamps it). rand supplies the 64
// bytes of the nonce's randomness Z.
func Sign(rand io.Reader, priv []byte, msg []byte) ([]byte, error) {
	if len(priv) != 32 {
		return nil, fmt.Errorf("xeddsa: private key is %d bytes, want 32", len(priv))
	}
	var z [64]byte
	if _, err := io.ReadFull(rand, z[:]); err != nil {
		return nil, fmt.Errorf("xeddsa: nonce: %w", err)
	}
	k, err := edwards25519.NewScalar().SetBytesWithClamping(priv)
	if err != nil {
		return nil, fmt.Errorf("xeddsa: %w", err)
	}
	// The Edwards point of the key; the Montgomery public key fixes only
	// its y, so the signer uses the one with a positive x (sign bit 0),
	// negating its scalar when kB has a negative x.
	e := new(edwards25519.Point).ScalarBaseMult(k)
	a := k
	pub := e.Bytes()
	if pub[31]&0x80 != 0 {
		a = edwards25519.NewScalar().Negate(k)
		pub[31] &^= 0x80
	}
	// r = hash1(a || M || Z), hash1 being SHA-512 with the prefix
	// 0xFE followed by 31 bytes 0xFF.
	h := sha512.New()
	prefix := [32]byte{0xFE}
	for i := 1; i < 32; i++ {
		prefix[i] = 0xFF
	}
	h.Write(prefix[:])
	h.Write(a.Bytes())
	h.Write(msg)
	h.Write(z[:])
	r, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("xeddsa: %w", err)
	}
	R := new(edwards25519.Point).ScalarBaseMult(r).Bytes()
	h.Reset()
	h.Write(R)
	h.Write(pub)
	h.Write(msg)
	c, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return nil, fmt.Errorf("xeddsa: %w", err)
	}
	s := edwards25519.NewScalar().MultiplyAdd(c, a, r)
	return append(R, s.Bytes()...), nil
}

// ErrInvalid is every failed verification.
var ErrInvalid = errors.New("xeddsa: invalid signature")

// Verify checks sig over msg against the X25519 public key pub (32
// bytes, the Montgomery u coordinate).
func Verify(pub, msg, sig []byte) error {
	if len(pub) != 32 || len(sig) != SignatureSize {
		return ErrInvalid
	}
	edPub, err := edwardsOf(pub)
	if err != nil {
		return err
	}
	if !ed25519.Verify(edPub, msg, sig) {
		return ErrInvalid
	}
	return nil
}

// edwardsOf is the Edwards encoding (sign bit 0) of the point whose
// Montgomery u coordinate is u: y = (u - 1) / (u + 1).
func edwardsOf(u []byte) (ed25519.PublicKey, error) {
	var fu field.Element
	if _, err := fu.SetBytes(u); err != nil {
		return nil, ErrInvalid
	}
	// Only canonical encodings below p: SetBytes drops the top bit and
	// reduces, which would let two encodings name one key.
	if string(fu.Bytes()) != string(u) {
		return nil, ErrInvalid
	}
	one := new(field.Element).One()
	den := new(field.Element).Add(&fu, one)
	if den.Equal(new(field.Element).Zero()) == 1 {
		return nil, ErrInvalid // u = -1 has no Edwards point
	}
	y := new(field.Element).Subtract(&fu, one)
	y.Multiply(y, new(field.Element).Invert(den))
	b := y.Bytes()
	b[31] &^= 0x80
	return ed25519.PublicKey(b), nil
}
