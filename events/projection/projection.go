// Package projection runs read models fed from the EVENTS stream.
//
// A Runner owns one Model. It restores the model's last snapshot, consumes
// every event after the snapshot's sequence in stream order, and snapshots
// again every so often and when it stops, so a restart resumes where it left
// off instead of replaying the log. Apply is called from one goroutine only,
// in stream order, exactly once per event per model instance.
//
// The runner reads the whole stream (types it has no use for are skipped by
// the model) so that its applied sequence is a position in the stream:
// WaitFor(seq) works for any sequence a mutation returned, even one of an
// event this model ignores.
//
// The consuming loop runs under a supervise.Supervisor: when the consumer,
// the connection or the stream's leader goes away, it opens a new consumer
// after the last event applied (after a jittered backoff), so nothing is
// replayed from the start and nothing applied twice. An event the model
// cannot decode or apply stops this runner only: Err returns it, and the
// supervisor reports the runner failed at that event's sequence.
package projection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/kernel/supervise"
	"weft.dev/kernel/watermark"
)

// Bucket is the object store bucket holding read-model snapshots.
const Bucket = "weft_readmodels"

// ErrBehind matches WaitFor's error when the model did not reach the
// sequence in time (it is the kernel's watermark.ErrBehind).
var ErrBehind = watermark.ErrBehind

// Model is an in-memory read model.
type Model interface {
	// Apply folds one event in. Events of types the model does not know
	// arrive too; ignore them. An error stops the runner for good (it is
	// not retried): a model that cannot apply an event would otherwise
	// silently diverge from the log.
	Apply(events.Recorded) error
	// Snapshot serialises the whole model.
	Snapshot() ([]byte, error)
	// Restore replaces the model with a snapshot.
	Restore([]byte) error
}

// Selective is a Model that applies only some event types. The runner reads
// the type from the message header and skips decoding the others: in a log
// mixing every service's events, most events are of no use to any one model,
// and decoding is most of a projection's cost.
type Selective interface {
	Handles(eventType string) bool
}

// notifyEvery bounds how many events may be applied before waiters are
// woken during a burst; at the end of a burst they are woken at once. Waking
// on every event would allocate a channel per event.
const notifyEvery = 256

// Runner feeds one model.
type Runner struct {
	name  string
	store *events.Store
	model Model
	log   *slog.Logger
	every int // snapshot after this many applied events
	gap   time.Duration
	stall time.Duration // how often a waiting runner checks for a stalled consumer

	mark     *watermark.Mark // the last event applied; the error that stopped the runner
	mu       sync.Mutex
	restored uint64 // the sequence of the snapshot this run started from

	sup    *supervise.Supervisor
	cancel context.CancelFunc
	done   chan struct{}
}

// Supervise makes s the supervisor the runner reports to (weft-server's,
// shared by every component of the process); call it before Start.
// Without it a runner has a supervisor of its own.
func (r *Runner) Supervise(s *supervise.Supervisor) { r.sup = s }

// Config tunes a runner.
type Config struct {
	Name          string // the snapshot's object name; unique per model
	SnapshotEvery int    // events between snapshots; default 20,000
	// SnapshotInterval is the least time between two snapshots; default
	// 10 s. A snapshot writes the whole model, so while a large model
	// catches up, snapshotting by count alone would make the catch-up
	// quadratic in the log's length.
	SnapshotInterval time.Duration
	// StallCheck is how often a runner waiting for its next event asks
	// the stream's leader whether the log has events its consumer does not
	// deliver (supervise.WatchStall); default supervise.DefaultStallCheck.
	StallCheck time.Duration
	Logger     *slog.Logger
}

// New returns a runner for model.
func New(store *events.Store, model Model, cfg Config) *Runner {
	if cfg.SnapshotInterval <= 0 {
		cfg.SnapshotInterval = 10 * time.Second
	}
	if cfg.SnapshotEvery <= 0 {
		cfg.SnapshotEvery = 20_000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		name: cfg.Name, store: store, model: model, every: cfg.SnapshotEvery, gap: cfg.SnapshotInterval, stall: cfg.StallCheck,
		log: cfg.Logger.With("projection", cfg.Name), mark: watermark.New("projection " + cfg.Name),
	}
}

// Name is the model's name.
func (r *Runner) Name() string { return r.name }

// ComponentName is the runner's name under its supervisor.
func (r *Runner) ComponentName() string { return "projection/" + r.name }

// Applied is the sequence of the last event applied.
func (r *Runner) Applied() uint64 { return r.mark.Applied() }

// Restored is the sequence of the snapshot the last Start restored; 0 when
// it replayed the log from the start.
func (r *Runner) Restored() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.restored
}

// Err is the error that stopped the runner, if any.
func (r *Runner) Err() error { return r.mark.Err() }

// Start restores the last snapshot and starts consuming. It returns once the
// consumer exists; catching up happens in the background (use WaitFor).
func (r *Runner) Start(ctx context.Context) error {
	from, err := r.restore(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.restored = from
	r.mu.Unlock()
	return r.consume(from)
}

// CatchUp starts the runner and waits until it has applied everything that
// was in the stream when it was called.
func (r *Runner) CatchUp(ctx context.Context) error {
	if err := r.Start(ctx); err != nil {
		return err
	}
	last, err := r.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	return r.WaitFor(ctx, last)
}

func (r *Runner) restore(ctx context.Context) (uint64, error) {
	obs, err := r.bucket(ctx)
	if err != nil {
		return 0, err
	}
	// Replicas share the snapshot object, so another replica may replace it
	// while this one reads it: the object store then purges the chunks
	// being read and the read times out. A snapshot only saves replaying
	// the log, so after a few tries the runner replays from the start
	// rather than failing to start.
	var (
		seq  uint64
		data []byte
	)
	for try := 1; ; try++ {
		seq, data, err = r.readSnapshot(ctx, obs)
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			return 0, nil
		}
		if err == nil || ctx.Err() != nil {
			break
		}
		if try == 3 {
			r.log.Warn("snapshot unreadable, replaying the log", "err", err)
			return 0, nil
		}
		r.log.Info("snapshot read failed, retrying", "err", err)
	}
	if err != nil {
		return 0, fmt.Errorf("projection %s: read snapshot: %w", r.name, err)
	}
	if err := r.model.Restore(data); err != nil {
		return 0, fmt.Errorf("projection %s: restore snapshot at %d: %w", r.name, seq, err)
	}
	r.mark.Advance(seq)
	r.log.Info("restored snapshot", "seq", seq, "bytes", len(data))
	return seq, nil
}

// readSnapshot reads the snapshot and the sequence it was taken at, giving
// up on one attempt after 10 s without completing.
func (r *Runner) readSnapshot(ctx context.Context, obs jetstream.ObjectStore) (uint64, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	res, err := obs.Get(ctx, r.name)
	if err != nil {
		return 0, nil, err
	}
	defer res.Close()
	info, err := res.Info()
	if err != nil {
		return 0, nil, err
	}
	seq, err := strconv.ParseUint(info.Metadata["seq"], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("snapshot has no sequence: %w", err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(res); err != nil {
		return 0, nil, err
	}
	return seq, buf.Bytes(), nil
}

func (r *Runner) bucket(ctx context.Context) (jetstream.ObjectStore, error) {
	js, err := jetstream.New(r.store.Conn())
	if err != nil {
		return nil, fmt.Errorf("projection %s: %w", r.name, err)
	}
	// Snapshots are as durable as the log they summarise: on a NATS
	// cluster a single-replica bucket goes offline with its node, and with
	// it every projection's start and stop.
	replicas := 1
	if st, err := js.Stream(ctx, events.StreamName); err == nil {
		replicas = max(st.CachedInfo().Config.Replicas, 1)
	}
	obs, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{
		Bucket: Bucket, Description: "weft read-model snapshots", Storage: jetstream.FileStorage, Replicas: replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("projection %s: snapshot bucket: %w", r.name, err)
	}
	return obs, nil
}

func (r *Runner) consume(after uint64) error {
	it, err := r.open(context.Background(), after)
	if err != nil {
		return err
	}
	if r.sup == nil {
		r.sup = supervise.New(supervise.Config{Logger: r.log})
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.done = make(chan struct{})
	first := it
	go func() {
		defer close(r.done)
		err := r.sup.Run(ctx, supervise.Component{Name: r.ComponentName(), Behind: r.behind,
			Run: func(ctx context.Context) error {
				it := first
				first = nil
				if it == nil {
					// A new consumer after the last event applied: nothing
					// is replayed from the start, nothing applied twice.
					var err error
					if it, err = r.open(ctx, r.Applied()); err != nil {
						return err
					}
				}
				return r.loop(ctx, it)
			}})
		if err != nil {
			r.fail(err)
		}
	}()
	return nil
}

// open starts an ordered consumer on EVENTS after the sequence after.
func (r *Runner) open(ctx context.Context, after uint64) (jetstream.MessagesContext, error) {
	js, err := jetstream.New(r.store.Conn())
	if err != nil {
		return nil, fmt.Errorf("projection %s: %w", r.name, err)
	}
	// No subject filter: EVENTS holds only event subjects, and a filter
	// makes the server match every message against it.
	cfg := jetstream.OrderedConsumerConfig{}
	if after > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, after+1
	}
	cons, err := js.OrderedConsumer(ctx, events.StreamName, cfg)
	if err != nil {
		return nil, fmt.Errorf("projection %s: create consumer: %w", r.name, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(4096))
	if err != nil {
		return nil, fmt.Errorf("projection %s: consume: %w", r.name, err)
	}
	return it, nil
}

// behind is how many events of the stream the model has not applied.
func (r *Runner) behind(ctx context.Context) (uint64, error) {
	last, err := r.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	return last - min(last, r.Applied()), nil
}

// loop applies what it reads until ctx ends or an error: a transient one
// (the consumer or the connection is gone) for the supervisor to resume
// from, or an event the model cannot take, as a supervise.Fault.
func (r *Runner) loop(ctx context.Context, it jetstream.MessagesContext) error {
	defer context.AfterFunc(ctx, it.Stop)()
	defer it.Stop()
	// A consumer that heartbeats and delivers nothing the log holds is
	// replaced: the watch ends the wait, and the supervisor runs the
	// runner again after what it applied.
	reader := supervise.NewReader(r.Applied())
	stalled, unwatch := supervise.WatchBeside(ctx, r.stall, reader, r.store.LeaderLastSeq, it.Stop)
	defer unwatch()
	since, unnotified := 0, 0
	lastSnap := time.Now()
	sel, _ := r.model.(Selective)
	for {
		reader.Waiting()
		m, err := it.Next()
		if err != nil {
			if err := stalled(); err != nil {
				return fmt.Errorf("projection %s: %w", r.name, err)
			}
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("projection %s: consume: %w", r.name, err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("projection %s: %w", r.name, err)
		}
		seq := md.Sequence.Stream
		reader.Got(seq)
		if seq <= r.Applied() {
			continue
		}
		if sel == nil || sel.Handles(m.Headers().Get(events.HeaderEventType)) {
			rec, err := r.store.Decode(seq, m.Data())
			if err != nil && !errors.Is(err, events.ErrUnknownType) {
				return supervise.Poison(seq, fmt.Errorf("projection %s: %w", r.name, err))
			}
			if err == nil {
				if err := r.model.Apply(rec); err != nil {
					return supervise.Poison(seq, fmt.Errorf("projection %s: apply event %d (%s): %w", r.name, seq, rec.Type, err))
				}
			}
		}
		unnotified++
		if unnotified >= notifyEvery || md.NumPending == 0 {
			r.mark.Advance(seq)
			unnotified = 0
		} else {
			r.mark.AdvanceQuietly(seq)
		}
		since++
		// Snapshot after many events (at most every gap while catching up,
		// and at once when caught up), or when idle after a few.
		caughtUp := md.NumPending == 0
		due := since >= r.every && (caughtUp || time.Since(lastSnap) >= r.gap)
		idle := caughtUp && since > 0 && time.Since(lastSnap) > 3*r.gap
		if due || idle {
			if err := r.snapshot(ctx); err != nil {
				if ctx.Err() == nil { // not the runner stopping mid-write
					r.log.Warn("snapshot failed; will retry", "err", err)
				}
			} else {
				since, lastSnap = 0, time.Now()
			}
		}
	}
}

func (r *Runner) fail(err error) {
	r.log.Error("projection stopped", "err", err)
	r.mark.Fail(err)
}

// snapshot must run on the consuming goroutine (or after it stopped), so the
// model is not changing underneath.
func (r *Runner) snapshot(ctx context.Context) error {
	seq := r.Applied()
	data, err := r.model.Snapshot()
	if err != nil {
		return fmt.Errorf("projection %s: snapshot: %w", r.name, err)
	}
	obs, err := r.bucket(ctx)
	if err != nil {
		return err
	}
	_, err = obs.Put(ctx, jetstream.ObjectMeta{Name: r.name, Metadata: map[string]string{"seq": strconv.FormatUint(seq, 10)}}, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("projection %s: write snapshot: %w", r.name, err)
	}
	return nil
}

// WaitFor blocks until the model has applied seq, the runner failed, or ctx
// ends (then the error matches ErrBehind).
func (r *Runner) WaitFor(ctx context.Context, seq uint64) error { return r.mark.WaitFor(ctx, seq) }

// Stop stops consuming and writes a final snapshot.
func (r *Runner) Stop(ctx context.Context) error {
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	<-r.done
	r.cancel = nil
	if r.Err() != nil {
		return nil // do not persist a model that failed to apply an event
	}
	return r.snapshot(ctx)
}

// Drop deletes the model's snapshot, so the next start replays the whole
// log. The runner must be stopped.
func Drop(ctx context.Context, store *events.Store, name string) error {
	js, err := jetstream.New(store.Conn())
	if err != nil {
		return fmt.Errorf("drop projection %s: %w", name, err)
	}
	obs, err := js.ObjectStore(ctx, Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("drop projection %s: %w", name, err)
	}
	if err := obs.Delete(ctx, name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("drop projection %s: %w", name, err)
	}
	return nil
}
