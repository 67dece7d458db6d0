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
