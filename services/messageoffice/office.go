package messageoffice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/watermark"
	accounts "weft.dev/services/accounts/domain"
	cd "weft.dev/services/console/domain"
	infra "weft.dev/services/infra/domain"
)

// Config tunes the office.
type Config struct {
	Zone     string // DNS zone; DefaultZone when empty
	Replicas int    // replicas of the CL_, TM_ and TS_ streams
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
	// ClusterDeleted, when set, runs once the office has dropped a deleted
	// cluster's stream: weft-server removes the cluster's agent user
	// there, which cuts the agent off NATS. It must not block for long.
	ClusterDeleted func(cluster string)
	// Secrets opens secrets' sealed values (the keyring) so the office can
	// seal them again to the sealing key of the agent of their cluster;
	// nil: no secret is written to any cluster.
	Secrets SecretOpener
}

// SecretOpener opens a secret's values sealed in the log (keyring.Ring).
type SecretOpener interface {
	Open(ctx context.Context, team, secret string, sealed map[string]string) (map[string]string, error)
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

	topo *Topology // the fold: no I/O
	w    *writer   // the streams

	// teams maps cluster → team for other goroutines (enrolment, status).
	teams sync.Map

	// reports are the status part's (status.go, rollout.go), under their
	// own lock.
	reports

	// folded is the last event folded into the topology; applied (below)
	// trails it while the event's writes are unacknowledged. dirty holds
	// the teams a write failed for ("": any stream may be off): their
	// streams may lack what the writer says they hold, so the office reads
	// them back before it goes on. Both belong to the consuming goroutine.
	folded uint64
	dirty  map[string]bool

	// mark is the EVENTS sequence the cluster and team streams reflect,
	// and the error that stopped the office.
	mark *watermark.Mark

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
	o := &Office{store: store, js: js, cfg: cfg, log: cfg.Logger, topo: NewTopology(), sup: cfg.Supervisor, mark: watermark.New("message office"),
		reports: reports{status: map[string]clusterstate.Status{}, seen: map[string]time.Time{}, recorded: map[string]agentRecord{},
			rollouts: map[string]*rolloutState{}, namespaces: map[string]cd.NamespaceState{}, services: map[string]cd.InstanceStatus{}, routers: map[string]cd.RouterStatus{}, lastWritten: map[string]uint64{},
			retry: map[string]*pendingReport{}}}
	o.w = &writer{js: js, cfg: cfg, log: cfg.Logger, teams: &o.teams, rep: &o.reports, sealed: map[sealedKey]map[string]string{}}
	o.w.reset()
	return o, nil
}

// Names receives DNS records: the public DNS's table.
type Names interface {
	UpsertRecord(clusterstate.Record) error
	DeleteRecord(id string) error
}

// SetNames makes the office keep n up to date with every team's names. Call
// it before Start.
func (o *Office) SetNames(n Names) { o.w.names, o.w.named = n, map[string]map[string]string{} }

// Applied is the EVENTS sequence the cluster and team streams reflect.
func (o *Office) Applied() uint64 { return o.mark.Applied() }

// WaitFor blocks until the streams reflect seq, the office failed, or ctx ends.
func (o *Office) WaitFor(ctx context.Context, seq uint64) error { return o.mark.WaitFor(ctx, seq) }

// Start rebuilds the topology from the log, brings every cluster's stream
// to its desired state, and follows the log.
func (o *Office) Start(ctx context.Context) error {
	// A replica that held the lease before starts over from the log.
	o.topo = NewTopology()
	o.w.reset()
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
	if err := o.w.reconcile(ctx, o.topo, end); err != nil {
		return err
	}
	o.statusMu.Lock()
	o.lastOther = end
	o.statusMu.Unlock()
	o.folded, o.dirty = end, map[string]bool{}
	o.mark.Advance(end)
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
	o.log.Info("message office started", "seq", end, "clusters", len(o.w.owner))
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
	if len(o.dirty) > 0 {
		if err := o.resync(ctx); err != nil {
			return err
		}
		clear(o.dirty)
		o.mark.Advance(o.folded)
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

// resync reads back the streams of the teams a write failed for and
// writes what they lack; every stream when it cannot tell (a cluster's
// stream was being deleted, a team lost its last cluster).
func (o *Office) resync(ctx context.Context) error {
	all := o.dirty[""]
	for team := range o.dirty {
		if tm := o.topo.Teams[team]; tm == nil || len(tm.Clusters) == 0 {
			all = true
		}
	}
	if all {
		return o.w.reconcile(ctx, o.topo, o.folded)
	}
	for team := range o.dirty {
		if err := o.w.resyncTeam(ctx, o.topo.Teams[team], o.folded); err != nil {
			return err
		}
	}
	return nil
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
	// A consumer that delivers nothing while the log has events (one left
	// on a replica behind its leader; and with waits this short its missing
	// heartbeats go unseen too) is replaced: the supervisor resumes after
	// what was folded.
	reader := supervise.NewReader(o.folded)
	stalled, unwatch := supervise.WatchBeside(ctx, stallCheck, reader, o.store.LeaderLastSeq, it.Stop)
	defer unwatch()
	for {
		reader.Waiting()
		m, err := it.Next(jetstream.NextMaxWait(snapshotIdle))
		if errors.Is(err, nats.ErrTimeout) {
			// The log is quiet: bring every changed team's snapshot up to date.
			reader.Busy()
			if err := o.w.snapshotAll(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			if err := stalled(); err != nil {
				return fmt.Errorf("message office: %w", err)
			}
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
		reader.Got(seq)
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
				o.dirty[dirtyScope(rec)] = true
				return err
			}
		}
		o.folded = seq
		o.mark.Advance(seq)
	}
}

func (o *Office) fail(err error) {
	o.log.Error("message office stopped", "err", err)
	o.mark.Fail(err)
}

// dirtyScope is the team whose streams a failed write of r may have left
// off, or "" for any stream (a cluster's or a team's deletion: the
// resync's reconcile then drops the streams no cluster of the topology
// owns, and their agents' users).
func dirtyScope(r events.Recorded) string {
	switch r.Data.(type) {
	case infra.ClusterDeleted, accounts.TeamDeleted:
		return ""
	}
	return r.Team
}

// stallCheck is how often the office, waiting on a quiet consumer, asks
// the stream's leader whether the log is really quiet: more often than
// other readers, as every cluster waits on the office.
const stallCheck = 3 * time.Second

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
	gone := o.topo.Teams[r.Team] // as it was, for a team's deletion
	changed := o.topo.Apply(r)
	o.folded = r.Seq // folded, whether or not its writes go through
	if !changed {
		return nil
	}
	if _, ok := r.Data.(accounts.TeamDeleted); ok {
		return o.dropDeletedTeam(ctx, gone)
	}
	if e, ok := r.Data.(infra.ClusterDeleted); ok {
		if err := o.w.dropCluster(ctx, e.ID); err != nil {
			return err
		}
		if o.cfg.ClusterDeleted != nil {
			o.cfg.ClusterDeleted(e.ID)
		}
	}
	if e, ok := r.Data.(cd.SecretDeleted); ok {
		o.w.forgetSecret(e.ID)
	}
	tm := o.topo.Teams[r.Team]
	if tm == nil {
		return nil
	}
	return o.w.syncTeam(ctx, tm, r.Seq, changedShared(r, tm), changesOwn(r, tm), false)
}

// dropDeletedTeam removes everything the office made for a deleted team
// (tm as the topology had it; nil: nothing): its clusters' streams and,
// through ClusterDeleted, their agents' users, its team and snapshot
// streams, its names in the public DNS. Each step is idempotent: after a
// failure the office's resync (reconcile) drops the streams left, and the
// prune at its next start the users.
func (o *Office) dropDeletedTeam(ctx context.Context, tm *Team) error {
	if tm == nil {
		return nil
	}
	for id := range tm.Clusters {
		if err := o.w.dropCluster(ctx, id); err != nil {
			return err
		}
		if o.cfg.ClusterDeleted != nil {
			o.cfg.ClusterDeleted(id)
		}
	}
	return o.w.dropTeamNames(ctx, tm.Slug)
}

// TeamOf returns the team of a live cluster.
func (o *Office) TeamOf(cluster string) (string, bool) {
	v, ok := o.teams.Load(cluster)
	if !ok {
		return "", false
	}
	return v.(string), true
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
		got, _, _, _, err := readStream(ctx, js, stream)
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

// readWait is the longest readStream waits for the next message of a
// stream that has more.
const readWait = 10 * time.Second

// readStream returns the last value of every subject of a stream that is
// not a tombstone, the tombstoned subjects with the Weft-Events-Seq each
// was deleted for, the highest Weft-Events-Seq, and the stream's last
// sequence.
func readStream(ctx context.Context, js jetstream.JetStream, stream string) (map[string]stored, map[string]uint64, uint64, uint64, error) {
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	out, gone := map[string]stored{}, map[string]uint64{}
	var last uint64
	if s.CachedInfo().State.Msgs == 0 {
		return out, gone, 0, s.CachedInfo().State.LastSeq, nil
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	// Its consumer goes with the read (once the iterator has stopped): an
	// ordered consumer left on the server counts against the limit of
	// consumers until its inactivity threshold (minutes), and a reconcile
	// reads every stream.
	defer func() {
		if info := cons.CachedInfo(); info != nil {
			dctx, cancel := context.WithTimeout(context.Background(), readWait)
			defer cancel()
			_ = s.DeleteConsumer(dctx, info.Name)
		}
	}()
	it, err := cons.Messages()
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
	}
	defer it.Stop()
	defer context.AfterFunc(ctx, it.Stop)()
	for {
		// Bounded: on a stream that is electing a leader the consumer can
		// deliver nothing for long; the office would rather try again.
		m, err := it.Next(jetstream.NextMaxWait(readWait))
		if err != nil {
			return nil, nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
		}
		seq, _ := strconv.ParseUint(m.Headers().Get(clusterstate.HeaderEventsSeq), 10, 64)
		if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
			out[m.Subject()] = stored{data: bytes.Clone(m.Data()), seq: seq}
		} else {
			gone[m.Subject()] = seq
		}
		last = max(last, seq)
		md, err := m.Metadata()
		if err != nil {
			return nil, nil, 0, 0, fmt.Errorf("read %s: %w", stream, err)
		}
		if md.NumPending == 0 {
			return out, gone, last, max(md.Sequence.Stream, s.CachedInfo().State.LastSeq), nil
		}
	}
}
