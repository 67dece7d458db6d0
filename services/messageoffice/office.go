package messageoffice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/supervise"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// Config tunes the office.
type Config struct {
	Zone     string // DNS zone; DefaultZone when empty
	Replicas int    // CL_ stream replicas
	Logger   *slog.Logger
	// SnapshotMin is how many entries a team's stream holds before the
	// office keeps a snapshot of it for agents' cold starts; default 1,000.
	SnapshotMin int
	// Supervisor is the process's (weft-server's, reported on /healthz);
	// nil: one of the office's own.
	Supervisor *supervise.Supervisor
	// Failed, when set, runs once when the office stops on an event it
	// cannot apply: weft-server gives up the lease, so another replica
	// can try. It must not wait for the office to stop.
	Failed func(error)
	// WriteTimeout is how long a write to a cluster or team stream may
	// wait for its acknowledgement before the office resumes (reading the
	// streams back and writing what they lack); default 30 s.
	WriteTimeout time.Duration
	// RefusedAgentAPI counts agents' JetStream requests the guard refused,
	// by reason (nil: not counted).
	RefusedAgentAPI *prometheus.CounterVec
}

// snapshotEvery is how often, at most, a team whose stream keeps changing
// gets a new snapshot; a team whose changes stopped gets one within a
// second (snapshotIdle). Readers that meet a snapshot being replaced read
// it again, so it is not replaced often: the stream after it is cheap to
// read.
const (
	snapshotEvery = 30 * time.Second
	snapshotIdle  = time.Second
	snapshotChunk = 512 << 10 // under NATS's default 1 MB message limit
)

// Office writes every cluster's desired state. One goroutine applies
// events in log order; the streams hold the result, so a restart rebuilds
// the topology from the log and writes only what differs.
type Office struct {
	store *events.Store
	js    jetstream.JetStream
	cfg   Config
	log   *slog.Logger

	topo *Topology
	// written is what each stream holds: stream → subject → its value. A
	// subject is written only when its value differs; a team
	// stream's values are also what its snapshot is made of.
	written map[string]map[string]stored
	owner   map[string]string // cluster → team, for clusters whose stream exists
	// teamReady holds the teams whose stream exists and was written in full.
	teamReady map[string]bool
	// pending are the publishes not yet acknowledged.
	pending []jetstream.PubAckFuture
	// streamSeq is the highest acknowledged sequence of each stream;
	// snapped the team stream sequence each team's snapshot holds (0: none
	// written by this office yet), snappedAt when it was written.
	streamSeq map[string]uint64
	snapped   map[string]uint64
	snappedAt map[string]time.Time

	// names, when set, gets every team's DNS records (weft-server's public
	// DNS); named is what it was given, per team: id → record JSON.
	names Names
	named map[string]map[string]string

	// teams maps cluster → team for other goroutines (enrolment, status).
	teams sync.Map

	// reports are the status part's (status.go, rollout.go), under their
	// own lock.
	reports

	// folded is the last event folded into the topology; applied (below)
	// trails it while the event's writes are unacknowledged. dirty says a
	// write failed: the streams may lack what written says they hold, so
	// the office reads them back before it goes on. Both belong to the
	// consuming goroutine.
	folded uint64
	dirty  bool

	mu      sync.Mutex
	applied uint64
	changed chan struct{}
	err     error

	sup    *supervise.Supervisor
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns an office over the store's connection.
func New(store *events.Store, cfg Config) (*Office, error) {
	if cfg.Zone == "" {
		cfg.Zone = DefaultZone
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SnapshotMin <= 0 {
		cfg.SnapshotMin = 1000
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 30 * time.Second
	}
	if cfg.Supervisor == nil {
		cfg.Supervisor = supervise.New(supervise.Config{Logger: cfg.Logger})
	}
	js, err := jetstream.New(store.Conn())
	if err != nil {
		return nil, fmt.Errorf("message office: %w", err)
	}
	return &Office{store: store, js: js, cfg: cfg, log: cfg.Logger, topo: NewTopology(), sup: cfg.Supervisor,
		written: map[string]map[string]stored{}, owner: map[string]string{}, teamReady: map[string]bool{}, changed: make(chan struct{}),
		reports: reports{status: map[string]clusterstate.Status{}, seen: map[string]time.Time{}, recorded: map[string]agentRecord{},
			rollouts: map[string]*rolloutState{}, namespaces: map[string]cd.NamespaceState{}, lastWritten: map[string]uint64{}}}, nil
}

// Names receives DNS records: the public DNS's table.
type Names interface {
	UpsertRecord(clusterstate.Record) error
	DeleteRecord(id string) error
}

// SetNames makes the office keep n up to date with every team's names. Call
// it before Start.
func (o *Office) SetNames(n Names) { o.names, o.named = n, map[string]map[string]string{} }

// syncNames gives the public table the team's records that changed: the
// ids in keys (kind dns), or all of them when full.
func (o *Office) syncNames(tm *Team, keys [][2]string, full bool) error {
	if o.names == nil {
		return nil
	}
	have := o.named[tm.Slug]
	if have == nil {
		have = map[string]string{}
		o.named[tm.Slug] = have
	}
	sync := func(id string) error {
		r, ok := recordOf(tm, o.cfg.Zone, id)
		if !ok {
			if _, had := have[id]; had {
				if err := o.names.DeleteRecord(id); err != nil {
					return fmt.Errorf("message office: public dns: %w", err)
				}
				delete(have, id)
			}
			return nil
		}
		r.Owner = tm.Slug // one table for every team: reverse answers need to know whose
		b, _ := json.Marshal(r)
		if have[id] == string(b) {
			return nil
		}
		if err := o.names.UpsertRecord(r); err != nil {
			return fmt.Errorf("message office: public dns: %w", err)
		}
		have[id] = string(b)
		return nil
	}
	if !full {
		for _, k := range keys {
			if k[0] == clusterstate.KindDNS {
				if err := sync(k[1]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	ids := map[string]bool{}
	for _, id := range tm.recordIDs {
		ids[id] = true
	}
	for id := range have {
		ids[id] = true
	}
	for id := range ids {
		if err := sync(id); err != nil {
			return err
		}
	}
	return nil
}

// Applied is the EVENTS sequence the per-cluster streams reflect.
func (o *Office) Applied() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.applied
}

// WaitFor blocks until the streams reflect seq, the office failed, or ctx ends.
func (o *Office) WaitFor(ctx context.Context, seq uint64) error {
	for {
		o.mu.Lock()
		applied, err, ch := o.applied, o.err, o.changed
		o.mu.Unlock()
		if applied >= seq {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("message office at %d, waiting for %d: %w", applied, seq, ctx.Err())
		}
	}
}

func (o *Office) setApplied(seq uint64, err error) {
	o.mu.Lock()
	if seq > o.applied {
		o.applied = seq
	}
	if err != nil {
		o.err = err
	}
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
}

// Start rebuilds the topology from the log, brings every cluster's stream
// to its desired state, and follows the log.
func (o *Office) Start(ctx context.Context) error {
	// A replica that held the lease before starts over from the log.
	o.topo, o.written, o.owner = NewTopology(), map[string]map[string]stored{}, map[string]string{}
	o.teamReady, o.pending = map[string]bool{}, nil
	o.streamSeq, o.snapped, o.snappedAt = map[string]uint64{}, map[string]uint64{}, map[string]time.Time{}
	end, err := o.store.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("message office: %w", err)
	}
	o.folded = 0
	if err := o.rebuild(ctx, end); err != nil {
		if _, ok := supervise.FaultOf(err); ok {
			// Reported as the running office's would be: failed at the
			// event, and the lease given up.
			_ = o.sup.Run(ctx, supervise.Component{Name: "messageoffice", Failed: o.cfg.Failed,
				Run: func(context.Context) error { return err }})
		}
		return err
	}
	if err := o.reconcile(ctx, end); err != nil {
		return err
	}
	o.statusMu.Lock()
	o.lastOther = end
	o.statusMu.Unlock()
	o.folded, o.dirty = end, false
	o.setApplied(end, nil)
	first, err := o.follow(ctx)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithCancel(context.Background())
	o.cancel, o.done = cancel, make(chan struct{})
	go func() {
		defer close(o.done)
		err := o.sup.Run(cctx, supervise.Component{Name: "messageoffice", Behind: o.behind, Failed: o.cfg.Failed,
			Run: func(ctx context.Context) error {
				it := first
				first = nil
				return o.resume(ctx, it)
			}})
		if err != nil {
			o.fail(err)
		}
	}()
	o.log.Info("message office started", "seq", end, "clusters", len(o.owner))
	return nil
}

// rebuild folds the log up to end into the topology, writing nothing.
// An event of a type the office handles that cannot be decoded is a
// supervise.Fault.
func (o *Office) rebuild(ctx context.Context, end uint64) error {
	if end == 0 {
		return nil
	}
	it, err := o.follow(ctx)
	if err != nil {
		return fmt.Errorf("message office: rebuild topology: %w", err)
	}
	defer it.Stop()
	for o.folded < end {
		m, err := it.Next()
		if err != nil {
			return fmt.Errorf("message office: rebuild topology: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("message office: rebuild topology: %w", err)
		}
		seq := md.Sequence.Stream
		if Handles(m.Headers().Get(events.HeaderEventType)) {
			rec, err := o.store.Decode(seq, m.Data())
			if err != nil {
				return supervise.Poison(seq, fmt.Errorf("message office: rebuild topology: %w", err))
			}
			o.topo.Apply(rec)
		}
		o.folded = seq
	}
	return nil
}

// follow opens an ordered consumer on EVENTS after the last event folded.
func (o *Office) follow(ctx context.Context) (jetstream.MessagesContext, error) {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: o.folded + 1}
	cons, err := o.js.OrderedConsumer(ctx, events.StreamName, cfg)
	if err != nil {
		return nil, fmt.Errorf("message office: follow the log: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return nil, fmt.Errorf("message office: follow the log: %w", err)
	}
	return it, nil
}

// resume carries on after a transient error (it nil) or from Start (it
// the first consumer): the topology is kept; when a write failed, every
// stream is read back and what it lacks of the desired state as of the
// last folded event is written (the same change has the same message id,
// so one that did reach a stream is not stored twice); then the log is
// followed after that event.
func (o *Office) resume(ctx context.Context, it jetstream.MessagesContext) error {
	if o.dirty {
		if err := o.reconcile(ctx, o.folded); err != nil {
			return err
		}
		o.dirty = false
		o.setApplied(o.folded, nil)
		o.log.Info("message office resumed: streams read back and brought up to date", "seq", o.folded)
	}
	if it == nil {
		var err error
		if it, err = o.follow(ctx); err != nil {
			return err
		}
	}
	return o.loop(ctx, it)
}

// behind is how many events of the log the streams do not reflect yet.
func (o *Office) behind(ctx context.Context) (uint64, error) {
	last, err := o.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	return last - min(last, o.Applied()), nil
}

// Stop stops following the log.
func (o *Office) Stop(context.Context) error {
	if o.cancel == nil {
		return nil
	}
	o.cancel()
	<-o.done
	o.cancel = nil
	return nil
}

// loop applies the log until ctx ends or an error: a transient one for the
// supervisor to resume from, or an event the office cannot apply, as a
// supervise.Fault.
func (o *Office) loop(ctx context.Context, it jetstream.MessagesContext) error {
	defer context.AfterFunc(ctx, it.Stop)()
	defer it.Stop()
	heard, checked := time.Now(), time.Now()
	for {
		m, err := it.Next(jetstream.NextMaxWait(snapshotIdle))
		if errors.Is(err, nats.ErrTimeout) {
			// The log is quiet: bring every changed team's snapshot up to date.
			if err := o.snapshotAll(ctx); err != nil {
				return err
			}
			// Or the consumer is stuck: after its node restarted it may
			// deliver nothing and say nothing (waits this short never see
			// its missing heartbeats).
			if time.Since(heard) >= stallAfter && time.Since(checked) >= stallAfter {
				checked = time.Now()
				if last, err := o.store.LastSeq(ctx); err == nil && last > o.folded {
					return fmt.Errorf("message office: nothing delivered for %v while the log has events %d to %d", time.Since(heard).Round(time.Second), o.folded+1, last)
				}
			}
			continue
		}
		heard = time.Now()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("message office: follow the log: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("message office: %w", err)
		}
		seq := md.Sequence.Stream
		if seq <= o.folded {
			continue
		}
		typ := m.Headers().Get(events.HeaderEventType)
		if !isReport(typ) {
			o.statusMu.Lock()
			o.lastOther = seq
			o.statusMu.Unlock()
		}
		if Handles(typ) {
			rec, err := o.store.Decode(seq, m.Data())
			if err != nil {
				return supervise.Poison(seq, fmt.Errorf("message office: %w", err))
			}
			if err := o.apply(ctx, rec); err != nil {
				if errors.Is(err, errUnwritable) {
					return supervise.Poison(seq, err)
				}
				o.dirty = true
				return err
			}
		}
		o.folded = seq
		o.setApplied(seq, nil)
	}
}

func (o *Office) fail(err error) {
	o.log.Error("message office stopped", "err", err)
	o.setApplied(0, err)
}

// stallAfter is how long the office waits on a quiet consumer before it
// asks whether the log is really quiet.
const stallAfter = 5 * time.Second

// errUnwritable marks what no retry can write: desired state that cannot
// be encoded from the topology, or a record the public DNS refuses.
var errUnwritable = errors.New("desired state cannot be encoded")

func unwritable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", errUnwritable, err)
}

// apply folds one event in and writes what it changed.
func (o *Office) apply(ctx context.Context, r events.Recorded) error {
	changed := o.topo.Apply(r)
	o.folded = r.Seq // folded, whether or not its writes go through
	if !changed {
		return nil
	}
	if e, ok := r.Data.(infra.ClusterDeleted); ok {
		if err := o.dropCluster(ctx, e.ID); err != nil {
			return err
		}
	}
	tm := o.topo.Teams[r.Team]
	if tm == nil {
		return nil
	}
	return o.syncTeam(ctx, tm, r.Seq, changedShared(r, tm), changesOwn(r, tm), false)
}

// syncTeam writes what changed in the team's streams. Without full, only
// the team-wide entries in keys are compared, and the clusters' own
// entries only when own; with full, everything is compared and what the
// streams hold beyond the desired state is tombstoned.
func (o *Office) syncTeam(ctx context.Context, tm *Team, seq uint64, keys [][2]string, own, full bool) error {
	if err := o.syncNames(tm, keys, full); err != nil {
		return unwritable(err) // the table is in memory: it refuses a record, not a moment
	}
	if len(tm.Clusters) == 0 {
		// No agent reads the team's stream.
		if o.written[clusterstate.TeamStreamName(tm.Slug)] != nil {
			return o.dropTeam(ctx, tm.Slug)
		}
		return nil
	}
	// Clusters' own entries first: an agent that sees an event's team-wide
	// write has then most likely seen the event's own writes too.
	if full || own {
		imports := map[string]entry{}
		for id := range tm.Clusters {
			if err := o.ensureStream(ctx, tm.Slug, id); err != nil {
				return err
			}
			es, err := ownEntries(tm, id, o.cfg.Zone, imports)
			if err != nil {
				return unwritable(err)
			}
			if err := o.writeAll(ctx, clusterstate.StreamName(id), seq, es, func(e entry) string {
				return clusterstate.Subject(tm.Slug, id, e.kind, e.id)
			}); err != nil {
				return err
			}
		}
	}
	if !o.teamReady[tm.Slug] {
		if err := o.ensureTeamStream(ctx, tm.Slug); err != nil {
			return err
		}
		full = true
	}
	subject := func(e entry) string { return clusterstate.Subject(tm.Slug, "", e.kind, e.id) }
	stream := clusterstate.TeamStreamName(tm.Slug)
	if full {
		es, err := sharedEntries(tm, o.cfg.Zone)
		if err != nil {
			return unwritable(err)
		}
		if err := o.writeAll(ctx, stream, seq, es, subject); err != nil {
			return err
		}
		o.teamReady[tm.Slug] = true
	} else {
		for _, k := range keys {
			e, ok, err := sharedEntry(tm, o.cfg.Zone, k[0], k[1])
			if err != nil {
				return unwritable(err)
			}
			var data []byte // none: a tombstone, if the stream holds the entry
			if ok {
				data = e.data
			}
			if err := o.send(ctx, stream, clusterstate.Subject(tm.Slug, "", k[0], k[1]), seq, data); err != nil {
				return err
			}
		}
	}
	if err := o.flush(ctx); err != nil {
		return err
	}
	if time.Since(o.snappedAt[tm.Slug]) >= snapshotEvery {
		return o.snapshot(ctx, tm.Slug)
	}
	return nil
}

// snapshotAll brings the snapshot of every team whose stream changed since
// its last one up to date.
func (o *Office) snapshotAll(ctx context.Context) error {
	for team := range o.teamReady {
		if err := o.snapshot(ctx, team); err != nil {
			return err
		}
	}
	return nil
}

// snapshot writes the team stream's entries, as of its last acknowledged
// sequence, into the team's snapshot stream, when the stream is large
// enough to be worth one and changed since the last. Chunk 0 goes last:
// a reader that finds it finds the other chunks of the same snapshot, or
// (overwritten by a later one) chunks whose sequence differs, and reads the
// stream instead.
func (o *Office) snapshot(ctx context.Context, team string) error {
	stream := clusterstate.TeamStreamName(team)
	vals, seq := o.written[stream], o.streamSeq[stream]
	if len(vals) < o.cfg.SnapshotMin || seq <= o.snapped[team] {
		return nil
	}
	ts := clusterstate.SnapshotStreamName(team)
	if o.snapped[team] == 0 {
		// This office's first snapshot of the team: the stream may not exist.
		if _, err := o.js.CreateOrUpdateStream(ctx, clusterstate.SnapshotStreamConfig(team, o.cfg.Replicas)); err != nil {
			return fmt.Errorf("message office: snapshot stream of team %s: %w", team, err)
		}
	}
	entries := make([]clusterstate.SnapshotEntry, 0, len(vals))
	for subj, v := range vals {
		entries = append(entries, clusterstate.SnapshotEntry{Subject: subj, EventsSeq: v.seq, Value: v.data})
	}
	chunks := clusterstate.EncodeSnapshot(entries, snapshotChunk)
	for i := len(chunks) - 1; i >= 0; i-- {
		m := nats.NewMsg(clusterstate.SnapshotSubject(team, i))
		m.Data = chunks[i]
		m.Header.Set(clusterstate.HeaderSnapshotSeq, strconv.FormatUint(seq, 10))
		m.Header.Set(clusterstate.HeaderSnapshotChunks, strconv.Itoa(len(chunks)))
		m.Header.Set(clusterstate.HeaderSnapshotEntries, strconv.Itoa(len(entries)))
		if i == 0 {
			// The other chunks must be stored before the one that names them.
			if err := o.flush(ctx); err != nil {
				return err
			}
		}
		f, err := o.js.PublishMsgAsync(m, jetstream.WithExpectStream(ts))
		if err != nil {
			return fmt.Errorf("message office: snapshot of team %s: %w", team, err)
		}
		o.pending = append(o.pending, f)
	}
	if err := o.flush(ctx); err != nil {
		return err
	}
	o.snapped[team], o.snappedAt[team] = seq, time.Now()
	o.log.Debug("team snapshot written", "team", team, "seq", seq, "entries", len(entries), "chunks", len(chunks))
	return nil
}

// writeAll makes stream hold exactly es: the entries whose value differs
// are written, and what it holds beyond them tombstoned.
func (o *Office) writeAll(ctx context.Context, stream string, seq uint64, es []entry, subject func(entry) string) error {
	want := make(map[string]bool, len(es))
	for _, e := range es {
		subj := subject(e)
		want[subj] = true
		if err := o.send(ctx, stream, subj, seq, e.data); err != nil {
			return err
		}
	}
	for subj := range o.written[stream] {
		if !want[subj] {
			if err := o.send(ctx, stream, subj, seq, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// send publishes subject's new value (nil data: a tombstone) unless the
// stream already holds it. The acknowledgement is awaited by flush: every
// stream's writes for an event go out before any is awaited (waiting
// stream by stream cost a round trip each).
func (o *Office) send(ctx context.Context, stream, subject string, seq uint64, data []byte) error {
	have := o.written[stream]
	old, had := have[subject]
	tomb := data == nil
	if tomb && !had || !tomb && had && bytes.Equal(old.data, data) {
		return nil
	}
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(clusterstate.HeaderEventsSeq, strconv.FormatUint(seq, 10))
	// The same change replayed from the log has the same id: deduped.
	m.Header.Set(nats.MsgIdHdr, subject+"@"+strconv.FormatUint(seq, 10))
	if tomb {
		m.Header.Set(clusterstate.HeaderDeleted, "true")
	}
	f, err := o.js.PublishMsgAsync(m, jetstream.WithExpectStream(stream))
	if err != nil {
		return fmt.Errorf("message office: write %s: %w", subject, err)
	}
	o.pending = append(o.pending, f)
	if tomb {
		delete(have, subject)
	} else {
		have[subject] = stored{data: data, seq: seq}
	}
	o.statusMu.Lock()
	o.lastWritten[stream] = max(o.lastWritten[stream], seq)
	o.statusMu.Unlock()
	if len(o.pending) >= maxUnawaited {
		// A full write of a large team is tens of thousands of messages:
		// keep a bounded number of futures.
		return o.flush(ctx)
	}
	return nil
}

// maxUnawaited bounds the publishes held unacknowledged.
const maxUnawaited = 16384

// flush waits for every pending publish to be acknowledged. After a
// failure the office resumes by reading every stream back.
func (o *Office) flush(ctx context.Context) error {
	defer func() { o.pending = o.pending[:0] }()
	for _, f := range o.pending {
		select {
		case ack := <-f.Ok():
			o.streamSeq[ack.Stream] = max(o.streamSeq[ack.Stream], ack.Sequence)
		case err := <-f.Err():
			return fmt.Errorf("message office: write %s: %w", f.Msg().Subject, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(o.cfg.WriteTimeout):
			return fmt.Errorf("message office: write %s: no acknowledgement", f.Msg().Subject)
		}
	}
	return nil
}

// reconcile reads every stream back, deletes the streams of clusters that
// no longer exist and of teams without clusters, and writes what differs
// from the desired state as of seq.
func (o *Office) reconcile(ctx context.Context, seq uint64) error {
	live, teams := map[string]bool{}, map[string]bool{}
	for _, tm := range o.topo.Teams {
		for id := range tm.Clusters {
			live[id] = true
			teams[tm.Slug] = true
		}
	}
	var stale, staleTeams []string
	for _, filter := range []string{"cl.>", "tm.>", "ts.>"} {
		names := o.js.StreamNames(ctx, jetstream.WithStreamListSubject(filter))
		for n := range names.Name() {
			if id, ok := strings.CutPrefix(n, "CL_"); ok && !live[id] {
				stale = append(stale, id)
			}
			team, ok := strings.CutPrefix(n, "TM_")
			if !ok {
				team, ok = strings.CutPrefix(n, "TS_")
			}
			if ok && !teams[team] && !slices.Contains(staleTeams, team) {
				staleTeams = append(staleTeams, team)
			}
		}
		if err := names.Err(); err != nil {
			return fmt.Errorf("message office: list desired-state streams: %w", err)
		}
	}
	for _, id := range stale {
		if err := o.dropCluster(ctx, id); err != nil {
			return err
		}
	}
	for _, team := range staleTeams {
		if err := o.dropTeam(ctx, team); err != nil {
			return err
		}
	}
	for team, tm := range o.topo.Teams {
		if !teams[team] {
			continue
		}
		if err := o.ensureTeamStream(ctx, team); err != nil {
			return err
		}
		if err := o.readBack(ctx, clusterstate.TeamStreamName(team)); err != nil {
			return err
		}
		for id := range tm.Clusters {
			if err := o.ensureStream(ctx, team, id); err != nil {
				return err
			}
			if err := o.readBack(ctx, clusterstate.StreamName(id)); err != nil {
				return err
			}
		}
		if err := o.syncTeam(ctx, tm, seq, nil, true, true); err != nil {
			return err
		}
	}
	return nil
}

func (o *Office) ensureStream(ctx context.Context, team, cluster string) error {
	if _, ok := o.owner[cluster]; ok {
		return nil
	}
	if _, err := o.js.CreateOrUpdateStream(ctx, clusterstate.StreamConfig(cluster, o.cfg.Replicas)); err != nil {
		return fmt.Errorf("message office: stream of cluster %s: %w", cluster, err)
	}
	o.owner[cluster] = team
	o.teams.Store(cluster, team)
	if s := clusterstate.StreamName(cluster); o.written[s] == nil {
		o.written[s] = map[string]stored{}
	}
	return nil
}

func (o *Office) ensureTeamStream(ctx context.Context, team string) error {
	s := clusterstate.TeamStreamName(team)
	if o.written[s] != nil {
		return nil
	}
	if _, err := o.js.CreateOrUpdateStream(ctx, clusterstate.TeamStreamConfig(team, o.cfg.Replicas)); err != nil {
		return fmt.Errorf("message office: stream of team %s: %w", team, err)
	}
	o.written[s] = map[string]stored{}
	return nil
}

// dropCluster deletes a deleted cluster's stream: nothing may read it.
func (o *Office) dropCluster(ctx context.Context, cluster string) error {
	s := clusterstate.StreamName(cluster)
	err := o.js.DeleteStream(ctx, s)
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("message office: delete stream of cluster %s: %w", cluster, err)
	}
	delete(o.owner, cluster)
	o.forget(s)
	o.teams.Delete(cluster)
	return nil
}

// forget drops what the office knows of a deleted stream.
func (o *Office) forget(stream string) {
	delete(o.written, stream)
	delete(o.streamSeq, stream)
	o.statusMu.Lock()
	delete(o.lastWritten, stream)
	o.statusMu.Unlock()
}

// dropTeam deletes the streams of a team that has no clusters left.
func (o *Office) dropTeam(ctx context.Context, team string) error {
	for _, name := range []string{clusterstate.TeamStreamName(team), clusterstate.SnapshotStreamName(team)} {
		err := o.js.DeleteStream(ctx, name)
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("message office: delete stream %s: %w", name, err)
		}
		o.forget(name)
	}
	delete(o.teamReady, team)
	delete(o.snapped, team)
	delete(o.snappedAt, team)
	return nil
}

// TeamOf returns the team of a live cluster.
func (o *Office) TeamOf(cluster string) (string, bool) {
	v, ok := o.teams.Load(cluster)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// readBack loads what a stream holds (last value per subject).
func (o *Office) readBack(ctx context.Context, stream string) error {
	got, last, streamSeq, err := readStream(ctx, o.js, stream)
	if err != nil {
		return fmt.Errorf("message office: %w", err)
	}
	o.statusMu.Lock()
	o.lastWritten[stream] = last
	o.statusMu.Unlock()
	o.written[stream] = got
	o.streamSeq[stream] = streamSeq
	return nil
}

// stored is a subject's value and the events sequence that wrote it.
type stored struct {
	data []byte
	seq  uint64
}

// ReadState returns a cluster's desired state as its agent reads it: the
// last value of every subject of its stream and its team's that is not a
// tombstone, by clusterstate.Key, without the cluster's own gateway.
func ReadState(ctx context.Context, js jetstream.JetStream, team, cluster string) (Desired, error) {
	out := Desired{}
	for _, stream := range []string{clusterstate.StreamName(cluster), clusterstate.TeamStreamName(team)} {
		got, _, _, err := readStream(ctx, js, stream)
		if err != nil {
			return nil, err
		}
		for subj, v := range got {
			_, kind, id, err := clusterstate.ParseSubject(subj)
			if err != nil || kind == clusterstate.KindPeer && id == cluster {
				continue
			}
			out[clusterstate.Key(kind, id)] = v.data
		}
	}
	return out, nil
}

// readStream returns the last value of every subject of a stream that is
// not a tombstone, the highest Weft-Events-Seq, and the stream's last
// sequence.
func readStream(ctx context.Context, js jetstream.JetStream, stream string) (map[string]stored, uint64, uint64, error) {
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	out := map[string]stored{}
	var last uint64
	if s.CachedInfo().State.Msgs == 0 {
		return out, 0, s.CachedInfo().State.LastSeq, nil
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
		}
		seq, _ := strconv.ParseUint(m.Headers().Get(clusterstate.HeaderEventsSeq), 10, 64)
		if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
			out[m.Subject()] = stored{data: bytes.Clone(m.Data()), seq: seq}
		}
		last = max(last, seq)
		md, err := m.Metadata()
		if err != nil {
			return nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
		}
		if md.NumPending == 0 {
			return out, last, max(md.Sequence.Stream, s.CachedInfo().State.LastSeq), nil
		}
	}
}
