package main

import (
	"crypto/ecdh"
	"encoding/base64"
)

// publicKey derives a WireGuard (Curve25519) public key from a private one.
func publicKey(priv []byte) string {
	// WireGuard clamps the scalar; X25519 does the same internally.
	k, err := ecdh.X25519().NewPrivateKey(priv)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(k.PublicKey().Bytes())
}
