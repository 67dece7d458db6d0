package xeddsa_test

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"testing"

	"weft.dev/events/xeddsa"
)

// A signature made with an X25519 private key verifies against its public
// key, as X25519 computes it (crypto/ecdh, not this package), and against
// nothing else: another key, another message, or a changed byte.
func TestASignatureByAnX25519KeyVerifiesOnlyWithItsPublicKeyAndMessage(t *testing.T) {
	for i := range 64 {
		priv, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pub := priv.PublicKey().Bytes()
		msg := []byte("rotate the gateway key of cluster 0193 to ...")
		sig, err := xeddsa.Sign(rand.Reader, priv.Bytes(), msg)
		if err != nil {
			t.Fatal(err)
		}
		if err := xeddsa.Verify(pub, msg, sig); err != nil {
			t.Fatalf("key %d: its own signature: %v", i, err)
		}
		other, _ := ecdh.X25519().GenerateKey(rand.Reader)
		if err := xeddsa.Verify(other.PublicKey().Bytes(), msg, sig); !errors.Is(err, xeddsa.ErrInvalid) {
			t.Fatalf("key %d: verified with another key", i)
		}
		if err := xeddsa.Verify(pub, append(bytes.Clone(msg), '!'), sig); !errors.Is(err, xeddsa.ErrInvalid) {
			t.Fatalf("key %d: verified another message", i)
		}
		for _, at := range []int{0, 31, 32, 63} {
			bad := bytes.Clone(sig)
			bad[at] ^= 1
			if err := xeddsa.Verify(pub, msg, bad); !errors.Is(err, xeddsa.ErrInvalid) {
				t.Fatalf("key %d: verified with byte %d of the signature changed", i, at)
			}
		}
	}
}

// Keys that name no curve point, or name one twice, are refused rather
// than verified: u = p - 1 (-1, no Edwards point) and u >= p.
func TestPublicKeysOutsideTheFieldOrWithoutAPointAreRefused(t *testing.T) {
	priv, _ := ecdh.X25519().GenerateKey(rand.Reader)
	msg := []byte("m")
	sig, err := xeddsa.Sign(rand.Reader, priv.Bytes(), msg)
	if err != nil {
		t.Fatal(err)
	}
	minusOne := bytes.Repeat([]byte{0xff}, 32)
	minusOne[0], minusOne[31] = 0xec, 0x7f // p - 1
	aboveP := bytes.Repeat([]byte{0xff}, 32)
	aboveP[31] = 0x7f // 2^255 - 1 > p
	for name, pub := range map[string][]byte{"-1": minusOne, ">= p": aboveP, "short": make([]byte, 31)} {
		if err := xeddsa.Verify(pub, msg, sig); !errors.Is(err, xeddsa.ErrInvalid) {
			t.Errorf("public key %s: %v", name, err)
		}
	}
	if _, err := xeddsa.Sign(rand.Reader, make([]byte, 31), msg); err == nil {
		t.Error("signed with a 31-byte key")
	}
}
