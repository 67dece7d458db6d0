// Package keyring keeps the keys that encrypt teams' secrets, outside the
// event log, and does the envelope encryption with them.
//
// Guarantees:
//
//   - Keys live in one JetStream key-value bucket (Bucket), which only
//     weft-server's own NATS user can reach: agents' users are allowed
//     their cluster's and team's streams only
//     (clusterstate.AgentPermissions), so no agent reads a key. In a NATS
//     cluster the bucket has the log's replicas.
//   - Each team has a key-encryption key (KEK, 256-bit, under
//     kek.<team>.<id>; team.<team> names the current one and holds no key
//     material). Each secret has its own data key (DEK, 256-bit) under
//     dek.<team>.<secretID>, stored wrapped (AES-256-GCM) by the team's
//     KEK. A secret's values are sealed with its DEK (AES-256-GCM, a
//     random nonce each), bound to the team, the secret and the key name as
//     additional data, so a ciphertext moved to another key, secret or
//     team does not open.
//   - What goes into the event log is only ciphertext (Sealed values):
//     the log can be replayed and copied by auditors without any value
//     being readable there.
//   - Shred destroys a secret's DEK, ShredTeam every key of a team: the
//     bucket's message holding it is erased in place (JetStream's secure
//     delete overwrites it on disk) and the key is purged, so the
//     ciphertexts in the immutable log can no longer be opened by anyone
//     (crypto-shredding). Open then fails with ErrShredded.
//   - Rotate gives a team a new KEK, re-wraps every DEK with it and then
//     erases the old KEK; values keep opening throughout (no downtime).
//     Each DEK entry it replaces is erased in place once the new one is
//     written, and anything wrapped by the old KEK is unreadable after.
//   - A secret's DEK has generations: 0 (dek.<team>.<secretID>, values
//     "v1.…") and each re-encryption's next one (dek.<team>.<secretID>.<n>,
//     values "v2.<n>.…"). SealGen seals under a generation, Open opens a
//     value of any generation that still has its key, and ShredBefore
//     erases a secret's older generations once the log holds its values
//     under a newer one: the ciphertexts of before can no longer be opened,
//     whoever copied them or their key. Shred erases every generation.
package keyring

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Bucket is the key-value bucket of the keys.
const Bucket = "weft-keyring"

// ErrShredded is a secret (or team) whose key was destroyed: its values
// can no longer be opened.
var ErrShredded = errors.New("the key was destroyed (crypto-shredded)")

// Sealed is one value as the log holds it: "v1.<base64 of nonce and
// ciphertext>".
type Sealed = string

// Ring seals and opens secret values with keys kept in Bucket. Safe for
// concurrent use; one process at a time changes a team's keys (the
// bucket's revisions refuse a concurrent change, which is retried).
type Ring struct {
	js jetstream.JetStream
	kv jetstream.KeyValue
	mu sync.Mutex // serialises key creation in this process
}

// Open returns the ring over the bucket, created if missing.
func Open(ctx context.Context, js jetstream.JetStream, replicas int) (*Ring, error) {
	if replicas < 1 {
		replicas = 1
	}
	// The bucket's stream is made here rather than by the key-value API,
	// which denies deleting single messages: erasing a key in place
	// (SecureDeleteMsg) is what shredding is. Two messages a key: a
	// replaced entry (a DEK wrapped again by a rotation) is then still a
	// message after its replacement is written, which eraseReplaced
	// overwrites; with one, the stream's limit removed it without
	// overwriting, and its bytes stayed in the stream's file.
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: "KV_" + Bucket, Description: "teams' secret keys (weft-server only; never agents)",
		Subjects: []string{"$KV." + Bucket + ".>"}, MaxMsgsPerSubject: 2, Discard: jetstream.DiscardNew,
		Storage: jetstream.FileStorage, Replicas: replicas, AllowRollup: true, AllowDirect: true,
		MaxMsgSize: -1, MaxBytes: -1, MaxAge: 0, MaxMsgs: -1, Duplicates: 2 * time.Minute,
	}); err != nil {
		return nil, fmt.Errorf("open the key bucket: %w", err)
	}
	kv, err := js.KeyValue(ctx, Bucket)
	if err != nil {
		return nil, fmt.Errorf("open the key bucket: %w", err)
	}
	return &Ring{js: js, kv: kv}, nil
}

// teamRecord names a team's current KEK; it holds no key material.
type teamRecord struct {
	Current string    `json:"current"`
	Since   time.Time `json:"since"`
}

// dekRecord is a secret's DEK wrapped by the team's KEK Kek.
type dekRecord struct {
	Kek     string `json:"kek"`
	Wrapped string `json:"wrapped"` // base64 nonce+ciphertext
}

func teamKey(team string) string        { return "team." + team }
func kekKey(team, id string) string     { return "kek." + team + "." + id }
func dekKey(team, secret string) string { return "dek." + team + "." + secret }

func newKey() ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("new key: %w", err)
	}
	return k, nil
}

func newKeyID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", b), nil
}

func seal(key, plain []byte, aad string) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(plain)+g.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return g.Seal(nonce, nonce, plain, []byte(aad)), nil
}

func open(key, sealed []byte, aad string) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(sealed) < g.NonceSize()+g.Overhead() {
		return nil, errors.New("sealed value too short")
	}
	return g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], []byte(aad))
}

// currentKEK returns the team's current KEK, made on first use.
func (r *Ring) currentKEK(ctx context.Context, team string, create bool) (string, []byte, error) {
	for attempt := 0; attempt < 5; attempt++ {
		e, err := r.kv.Get(ctx, teamKey(team))
		if err == nil {
			var t teamRecord
			if err := json.Unmarshal(e.Value(), &t); err != nil {
				return "", nil, fmt.Errorf("read team %s's key record: %w", team, err)
			}
			k, err := r.kek(ctx, team, t.Current)
			return t.Current, k, err
		}
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			return "", nil, fmt.Errorf("read team %s's key record: %w", team, err)
		}
		if !create {
			return "", nil, ErrShredded
		}
		id, k, err := r.putKEK(ctx, team)
		if err != nil {
			return "", nil, err
		}
		b, _ := json.Marshal(teamRecord{Current: id, Since: time.Now().UTC()})
		if _, err := r.kv.Create(ctx, teamKey(team), b); err != nil {
			// Another process made the team's first key meanwhile: use
			// that one, and erase ours.
			_ = r.erase(ctx, kekKey(team, id))
			continue
		}
		return id, k, nil
	}
	return "", nil, fmt.Errorf("make team %s's key: too many concurrent changes", team)
}

func (r *Ring) putKEK(ctx context.Context, team string) (string, []byte, error) {
	id, err := newKeyID()
	if err != nil {
		return "", nil, err
	}
	k, err := newKey()
	if err != nil {
		return "", nil, err
	}
	if _, err := r.kv.Create(ctx, kekKey(team, id), []byte(base64.StdEncoding.EncodeToString(k))); err != nil {
		return "", nil, fmt.Errorf("store team %s's key: %w", team, err)
	}
	return id, k, nil
}

func (r *Ring) kek(ctx context.Context, team, id string) ([]byte, error) {
	e, err := r.kv.Get(ctx, kekKey(team, id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, ErrShredded
	}
	if err != nil {
		return nil, fmt.Errorf("read team %s's key: %w", team, err)
	}
	return base64.StdEncoding.DecodeString(string(e.Value()))
}

// dek returns the secret's data key, made (and wrapped by the team's
// current KEK) when create and it has none.
func (r *Ring) dek(ctx context.Context, team, secret string, create bool) ([]byte, error) {
	e, err := r.kv.Get(ctx, dekKey(team, secret))
	switch {
	case err == nil:
		var d dekRecord
		if err := json.Unmarshal(e.Value(), &d); err != nil {
			return nil, fmt.Errorf("read the key of secret %s: %w", secret, err)
		}
		kek, err := r.kek(ctx, team, d.Kek)
		if err != nil {
			return nil, err
		}
		w, err := base64.StdEncoding.DecodeString(d.Wrapped)
		if err != nil {
			return nil, fmt.Errorf("read the key of secret %s: %w", secret, err)
		}
		k, err := open(kek, w, "dek/"+team+"/"+secret)
		if err != nil {
			return nil, fmt.Errorf("unwrap the key of secret %s: %w", secret, err)
		}
		return k, nil
	case !errors.Is(err, jetstream.ErrKeyNotFound):
		return nil, fmt.Errorf("read the key of secret %s: %w", secret, err)
	case !create:
		return nil, ErrShredded
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	kid, kek, err := r.currentKEK(ctx, team, true)
	if err != nil {
		return nil, err
	}
	k, err := newKey()
	if err != nil {
		return nil, err
	}
	w, err := seal(kek, k, "dek/"+team+"/"+secret)
	if err != nil {
		return nil, err
	}
	b, _ := json.Marshal(dekRecord{Kek: kid, Wrapped: base64.StdEncoding.EncodeToString(w)})
	if _, err := r.kv.Create(ctx, dekKey(team, secret), b); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return r.dek(ctx, team, secret, false)
		}
		return nil, fmt.Errorf("store the key of secret %s: %w", secret, err)
	}
	return k, nil
}

func aad(team, secret, key string) string { return "value/" + team + "/" + secret + "/" + key }

// Seal encrypts values of secret (in team) with its data key, made on
// first use. The result holds no value in clear.
func (r *Ring) Seal(ctx context.Context, team, secret string, values map[string]string) (map[string]Sealed, error) {
	return r.SealGen(ctx, team, secret, 0, values)
}

// genName is the keyring's name of generation gen of secret's DEK: the
// secret's id for the first, id.<gen> after (ids hold no dot).
func genName(secret string, gen int) string {
	if gen == 0 {
		return secret
	}
	return secret + "." + strconv.Itoa(gen)
}

// Generation is the DEK generation a sealed value was sealed under.
func Generation(s Sealed) (int, error) {
	if strings.HasPrefix(s, "v1.") {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(s, "v2.")
	if !ok {
		return 0, errors.New("not a sealed value")
	}
	g, _, ok := strings.Cut(rest, ".")
	n, err := strconv.Atoi(g)
	if !ok || err != nil || n < 1 {
		return 0, errors.New("not a sealed value")
	}
	return n, nil
}

// SealGen encrypts values of secret with generation gen of its data key,
// made on first use. Seal is SealGen of generation 0.
func (r *Ring) SealGen(ctx context.Context, team, secret string, gen int, values map[string]string) (map[string]Sealed, error) {
	if gen < 0 {
		return nil, fmt.Errorf("seal secret %s: generation %d", secret, gen)
	}
	k, err := r.dek(ctx, team, genName(secret, gen), true)
	if err != nil {
		return nil, err
	}
	prefix := "v1."
	if gen > 0 {
		prefix = "v2." + strconv.Itoa(gen) + "."
	}
	out := make(map[string]Sealed, len(values))
	for name, v := range values {
		c, err := seal(k, []byte(v), aad(team, secret, name))
		if err != nil {
			return nil, fmt.Errorf("seal %s of secret %s: %w", name, secret, err)
		}
		out[name] = prefix + base64.RawStdEncoding.EncodeToString(c)
	}
	return out, nil
}

// Open decrypts sealed values of secret, each with the generation of the
// data key it names; ErrShredded once that key is destroyed.
func (r *Ring) Open(ctx context.Context, team, secret string, sealed map[string]Sealed) (map[string]string, error) {
	keys := map[int][]byte{}
	out := make(map[string]string, len(sealed))
	for name, s := range sealed {
		gen, err := Generation(s)
		if err != nil {
			return nil, fmt.Errorf("open %s of secret %s: %w", name, secret, err)
		}
		k, ok := keys[gen]
		if !ok {
			if k, err = r.dek(ctx, team, genName(secret, gen), false); err != nil {
				return nil, err
			}
			keys[gen] = k
		}
		b64 := s[strings.LastIndexByte(s, '.')+1:]
		c, err := base64.RawStdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("open %s of secret %s: %w", name, secret, err)
		}
		p, err := open(k, c, aad(team, secret, name))
		if err != nil {
			return nil, fmt.Errorf("open %s of secret %s: %w", name, secret, err)
		}
		out[name] = string(p)
	}
	return out, nil
}

// erase overwrites every message holding a revision of key on disk and
// purges the key.
func (r *Ring) erase(ctx context.Context, key string) error {
	h, err := r.kv.History(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("erase %s: %w", key, err)
	}
	live := false
	for _, e := range h {
		live = live || e.Operation() == jetstream.KeyValuePut
	}
	if !live {
		return nil // purged already
	}
	if err := r.eraseRevisions(ctx, key, h, math.MaxUint64); err != nil {
		return err
	}
	if err := r.kv.Purge(ctx, key); err != nil {
		return fmt.Errorf("erase %s: %w", key, err)
	}
	return nil
}

// eraseReplaced overwrites on disk the revisions of key older than keep,
// the one that replaced them.
func (r *Ring) eraseReplaced(ctx context.Context, key string, keep uint64) error {
	h, err := r.kv.History(ctx, key)
	if err != nil {
		return fmt.Errorf("erase the replaced %s: %w", key, err)
	}
	return r.eraseRevisions(ctx, key, h, keep)
}

// eraseRevisions overwrites the messages of the entries of h (key's
// history) whose revision is below before.
func (r *Ring) eraseRevisions(ctx context.Context, key string, h []jetstream.KeyValueEntry, before uint64) error {
	st, err := r.js.Stream(ctx, "KV_"+Bucket)
	if err != nil {
		return fmt.Errorf("erase %s: %w", key, err)
	}
	for _, e := range h {
		if e.Revision() >= before || e.Operation() != jetstream.KeyValuePut {
			continue
		}
		if err := st.SecureDeleteMsg(ctx, e.Revision()); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("erase %s: %w", key, err)
		}
	}
	return nil
}

// Shred destroys secret's data key, every generation of it: its sealed
// values no longer open.
func (r *Ring) Shred(ctx context.Context, team, secret string) error {
	return r.ShredBefore(ctx, team, secret, math.MaxInt)
}

// ShredBefore destroys the generations of secret's data key older than
// gen: values sealed under them no longer open.
func (r *Ring) ShredBefore(ctx context.Context, team, secret string, gen int) error {
	if err := r.erase(ctx, dekKey(team, secret)); err != nil {
		return err
	}
	l, err := r.kv.ListKeysFiltered(ctx, dekKey(team, secret)+".*")
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("list the keys of secret %s: %w", secret, err)
	}
	var older []string
	for k := range l.Keys() {
		n, err := strconv.Atoi(k[len(dekKey(team, secret))+1:])
		if err == nil && n < gen {
			older = append(older, k)
		}
	}
	for _, k := range older {
		if err := r.erase(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// ShredTeam destroys every key of team: its KEKs and its secrets' (and
// run services') data keys, every generation. It is idempotent: a team
// with no key left (or none ever) has nothing to destroy, so a deletion
// that stopped half-way runs it again.
func (r *Ring) ShredTeam(ctx context.Context, team string) error {
	keys, err := r.teamKeys(ctx, team)
	if err != nil {
		return err
	}
	for _, k := range append(keys, teamKey(team)) {
		if err := r.erase(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Remaining lists the entries of team's keys in the bucket kv that hold a
// value in any revision kept (a key once for each such revision): what
// ShredTeam must leave empty, for a check that a deletion destroyed them.
func Remaining(ctx context.Context, kv jetstream.KeyValue, team string) ([]string, error) {
	l, err := kv.ListKeysFiltered(ctx, teamKey(team), "kek."+team+".*", "dek."+team+".>")
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list team %s's keys: %w", team, err)
	}
	var out []string
	for k := range l.Keys() {
		h, err := kv.History(ctx, k)
		if err != nil {
			continue // gone since it was listed
		}
		for _, e := range h {
			if len(e.Value()) > 0 {
				out = append(out, k)
			}
		}
	}
	return out, nil
}

// teamKeys lists the team's KEK and DEK entries.
func (r *Ring) teamKeys(ctx context.Context, team string) ([]string, error) {
	l, err := r.kv.ListKeysFiltered(ctx, "kek."+team+".*", "dek."+team+".>")
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil // no secret ever, or shredded already
	}
	if err != nil {
		return nil, fmt.Errorf("list team %s's keys: %w", team, err)
	}
	var out []string
	for k := range l.Keys() {
		out = append(out, k)
	}
	return out, nil
}

// Rotate gives team a new KEK, re-wraps every data key of the team with
// it, and erases the old KEK. Values open before, during and after.
func (r *Ring) Rotate(ctx context.Context, team string) (oldID, newID string, rewrapped int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.kv.Get(ctx, teamKey(team))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", "", 0, nil // no secret ever: nothing to rotate
	}
	if err != nil {
		return "", "", 0, fmt.Errorf("rotate team %s's key: %w", team, err)
	}
	var t teamRecord
	if err := json.Unmarshal(e.Value(), &t); err != nil {
		return "", "", 0, fmt.Errorf("rotate team %s's key: %w", team, err)
	}
	id, kek, err := r.putKEK(ctx, team)
	if err != nil {
		return "", "", 0, err
	}
	keys, err := r.teamKeys(ctx, team)
	if err != nil {
		return "", "", 0, err
	}
	for _, k := range keys {
		secret, ok := strings.CutPrefix(k, "dek."+team+".")
		if !ok {
			continue
		}
		dek, err := r.dek(ctx, team, secret, false)
		if errors.Is(err, ErrShredded) {
			continue // shredded meanwhile
		}
		if err != nil {
			return "", "", 0, err
		}
		w, err := seal(kek, dek, "dek/"+team+"/"+secret)
		if err != nil {
			return "", "", 0, err
		}
		b, _ := json.Marshal(dekRecord{Kek: id, Wrapped: base64.StdEncoding.EncodeToString(w)})
		rev, err := r.kv.Put(ctx, k, b)
		if err != nil {
			return "", "", 0, fmt.Errorf("re-wrap the key of secret %s: %w", secret, err)
		}
		// The entry wrapped by the old KEK goes from the disk too.
		if err := r.eraseReplaced(ctx, k, rev); err != nil {
			return "", "", 0, err
		}
		rewrapped++
	}
	b, _ := json.Marshal(teamRecord{Current: id, Since: time.Now().UTC()})
	if _, err := r.kv.Update(ctx, teamKey(team), b, e.Revision()); err != nil {
		return "", "", 0, fmt.Errorf("rotate team %s's key: %w", team, err)
	}
	// Every DEK names the new KEK: one made in this process waits for
	// the lock, and is wrapped with the new current KEK after it.
	if err := r.erase(ctx, kekKey(team, t.Current)); err != nil {
		return "", "", 0, err
	}
	return t.Current, id, rewrapped, nil
}
