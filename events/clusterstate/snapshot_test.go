package clusterstate_test

import (
	"fmt"
	"testing"

	"weft.dev/events/clusterstate"
)

func TestASnapshotSplitIntoChunksDecodesToEveryEntryInOrder(t *testing.T) {
	var in []clusterstate.SnapshotEntry
	for i := range 500 {
		in = append(in, clusterstate.SnapshotEntry{Subject: fmt.Sprintf("tm.acme.peer.d%03d", i), EventsSeq: uint64(1000 + i),
			Value: []byte(fmt.Sprintf(`{"id":"d%03d","publicKey":"k%d"}`, i, i))})
	}
	chunks := clusterstate.EncodeSnapshot(in, 4096)
	if len(chunks) < 5 {
		t.Fatalf("%d chunks for %d entries of about 50 bytes at 4 KB each", len(chunks), len(in))
	}
	var out []clusterstate.SnapshotEntry
	for i, c := range chunks {
		if len(c) > 4096 {
			t.Errorf("chunk %d is %d bytes", i, len(c))
		}
		if err := clusterstate.DecodeSnapshot(c, func(e clusterstate.SnapshotEntry) error {
			out = append(out, e)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) != len(in) {
		t.Fatalf("%d entries back of %d", len(out), len(in))
	}
	for i := range in {
		if out[i].Subject != in[i].Subject || out[i].EventsSeq != in[i].EventsSeq || string(out[i].Value) != string(in[i].Value) {
			t.Fatalf("entry %d: %+v, want %+v", i, out[i], in[i])
		}
	}
	// A cut chunk is refused, not half read as if whole.
	cut := chunks[0][:len(chunks[0])-3]
	if err := clusterstate.DecodeSnapshot(cut, func(clusterstate.SnapshotEntry) error { return nil }); err == nil {
		t.Error("a truncated chunk decoded")
	}
}
