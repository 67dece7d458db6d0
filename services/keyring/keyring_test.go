package keyring

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/broker"
	"weft.dev/events/clusterstate"
	"weft.dev/events/eventstest"
	"weft.dev/events/jsguard"
)

func start(t *testing.T) (*Ring, *eventstest.Env, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	env := eventstest.Start(t)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(ctx, js, 1)
	if err != nil {
		t.Fatal(err)
	}
	return r, env, ctx
}

// onDisk reports whether any file under dir holds needle.
func onDisk(t *testing.T, dir string, needle []byte) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		found = found || bytes.Contains(b, needle)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestSealedValuesOpenOnlyForTheirTeamSecretAndKey(t *testing.T) {
	r, _, ctx := start(t)
	sealed, err := r.Seal(ctx, "acme", "s1", map[string]string{"PASSWORD": "hunter2-known-value"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains([]byte(sealed["PASSWORD"]), []byte("hunter2")) {
		t.Fatalf("the sealed value holds the value in clear: %s", sealed["PASSWORD"])
	}
	got, err := r.Open(ctx, "acme", "s1", sealed)
	if err != nil || got["PASSWORD"] != "hunter2-known-value" {
		t.Fatalf("open: %v, %v", got, err)
	}
	// The same ciphertext under another key name, secret or team does not
	// open.
	if _, err := r.Open(ctx, "acme", "s1", map[string]string{"OTHER": sealed["PASSWORD"]}); err == nil {
		t.Errorf("a value moved to another key opened")
	}
	if _, err := r.Seal(ctx, "acme", "s2", map[string]string{"X": "y"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(ctx, "acme", "s2", map[string]string{"PASSWORD": sealed["PASSWORD"]}); err == nil {
		t.Errorf("a value moved to another secret opened")
	}
	if _, err := r.Open(ctx, "globex", "s1", sealed); !errors.Is(err, ErrShredded) {
		t.Errorf("another team opened the value: %v", err)
	}
}

func TestAShreddedSecretsKeyIsErasedFromDiskAndItsValuesNoLongerOpen(t *testing.T) {
	r, env, ctx := start(t)
	sealed, err := r.Seal(ctx, "acme", "s1", map[string]string{"PASSWORD": "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.Seal(ctx, "acme", "s2", map[string]string{"TOKEN": "kept"})
	if err != nil {
		t.Fatal(err)
	}
	dek, err := r.dek(ctx, "acme", "s1", false)
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.kv.Get(ctx, dekKey("acme", "s1"))
	if err != nil {
		t.Fatal(err)
	}
	var rec dekRecord
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		t.Fatal(err)
	}
	if !onDisk(t, env.DataDir, []byte(rec.Wrapped)) {
		t.Fatalf("the wrapped key is not in the data dir before the shred; the search proves nothing")
	}
	if err := r.Shred(ctx, "acme", "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(ctx, "acme", "s1", sealed); !errors.Is(err, ErrShredded) {
		t.Fatalf("a shredded secret's value: %v, want ErrShredded", err)
	}
	if onDisk(t, env.DataDir, []byte(rec.Wrapped)) || onDisk(t, env.DataDir, dek) {
		t.Errorf("the shredded key's bytes are still in the data dir")
	}
	if got, err := r.Open(ctx, "acme", "s2", other); err != nil || got["TOKEN"] != "kept" {
		t.Errorf("another secret of the team after the shred: %v, %v", got, err)
	}
	// The team's shred takes every key of it.
	kid, kek, err := r.currentKEK(ctx, "acme", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ShredTeam(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(ctx, "acme", "s2", other); !errors.Is(err, ErrShredded) {
		t.Errorf("a shredded team's value: %v", err)
	}
	if _, err := r.kv.Get(ctx, kekKey("acme", kid)); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("the team's key is still there: %v", err)
	}
	if onDisk(t, env.DataDir, []byte(b64(kek))) {
		t.Errorf("the shredded team key's bytes are still in the data dir")
	}
}

func TestRotationKeepsValuesOpeningAndErasesTheOldTeamKey(t *testing.T) {
	r, env, ctx := start(t)
	sealed := map[string]map[string]string{}
	for _, s := range []string{"s1", "s2", "s3"} {
		v, err := r.Seal(ctx, "acme", s, map[string]string{"K": "value-of-" + s})
		if err != nil {
			t.Fatal(err)
		}
		sealed[s] = v
	}
	oldID, oldKEK, err := r.currentKEK(ctx, "acme", false)
	if err != nil {
		t.Fatal(err)
	}
	from, to, n, err := r.Rotate(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if from != oldID || to == oldID || n != 3 {
		t.Fatalf("rotate: %s → %s, %d re-wrapped", from, to, n)
	}
	for s, v := range sealed {
		if got, err := r.Open(ctx, "acme", s, v); err != nil || got["K"] != "value-of-"+s {
			t.Errorf("%s after the rotation: %v, %v", s, got, err)
		}
	}
	if _, err := r.kv.Get(ctx, kekKey("acme", oldID)); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("the old team key is still there: %v", err)
	}
	if onDisk(t, env.DataDir, []byte(b64(oldKEK))) {
		t.Errorf("the old team key's bytes are still in the data dir")
	}
	// A secret sealed after the rotation uses the new key.
	v, err := r.Seal(ctx, "acme", "s4", map[string]string{"K": "new"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Open(ctx, "acme", "s4", v); err != nil || got["K"] != "new" {
		t.Errorf("a secret after the rotation: %v, %v", got, err)
	}
}

func TestAnAgentsNATSUserCannotReadTheKeys(t *testing.T) {
	r, env, ctx := start(t)
	if _, err := r.Seal(ctx, "acme", "s1", map[string]string{"PASSWORD": "hunter2"}); err != nil {
		t.Fatal(err)
	}
	pw, err := broker.NewPassword()
	if err != nil {
		t.Fatal(err)
	}
	h, err := broker.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	pub, sub := clusterstate.AgentPermissions("c1")
	if err := env.Server.SetAgent(broker.Agent{Name: "agent-c1", PasswordHash: h, Publish: pub, Subscribe: sub}); err != nil {
		t.Fatal(err)
	}
	nc, err := env.Server.Connect("agent-c1", nats.UserInfo("agent-c1", pw), nats.CustomInboxPrefix(clusterstate.InboxPrefix("c1")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	// Through weft's guard, which is how agents reach JetStream.
	gsub, err := (&jsguard.Agents{TeamOf: func(string) (string, bool) { return "acme", true }, Log: slog.New(slog.DiscardHandler)}).Serve(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gsub.Unsubscribe() })
	if err := env.Conn.Flush(); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	viaGuard, err := jetstream.NewWithAPIPrefix(nc, clusterstate.AgentAPIPrefix("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := viaGuard.Stream(short, "KV_"+Bucket); err == nil {
		t.Fatal("the agent read the key bucket's stream through the guard")
	}
	if kv, err := viaGuard.KeyValue(short, Bucket); err == nil {
		if _, err := kv.Get(short, dekKey("acme", "s1")); err == nil {
			t.Fatal("the agent read a secret's key through the guard")
		}
	}
	// And around it.
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(short, Bucket)
	if err == nil {
		if _, err = kv.Get(short, dekKey("acme", "s1")); err == nil {
			t.Fatal("the agent read a secret's key")
		}
	}
	st, err := js.Stream(short, "KV_"+Bucket)
	if err == nil {
		if _, err = st.GetLastMsgForSubject(short, "$KV."+Bucket+".>"); err == nil {
			t.Fatal("the agent read the key bucket's stream")
		}
	}
}

func b64(k []byte) string { return base64.StdEncoding.EncodeToString(k) }

// TestAValueSealedUnderANewGenerationOpensAndShreddingTheOlderOnesErasesThem:
// a secret's values sealed again under generation 1 and 2 of its data key
// open with the same Open; ShredBefore(2) erases generations 0 and 1 from
// the bucket and the disk, so their ciphertexts no longer open while
// generation 2's do; a rotation of the team key re-wraps every generation
// left; Shred erases them all.
func TestAValueSealedUnderANewGenerationOpensAndShreddingTheOlderOnesErasesThem(t *testing.T) {
	r, env, ctx := start(t)
	vals := map[string]string{"K": "the-value"}
	gens := map[int]map[string]Sealed{}
	for g := range 3 {
		s, err := r.SealGen(ctx, "acme", "s1", g, vals)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := Generation(s["K"]); err != nil || n != g {
			t.Fatalf("generation %d sealed as %d (%v): %s", g, n, err, s["K"][:4])
		}
		gens[g] = s
	}
	mixed := map[string]Sealed{"K": gens[0]["K"]}
	if s, err := r.SealGen(ctx, "acme", "s1", 2, map[string]string{"L": "other"}); err == nil {
		mixed["L"] = s["L"]
	}
	if got, err := r.Open(ctx, "acme", "s1", mixed); err != nil || got["K"] != "the-value" || got["L"] != "other" {
		t.Fatalf("values of two generations: %v, %v", got, err)
	}
	old := map[int][]byte{} // the entries as stored: each DEK wrapped
	for _, g := range []int{0, 1} {
		e, err := r.kv.Get(ctx, dekKey("acme", genName("s1", g)))
		if err != nil {
			t.Fatal(err)
		}
		old[g] = e.Value()
	}
	if err := r.ShredBefore(ctx, "acme", "s1", 2); err != nil {
		t.Fatal(err)
	}
	for g := range 3 {
		got, err := r.Open(ctx, "acme", "s1", gens[g])
		if g < 2 && !errors.Is(err, ErrShredded) {
			t.Errorf("generation %d after ShredBefore(2): %v, %v", g, got, err)
		}
		if g == 2 && (err != nil || got["K"] != "the-value") {
			t.Errorf("generation 2 after ShredBefore(2): %v, %v", got, err)
		}
	}
	for g, k := range old {
		if _, err := r.kv.Get(ctx, dekKey("acme", genName("s1", g))); !errors.Is(err, jetstream.ErrKeyNotFound) {
			t.Errorf("generation %d's key entry is still there: %v", g, err)
		}
		if onDisk(t, env.DataDir, k) {
			t.Errorf("generation %d's wrapped key is still on disk", g)
		}
	}
	if _, _, n, err := r.Rotate(ctx, "acme"); err != nil || n != 1 {
		t.Fatalf("rotation re-wrapped %d keys (%v), want generation 2's", n, err)
	}
	if got, err := r.Open(ctx, "acme", "s1", gens[2]); err != nil || got["K"] != "the-value" {
		t.Errorf("generation 2 after a rotation: %v, %v", got, err)
	}
	if err := r.Shred(ctx, "acme", "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(ctx, "acme", "s1", gens[2]); !errors.Is(err, ErrShredded) {
		t.Errorf("generation 2 after Shred: %v", err)
	}
	for _, bad := range []Sealed{"v2.0.AAAA", "v2.x.AAAA", "v3.AAAA", "AAAA"} {
		if _, err := Generation(bad); err == nil {
			t.Errorf("Generation(%q) accepted", bad)
		}
	}
}

// Deleting a team shreds all its keys: no value sealed for any of its
// secrets opens with anything the bucket holds, the bucket keeps no
// revision of any of its keys (an older revision left by a rotation
// included), the data directory holds none of their bytes, and another
// team's values still open.
func TestShreddingATeamErasesEveryKeyAndRevisionOfItSoNoValueOfItOpens(t *testing.T) {
	r, env, ctx := start(t)
	s1, err := r.Seal(ctx, "acme", "s1", map[string]string{"PASSWORD": "team-shred-known-1"})
	if err != nil {
		t.Fatal(err)
	}
	// A second generation of s2's key, and a rotation of the team's key:
	// the bucket then holds revisions of the team's entries that the
	// shred must leave nothing of either.
	s2, err := r.SealGen(ctx, "acme", "s2", 1, map[string]string{"TOKEN": "team-shred-known-2"})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := r.Seal(ctx, "globex", "g1", map[string]string{"K": "another-team"})
	if err != nil {
		t.Fatal(err)
	}
	// The DEK entries as the team's first KEK wrapped them: the rotation
	// replaces them (the bucket keeps one revision a key).
	var replaced [][]byte
	before, err := r.teamKeys(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range before {
		if e, err := r.kv.Get(ctx, k); err == nil && k[:4] == "dek." {
			replaced = append(replaced, e.Value())
		}
	}
	if _, _, _, err := r.Rotate(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	// Every value of the team's entries, each revision, before the shred.
	keys, err := r.teamKeys(ctx, "acme")
	if err != nil || len(keys) < 3 {
		t.Fatalf("the team's keys before the shred: %v %v", keys, err)
	}
	var material [][]byte
	for _, k := range keys {
		h, err := r.kv.History(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if len(e.Value()) > 0 {
				material = append(material, e.Value())
			}
		}
	}
	for _, k := range keys {
		if k[:4] == "kek." {
			e, _ := r.kv.Get(ctx, k)
			if !onDisk(t, env.DataDir, e.Value()) {
				t.Fatalf("the team key %s is not in the data dir before the shred; the search proves nothing", k)
			}
		}
	}

	if err := r.ShredTeam(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Open(ctx, "acme", "s1", s1); !errors.Is(err, ErrShredded) {
		t.Errorf("s1 after the team's shred: %v, want ErrShredded", err)
	}
	if _, err := r.Open(ctx, "acme", "s2", s2); !errors.Is(err, ErrShredded) {
		t.Errorf("s2 after the team's shred: %v, want ErrShredded", err)
	}
	for _, k := range append(keys, teamKey("acme")) {
		h, err := r.kv.History(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if e.Operation() == jetstream.KeyValuePut || len(e.Value()) > 0 {
				t.Errorf("%s keeps revision %d (%v) after the team's shred", k, e.Revision(), e.Operation())
			}
		}
	}
	// Nothing the bucket's stream holds, message by message, nor any file
	// of the data directory, has a byte of the team's key entries.
	st, err := r.js.Stream(ctx, "KV_"+Bucket)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			continue // erased or removed
		}
		for _, v := range material {
			if bytes.Contains(m.Data, v) {
				t.Errorf("the bucket's message %d (%s) still holds a key entry of the team", seq, m.Subject)
			}
		}
	}
	env.Server.Shutdown() // its files flushed
	for _, v := range material {
		if onDisk(t, env.DataDir, v) {
			t.Errorf("the data dir still holds a key entry of the team after its shred")
		}
	}
	for _, v := range replaced {
		if onDisk(t, env.DataDir, v) {
			t.Errorf("a DEK entry the rotation replaced is still on disk")
		}
	}
	_ = kept
}

// A team's shred is idempotent: a second one, or one of a team that never
// had a key, does nothing and succeeds; another team's values keep
// opening.
func TestShreddingATeamAgainOrATeamWithoutKeysSucceeds(t *testing.T) {
	r, _, ctx := start(t)
	kept, err := r.Seal(ctx, "globex", "g1", map[string]string{"K": "another-team"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.ShredTeam(ctx, "never-had-a-secret"); err != nil {
		t.Errorf("shred a team without keys: %v", err)
	}
	if _, err := r.Seal(ctx, "acme", "s1", map[string]string{"P": "v"}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := r.ShredTeam(ctx, "acme"); err != nil {
			t.Errorf("shred #%d: %v", i+1, err)
		}
	}
	if got, err := r.Open(ctx, "globex", "g1", kept); err != nil || got["K"] != "another-team" {
		t.Errorf("another team's value after acme's shred: %v %v", got, err)
	}
}
