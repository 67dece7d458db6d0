// Package converge is the agent's core loop: it reads its cluster's
// desired state from CL_<cluster> and its team's TM_<team> (the last value
// of every subject, then every change), and hands the differences to the
// appliers that program WireGuard, the proxy and DNS. It applies diffs, never "replace all", and
// after a restart it converges again, removing what the appliers hold that
// is no longer desired.
//
// The loop runs under a supervise.Supervisor. After a transient error (a
// disconnect, a consumer gone, a stream without a leader, an applier that
// failed) it resumes each stream after the last message it applied, after
// a jittered backoff: nothing is read again from the start or applied
// twice. Only a stream that was replaced (created anew, or shorter than
// what was applied) is read in full again. A value that cannot be decoded
// stops the loop (the component "converge") for good: the appliers keep
// what they hold, and /healthz names the event that caused the value.
package converge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/watermark"
)

// PeerApplier programs the WireGuard interface.
type PeerApplier interface {
	SetSelf(clusterstate.Self) error
	UpsertPeer(clusterstate.Peer) error
	RemovePeer(id string) error
	PeerIDs() []string // what the interface has now
	// Gateway is this gateway's public key and endpoint, to report.
	Gateway() clusterstate.Gateway
}

// PeerBatcher is a PeerApplier that applies many peers at once; the agent
// uses it for the full resync after a start.
type PeerBatcher interface {
	UpsertPeers([]clusterstate.Peer) error
}

// PeerCounter, RouteCounter and RecordCounter are appliers that count what
// they hold without listing (and sorting) it; the agent's status uses them
// where an applier has them.
type (
	PeerCounter   interface{ PeerCount() int }
	RouteCounter  interface{ RouteCount() int }
	RecordCounter interface{ RecordCount() int }
)

// RouteApplier programs the proxy.
type RouteApplier interface {
	UpsertRoute(clusterstate.Route) error
	DeleteRoute(id string) error
	RouteIDs() []string
}

// DNSApplier programs the DNS zone.
type DNSApplier interface {
	UpsertRecord(clusterstate.Record) error
	DeleteRecord(id string) error
	RecordIDs() []string
}

// KubeApplier applies the Kubernetes entries of the cluster's stream
// (namespace, workload, export and import: clusterstate's kube.go) in an
// agent in Kubernetes mode. SetEntry hands over one entry's new value (nil:
// removed) and must not block on the API server: the controller reconciles
// on its own. Synced says the applier has been given the whole desired
// state (after every full read), so it may prune what is no longer in it.
type KubeApplier interface {
	SetEntry(kind, id string, v []byte) error
	EntryIDs(kind string) []string
	Synced()
}

// kubeKinds are the kinds a KubeApplier gets.
var kubeKinds = []string{clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport, clusterstate.KindConfig, clusterstate.KindSecret, clusterstate.KindManaged, clusterstate.KindRouter}

func isKube(kind string) bool {
	switch kind {
	case clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport, clusterstate.KindConfig, clusterstate.KindSecret, clusterstate.KindManaged, clusterstate.KindRouter:
		return true
	}
	return false
}

// Config is one agent.
type Config struct {
	Cluster string
	// Team is the cluster's team, whose stream holds the peers and names;
	// empty: learnt from the cluster's own settings (credentials made
	// before team streams do not name it).
	Team   string
	Peers  PeerApplier
	Routes RouteApplier
	DNS    DNSApplier
	// Kube, in Kubernetes mode, applies the Kubernetes entries; without it
	// they are kept in State and nothing else.
	Kube KubeApplier
	// Kubernetes, in Kubernetes mode, is reported with the gateway so the
	// office writes the team's imports to this cluster.
	Kubernetes *clusterstate.Kubernetes
	// SealingKey is the public half of the agent's sealing key pair,
	// reported with the gateway: secrets reach the agent sealed to it.
	SealingKey string
	Heartbeat  time.Duration // default 5 s
	// StallCheck is how often a stream's reader that waits for its next
	// message is checked against the stream's leader (supervise.WatchStall):
	// a consumer on a replica stuck behind the leader is replaced within
	// three of these. Default supervise.DefaultStallCheck; idle agents ask
	// the leader once a period for each stream.
	StallCheck time.Duration
	// JetStreamAPI is where the agent's JetStream API requests go. Empty:
	// weft's guard (clusterstate.AgentAPIPrefix), the only JetStream API
	// an agent's credentials reach. An edge agent that reads mirrors on
	// its own leaf node's JetStream gives "$JS.API".
	JetStreamAPI string
	Version      string
	Logger       *slog.Logger
	// Supervisor is the process's, which the agent's /healthz reports;
	// nil: one of the agent's own.
	Supervisor *supervise.Supervisor
}

// Agent converges one cluster.
type Agent struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	applied map[string][]byte // clusterstate.Key → value applied in this process
	// ownSeq and teamSeq are the highest Weft-Events-Seq applied from each
	// stream: the office knows what it last wrote to each.
	ownSeq, teamSeq uint64
	lastErr         string
	started         time.Time
	// mark is max(ownSeq, teamSeq), advanced (and waking the heartbeat)
	// whenever either moves.
	mark *watermark.Mark
	// changes counts the changes to applied (entries set or removed), and
	// changed is it as a mark for those who wait on it (Changes).
	changes uint64
	changed *watermark.Mark

	// synced says the appliers hold the whole desired state as of the
	// cursors: the position after the last message applied from each
	// stream. Only Run's goroutine uses them.
	synced          bool
	ownCur, teamCur cursor
	fullReads       atomic.Uint64
}

// cursor is a position in one stream: the stream sequence of the last
// message applied, and when the stream was created (a stream deleted and
// made again starts its sequences over).
type cursor struct {
	seq     uint64
	created time.Time
}

// New returns an agent.
func New(cfg Config) (*Agent, error) {
	if cfg.Cluster == "" || cfg.Peers == nil || cfg.Routes == nil || cfg.DNS == nil {
		return nil, errors.New("converge: need a cluster and three appliers")
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Supervisor == nil {
		cfg.Supervisor = supervise.New(supervise.Config{Logger: cfg.Logger})
	}
	return &Agent{cfg: cfg, log: cfg.Logger.With("cluster", cfg.Cluster), applied: map[string][]byte{},
		mark: watermark.New("agent " + cfg.Cluster), changed: watermark.New("agent " + cfg.Cluster + " changes"), started: time.Now()}, nil
}

// Applied is the highest EVENTS sequence applied from either stream. An
// event that wrote both streams is applied when AppliedPerStream says so.
func (a *Agent) Applied() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return max(a.ownSeq, a.teamSeq)
}

// FullReads is how many times the agent read the whole desired state: once
// at start, and again only when a stream was replaced.
func (a *Agent) FullReads() uint64 { return a.fullReads.Load() }

// AppliedPerStream is the highest EVENTS sequence applied from the
// cluster's stream and from the team's.
func (a *Agent) AppliedPerStream() (cluster, team uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ownSeq, a.teamSeq
}

// WaitFor blocks until the agent applied seq or ctx ends.
func (a *Agent) WaitFor(ctx context.Context, seq uint64) error { return a.mark.WaitFor(ctx, seq) }

// Changes is how many changes (an entry set or removed) the agent has
// applied since it started: what a copy of its State waits on to stay
// current. Applied is not enough for that: the two streams are read side
// by side, so a change from one may be applied after a later event's from
// the other and leave Applied where it was.
func (a *Agent) Changes() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.changes
}

// WaitForChanges blocks until Changes is at least n or ctx ends.
func (a *Agent) WaitForChanges(ctx context.Context, n uint64) error { return a.changed.WaitFor(ctx, n) }

// changedLocked counts n changes to applied; a.mu is held. The caller
// advances changed with the count returned, once it released a.mu.
func (a *Agent) changedLocked(n int) uint64 {
	a.changes += uint64(n)
	return a.changes
}

// Run converges until ctx ends: a full read of both streams, then every
// change, resuming after the last change applied when reading fails. When
// a value cannot be decoded the loop stops and Run waits for ctx, still
// heartbeating (with the error) while the appliers keep what they hold.
func (a *Agent) Run(ctx context.Context, nc *nats.Conn) error {
	api := a.cfg.JetStreamAPI
	if api == "" {
		api = clusterstate.AgentAPIPrefix(a.cfg.Cluster)
	}
	js, err := jetstream.NewWithAPIPrefix(nc, api)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	beats := supervise.NewGroup(ctx)
	defer beats.Stop()
	beats.Go(func(ctx context.Context) { a.heartbeat(ctx, nc) })
	a.reportGateway(nc)
	err = a.cfg.Supervisor.Run(ctx, supervise.Component{Name: "converge", Run: func(ctx context.Context) error {
		err := a.session(ctx, js)
		if ctx.Err() == nil {
			a.setErr(err)
		}
		return err
	}})
	if err != nil {
		a.setErr(err)
		<-ctx.Done()
	}
	return nil
}

// session follows both streams after the cursors, or, when the appliers
// are not in step with the streams (the first session, a stream replaced),
// reads the whole desired state first and converges to it.
func (a *Agent) session(ctx context.Context, js jetstream.JetStream) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var own, shared *stream
	if a.synced {
		var err error
		own, shared, err = a.reopen(sctx, js)
		if errors.Is(err, errReplaced) {
			a.log.Warn("reading the desired state in full again", "err", err)
			a.synced = false
		} else if err != nil {
			return err
		}
	}
	if !a.synced {
		var err error
		if own, shared, err = a.fullRead(sctx, ctx, js); err != nil {
			if errors.Is(err, errUndecodable) {
				// The full read keeps values, not the events that made
				// them: the event is not known here.
				return supervise.Poison(0, err)
			}
			return err
		}
		a.ownCur, a.teamCur, a.synced = own.cur, shared.cur, true
	}
	return a.follow(ctx, own, shared)
}

// errReplaced is a stream that is not the one the cursor is in.
var errReplaced = errors.New("stream replaced")

// reopen opens both streams after their cursors.
func (a *Agent) reopen(ctx context.Context, js jetstream.JetStream) (own, shared *stream, err error) {
	open := func(name string, cur cursor, team bool) (*stream, error) {
		s, err := js.Stream(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("open stream %s: %w", name, err)
		}
		info := s.CachedInfo()
		if !info.Created.Equal(cur.created) || info.State.LastSeq < cur.seq {
			return nil, fmt.Errorf("%w: %s (created %v, last sequence %d; was created %v, applied through %d)",
				errReplaced, name, info.Created, info.State.LastSeq, cur.created, cur.seq)
		}
		return a.consume(ctx, s, name, cur.seq, team, false)
	}
	if own, err = open(clusterstate.StreamName(a.cfg.Cluster), a.ownCur, false); err != nil {
		return nil, nil, err
	}
	if shared, err = open(clusterstate.TeamStreamName(a.cfg.Team), a.teamCur, true); err != nil {
		return nil, nil, err
	}
	a.log.Info("resuming the desired state", "cluster_stream_after", a.ownCur.seq, "team_stream_after", a.teamCur.seq)
	return own, shared, nil
}

// fullRead reads the whole desired state from both streams and converges
// to it; the streams it returns are positioned after what it read. ctx
// (the session's) bounds the streams, outer the waits between tries.
func (a *Agent) fullRead(ctx, outer context.Context, js jetstream.JetStream) (own, shared *stream, err error) {
	own, err = a.open(ctx, js, clusterstate.StreamName(a.cfg.Cluster), 0, false)
	if err != nil {
		return nil, nil, err
	}
	ownState := map[string][]byte{}
	if err := own.readAll(ownState, a.entryOf); err != nil {
		return nil, nil, err
	}
	if a.cfg.Team == "" {
		team, err := teamOf(ownState)
		if err != nil {
			return nil, nil, err
		}
		a.cfg.Team = team // only this goroutine reads cfg.Team
		a.log.Info("learnt the cluster's team from its settings", "team", team)
	}
	// The full state: the last value of every subject. A large team's
	// stream starts from its snapshot, then what came after it.
	var desired map[string][]byte
	var snapSeq, snapEvents uint64
	for try := 0; ; try++ {
		// A snapshot replaced while it was read gives chunks that disagree;
		// the new one is whole once its chunk 0 is there, so read again
		// before falling back to the stream (500 agents falling back at
		// once read 10 million messages).
		desired, snapSeq, snapEvents, err = a.readSnapshot(outer, js)
		if !errors.Is(err, errTornSnapshot) || try == 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		// A small team has no snapshot; anything else (a missing
		// permission, a mirror without direct get) costs a large team a
		// slow cold start, which an operator should see.
		level := slog.LevelWarn
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			level = slog.LevelDebug
		}
		a.log.Log(outer, level, "no usable team snapshot; reading the team's stream", "err", err)
		desired, snapSeq, snapEvents = map[string][]byte{}, 0, 0
	}
	shared, err = a.open(ctx, js, clusterstate.TeamStreamName(a.cfg.Team), snapSeq, true)
	if err != nil {
		return nil, nil, err
	}
	shared.seq = snapEvents
	if err := shared.readAll(desired, a.entryOf); err != nil {
		return nil, nil, err
	}
	maps.Copy(desired, ownState) // the two streams hold different kinds
	if err := a.resync(desired, own.seq, shared.seq); err != nil {
		return nil, nil, err
	}
	a.fullReads.Add(1)
	a.log.Info("converged to the desired state", "seq", max(own.seq, shared.seq), "entries", len(desired))
	return own, shared, nil
}

// follow applies every change from either stream, one at a time, and moves
// the stream's cursor past each one applied.
func (a *Agent) follow(ctx context.Context, own, shared *stream) error {
	// The readers end when follow returns: their iterators stop (Next
	// returns), and follow waits for them.
	readers := supervise.NewGroup(ctx)
	defer readers.Stop()
	defer own.it.Stop()
	defer shared.it.Stop()
	msgs := make(chan streamMsg)
	for _, s := range []*stream{own, shared} {
		r := supervise.NewReader(s.cur.seq)
		readers.Go(func(ctx context.Context) { s.follow(ctx, r, msgs) })
		readers.Go(func(ctx context.Context) {
			head := func(ctx context.Context) (uint64, error) {
				last, err := s.lastSeq(ctx)
				// Asked once a period at most, and only of an idle reader:
				// a check that cannot be made is worth a line.
				if err != nil {
					a.log.Warn("stall check: the stream's leader did not answer", "stream", s.name, "at", r.Position(), "err", err)
				} else {
					a.log.Debug("stall check", "stream", s.name, "at", r.Position(), "last", last)
				}
				return last, err
			}
			if err := supervise.WatchStall(ctx, a.cfg.StallCheck, r, head); err != nil {
				select {
				case msgs <- streamMsg{from: s, err: err}:
				case <-ctx.Done():
				}
			}
		})
	}
	for {
		var sm streamMsg
		select {
		case sm = <-msgs:
		case <-ctx.Done():
			return ctx.Err()
		}
		if sm.err != nil {
			return fmt.Errorf("follow %s: %w", sm.from.name, sm.err)
		}
		m := sm.msg
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("follow %s: %w", sm.from.name, err)
		}
		if kind, id, ok := a.entryOf(m.Subject()); ok {
			var v []byte
			if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
				v = m.Data()
			}
			if err := a.applyOne(kind, id, v); err != nil {
				if errors.Is(err, errUndecodable) {
					return supervise.Poison(eventsSeq(m.Headers()), fmt.Errorf("%s: %w", m.Subject(), err))
				}
				return err // the applier's: tried again from this message
			}
		}
		cur := &a.ownCur
		if sm.from.team {
			cur = &a.teamCur
		}
		cur.seq = md.Sequence.Stream
		a.advance(sm.from.team, eventsSeq(m.Headers()))
	}
}

// teamOf reads the team from the cluster's own settings (its self entry),
// for an agent whose credentials do not name it.
func teamOf(own map[string][]byte) (string, error) {
	v, ok := own[clusterstate.KindSelf]
	if !ok {
		return "", errors.New("learn the team: the cluster's stream has no settings yet")
	}
	var self clusterstate.Self
	if err := json.Unmarshal(v, &self); err != nil {
		return "", fmt.Errorf("learn the team: %w", err)
	}
	if err := clusterstate.CheckToken("team", self.Team); err != nil {
		return "", fmt.Errorf("learn the team: %w", err)
	}
	return self.Team, nil
}

// entryOf is the entry a subject of either stream holds for this agent;
// false for what it does not apply (its own gateway as a peer).
func (a *Agent) entryOf(subject string) (kind, id string, ok bool) {
	_, kind, id, err := clusterstate.ParseSubject(subject)
	if err != nil || kind == clusterstate.KindPeer && id == a.cfg.Cluster {
		return "", "", false
	}
	return kind, id, true
}

// stream is one of the agent's two streams being read.
type stream struct {
	name string
	team bool
	s    jetstream.Stream
	it   jetstream.MessagesContext
	msgs uint64 // in the stream when it was opened
	seq  uint64 // highest Weft-Events-Seq of the full read
	cur  cursor // after the last message read
}

type streamMsg struct {
	from *stream
	msg  jetstream.Msg
	err  error
}

// open starts reading a stream: the last value of every subject, or with
// after > 0 every message after that sequence.
func (a *Agent) open(ctx context.Context, js jetstream.JetStream, name string, after uint64, team bool) (*stream, error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("open stream %s: %w", name, err)
	}
	return a.consume(ctx, s, name, after, team, after == 0)
}

// consume reads s: every message after the stream sequence after, or with
// lastPerSubject the last value of every subject, then every change.
func (a *Agent) consume(ctx context.Context, s jetstream.Stream, name string, after uint64, team, lastPerSubject bool) (*stream, error) {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: after + 1}
	if lastPerSubject {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy}
	}
	cons, err := s.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("consume stream %s: %w", name, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("consume stream %s: %w", name, err)
	}
	context.AfterFunc(ctx, it.Stop)
	info := s.CachedInfo()
	msgs := info.State.Msgs
	cur := cursor{seq: after, created: info.Created}
	if info.State.LastSeq <= after {
		msgs = 0 // nothing after the snapshot (or the cursor) yet
	} else if msgs == 0 {
		cur.seq = info.State.LastSeq // empty: resume after what it had
	}
	return &stream{name: name, team: team, s: s, it: it, msgs: msgs, cur: cur}, nil
}

// errTornSnapshot is a snapshot whose chunks are of different snapshots.
var errTornSnapshot = errors.New("snapshot replaced while read")

// readSnapshot returns the team snapshot's entries by key, the team
// stream sequence it holds everything up to, and the highest events
// sequence in it. An error (no snapshot, a chunk of another
// snapshot) means: read the stream instead.
func (a *Agent) readSnapshot(ctx context.Context, js jetstream.JetStream) (desired map[string][]byte, seq, events uint64, err error) {
	s, err := js.Stream(ctx, clusterstate.SnapshotStreamName(a.cfg.Team))
	if err != nil {
		return nil, 0, 0, err
	}
	var chunks int
	for i := 0; i == 0 || i < chunks; i++ {
		m, err := s.GetLastMsgForSubject(ctx, clusterstate.SnapshotSubject(a.cfg.Team, i))
		if err != nil {
			return nil, 0, 0, fmt.Errorf("snapshot chunk %d: %w", i, err)
		}
		at, _ := strconv.ParseUint(m.Header.Get(clusterstate.HeaderSnapshotSeq), 10, 64)
		if i == 0 {
			seq = at
			chunks, _ = strconv.Atoi(m.Header.Get(clusterstate.HeaderSnapshotChunks))
			if seq == 0 || chunks < 1 {
				return nil, 0, 0, errors.New("snapshot chunk 0 without a sequence or count")
			}
			n, _ := strconv.Atoi(m.Header.Get(clusterstate.HeaderSnapshotEntries))
			desired = make(map[string][]byte, n+64)
		} else if at != seq {
			return nil, 0, 0, fmt.Errorf("%w: chunk %d is of %d, not %d", errTornSnapshot, i, at, seq)
		}
		if err := clusterstate.DecodeSnapshot(m.Data, func(e clusterstate.SnapshotEntry) error {
			if kind, id, ok := a.entryOf(e.Subject); ok {
				desired[clusterstate.Key(kind, id)] = e.Value
			}
			events = max(events, e.EventsSeq)
			return nil
		}); err != nil {
			return nil, 0, 0, err
		}
	}
	return desired, seq, events, nil
}

// readAll adds the last value of every subject entryOf accepts to desired,
// by key, and removes what a tombstone deletes.
func (s *stream) readAll(desired map[string][]byte, entryOf func(string) (kind, id string, ok bool)) error {
	if s.msgs == 0 {
		return nil
	}
	for {
		m, err := s.it.Next()
		if err != nil {
			return fmt.Errorf("read %s: %w", s.name, err)
		}
		if kind, id, ok := entryOf(m.Subject()); ok {
			// After a snapshot a tombstone removes what the snapshot held.
			if m.Headers().Get(clusterstate.HeaderDeleted) == "true" {
				delete(desired, clusterstate.Key(kind, id))
			} else {
				desired[clusterstate.Key(kind, id)] = m.Data() // the message's own
			}
		}
		s.seq = max(s.seq, eventsSeq(m.Headers()))
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("read %s: %w", s.name, err)
		}
		s.cur.seq = max(s.cur.seq, md.Sequence.Stream)
		if md.NumPending == 0 {
			return nil
		}
	}
}

// follow hands every later message to out until the stream fails or ctx
// ends, telling r where it is.
func (s *stream) follow(ctx context.Context, r *supervise.Reader, out chan<- streamMsg) {
	for {
		r.Waiting()
		m, err := s.it.Next()
		if err == nil {
			if md, merr := m.Metadata(); merr == nil {
				r.Got(md.Sequence.Stream)
			}
		}
		select {
		case out <- streamMsg{from: s, msg: m, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// lastSeq is the stream's last sequence as its leader knows it.
func (s *stream) lastSeq(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := s.s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.LastSeq, nil
}

// resync makes the appliers hold exactly desired (by key): stale entries
// (left by an earlier run or missed tombstones) are removed, the rest
// upserted unless this process already applied the same value.
func (a *Agent) resync(desired map[string][]byte, ownSeq, teamSeq uint64) error {
	stale := func(kind string, have []string, remove func(string) error) error {
		for _, id := range have {
			key := clusterstate.Key(kind, id)
			if _, ok := desired[key]; !ok {
				if err := remove(id); err != nil {
					return fmt.Errorf("remove stale %s %s: %w", kind, id, err)
				}
				a.mu.Lock()
				delete(a.applied, key)
				n := a.changedLocked(1)
				a.mu.Unlock()
				a.changed.Advance(n)
			}
		}
		return nil
	}
	if err := stale(clusterstate.KindPeer, a.cfg.Peers.PeerIDs(), a.cfg.Peers.RemovePeer); err != nil {
		return err
	}
	if err := stale(clusterstate.KindRoute, a.cfg.Routes.RouteIDs(), a.cfg.Routes.DeleteRoute); err != nil {
		return err
	}
	if err := stale(clusterstate.KindDNS, a.cfg.DNS.RecordIDs(), a.cfg.DNS.DeleteRecord); err != nil {
		return err
	}
	if k := a.cfg.Kube; k != nil {
		for _, kind := range kubeKinds {
			if err := stale(kind, k.EntryIDs(kind), func(id string) error { return k.SetEntry(kind, id, nil) }); err != nil {
				return err
			}
		}
	}
	a.mu.Lock()
	if len(a.applied) == 0 {
		a.applied = make(map[string][]byte, len(desired)) // a first start: no rehashing as it fills
	}
	a.mu.Unlock()
	// Self first: peers and routes need the interface.
	if v, ok := desired[clusterstate.KindSelf]; ok {
		if err := a.applyOne(clusterstate.KindSelf, "", v); err != nil {
			return err
		}
	}
	// Peers in one call when the applier can: thousands of peers one by one
	// cost a configuration round trip each.
	if batcher, ok := a.cfg.Peers.(PeerBatcher); ok {
		var batch []clusterstate.Peer
		var keys []string
		for key, v := range desired {
			if kind, _ := clusterstate.ParseKey(key); kind != clusterstate.KindPeer {
				continue
			}
			p, err := clusterstate.DecodePeer(v)
			if err != nil {
				return fmt.Errorf("apply %s: %w: %w", key, errUndecodable, err)
			}
			batch = append(batch, p)
			keys = append(keys, key)
		}
		if err := batcher.UpsertPeers(batch); err != nil {
			return err
		}
		a.mu.Lock()
		for _, key := range keys {
			a.applied[key] = desired[key]
		}
		n := a.changedLocked(len(keys))
		a.mu.Unlock()
		a.changed.Advance(n)
	}
	for key, v := range desired {
		if key == clusterstate.KindSelf {
			continue
		}
		kind, id := clusterstate.ParseKey(key)
		if err := a.applyOne(kind, id, v); err != nil {
			return err
		}
	}
	if a.cfg.Kube != nil {
		a.cfg.Kube.Synced()
	}
	a.advance(false, ownSeq)
	a.advance(true, teamSeq)
	return nil
}

// errUndecodable marks a desired-state value the agent cannot decode.
var errUndecodable = errors.New("value cannot be decoded")

// applyOne applies one entry's new value (nil: deleted).
func (a *Agent) applyOne(kind, id string, v []byte) error {
	key := clusterstate.Key(kind, id)
	a.mu.Lock()
	old, had := a.applied[key]
	a.mu.Unlock()
	if had && v != nil && bytes.Equal(old, v) {
		return nil
	}
	var err error
	if isKube(kind) {
		if a.cfg.Kube != nil {
			err = a.cfg.Kube.SetEntry(kind, id, v)
		}
	} else if v == nil {
		switch kind {
		case clusterstate.KindPeer:
			err = a.cfg.Peers.RemovePeer(id)
		case clusterstate.KindRoute:
			err = a.cfg.Routes.DeleteRoute(id)
		case clusterstate.KindDNS:
			err = a.cfg.DNS.DeleteRecord(id)
		}
	} else {
		// A value that does not decode is the office's, and would not
		// decode on a second try: it is marked errUndecodable.
		undecodable := func(e error) error { return fmt.Errorf("%w: %w", errUndecodable, e) }
		switch kind {
		case clusterstate.KindSelf:
			var s clusterstate.Self
			if err = json.Unmarshal(v, &s); err != nil {
				err = undecodable(err)
			} else {
				err = a.cfg.Peers.SetSelf(s)
			}
		case clusterstate.KindPeer:
			var p clusterstate.Peer
			if p, err = clusterstate.DecodePeer(v); err != nil {
				err = undecodable(err)
			} else {
				err = a.cfg.Peers.UpsertPeer(p)
			}
		case clusterstate.KindRoute:
			var r clusterstate.Route
			if err = json.Unmarshal(v, &r); err != nil {
				err = undecodable(err)
			} else {
				err = a.cfg.Routes.UpsertRoute(r)
			}
		case clusterstate.KindDNS:
			var r clusterstate.Record
			if r, err = clusterstate.DecodeRecord(v); err != nil {
				err = undecodable(err)
			} else {
				err = a.cfg.DNS.UpsertRecord(r)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("apply %s: %w", key, err)
	}
	a.mu.Lock()
	if v == nil {
		delete(a.applied, key)
	} else {
		// Not copied: a message's data is its own (nats.go does not reuse
		// it), and a snapshot's values share their chunk, alive anyway.
		a.applied[key] = v
	}
	n := a.changedLocked(1)
	a.mu.Unlock()
	a.changed.Advance(n)
	return nil
}

// advance records seq applied from the team's stream or the cluster's.
func (a *Agent) advance(team bool, seq uint64) {
	a.mu.Lock()
	if team {
		a.teamSeq = max(a.teamSeq, seq)
	} else {
		a.ownSeq = max(a.ownSeq, seq)
	}
	a.lastErr = ""
	both := max(a.ownSeq, a.teamSeq)
	a.mu.Unlock()
	a.mark.Advance(both)
}

func (a *Agent) setErr(err error) {
	if err == nil {
		return
	}
	a.mu.Lock()
	a.lastErr = err.Error()
	a.mu.Unlock()
}

// State is what the agent has applied: the value of every entry, by
// clusterstate.Key.
func (a *Agent) State() map[string][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string][]byte, len(a.applied))
	for k, v := range a.applied {
		out[k] = v
	}
	return out
}

// Status is what the agent reports in its heartbeat. The counts are what
// the appliers hold now, read here (a heartbeat, a scrape) and not after
// every applied message: listing and sorting a thousand peers and names per
// change was most of 50 agents' CPU in fan-out.
func (a *Agent) Status() clusterstate.Status {
	peers, routes, records := a.counts()
	a.mu.Lock()
	defer a.mu.Unlock()
	return clusterstate.Status{Applied: max(a.ownSeq, a.teamSeq), ClusterApplied: a.ownSeq, TeamApplied: a.teamSeq, Peers: peers, Routes: routes, Records: records,
		Version: a.cfg.Version, Time: time.Now().UTC(), LastError: a.lastErr, Connected: true, StartedAt: a.started}
}

// counts are the entries the appliers hold.
func (a *Agent) counts() (peers, routes, records int) {
	if c, ok := a.cfg.Peers.(PeerCounter); ok {
		peers = c.PeerCount()
	} else {
		peers = len(a.cfg.Peers.PeerIDs())
	}
	if c, ok := a.cfg.Routes.(RouteCounter); ok {
		routes = c.RouteCount()
	} else {
		routes = len(a.cfg.Routes.RouteIDs())
	}
	if c, ok := a.cfg.DNS.(RecordCounter); ok {
		records = c.RecordCount()
	} else {
		records = len(a.cfg.DNS.RecordIDs())
	}
	return peers, routes, records
}

func (a *Agent) heartbeat(ctx context.Context, nc *nats.Conn) {
	t := time.NewTicker(a.cfg.Heartbeat)
	defer t.Stop()
	for {
		ch := a.mark.Changed()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-ch:
			// Report progress soon after a change, at most every 100 ms.
			time.Sleep(100 * time.Millisecond)
		}
		b, _ := json.Marshal(a.Status())
		if err := nc.Publish(clusterstate.StatusSubject(a.cfg.Cluster, clusterstate.StatusHeartbeat), b); err != nil {
			a.log.Warn("heartbeat not sent", "err", err)
		}
	}
}

func (a *Agent) reportGateway(nc *nats.Conn) {
	g := a.cfg.Peers.Gateway()
	g.Kubernetes = a.cfg.Kubernetes
	g.SealingKey = a.cfg.SealingKey
	b, _ := json.Marshal(g)
	if err := nc.Publish(clusterstate.StatusSubject(a.cfg.Cluster, clusterstate.StatusGateway), b); err != nil {
		a.log.Warn("gateway report not sent", "err", err)
	}
}

func eventsSeq(h nats.Header) uint64 {
	n, _ := strconv.ParseUint(h.Get(clusterstate.HeaderEventsSeq), 10, 64)
	return n
}
