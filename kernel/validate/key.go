package validate

import (
	"crypto/ecdh"
	"crypto/sha256"
	"encoding/base64"

	"weft.dev/kernel/fault"
)

// probeKey is a fixed X25519 private key. A public key of small order (the
// all-zero key and the other points of order 1, 2, 4 or 8, in any of their
// encodings) gives an all-zero shared secret with every clamped scalar,
// which crypto/ecdh refuses; any other key gives a non-zero one. So one
// scalar multiplication tells a usable key from one a peer could use to
// force a known secret, without a table of bad points.
var probeKey = func() *ecdh.PrivateKey {
	seed := sha256.Sum256([]byte("weft public key check"))
	k, err := ecdh.X25519().NewPrivateKey(seed[:])
	if err != nil {
		panic(err) // a 32-byte seed is always a valid X25519 key
	}
	return k
}()

// PublicKey checks a WireGuard public key: base64 of 32 bytes that is a
// Curve25519 point of large order (not all-zero, not a low-order point).
func PublicKey(field, s string) error {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != 32 {
		return fault.Invalidf(field, "is not a WireGuard public key (44 characters of base64, as `wg pubkey` prints)")
	}
	pub, err := ecdh.X25519().NewPublicKey(b)
	if err == nil {
		_, err = probeKey.ECDH(pub)
	}
	if err != nil {
		return fault.Invalidf(field, "%q is an all-zero or low-order Curve25519 point, not a usable WireGuard public key; generate one with `wg genkey | wg pubkey`", s)
	}
	return nil
}
