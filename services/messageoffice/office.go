package messageoffice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/clusterstate"
	infra "weft.dev/services/infra/domain"
)

// Config tunes the office.
type Config struct {
	Zone     string // DNS zone; DefaultZone when empty
	Replicas int    // CL_ stream replicas
	Logger   *slog.Logger
}

// Office writes every cluster's desired state. One goroutine applies
// events in log order; the streams hold the result, so a restart rebuilds
// the topology from the log and writes only what differs.
type Office struct {
	store *events.Store
	js    jetstream.JetStream
	cfg   Config
	log   *slog.Logger

	topo    *Topology
	written map[string]map[string][32]byte // cluster → subject → hash of the value in its stream
	// shared is each team's team-wide entries as last written to every
	// cluster, and inSync the generation of them each cluster holds: a
	// cluster in sync gets only what the event changed (at 500 clusters x
	// 20,000 subjects, comparing everything per event took seconds).
	shared  map[string]*sharedState
	inSync  map[string]uint64
	lastGen uint64
	owner   map[string]string // cluster → team

	// names, when set, gets every team's DNS records (weft-server's public
	// DNS); named is what it was given, per team: id → record JSON.
	names Names
	named map[string]map[string]string

	// teams maps cluster → team for other goroutines (enrolment, status).
	teams    sync.Map
	statusMu sync.Mutex
	status   map[string]clusterstate.Status
	seen     map[string]time.Time // when each agent's last heartbeat arrived
	recorded map[string]agentRecord
	// lastWritten is the EVENTS sequence of the last write to each
	// cluster's stream; lastOther the last event that is not an agent
	// report. A cluster whose agent applied lastWritten has converged
	// through lastOther.
	lastWritten map[string]uint64
	lastOther   uint64

	mu      sync.Mutex
	applied uint64
	changed chan struct{}
	err     error

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
	js, err := jetstream.New(store.Conn())
	if err != nil {
		return nil, fmt.Errorf("message office: %w", err)
	}
	return &Office{store: store, js: js, cfg: cfg, log: cfg.Logger, topo: NewTopology(),
		written: map[string]map[string][32]byte{}, owner: map[string]string{}, changed: make(chan struct{}),
		shared: map[string]*sharedState{}, inSync: map[string]uint64{},
		status: map[string]clusterstate.Status{}, seen: map[string]time.Time{}, recorded: map[string]agentRecord{},
		lastWritten: map[string]uint64{}}, nil
}

// Names receives DNS records: the public DNS's table.
type Names interface {
	UpsertRecord(clusterstate.Record) error
	DeleteRecord(id string) error
}

// SetNames makes the office keep n up to date with every team's names. Call
// it before Start.
func (o *Office) SetNames(n Names) { o.names, o.named = n, map[string]map[string]string{} }

// syncNames gives the public table the team's records that changed.
func (o *Office) syncNames(tm *Team) error {
	if o.names == nil {
		return nil
	}
	want := map[string]clusterstate.Record{}
	for _, r := range TeamRecords(tm, o.cfg.Zone) {
		want[r.ID] = r
	}
	have := o.named[tm.Slug]
	if have == nil {
		have = map[string]string{}
		o.named[tm.Slug] = have
	}
	for id, r := range want {
		b, _ := json.Marshal(r)
		if have[id] == string(b) {
			continue
		}
		if err := o.names.UpsertRecord(r); err != nil {
			return fmt.Errorf("message office: public dns: %w", err)
		}
		have[id] = string(b)
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			if err := o.names.DeleteRecord(id); err != nil {
				return fmt.Errorf("message office: public dns: %w", err)
			}
			delete(have, id)
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
	o.topo, o.written, o.owner = NewTopology(), map[string]map[string][32]byte{}, map[string]string{}
	o.shared, o.inSync = map[string]*sharedState{}, map[string]uint64{}
	end, err := o.store.LastSeq(ctx)
	if err != nil {
		return fmt.Errorf("message office: %w", err)
	}
	if end > 0 {
		if err := o.store.Replay(ctx, events.Filter{ToSeq: end, SkipTypes: true}, func(r events.Recorded) error {
			if r.Data != nil && Handles(r.Type) {
				o.topo.Apply(r)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("message office: rebuild topology: %w", err)
		}
	}
	if err := o.reconcile(ctx, end); err != nil {
		return err
	}
	o.statusMu.Lock()
	o.lastOther = end
	o.statusMu.Unlock()
	o.setApplied(end, nil)
	cctx, cancel := context.WithCancel(context.Background())
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: end + 1}
	cons, err := o.js.OrderedConsumer(ctx, events.StreamName, cfg)
	if err != nil {
		cancel()
		return fmt.Errorf("message office: follow the log: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		cancel()
		return fmt.Errorf("message office: follow the log: %w", err)
	}
	o.cancel, o.done = cancel, make(chan struct{})
	go func() {
		<-cctx.Done()
		it.Stop()
	}()
	go o.loop(cctx, it)
	o.log.Info("message office started", "seq", end, "clusters", len(o.owner))
	return nil
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

func (o *Office) loop(ctx context.Context, it jetstream.MessagesContext) {
	defer close(o.done)
	for {
		m, err := it.Next()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				o.fail(fmt.Errorf("message office: follow the log: %w", err))
			}
			return
		}
		md, err := m.Metadata()
		if err != nil {
			o.fail(fmt.Errorf("message office: %w", err))
			return
		}
		seq := md.Sequence.Stream
		typ := m.Headers().Get(events.HeaderEventType)
		if typ != agentReportedType {
			o.statusMu.Lock()
			o.lastOther = seq
			o.statusMu.Unlock()
		}
		if Handles(typ) {
			rec, err := o.store.Decode(seq, m.Data())
			if err != nil {
				o.fail(fmt.Errorf("message office: %w", err))
				return
			}
			if err := o.apply(ctx, rec); err != nil {
				o.fail(err)
				return
			}
		}
		o.setApplied(seq, nil)
	}
}

func (o *Office) fail(err error) {
	o.log.Error("message office stopped", "err", err)
	o.setApplied(0, err)
}

// apply folds one event in and writes what it changed.
func (o *Office) apply(ctx context.Context, r events.Recorded) error {
	if !o.topo.Apply(r) {
		return nil
	}
	if e, ok := r.Data.(infra.ClusterDeleted); ok {
		if err := o.dropCluster(ctx, e.ID); err != nil {
			return err
		}
	}
	return o.syncTeam(ctx, r.Team, r.Seq)
}

// syncTeam writes the desired state of every cluster of team.
func (o *Office) syncTeam(ctx context.Context, team string, seq uint64) error {
	tm := o.topo.Teams[team]
	if tm == nil {
		return nil
	}
	if err := o.syncNames(tm); err != nil {
		return err
	}
	shared, err := sharedEntries(tm, o.cfg.Zone)
	if err != nil {
		return err
	}
	prev := o.shared[team]
	delete(o.shared, team) // until every cluster holds the new one
	o.lastGen++
	next := &sharedState{sums: make(map[string]sharedSum, len(shared)), gen: o.lastGen}
	d := &delta{owned: map[string]int{}}
	for _, e := range shared {
		k, v := e.kind+"\x00"+e.id, sharedSum{e.sum, e.owner}
		next.sums[k] = v
		d.owned[e.owner]++
		if prev == nil || prev.sums[k] != v {
			d.changed = append(d.changed, e)
		}
	}
	if prev != nil {
		for k, v := range prev.sums {
			if _, ok := next.sums[k]; !ok {
				kind, id, _ := strings.Cut(k, "\x00")
				d.removed = append(d.removed, entry{kind: kind, id: id, owner: v.owner})
			}
		}
	}
	// Every cluster's writes are published before any acknowledgement is
	// awaited: waiting cluster by cluster made one event cost a round trip
	// per cluster (500 clusters: a tenth of a second per device created).
	var futures []jetstream.PubAckFuture
	for id := range tm.Clusters {
		if err := o.ensureStream(ctx, team, id); err != nil {
			return err
		}
		own, err := ownEntries(tm, id, o.cfg.Zone)
		if err != nil {
			return err
		}
		dd := d
		if prev == nil || o.inSync[id] != prev.gen {
			dd = nil // new, read back or behind: compare everything
		}
		if futures, err = o.write(id, seq, own, shared, dd, futures); err != nil {
			return err
		}
		// A full write of a large team is millions of messages: keep a
		// bounded number of futures.
		if len(futures) >= maxUnawaited {
			if err := awaitAcks(ctx, futures); err != nil {
				return err
			}
			futures = futures[:0]
		}
	}
	if err := awaitAcks(ctx, futures); err != nil {
		return err
	}
	for id := range tm.Clusters {
		o.inSync[id] = next.gen
	}
	o.shared[team] = next
	return nil
}

// maxUnawaited bounds the publishes syncTeam holds futures for.
const maxUnawaited = 16384

// awaitAcks waits for every publish to be acknowledged. A failure stops
// the office, whose restart reads every stream back.
func awaitAcks(ctx context.Context, futures []jetstream.PubAckFuture) error {
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("message office: write %s: %w", f.Msg().Subject, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Second):
			return fmt.Errorf("message office: write %s: no acknowledgement", f.Msg().Subject)
		}
	}
	return nil
}

type sharedState struct {
	sums map[string]sharedSum // kind NUL id → value
	gen  uint64
}

type sharedSum struct {
	sum   [32]byte
	owner string
}

// delta is what one event changed in a team's shared entries.
type delta struct {
	changed, removed []entry
	owned            map[string]int // owner → shared entries it does not get
}

// reconcile reads every cluster stream back, deletes the streams of
// clusters that no longer exist, and writes what differs from the desired
// state as of seq.
func (o *Office) reconcile(ctx context.Context, seq uint64) error {
	live := map[string]bool{}
	for _, tm := range o.topo.Teams {
		for id := range tm.Clusters {
			live[id] = true
		}
	}
	names := o.js.StreamNames(ctx, jetstream.WithStreamListSubject("cl.>"))
	var stale []string
	for n := range names.Name() {
		if id, ok := strings.CutPrefix(n, "CL_"); ok && !live[id] {
			stale = append(stale, id)
		}
	}
	if err := names.Err(); err != nil {
		return fmt.Errorf("message office: list cluster streams: %w", err)
	}
	for _, id := range stale {
		if err := o.dropCluster(ctx, id); err != nil {
			return err
		}
	}
	for team, tm := range o.topo.Teams {
		for id := range tm.Clusters {
			if err := o.ensureStream(ctx, team, id); err != nil {
				return err
			}
			if err := o.readBack(ctx, id); err != nil {
				return err
			}
		}
		if err := o.syncTeam(ctx, team, seq); err != nil {
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
	if o.written[cluster] == nil {
		o.written[cluster] = map[string][32]byte{}
	}
	return nil
}

// dropCluster deletes a deleted cluster's stream: nothing may read it.
func (o *Office) dropCluster(ctx context.Context, cluster string) error {
	err := o.js.DeleteStream(ctx, clusterstate.StreamName(cluster))
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("message office: delete stream of cluster %s: %w", cluster, err)
	}
	delete(o.owner, cluster)
	delete(o.written, cluster)
	delete(o.inSync, cluster)
	o.teams.Delete(cluster)
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

// readBack loads what the cluster's stream holds (last value per subject).
func (o *Office) readBack(ctx context.Context, cluster string) error {
	got, last, err := readState(ctx, o.js, cluster)
	if err != nil {
		return fmt.Errorf("message office: %w", err)
	}
	o.statusMu.Lock()
	o.lastWritten[cluster] = last
	o.statusMu.Unlock()
	w := map[string][32]byte{}
	for subj, v := range got {
		w[subj] = sha256.Sum256(v)
	}
	o.written[cluster] = w
	delete(o.inSync, cluster)
	return nil
}

// write publishes the subjects whose value differs from want, and
// tombstones for the ones want no longer has.
//
// With d, the cluster holds the team's previous shared entries: only own
// and d's changes are compared, d's removals tombstoned. The publishes'
// futures are appended to futures; the caller awaits them.
func (o *Office) write(cluster string, seq uint64, own, shared []entry, d *delta, futures []jetstream.PubAckFuture) ([]jetstream.PubAckFuture, error) {
	lists := [][]entry{own, shared}
	have := o.written[cluster]
	send := func(subject string, data []byte, tomb bool) error {
		m := nats.NewMsg(subject)
		m.Data = data
		m.Header.Set(clusterstate.HeaderEventsSeq, strconv.FormatUint(seq, 10))
		// The same change replayed from the log has the same id: deduped.
		m.Header.Set(nats.MsgIdHdr, subject+"@"+strconv.FormatUint(seq, 10))
		if tomb {
			m.Header.Set(clusterstate.HeaderDeleted, "true")
		}
		f, err := o.js.PublishMsgAsync(m, jetstream.WithExpectStream(clusterstate.StreamName(cluster)))
		if err != nil {
			return fmt.Errorf("message office: write %s: %w", subject, err)
		}
		futures = append(futures, f)
		o.statusMu.Lock()
		o.lastWritten[cluster] = max(o.lastWritten[cluster], seq)
		o.statusMu.Unlock()
		return nil
	}
	// Every wanted subject is in have now; when have holds no more than
	// those, nothing needs a tombstone and no set of them is built.
	wanted := 0
	sendLists := lists
	if d != nil {
		sendLists = [][]entry{own, d.changed}
		wanted = len(shared) - d.owned[cluster]
		for _, e := range d.removed {
			subj := clusterstate.Subject(cluster, e.kind, e.id)
			if _, ok := have[subj]; ok && e.owner != cluster {
				if err := send(subj, nil, true); err != nil {
					return futures, err
				}
				delete(have, subj)
			}
		}
	}
	for i, list := range sendLists {
		for _, e := range list {
			if e.owner == cluster {
				continue
			}
			if d == nil || i == 0 {
				wanted++
			}
			subj := clusterstate.Subject(cluster, e.kind, e.id)
			if old, ok := have[subj]; ok && old == e.sum {
				continue
			}
			if err := send(subj, e.data, false); err != nil {
				return futures, err
			}
			have[subj] = e.sum
		}
	}
	if len(have) > wanted {
		want := make(map[string]bool, wanted)
		for _, list := range lists {
			for _, e := range list {
				if e.owner != cluster {
					want[clusterstate.Subject(cluster, e.kind, e.id)] = true
				}
			}
		}
		for subj := range have {
			if want[subj] {
				continue
			}
			if err := send(subj, nil, true); err != nil {
				return futures, err
			}
			delete(have, subj)
		}
	}
	return futures, nil
}

// ReadState returns what a cluster's stream holds: the last value of every
// subject that is not a tombstone. Agents build their desired state the
// same way.
func ReadState(ctx context.Context, js jetstream.JetStream, cluster string) (Desired, error) {
	d, _, err := readState(ctx, js, cluster)
	return d, err
}

// readState is ReadState that also returns the highest Weft-Events-Seq.
func readState(ctx context.Context, js jetstream.JetStream, cluster string) (Desired, uint64, error) {
	s, err := js.Stream(ctx, clusterstate.StreamName(cluster))
	if err != nil {
		return nil, 0, fmt.Errorf("read state of %s: %w", cluster, err)
	}
	out := Desired{}
	var last uint64
	if s.CachedInfo().State.Msgs == 0 {
		return out, 0, nil
	}
	cons, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy})
	if err != nil {
		return nil, 0, fmt.Errorf("read state of %s: %w", cluster, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, 0, fmt.Errorf("read state of %s: %w", cluster, err)
	}
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return nil, 0, fmt.Errorf("read state of %s: %w", cluster, err)
		}
		if m.Headers().Get(clusterstate.HeaderDeleted) != "true" {
			out[m.Subject()] = bytes.Clone(m.Data())
		}
		if n, err := strconv.ParseUint(m.Headers().Get(clusterstate.HeaderEventsSeq), 10, 64); err == nil {
			last = max(last, n)
		}
		md, err := m.Metadata()
		if err != nil {
			return nil, 0, fmt.Errorf("read state of %s: %w", cluster, err)
		}
		if md.NumPending == 0 {
			return out, last, nil
		}
	}
}
