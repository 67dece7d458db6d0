// Package gatewaykey is how a cluster's gateway moves from the WireGuard
// key it enrolled with to a new one: a proof signed with the key it has.
package gatewaykey

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"weft.dev/events/xeddsa"
)

// Rotation is a gateway's proof that it moves from the key it enrolled
// with (From) to the key it reports: a signature by From's private key
// over the cluster and both keys (Message). Without it a gateway
// keeps the key it enrolled with, so NATS credentials alone cannot move a
// cluster's gateway to a key of someone else's.
type Rotation struct {
	From      string `json:"from"`      // the previous public key, base64
	Signature string `json:"signature"` // XEdDSA by From's private key, base64
}

// Message is what a key rotation signs: the cluster, so a proof
// is good for one cluster only, and both keys, so it names one move.
func Message(cluster, from, to string) []byte {
	return []byte("weft gateway key rotation\x00" + cluster + "\x00" + from + "\x00" + to)
}

// Sign proves that the holder of priv (the current private key,
// whose public key is from) moves cluster's gateway to the key to.
func Sign(priv [32]byte, cluster, from, to string) (Rotation, error) {
	sig, err := xeddsa.Sign(rand.Reader, priv[:], Message(cluster, from, to))
	if err != nil {
		return Rotation{}, fmt.Errorf("sign the key rotation: %w", err)
	}
	return Rotation{From: from, Signature: base64.StdEncoding.EncodeToString(sig)}, nil
}

// Verify checks that r moves cluster's gateway from r.From to to,
// signed by r.From's private key.
func Verify(cluster, to string, r Rotation) error {
	from, err := base64.StdEncoding.DecodeString(r.From)
	if err != nil || len(from) != 32 {
		return fmt.Errorf("key rotation: previous key is not a base64 key of 32 bytes")
	}
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil {
		return fmt.Errorf("key rotation: signature is not base64")
	}
	if err := xeddsa.Verify(from, Message(cluster, r.From, to), sig); err != nil {
		return fmt.Errorf("key rotation: the signature is not the previous key's over this cluster and key")
	}
	return nil
}
