package gateway

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// flights lets identical queries in flight share one execution: a query
// that arrives while the same one runs waits for its answer instead of
// calling the subgraphs again. "The same" is strict: the same composition,
// the same principal (user, team, role, system) and the same operation
// name, text and variables. Queries of two principals never share an
// answer, whatever they ask, because what a subgraph answers depends on
// who asks. Mutations and subscriptions never share.
type flights struct {
	joined prometheus.Counter // counts the queries that waited for another

	mu sync.Mutex
	m  map[flightKey]*flight
}

type flightKey struct {
	s      *snapshot
	user   string
	team   string
	role   auth.Role
	system bool
	op     string // opKey: operation name, text, variables
}

type flight struct {
	done    chan struct{}
	waiters int
	out     []byte        // the answer, written before done closes; read-only
	err     *requestError // or the refusal
}

func newKey(s *snapshot, p auth.Principal, op []byte) flightKey {
	return flightKey{s: s, user: p.UserID, team: p.Team, role: p.Role, system: p.System, op: string(op)}
}

// do runs run for k unless an identical query is in flight, in which case
// it waits for that one's answer. run writes into
// its own buffer; its answer is copied out only when someone waits.
//
// The first query runs with a context that its client going away does not
// cancel, so that the others waiting on it still get their answer; the
// subgraph timeout bounds it as any query. A waiter whose own client goes
// away stops waiting.
func (f *flights) do(ctx context.Context, k flightKey, run func(context.Context) ([]byte, *requestError)) (out []byte, rerr *requestError) {
	f.mu.Lock()
	if fl, ok := f.m[k]; ok {
		fl.waiters++
		f.mu.Unlock()
		f.joined.Inc()
		select {
		case <-fl.done:
			return fl.out, fl.err
		case <-ctx.Done():
			return nil, refuseCanceled(ctx)
		}
	}
	if f.m == nil {
		f.m = map[flightKey]*flight{}
	}
	fl := &flight{done: make(chan struct{})}
	f.m[k] = fl
	f.mu.Unlock()

	out, rerr = run(context.WithoutCancel(ctx))

	f.mu.Lock()
	delete(f.m, k)
	if fl.waiters > 0 {
		fl.out, fl.err = bytes.Clone(out), rerr
	}
	f.mu.Unlock()
	close(fl.done)
	return out, rerr
}

// refuseCanceled answers a waiter whose client went away (nobody reads it).
func refuseCanceled(ctx context.Context) *requestError {
	return refuse(http.StatusServiceUnavailable, fault.Unavailable, "the request ended before its answer: %v", context.Cause(ctx))
}
