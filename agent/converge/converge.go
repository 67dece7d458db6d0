// Package converge is the agent's core loop: it reads its cluster's
// desired state from CL_<cluster> and its team's TM_<team> (the last value
// of every subject, then every change), and hands the differences to the
// appliers that program WireGuard, the proxy and DNS. It applies diffs, never "replace all", and
// after a restart or reconnect it converges again, removing what the
// appliers hold that is no longer desired.
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
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/clusterstate"
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
var kubeKinds = []string{clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport}

func isKube(kind string) bool {
	switch kind {
	case clusterstate.KindNamespace, clusterstate.KindWorkload, clusterstate.KindExport, clusterstate.KindImport:
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
	Heartbeat  time.Duration // default 5 s
	// JetStreamAPI is where the agent's JetStream API requests go. Empty:
	// weft's guard (clusterstate.AgentAPIPrefix), the only JetStream API
	// an agent's credentials reach. An edge agent that reads mirrors on
	// its own leaf node's JetStream gives "$JS.API".
	JetStreamAPI string
	Version      string
	Logger       *slog.Logger
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
	changed         chan struct{}
	started         time.Time
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
	return &Agent{cfg: cfg, log: cfg.Logger.With("cluster", cfg.Cluster), applied: map[string][]byte{}, changed: make(chan struct{}), started: time.Now()}, nil
}

// Applied is the highest EVENTS sequence applied from either stream. An
// event that wrote both streams is applied when AppliedPerStream says so.
func (a *Agent) Applied() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return max(a.ownSeq, a.teamSeq)
}

// AppliedPerStream is the highest EVENTS sequence applied from the
// cluster's stream and from the team's.
func (a *Agent) AppliedPerStream() (cluster, team uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ownSeq, a.teamSeq
}

// WaitFor blocks until the agent applied seq or ctx ends.
func (a *Agent) WaitFor(ctx context.Context, seq uint64) error {
	for {
		a.mu.Lock()
		cur, ch := max(a.ownSeq, a.teamSeq), a.changed
		a.mu.Unlock()
		if cur >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("agent at %d, waiting for %d: %w", cur, seq, ctx.Err())
		}
	}
}

// Run converges until ctx ends: a full read of the stream, then every
// change. If the stream read fails it starts over with a full read.
func (a *Agent) Run(ctx context.Context, nc *nats.Conn) error {
	api := a.cfg.JetStreamAPI
	if api == "" {
		api = clusterstate.AgentAPIPrefix(a.cfg.Cluster)
	}
	js, err := jetstream.NewWithAPIPrefix(nc, api)
	if err != nil {
		return fmt.Errorf("agent: %w", err)
	}
	go a.heartbeat(ctx, nc)
	a.reportGateway(nc)
	for {
		err := a.session(ctx, js)
		if ctx.Err() != nil {
			return nil
		}
		a.setErr(err)
		a.log.Warn("stream read ended; resyncing", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// session reads the whole desired state from both streams, converges to
// it, then follows both.
func (a *Agent) session(ctx context.Context, js jetstream.JetStream) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	own, err := a.open(sctx, js, clusterstate.StreamName(a.cfg.Cluster), 0, false)
	if err != nil {
		return err
	}
	ownState := map[string][]byte{}
	if err := own.readAll(ownState, a.entryOf); err != nil {
		return err
	}
	if a.cfg.Team == "" {
		team, err := teamOf(ownState)
		if err != nil {
			return err
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
		desired, snapSeq, snapEvents, err = a.readSnapshot(ctx, js)
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
		a.log.Log(ctx, level, "no usable team snapshot; reading the team's stream", "err", err)
		desired, snapSeq, snapEvents = map[string][]byte{}, 0, 0
	}
	shared, err := a.open(sctx, js, clusterstate.TeamStreamName(a.cfg.Team), snapSeq, true)
	if err != nil {
		return err
	}
	shared.seq = snapEvents
	if err := shared.readAll(desired, a.entryOf); err != nil {
		return err
	}
	maps.Copy(desired, ownState) // the two streams hold different kinds
	if err := a.resync(desired, own.seq, shared.seq); err != nil {
		return err
	}
	a.log.Info("converged to the desired state", "seq", max(own.seq, shared.seq), "entries", len(desired))

	// Then every change, from either stream, applied one at a time.
	msgs := make(chan streamMsg)
	for _, s := range []*stream{own, shared} {
		go s.follow(sctx, msgs)
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
		kind, id, ok := a.entryOf(m.Subject())
		if !ok {
			a.advance(sm.from.team, eventsSeq(m.Headers()))
			continue
		}
		var v []byte
		if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
			v = m.Data()
		}
		if err := a.applyOne(kind, id, v); err != nil {
			a.setErr(err)
			a.log.Error("apply failed; resyncing", "subject", m.Subject(), "err", err)
			return err
		}
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
	it   jetstream.MessagesContext
	msgs uint64 // in the stream when it was opened
	seq  uint64 // highest Weft-Events-Seq of the full read
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
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy}
	if after > 0 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: after + 1}
	}
	cons, err := s.OrderedConsumer(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("consume stream %s: %w", name, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("consume stream %s: %w", name, err)
	}
	go func() {
		<-ctx.Done()
		it.Stop()
	}()
	msgs := s.CachedInfo().State.Msgs
	if after > 0 && s.CachedInfo().State.LastSeq <= after {
		msgs = 0 // nothing after the snapshot yet
	}
	return &stream{name: name, team: team, it: it, msgs: msgs}, nil
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
		if md.NumPending == 0 {
			return nil
		}
	}
}

// follow hands every later message to out until the stream fails or ctx
// ends.
func (s *stream) follow(ctx context.Context, out chan<- streamMsg) {
	for {
		m, err := s.it.Next()
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
				a.mu.Unlock()
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
				return fmt.Errorf("apply %s: %w", key, err)
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
		a.mu.Unlock()
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
		switch kind {
		case clusterstate.KindSelf:
			var s clusterstate.Self
			if err = json.Unmarshal(v, &s); err == nil {
				err = a.cfg.Peers.SetSelf(s)
			}
		case clusterstate.KindPeer:
			var p clusterstate.Peer
			if p, err = clusterstate.DecodePeer(v); err == nil {
				err = a.cfg.Peers.UpsertPeer(p)
			}
		case clusterstate.KindRoute:
			var r clusterstate.Route
			if err = json.Unmarshal(v, &r); err == nil {
				err = a.cfg.Routes.UpsertRoute(r)
			}
		case clusterstate.KindDNS:
			var r clusterstate.Record
			if r, err = clusterstate.DecodeRecord(v); err == nil {
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
	a.mu.Unlock()
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
	close(a.changed)
	a.changed = make(chan struct{})
	a.mu.Unlock()
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
		a.mu.Lock()
		ch := a.changed
		a.mu.Unlock()
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
	b, _ := json.Marshal(g)
	if err := nc.Publish(clusterstate.StatusSubject(a.cfg.Cluster, clusterstate.StatusGateway), b); err != nil {
		a.log.Warn("gateway report not sent", "err", err)
	}
}

func eventsSeq(h nats.Header) uint64 {
	n, _ := strconv.ParseUint(h.Get(clusterstate.HeaderEventsSeq), 10, 64)
	return n
}
