package messageoffice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"weft.dev/events/clusterstate"
	"weft.dev/events/clusterstate/streams"
)

// writer is the office's I/O part: it makes the cluster and team streams
// (and the public DNS table) hold what the topology says, writing only
// what differs from what they hold. The topology (the fold) does no I/O;
// the writer decides nothing. It belongs to the consuming goroutine.
type writer struct {
	js  jetstream.JetStream
	cfg Config
	log *slog.Logger

	// written is what each stream holds: stream → subject → its value. A
	// subject is written only when its value differs; a team
	// stream's values are also what its snapshot is made of.
	written map[string]map[string]stored
	// gone is each stream's tombstoned subjects, with the event each was
	// deleted for: send recreates none for an earlier event.
	gone  map[string]map[string]uint64
	owner map[string]string // cluster → team, for clusters whose stream exists
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
	// DNS); named is what it was given, per team: id → record JSON. They
	// outlive a reset.
	names Names
	named map[string]map[string]string

	teams *sync.Map // the office's cluster → team, for other goroutines
	rep   *reports  // the status part's: lastWritten

	// sealed are secrets' values as sealed to an agent (sealing.go), by
	// cluster, secret, version and sealing key: sealing is randomised, so
	// a value sealed once is reused, or every write would differ from the
	// last. It outlives a reset.
	sealed map[sealedKey]map[string]string
}

// reset forgets what the streams hold, for a start from the log.
func (w *writer) reset() {
	w.written, w.owner = map[string]map[string]stored{}, map[string]string{}
	w.gone = map[string]map[string]uint64{}
	w.teamReady, w.pending = map[string]bool{}, nil
	w.streamSeq, w.snapped, w.snappedAt = map[string]uint64{}, map[string]uint64{}, map[string]time.Time{}
}

// syncNames gives the public table the team's records that changed: the
// ids in keys (kind dns), or all of them when full.
func (w *writer) syncNames(tm *Team, keys [][2]string, full bool) error {
	if w.names == nil {
		return nil
	}
	have := w.named[tm.Slug]
	if have == nil {
		have = map[string]string{}
		w.named[tm.Slug] = have
	}
	sync := func(id string) error {
		r, ok := recordOf(tm, w.cfg.Zone, id)
		if !ok {
			if _, had := have[id]; had {
				if err := w.names.DeleteRecord(id); err != nil {
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
		if err := w.names.UpsertRecord(r); err != nil {
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

// syncTeam writes what changed in the team's streams. Without full, only
// the team-wide entries in keys are compared, and the clusters' own
// entries only when own; with full, everything is compared and what the
// streams hold beyond the desired state is tombstoned.
func (w *writer) syncTeam(ctx context.Context, tm *Team, seq uint64, keys [][2]string, own, full bool) error {
	if err := w.syncNames(tm, keys, full); err != nil {
		return unwritable(err) // the table is in memory: it refuses a record, not a moment
	}
	if len(tm.Clusters) == 0 {
		// No agent reads the team's stream.
		if w.written[clusterstate.TeamStreamName(tm.Slug)] != nil {
			return w.dropTeam(ctx, tm.Slug)
		}
		return nil
	}
	// Clusters' own entries first: an agent that sees an event's team-wide
	// write has then most likely seen the event's own writes too.
	if full || own {
		imports := map[string]entry{}
		for id := range tm.Clusters {
			if err := w.ensureStream(ctx, tm.Slug, id); err != nil {
				return err
			}
			es, err := ownEntries(tm, id, w.cfg.Zone, imports, w.sealFor)
			if err != nil {
				return unwritable(err)
			}
			if err := w.writeAll(ctx, clusterstate.StreamName(id), seq, es, func(e entry) string {
				return clusterstate.Subject(tm.Slug, id, e.kind, e.id)
			}); err != nil {
				return err
			}
		}
	}
	if !w.teamReady[tm.Slug] {
		if err := w.ensureTeamStream(ctx, tm.Slug); err != nil {
			return err
		}
		full = true
	}
	subject := func(e entry) string { return clusterstate.Subject(tm.Slug, "", e.kind, e.id) }
	stream := clusterstate.TeamStreamName(tm.Slug)
	if full {
		es, err := sharedEntries(tm, w.cfg.Zone)
		if err != nil {
			return unwritable(err)
		}
		if err := w.writeAll(ctx, stream, seq, es, subject); err != nil {
			return err
		}
		w.teamReady[tm.Slug] = true
	} else {
		for _, k := range keys {
			e, ok, err := sharedEntry(tm, w.cfg.Zone, k[0], k[1])
			if err != nil {
				return unwritable(err)
			}
			var data []byte // none: a tombstone, if the stream holds the entry
			if ok {
				data = e.data
			}
			if err := w.send(ctx, stream, clusterstate.Subject(tm.Slug, "", k[0], k[1]), seq, data); err != nil {
				return err
			}
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	if time.Since(w.snappedAt[tm.Slug]) >= snapshotEvery {
		return w.snapshot(ctx, tm.Slug)
	}
	return nil
}

// snapshotAll brings the snapshot of every team whose stream changed since
// its last one up to date.
func (w *writer) snapshotAll(ctx context.Context) error {
	for team := range w.teamReady {
		if err := w.snapshot(ctx, team); err != nil {
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
func (w *writer) snapshot(ctx context.Context, team string) error {
	stream := clusterstate.TeamStreamName(team)
	vals, seq := w.written[stream], w.streamSeq[stream]
	if len(vals) < w.cfg.SnapshotMin || seq <= w.snapped[team] {
		return nil
	}
	ts := clusterstate.SnapshotStreamName(team)
	if w.snapped[team] == 0 {
		// This office's first snapshot of the team: the stream may not exist.
		if _, err := w.js.CreateOrUpdateStream(ctx, streams.Snapshot(team, w.cfg.Replicas)); err != nil {
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
			if err := w.flush(ctx); err != nil {
				return err
			}
		}
		f, err := w.js.PublishMsgAsync(m, jetstream.WithExpectStream(ts))
		if err != nil {
			return fmt.Errorf("message office: snapshot of team %s: %w", team, err)
		}
		w.pending = append(w.pending, f)
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	w.snapped[team], w.snappedAt[team] = seq, time.Now()
	w.log.Debug("team snapshot written", "team", team, "seq", seq, "entries", len(entries), "chunks", len(chunks))
	return nil
}

// writeAll makes stream hold exactly es: the entries whose value differs
// are written, and what it holds beyond them tombstoned.
func (w *writer) writeAll(ctx context.Context, stream string, seq uint64, es []entry, subject func(entry) string) error {
	want := make(map[string]bool, len(es))
	for _, e := range es {
		subj := subject(e)
		want[subj] = true
		if e.keep {
			continue
		}
		if err := w.send(ctx, stream, subj, seq, e.data); err != nil {
			return err
		}
	}
	for subj := range w.written[stream] {
		if !want[subj] {
			if err := w.send(ctx, stream, subj, seq, nil); err != nil {
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
func (w *writer) send(ctx context.Context, stream, subject string, seq uint64, data []byte) error {
	have := w.written[stream]
	old, had := have[subject]
	tomb := data == nil
	if tomb && !had || !tomb && had && bytes.Equal(old.data, data) {
		return nil
	}
	deletedAt, gone := w.gone[stream][subject]
	if had && old.seq > seq || !had && gone && deletedAt > seq {
		// Written (or deleted) for a later event than this office has
		// folded: by the office of a replica that took the lease while
		// this one was cut off and had not yet found it lost. A write
		// never takes a subject back to an earlier event's value: this
		// office's resync, at its older position, would otherwise
		// tombstone what the other wrote for events it has not folded
		// (the chaos test's agents lacked devices the log held), or bring
		// back what it deleted; it writes this subject itself once it
		// folds those events.
		return nil
	}
	m := nats.NewMsg(subject)
	m.Data = data
	m.Header.Set(clusterstate.HeaderEventsSeq, strconv.FormatUint(seq, 10))
	m.Header.Set(nats.MsgIdHdr, writeID(subject, seq, data))
	if tomb {
		m.Header.Set(clusterstate.HeaderDeleted, "true")
	}
	f, err := w.js.PublishMsgAsync(m, jetstream.WithExpectStream(stream))
	if err != nil {
		return fmt.Errorf("message office: write %s: %w", subject, err)
	}
	w.pending = append(w.pending, f)
	if tomb {
		delete(have, subject)
		if w.gone[stream] == nil {
			w.gone[stream] = map[string]uint64{}
		}
		w.gone[stream][subject] = seq
	} else {
		have[subject] = stored{data: data, seq: seq}
		delete(w.gone[stream], subject)
	}
	w.rep.statusMu.Lock()
	w.rep.lastWritten[stream] = max(w.rep.lastWritten[stream], seq)
	w.rep.statusMu.Unlock()
	if len(w.pending) >= maxUnawaited {
		// A full write of a large team is tens of thousands of messages:
		// keep a bounded number of futures.
		return w.flush(ctx)
	}
	return nil
}

// writeID is a write's message id: the same change replayed from the log
// (the same value at the same position) has the same id, and JetStream
// drops it as a duplicate. The value's digest is part of it because the
// position alone is not the change: an office started again at the same
// end of the log may write a subject differently (another keyring, a
// fixed bug), and with the position alone JetStream dropped that write
// for two minutes as a duplicate of the last one.
func writeID(subject string, seq uint64, data []byte) string {
	if data == nil {
		return subject + "@" + strconv.FormatUint(seq, 10) + "#deleted"
	}
	sum := sha256.Sum256(data)
	return subject + "@" + strconv.FormatUint(seq, 10) + "#" + hex.EncodeToString(sum[:12])
}

// flush waits for every pending publish to be acknowledged. After a
// failure the office resumes by reading every stream back.
func (w *writer) flush(ctx context.Context) error {
	defer func() { w.pending = w.pending[:0] }()
	for _, f := range w.pending {
		select {
		case ack := <-f.Ok():
			w.streamSeq[ack.Stream] = max(w.streamSeq[ack.Stream], ack.Sequence)
		case err := <-f.Err():
			return fmt.Errorf("message office: write %s: %w", f.Msg().Subject, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(w.cfg.WriteTimeout):
			return fmt.Errorf("message office: write %s: no acknowledgement", f.Msg().Subject)
		}
	}
	return nil
}

// reconcile reads every stream back, deletes the streams of clusters that
// no longer exist and of teams without clusters, and writes what differs
// from the desired state as of seq.
func (w *writer) reconcile(ctx context.Context, topo *Topology, seq uint64) error {
	live, teams := map[string]bool{}, map[string]bool{}
	for _, tm := range topo.Teams {
		for id := range tm.Clusters {
			live[id] = true
			teams[tm.Slug] = true
		}
	}
	var stale, staleTeams []string
	for _, filter := range []string{"cl.>", "tm.>", "ts.>"} {
		names := w.js.StreamNames(ctx, jetstream.WithStreamListSubject(filter))
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
		if err := w.dropCluster(ctx, id); err != nil {
			return err
		}
	}
	for _, team := range staleTeams {
		if err := w.dropTeam(ctx, team); err != nil {
			return err
		}
	}
	for team, tm := range topo.Teams {
		if !teams[team] {
			continue
		}
		if err := w.resyncTeam(ctx, tm, seq); err != nil {
			return err
		}
	}
	return nil
}

// resyncTeam reads back the streams of a team with clusters and writes
// what differs from its desired state as of seq.
func (w *writer) resyncTeam(ctx context.Context, tm *Team, seq uint64) error {
	if err := w.ensureTeamStream(ctx, tm.Slug); err != nil {
		return err
	}
	if err := w.readBack(ctx, clusterstate.TeamStreamName(tm.Slug)); err != nil {
		return err
	}
	for id := range tm.Clusters {
		if err := w.ensureStream(ctx, tm.Slug, id); err != nil {
			return err
		}
		if err := w.readBack(ctx, clusterstate.StreamName(id)); err != nil {
			return err
		}
	}
	return w.syncTeam(ctx, tm, seq, nil, true, true)
}

func (w *writer) ensureStream(ctx context.Context, team, cluster string) error {
	if _, ok := w.owner[cluster]; ok {
		return nil
	}
	if _, err := w.js.CreateOrUpdateStream(ctx, streams.Cluster(cluster, w.cfg.Replicas)); err != nil {
		return fmt.Errorf("message office: stream of cluster %s: %w", cluster, err)
	}
	w.owner[cluster] = team
	w.teams.Store(cluster, team)
	if s := clusterstate.StreamName(cluster); w.written[s] == nil {
		w.written[s] = map[string]stored{}
	}
	return nil
}

func (w *writer) ensureTeamStream(ctx context.Context, team string) error {
	s := clusterstate.TeamStreamName(team)
	if w.written[s] != nil {
		return nil
	}
	if _, err := w.js.CreateOrUpdateStream(ctx, streams.Team(team, w.cfg.Replicas)); err != nil {
		return fmt.Errorf("message office: stream of team %s: %w", team, err)
	}
	w.written[s] = map[string]stored{}
	return nil
}

// dropCluster deletes a deleted cluster's stream: nothing may read it.
func (w *writer) dropCluster(ctx context.Context, cluster string) error {
	s := clusterstate.StreamName(cluster)
	err := w.js.DeleteStream(ctx, s)
	if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("message office: delete stream of cluster %s: %w", cluster, err)
	}
	delete(w.owner, cluster)
	w.forget(s)
	w.teams.Delete(cluster)
	return nil
}

// dropTeamNames drops a deleted team's team and snapshot streams and its
// names in the public DNS (its clusters' streams are dropped before).
func (w *writer) dropTeamNames(ctx context.Context, team string) error {
	if err := w.dropTeam(ctx, team); err != nil {
		return err
	}
	if w.names != nil {
		if err := w.syncNames(&Team{Slug: team}, nil, true); err != nil {
			return err
		}
		delete(w.named, team)
	}
	return nil
}

// forget drops what the office knows of a deleted stream.
func (w *writer) forget(stream string) {
	delete(w.written, stream)
	delete(w.gone, stream)
	delete(w.streamSeq, stream)
	w.rep.statusMu.Lock()
	delete(w.rep.lastWritten, stream)
	w.rep.statusMu.Unlock()
}

// dropTeam deletes the streams of a team that has no clusters left.
func (w *writer) dropTeam(ctx context.Context, team string) error {
	for _, name := range []string{clusterstate.TeamStreamName(team), clusterstate.SnapshotStreamName(team)} {
		err := w.js.DeleteStream(ctx, name)
		if err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("message office: delete stream %s: %w", name, err)
		}
		w.forget(name)
	}
	delete(w.teamReady, team)
	delete(w.snapped, team)
	delete(w.snappedAt, team)
	return nil
}

// readBack loads what a stream holds (last value per subject).
func (w *writer) readBack(ctx context.Context, stream string) error {
	got, gone, last, streamSeq, err := readStream(ctx, w.js, stream)
	if err != nil {
		return fmt.Errorf("message office: %w", err)
	}
	w.gone[stream] = gone
	w.rep.statusMu.Lock()
	w.rep.lastWritten[stream] = last
	w.rep.statusMu.Unlock()
	w.written[stream] = got
	w.streamSeq[stream] = streamSeq
	return nil
}

// maxUnawaited bounds the publishes held unacknowledged.
const maxUnawaited = 16384
