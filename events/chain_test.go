package events_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/minio/highwayhash"
	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/chain"
	"weft.dev/events/eventstest"
)

func verifyLog(t *testing.T, store *events.Store, team string) chain.Report {
	t.Helper()
	v := chain.NewVerifier(nil)
	err := store.Stored(context.Background(), team, 1, func(m chain.Message) error {
		v.Add(m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return v.Report()
}

// history appends a small log: two teams, aggregates with several events,
// a batch over two aggregates and an AnyVersion append.
func history(t *testing.T, store *events.Store) {
	t.Helper()
	ctx := context.Background()
	must := func(_ events.Appended, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a1, err := store.Append(ctx, 0, ev("acme", "a", renamed{Name: "alpha"}))
	must(a1, err)
	must(store.Append(ctx, 0, ev("beta", "a", renamed{Name: "other team"})))
	b1, err := store.Append(ctx, 0, ev("acme", "b", counted{N: 1}))
	must(b1, err)
	a2, err := store.Append(ctx, a1.LastSeq, ev("acme", "a", counted{N: 2}), ev("acme", "a", counted{N: 3}))
	must(a2, err)
	must(store.AppendAll(ctx,
		events.Write{Expected: a2.LastSeq, Events: []events.Event{ev("acme", "a", renamed{Name: "alpha-2"})}},
		events.Write{Expected: b1.LastSeq, Events: []events.Event{ev("acme", "b", counted{N: 4})}}))
	must(store.Append(ctx, events.AnyVersion, ev("acme", "b", counted{N: 5})))
	must(store.Append(ctx, events.AnyVersion, ev("acme", "c", counted{N: 6})))
}

func TestEveryAppendedEventIsChainedToThePreviousEventOfItsAggregate(t *testing.T) {
	store, _ := newStore(t)
	history(t, store)
	rep := verifyLog(t, store, "")
	if !rep.OK || rep.Events != 9 {
		t.Fatalf("verify: ok %v, %d events, breaks %v", rep.OK, rep.Events, rep.Breaks)
	}
	// A team's auditor verifies from the team's events alone.
	rep = verifyLog(t, store, "acme")
	if !rep.OK || rep.Events != 8 || len(rep.Teams) != 1 || rep.Teams[0].Start != 1 {
		t.Fatalf("verify acme: %+v", rep)
	}
	// Loaded events carry their link, and each links to the one before.
	recs, _, err := store.Load(context.Background(), "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || recs[0].Link.Prev != chain.Genesis.String() {
		t.Fatalf("loaded %d events, first link %+v", len(recs), recs[0].Link)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Link.Prev != recs[i-1].Link.Hash || recs[i].Link.Hash == "" {
			t.Fatalf("event %d links to %s, the one before is %s", recs[i].Seq, recs[i].Link.Prev, recs[i-1].Link.Hash)
		}
	}
}

func TestConcurrentAppendsWithoutAVersionCheckDoNotForkTheChain(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	// Writers on their own stores, as separate processes would be: none
	// knows the others' heads.
	const writers, each = 6, 15
	var wg sync.WaitGroup
	for w := range writers {
		s := events.NewStore(env.Conn, registry())
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := s.Append(ctx, events.AnyVersion, ev("acme", "heartbeat", counted{N: w*100 + i})); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	_ = store
	rep := verifyLog(t, store, "")
	if !rep.OK || rep.Events != writers*each {
		t.Fatalf("verify: ok %v, %d events (want %d), breaks %v", rep.OK, rep.Events, writers*each, rep.Breaks)
	}
}

func TestEventsStoredBeforeTheChainStillReadAndVerifyNamesWhereItStarts(t *testing.T) {
	store, env := newStore(t)
	ctx := context.Background()
	// Two events as weft wrote them before the chain: no chain headers.
	for _, e := range []events.Event{ev("acme", "a", counted{N: 1}), ev("acme", "old", counted{N: 2})} {
		m, err := events.BuildMessage(store, e)
		if err != nil {
			t.Fatal(err)
		}
		m.Header.Del(chain.Header)
		if _, err := env.Conn.RequestMsg(m, 5e9); err != nil {
			t.Fatal(err)
		}
	}
	// The next event of a's chains onto nothing: a's chain starts there.
	app, err := store.Append(ctx, 1, ev("acme", "a", counted{N: 3}))
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := store.Load(ctx, "acme", events.AggregateRef{Type: "thing", ID: "a"})
	if err != nil || len(recs) != 2 || recs[0].Link.Hash != "" || recs[1].Data.(counted).N != 3 {
		t.Fatalf("load across the chain's start: %v %+v", err, recs)
	}
	rep := verifyLog(t, store, "acme")
	if !rep.OK || rep.Teams[0].Start != app.LastSeq || rep.Teams[0].BeforeChain != 2 {
		t.Fatalf("verify: %+v", rep)
	}
	// After the start, an event without a hash is a break.
	m, _ := events.BuildMessage(store, ev("acme", "d", counted{N: 4}))
	m.Header.Del(chain.Header)
	if _, err := env.Conn.RequestMsg(m, 5e9); err != nil {
		t.Fatal(err)
	}
	rep = verifyLog(t, store, "acme")
	if rep.OK || rep.First.Kind != chain.BreakUnchained || rep.First.Seq != 4 {
		t.Fatalf("an unchained event after the start: %+v", rep.First)
	}
}

// flipInStoreFile changes the last byte of find in the stored message that
// holds it, in the stream's files with the server stopped, as someone with
// the data directory could. With fixChecksum it also writes the record's
// checksum anew (highwayhash keyed by the stream's name and block, as the
// file store does), so the server serves the changed message as stored.
func flipInStoreFile(t *testing.T, dir string, find string, fixChecksum bool) {
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

func TestVerifyFindsAByteChangedInTheStreamsFileOnDisk(t *testing.T) {
	for _, tt := range []struct {
		name        string
		fixChecksum bool
		kind        string
		seq         uint64
	}{
		// The server serves the changed event: its content no longer
		// hashes to its hash.
		{"with the record's checksum written anew", true, chain.BreakContent, 4},
		// The server drops the record it finds corrupt: the next event of
		// the aggregate follows one that is missing.
		{"checksum left as it was", false, chain.BreakLink, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			env := eventstest.StartIn(t, dir)
			store := events.NewStore(env.Conn, registry())
			history(t, store)
			env.Stop()
			// Event 4 is the first of a batch of two to a: {"n":2}.
			flipInStoreFile(t, dir, `"data":{"n":2}`, tt.fixChecksum)
			env = eventstest.StartIn(t, dir)
			rep := verifyLog(t, events.NewStore(env.Conn, registry()), "acme")
			if rep.OK || rep.First.Kind != tt.kind || rep.First.Seq != tt.seq {
				t.Fatalf("verify after a byte of event 4 changed: %+v", rep)
			}
			t.Logf("first break: %s", rep.First)
		})
	}
}

func TestVerifyFindsAnEventDeletedByAPrivilegedClient(t *testing.T) {
	store, env := newStore(t)
	history(t, store)
	// Delete event 4, the second of a's four.
	eventstest.RewriteStream(t, env, func(m []*nats.Msg) []*nats.Msg { return append(m[:3:3], m[4:]...) })
	rep := verifyLog(t, store, "acme")
	// Event 5 (now stored at 4) follows an event that is gone.
	if rep.OK || rep.First.Kind != chain.BreakLink || rep.First.Seq != 4 || rep.First.Subject != "ev.acme.thing.a" {
		t.Fatalf("verify after deleting event 4: %+v", rep.First)
	}
	t.Logf("first break: %s", rep.First)
}

func TestVerifyFindsTwoEventsReordered(t *testing.T) {
	store, env := newStore(t)
	history(t, store)
	// Swap events 4 and 5, both of a's.
	eventstest.RewriteStream(t, env, func(m []*nats.Msg) []*nats.Msg {
		m[3], m[4] = m[4], m[3]
		return m
	})
	rep := verifyLog(t, store, "acme")
	if rep.OK || rep.First.Kind != chain.BreakLink || rep.First.Seq != 4 {
		t.Fatalf("verify after swapping events 4 and 5: %+v", rep.First)
	}
	t.Logf("first break: %s", rep.First)

}
