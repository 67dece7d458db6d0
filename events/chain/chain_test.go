package chain_test

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"weft.dev/events/chain"
)

func TestADigestBindsEachEventsSequence(t *testing.T) {
	h := chain.Of(chain.Genesis, "ev.acme.app.a", []byte(`{"id":"x"}`))
	var a, b chain.Digest
	a.Add(5, h)
	b.Add(6, h)
	if a.Sum == b.Sum || a.Events != 1 {
		t.Fatalf("the same event at two sequences digests alike: %v", a.Sum)
	}
	if chain.Of(h, "ev.acme.app.a", []byte(`{"id":"x"}`)) == h {
		t.Fatal("an event's hash does not depend on the previous one")
	}
}

func TestACheckpointVerifiesOnlyWithItsKeyAndUnchanged(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	c := chain.Sign(priv, chain.Checkpoint{Team: "acme", Start: 1, UpTo: 9, Events: 4, Digest: chain.Genesis.String()})
	if err := c.Verify(pub); err != nil {
		t.Fatal(err)
	}
	changed := c
	changed.Events = 3
	if err := changed.Verify(pub); err == nil {
		t.Fatal("a checkpoint with a changed count verifies")
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if err := c.Verify(other); err == nil {
		t.Fatal("a checkpoint verifies with another key")
	}
	k, err := chain.ParseKey(chain.EncodeKey(pub))
	if err != nil || !bytes.Equal(k, pub) {
		t.Fatalf("key round trip: %v", err)
	}
}

// BenchmarkOf is the chain's own cost per append: hashing a typical
// envelope (~300 bytes) with the previous hash.
func BenchmarkOf(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 300)
	var h chain.Hash
	for b.Loop() {
		h = chain.Of(h, "ev.acme.device.d123", body)
	}
}
