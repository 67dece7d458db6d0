// Package supervise keeps weft's long-running loops going: the read-model
// runners, the message office and the agent's stream readers each run as a
// Component under one Supervisor per process.
//
// Guarantees:
//   - An error marked with Poison (an event that cannot be decoded or
//     applied) is deterministic: the component stops, its Failed hook runs
//     once (to give up a lease), and Statuses reports it as StateFailed
//     with the event's sequence until its owner runs it again (in weft,
//     only a restart of the process does). Retrying would meet the same
//     event again.
//   - Any other error is transient (a timeout, a disconnect, a leader
//     election, a consumer gone, a write refused while a stream has no
//     leader): the component runs again after a bounded, jittered backoff.
//     Run is called again on the same component value, which resumes from
//     what it applied; the supervisor never rebuilds anything itself.
//   - Run is never called twice at once for one component.
//
// The package needs nothing of weft's, so the agent and weft-server share it.
package supervise

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// Fault is a deterministic failure at one event: retrying cannot help.
type Fault struct {
	Seq uint64 // the event's sequence in the stream the component reads
	Err error
}

func (f *Fault) Error() string { return fmt.Sprintf("event %d: %v", f.Seq, f.Err) }

func (f *Fault) Unwrap() error { return f.Err }

// Poison marks err as a deterministic failure at the event seq.
func Poison(seq uint64, err error) error { return &Fault{Seq: seq, Err: err} }

// FaultOf returns the Fault in err's chain, if any.
func FaultOf(err error) (*Fault, bool) {
	var f *Fault
	ok := errors.As(err, &f)
	return f, ok
}

// State is where a component is.
type State string

const (
	StateIdle     State = "idle"     // not started, or stopped by its owner
	StateRunning  State = "running"  // working
	StateRetrying State = "retrying" // waiting out a backoff after a transient error
	StateFailed   State = "failed"   // stopped by a deterministic failure
)

// Component is one supervised loop.
type Component struct {
	Name string
	// Run works from where the component last got to until ctx ends
	// (returning anything) or it meets an error. It must not start over
	// from the beginning: it is called again after every transient error.
	Run func(ctx context.Context) error
	// Behind, when set, is how many events the component has still to
	// apply, for /healthz, /readyz and /metrics.
	Behind func(ctx context.Context) (uint64, error)
	// Failed, when set, runs once after a deterministic failure, before
	// Run's caller learns of it: give up what the component holds (a
	// lease) so another replica can try. It must not wait for Run's caller.
	Failed func(error)
}

// Status is a component's state as Statuses reports it.
type Status struct {
	Name     string
	State    State
	Restarts uint64    // runs after a transient error, since the process started
	Err      string    // the last error, transient or not
	Seq      uint64    // the sequence of the event a failed component stopped at
	Since    time.Time // when it entered State
	// Behind is how many events it has still to apply, when Measured
	// (only Report measures, and only components that can tell);
	// BehindErr says why it could not.
	Behind    uint64
	Measured  bool
	BehindErr string
}

// Config tunes the backoff between runs.
type Config struct {
	// MinBackoff is the first wait after a transient error; default 100 ms.
	MinBackoff time.Duration
	// MaxBackoff bounds the wait, which doubles with each failure in a
	// row; default 10 s. A run that lasted at least MaxBackoff resets it.
	MaxBackoff time.Duration
	Logger     *slog.Logger
}

// Supervisor runs components and knows how each is doing.
type Supervisor struct {
	cfg Config
	log *slog.Logger

	mu    sync.Mutex
	comps map[string]*entry
}

type entry struct {
	c   Component
	st  Status
	ran bool // Run is in progress or waiting to be retried
}

// New returns a supervisor.
func New(cfg Config) *Supervisor {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(10*time.Second, cfg.MinBackoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Supervisor{cfg: cfg, log: cfg.Logger, comps: map[string]*entry{}}
}

// ErrRunning is returned by Run for a component of the same name that is
// running already.
var ErrRunning = errors.New("component is running already")

// Run runs c in the calling goroutine until ctx ends (nil) or c fails
// deterministically (the Fault).
func (s *Supervisor) Run(ctx context.Context, c Component) error {
	e, err := s.enter(c)
	if err != nil {
		return err
	}
	defer s.leave(e)
	attempt := 0
	for {
		started := time.Now()
		err := c.Run(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("stopped without an error")
		}
		if f, ok := FaultOf(err); ok {
			s.set(e, func(st *Status) { st.State, st.Err, st.Seq = StateFailed, err.Error(), f.Seq })
			s.log.Error("component stopped: an event it cannot apply", "component", c.Name, "seq", f.Seq, "err", err)
			if c.Failed != nil {
				c.Failed(err)
			}
			return err
		}
		if time.Since(started) >= s.cfg.MaxBackoff {
			attempt = 0
		}
		wait := s.backoff(attempt)
		attempt++
		s.set(e, func(st *Status) { st.State, st.Err = StateRetrying, err.Error(); st.Restarts++ })
		s.log.Warn("component interrupted; resuming", "component", c.Name, "in", wait.Round(time.Millisecond), "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		s.set(e, func(st *Status) { st.State = StateRunning })
	}
}

// backoff is the wait before run attempt+1: doubling from MinBackoff up
// to MaxBackoff, of which a random half, so replicas that met the same
// election do not all come back at once.
func (s *Supervisor) backoff(attempt int) time.Duration {
	d := s.cfg.MaxBackoff
	if attempt < 30 {
		d = min(s.cfg.MinBackoff<<attempt, s.cfg.MaxBackoff)
	}
	return d/2 + rand.N(d/2+1)
}

func (s *Supervisor) enter(c Component) (*entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.comps[c.Name]
	switch {
	case e == nil:
		e = &entry{}
		s.comps[c.Name] = e
	case e.ran:
		return nil, fmt.Errorf("%s: %w", c.Name, ErrRunning)
	}
	e.c, e.ran = c, true
	e.st = Status{Name: c.Name, State: StateRunning, Since: time.Now(), Restarts: e.st.Restarts}
	return e, nil
}

func (s *Supervisor) leave(e *entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e.ran = false
	if e.st.State != StateFailed {
		e.st.State, e.st.Since = StateIdle, time.Now()
	}
}

func (s *Supervisor) set(e *entry, f func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	before := e.st.State
	f(&e.st)
	if e.st.State != before {
		e.st.Since = time.Now()
	}
}

// Statuses is every component's status, by name.
func (s *Supervisor) Statuses() []Status {
	s.mu.Lock()
	out := make([]Status, 0, len(s.comps))
	for _, e := range s.comps {
		out = append(out, e.st)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Status) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Report is Statuses with how far behind each component is, asked of the
// components that can tell (a request to the broker each).
func (s *Supervisor) Report(ctx context.Context) []Status {
	out := s.Statuses()
	s.mu.Lock()
	behind := make([]func(context.Context) (uint64, error), len(out))
	for i, st := range out {
		behind[i] = s.comps[st.Name].c.Behind
	}
	s.mu.Unlock()
	for i := range out {
		if behind[i] == nil {
			continue
		}
		if n, err := behind[i](ctx); err != nil {
			out[i].BehindErr = err.Error()
		} else {
			out[i].Behind, out[i].Measured = n, true
		}
	}
	return out
}

// Failed is the components stopped by a deterministic failure.
func (s *Supervisor) Failed() []Status {
	var out []Status
	for _, st := range s.Statuses() {
		if st.State == StateFailed {
			out = append(out, st)
		}
	}
	return out
}

// String is one line per status, for /healthz and /readyz bodies.
func (st Status) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", st.Name, st.State)
	if st.State == StateFailed {
		fmt.Fprintf(&b, " at event %d", st.Seq)
	}
	switch {
	case st.BehindErr != "":
		fmt.Fprintf(&b, ", behind: unknown (%s)", st.BehindErr)
	case st.Measured:
		fmt.Fprintf(&b, ", behind %d", st.Behind)
	}
	if st.Restarts > 0 {
		fmt.Fprintf(&b, ", %d restarts", st.Restarts)
	}
	if st.Err != "" && st.State != StateRunning && st.State != StateIdle {
		fmt.Fprintf(&b, ": %s", st.Err)
	}
	return b.String()
}
