package eventstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/highwayhash"

	"weft.dev/events"
)

// ChangeStoredByte adds one to the last byte of find in the first stored
// EVENTS message that holds it, in the stream's files under the NATS store
// directory dir (its jetstream/ folder inside), with the server stopped, as
// someone with the data directory could. With fixChecksum it also writes the record's
// checksum anew (highwayhash keyed by the stream's name and block, as the
// file store does), so the server serves the changed message as stored.
func ChangeStoredByte(t testing.TB, dir string, find string, fixChecksum bool) {
	t.Helper()
	blks, err := filepath.Glob(filepath.Join(dir, "jetstream", "*", "streams", events.StreamName, "msgs", "*.blk"))
	if err != nil || len(blks) == 0 {
		t.Fatalf("no message blocks under %s: %v", dir, err)
	}
	le := binary.LittleEndian
	for _, blk := range blks {
		b, err := os.ReadFile(blk)
		if err != nil {
			t.Fatal(err)
		}
		// Records: total_len(4, high bit: has headers) seq(8) ts(8)
		// subj_len(2) subj [hdr_len(4) hdr] msg hash(8).
		for off := 0; off+22 <= len(b); {
			l := le.Uint32(b[off:])
			rl := int(l &^ (1 << 31))
			if rl == 0 || off+rl > len(b) {
				break
			}
			rec := b[off : off+rl]
			p := 22 + int(le.Uint16(rec[20:]))
			subj := rec[22:p]
			var hdr []byte
			if l&(1<<31) != 0 {
				hl := int(le.Uint32(rec[p:]))
				hdr, p = rec[p+4:p+4+hl], p+4+hl
			}
			msg := rec[p : rl-8]
			if i := bytes.Index(msg, []byte(find)); i >= 0 {
				msg[i+len(find)-1]++
				if fixChecksum {
					index := strings.TrimSuffix(filepath.Base(blk), ".blk")
					key := sha256.Sum256([]byte(events.StreamName + "-" + index))
					hh, err := highwayhash.New64(key[:])
					if err != nil {
						t.Fatal(err)
					}
					hh.Write(rec[4:20])
					hh.Write(subj)
					hh.Write(hdr)
					hh.Write(msg)
					copy(rec[rl-8:], hh.Sum(nil))
				}
				if err := os.WriteFile(blk, b, 0o600); err != nil {
					t.Fatal(err)
				}
				return
			}
			off += rl
		}
	}
	t.Fatalf("%q is in no stored message", find)
}
