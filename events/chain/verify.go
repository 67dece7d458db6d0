package chain

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Message is one stored event as the verifier needs it: its sequence, its
// subject, its chain headers as stored ("" when absent) and its body.
type Message struct {
	Seq     uint64
	Subject string
	Prev    string
	Hash    string
	Data    []byte
}

// SubjectPrefix starts every event subject (events.SubjectPrefix).
const SubjectPrefix = "ev."

// Kinds of break.
const (
	BreakContent    = "content"    // the event is not what was written
	BreakLink       = "link"       // its predecessor is missing, or events moved
	BreakUnchained  = "unchained"  // no hash on an event after the chain started
	BreakOrder      = "order"      // sequences not increasing in the input
	BreakCheckpoint = "checkpoint" // a checkpoint's signature or digest does not match
)

// Break is where the log stops verifying.
type Break struct {
	Seq     uint64 `json:"seq"`
	Subject string `json:"subject"`
	Kind    string `json:"kind"`
	Detail  string `json:"detail"`
	// OtherKey, on a checkpoint break, is the id of the key the checkpoint
	// says it was signed with when that is not the verifier's: not a sign
	// of tampering by itself, as two processes sealing one log with keys
	// of their own (replicas without a shared --checkpoint-key-file) do it.
	OtherKey string `json:"otherKey,omitempty"`
}

func (b Break) String() string {
	return fmt.Sprintf("seq %d (%s): %s: %s", b.Seq, b.Subject, b.Kind, b.Detail)
}

// TeamReport is what the verifier found for one team.
type TeamReport struct {
	Team string `json:"team"`
	// Start is where the team's chain starts: the start its first
	// checkpoint declares, or else its first event carrying a hash (0:
	// none). Events before it predate the chain and are not covered.
	Start       uint64 `json:"chainStart"`
	Events      uint64 `json:"events"`      // all of the team's events read
	BeforeChain uint64 `json:"beforeChain"` // of which stored before the chain started
	Checkpoints int    `json:"checkpoints"` // checkpoints that verified
	SealedUpTo  uint64 `json:"sealedUpTo"`  // the last verified checkpoint's sequence
	Unsealed    uint64 `json:"unsealed"`    // chained events after SealedUpTo, checkpoints aside
}

// Report is the result of a verification.
type Report struct {
	OK       bool         `json:"ok"`
	Events   uint64       `json:"events"`
	FirstSeq uint64       `json:"firstSeq"`
	LastSeq  uint64       `json:"lastSeq"`
	First    *Break       `json:"firstBreak,omitempty"`
	Breaks   []Break      `json:"breaks,omitempty"` // up to maxBreaks, in log order
	Teams    []TeamReport `json:"teams"`
	KeyID    string       `json:"keyId,omitempty"` // "" when checkpoints' signatures were not checked
	// Partial: a range from the middle of the log (Verifier.Partial).
	Partial bool `json:"partial,omitempty"`
}

const maxBreaks = 20

// Verifier walks a log in sequence order (Add each message, then Report).
// It continues after a break, from what is present, so later breaks are
// found too; the first is the one to look at.
type Verifier struct {
	key     ed25519.PublicKey
	heads   map[string]head
	teams   map[string]*teamState
	rep     Report
	last    uint64
	start   uint64 // the first chained event of all read
	partial bool
}

type head struct {
	seq  uint64
	hash Hash
}

type teamState struct {
	TeamReport
	digest        Digest
	hist          []snap // the digest after each chained event since the last verified checkpoint
	lastUnchained uint64
	lastOrdinary  uint64 // the last chained event that is not a checkpoint
	broken        bool
	sealed        Digest // as of SealedUpTo
}

type snap struct {
	seq uint64
	d   Digest
	cp  bool // a checkpoint: signed itself, not counted as unsealed
}

// NewVerifier returns a verifier that checks checkpoints' signatures with
// key (nil: they are not checked, and the report says so).
func NewVerifier(key ed25519.PublicKey) *Verifier {
	v := &Verifier{key: key, heads: map[string]head{}, teams: map[string]*teamState{}}
	if key != nil {
		v.rep.KeyID = KeyID(key)
	}
	return v
}

func (v *Verifier) fail(m Message, kind, format string, args ...any) {
	v.add(m, Break{Seq: m.Seq, Subject: m.Subject, Kind: kind, Detail: fmt.Sprintf(format, args...)})
}

func (v *Verifier) add(m Message, b Break) {
	if v.rep.First == nil {
		v.rep.First = &b
	}
	if len(v.rep.Breaks) < maxBreaks {
		v.rep.Breaks = append(v.rep.Breaks, b)
	}
	if t := v.teams[teamOf(m.Subject)]; t != nil {
		t.broken = true
	}
}

// teamOf is the team token of an event subject ev.<team>.<type>.<id>.
func teamOf(subject string) string {
	parts := strings.SplitN(subject, ".", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// Add checks one message, which must come after every message added before.
func (v *Verifier) Add(m Message) {
	if v.rep.Events == 0 {
		v.rep.FirstSeq = m.Seq
	}
	v.rep.Events++
	if m.Seq <= v.last {
		v.fail(m, BreakOrder, "comes after sequence %d: the events are out of order or repeated", v.last)
	} else {
		v.last = m.Seq
	}
	v.rep.LastSeq = max(v.rep.LastSeq, m.Seq)
	name := teamOf(m.Subject)
	t := v.teams[name]
	if t == nil {
		t = &teamState{TeamReport: TeamReport{Team: name}}
		v.teams[name] = t
	}
	t.Events++
	if m.Prev == "" && m.Hash == "" {
		if t.Start == 0 {
			t.BeforeChain++
		} else {
			v.fail(m, BreakUnchained, "carries no chain hash, but team %s's chain started at sequence %d: its hash was removed, or it was added by something other than weft", name, t.Start)
		}
		t.lastUnchained = m.Seq
		return
	}
	prev, perr := ParseHash(m.Prev)
	hash, herr := ParseHash(m.Hash)
	if perr != nil || herr != nil {
		v.fail(m, BreakContent, "its chain headers are not hashes (%q, %q)", m.Prev, m.Hash)
		return
	}
	if t.Start == 0 {
		t.Start = m.Seq
	}
	if v.start == 0 {
		v.start = m.Seq
	}
	if got := Of(prev, m.Subject, m.Data); got != hash {
		v.fail(m, BreakContent, "its stored content does not hash to the hash it was written with (%s, now %s): it was changed after it was written", hash, got)
	}
	h, seen := v.heads[m.Subject]
	switch {
	case seen && prev != h.hash:
		v.fail(m, BreakLink, "does not follow sequence %d, the previous event of %s in the log: an event between them is missing, or events were moved", h.seq, m.Subject)
	case !seen && prev != Genesis && !v.partial:
		v.fail(m, BreakLink, "follows an event of %s (hash %s) that is not in the log before it: it was removed, or moved after this one", m.Subject, prev)
	}
	v.heads[m.Subject] = head{seq: m.Seq, hash: hash}
	t.digest.Add(m.Seq, hash)
	cp := strings.HasSuffix(m.Subject, "."+CheckpointAggregateType+"."+CheckpointAggregateID)
	t.hist = append(t.hist, snap{seq: m.Seq, d: t.digest, cp: cp})
	if cp {
		v.checkpoint(m, t)
	} else {
		t.lastOrdinary = m.Seq
	}
}

func (v *Verifier) checkpoint(m Message, t *teamState) {
	var env struct {
		Type string     `json:"type"`
		Data Checkpoint `json:"data"`
	}
	if err := json.Unmarshal(m.Data, &env); err != nil || env.Type != CheckpointType {
		v.fail(m, BreakCheckpoint, "is on the checkpoint subject but is not a checkpoint (%v)", err)
		return
	}
	c := env.Data
	switch {
	case c.Team != t.Team:
		v.fail(m, BreakCheckpoint, "seals team %q, but is stored with team %q's events", c.Team, t.Team)
		return
	case c.UpTo >= m.Seq:
		v.fail(m, BreakCheckpoint, "seals events up to sequence %d but is stored at %d: events before it were removed, or it was moved", c.UpTo, m.Seq)
		return
	}
	if v.key != nil {
		if err := c.Verify(v.key); err != nil {
			b := Break{Seq: m.Seq, Subject: m.Subject, Kind: BreakCheckpoint, Detail: err.Error()}
			if c.KeyID != KeyID(v.key) {
				b.OtherKey = c.KeyID
			}
			v.add(m, b)
			return
		}
	}
	if v.partial {
		return // the digest covers events before the range
	}
	if t.SealedUpTo == 0 && t.Checkpoints == 0 && c.Start != 0 && c.Start < t.Start {
		// The chain started before this team's first hashed event: any of
		// its events from there on without a hash lost it.
		t.Start = c.Start
	}
	if t.lastUnchained >= c.Start && t.lastUnchained <= c.UpTo {
		v.fail(m, BreakCheckpoint, "seals team %s's events from sequence %d, but event %d among them carries no hash", t.Team, c.Start, t.lastUnchained)
		return
	}
	// The digest as of c.UpTo: the last snapshot at or before it.
	i := sort.Search(len(t.hist), func(i int) bool { return t.hist[i].seq > c.UpTo })
	var d Digest
	if i > 0 {
		d = t.hist[i-1].d
	} else {
		d = t.sealed
	}
	if d.Events != c.Events || d.Sum.String() != c.Digest {
		from := t.SealedUpTo
		v.fail(m, BreakCheckpoint, "sealed %d events of team %s up to sequence %d, and the log holds %d there with another digest: between sequences %d and %d an event was removed, added or moved", c.Events, t.Team, c.UpTo, d.Events, from+1, c.UpTo)
		return
	}
	t.Checkpoints++
	t.SealedUpTo, t.sealed = c.UpTo, d
	t.hist = t.hist[i:]
}

// Partial makes v verify a range that starts after the log's first event
// (an export from a sequence or a time): an event whose predecessor is
// before the range is taken as it is, and checkpoints' digests, which
// cover events before the range, are not checked (their signatures are).
func (v *Verifier) Partial() {
	v.partial = true
	v.rep.Partial = true
}

// Report returns what was found.
func (v *Verifier) Report() Report {
	r := v.rep
	r.OK = r.First == nil
	r.Teams = r.Teams[:0:0]
	for _, t := range v.teams {
		tr := t.TeamReport
		for _, s := range t.hist {
			if !s.cp {
				tr.Unsealed++
			}
		}
		r.Teams = append(r.Teams, tr)
	}
	sort.Slice(r.Teams, func(i, j int) bool { return r.Teams[i].Team < r.Teams[j].Team })
	return r
}

// TeamState is what a verifier holds for one team, for the sealer.
type TeamState struct {
	Team         string
	Start        uint64 // the first chained event of the whole log read
	Digest       Digest // of the team's chained events read
	LastSeq      uint64 // the team's last chained event
	LastOrdinary uint64 // the team's last chained event other than a checkpoint
	SealedUpTo   uint64 // the last verified checkpoint's sequence
	Checkpoints  uint64 // the sequence of the team's last checkpoint event (0: none)
	Broken       bool   // a break was found in the team's events
}

// Teams returns the state of every team read, by name.
func (v *Verifier) Teams() []TeamState {
	out := make([]TeamState, 0, len(v.teams))
	for name, t := range v.teams {
		st := TeamState{
			Team: name, Start: v.start, Digest: t.digest, LastOrdinary: t.lastOrdinary,
			SealedUpTo: t.SealedUpTo, Broken: t.broken,
		}
		if n := len(t.hist); n > 0 {
			st.LastSeq = t.hist[n-1].seq
		} else {
			st.LastSeq = t.SealedUpTo
		}
		st.Checkpoints = v.heads[SubjectPrefix+name+"."+CheckpointAggregateType+"."+CheckpointAggregateID].seq
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Team < out[j].Team })
	return out
}
