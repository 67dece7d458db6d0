// Package gateway is weft's federated GraphQL gateway. It composes the
// subgraphs (accounts, infra, console, audit) from their Federation v2 SDL
// with graphql-go-tools, plans every operation across them with batched
// entity fetches, proxies subscriptions over graphql-transport-ws, and
// guards the way in: bearer-token authentication, limits on the text (size,
// tokens, aliases, nesting; checked before parsing) and on the cost (depth,
// fields, list fan-out; checked before normalising), a rate per user, and
// errors with stable extensions.code values.
//
// Guarantees:
//   - A subgraph only ever sees a Weft-Principal header signed by the
//     gateway for the principal the client's token resolved to; a client's
//     own Weft-Principal header is never forwarded.
//   - A refused request (401, 429, limits, malformed) calls no subgraph.
//   - What refusing a request costs grows with its size only: no limit is
//     checked by expanding fragments or by parsing text past a limit.
//   - Re-composition swaps the engine atomically; a request or
//     subscription finishes on the engine it started on.
//
// The host (weft-server) owns the listener: it mounts Gateway.Handler,
// either through Module (fx) or New + Start + Close.
package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"

	"weft.dev/kernel/auth"
)

// Gateway serves the composed supergraph. Create it with New, then Start.
type Gateway struct {
	cfg            Config
	log            *slog.Logger
	metrics        *metrics
	subgraphClient *http.Client
	sdlClient      *http.Client

	ctx    context.Context // parent of every engine; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // the poll loop and websocket connections

	rate  *rateLimiter // nil: no limit
	conns connsByUser  // open websockets by user, for Config.Rights

	bufs bufferPool // answers being written; each is copied to the connection before its buffer goes back

	tracer        trace.Tracer  // nil: tracing off (trace.go)
	subscriptions atomic.Uint64 // numbers websocket operations (see subscriptionHeader)
	flights       flights       // identical queries in flight (see dedup.go)
	persisted     *persisted    // registered operations (see persisted.go)

	current  atomic.Pointer[snapshot]
	composed chan struct{} // closed after the first composition
	once     sync.Once
	mu       sync.Mutex // serialises compositions
	failed   failedComposition

	status atomic.Pointer[compositionStatus] // nil while the last attempt succeeded
}

// failedComposition remembers the SDLs whose composition failed, so that
// the same SDLs are not composed again: composition is deterministic and
// costs tens of milliseconds of CPU, and a subgraph that keeps serving a
// broken SDL would otherwise cost that on every poll.
type failedComposition struct {
	sdls map[string]string
	err  error
}

// compositionStatus is why the gateway cannot compose, for /readyz and
// the logs.
type compositionStatus struct {
	err      error
	since    time.Time // first failure of this run of failures
	attempts int
	next     time.Time // when the next attempt is due (zero: at the next poll)
}

// New checks cfg and returns a gateway that has not yet composed; Start
// begins reading the subgraphs' SDL.
func New(cfg Config) (*Gateway, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("gateway config: %w", err)
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	local := map[string]http.Handler{}
	for _, s := range cfg.Subgraphs {
		for _, raw := range []string{s.URL, s.WSURL} {
			if u, err := url.Parse(raw); err == nil {
				names[u.Host+u.Path] = s.Name
			}
		}
		if u, err := url.Parse(s.URL); err == nil && s.Handler != nil {
			local[u.Host+u.Path] = s.Handler
		}
	}
	base := &http.Transport{
		Proxy:                 nil, // subgraphs are internal; never route them via a proxy from the environment
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: cfg.SubgraphTimeout,
	}
	var tracer trace.Tracer
	if cfg.TracerProvider != nil {
		tracer = cfg.TracerProvider.Tracer("weft.dev/gateway")
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Gateway{
		tracer:  tracer,
		cfg:     cfg,
		log:     cfg.Logger,
		rate:    newRateLimiter(cfg.Limits.Rate, cfg.Limits.Burst, time.Now),
		metrics: m,
		// No client timeout: the same client opens subscription
		// websockets, which must outlive any request timeout; the
		// transport bounds the wait for response headers instead.
		subgraphClient: &http.Client{Transport: &subgraphTransport{next: base, names: names, local: local, timeout: cfg.SubgraphTimeout, metrics: m, tracer: tracer}},
		sdlClient:      &http.Client{Transport: base, Timeout: 10 * time.Second},
		ctx:            ctx,
		cancel:         cancel,
		composed:       make(chan struct{}),
		flights:        flights{joined: m.deduplicated},
		persisted:      newPersisted(cfg.Persisted, cfg.PersistedOnly, m.persistedRefusals),
	}, nil
}

// Start begins composing: it reads every subgraph's SDL now and then every
// PollInterval, and re-composes when one changed. It returns at once; a
// subgraph that is not up yet only delays readiness (see Ready).
func (g *Gateway) Start(context.Context) error {
	if g.cfg.Rights != nil {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			g.cfg.Rights.WatchRights(g.ctx, g.rightsChanged)
		}()
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.poll()
	}()
	return nil
}

// Close stops polling, closes websocket connections and shuts down the
// engine. Requests still running get cancelled contexts.
func (g *Gateway) Close() error {
	g.cancel()
	g.wg.Wait()
	// Kept-alive connections to subgraphs each hold two goroutines of
	// net/http's until closed.
	g.subgraphClient.CloseIdleConnections()
	g.sdlClient.CloseIdleConnections()
	if s := g.current.Swap(nil); s != nil {
		s.retire()
	}
	return nil
}

// Composed is nil once a composition succeeded, else why GraphQL cannot
// answer yet.
func (g *Gateway) Composed() error {
	if g.current.Load() == nil {
		if st := g.status.Load(); st != nil {
			return fmt.Errorf("subgraphs not composed yet: %d attempts failed since %s, next in %s: %w",
				st.attempts, st.since.UTC().Format(time.RFC3339), time.Until(st.next).Round(time.Millisecond), st.err)
		}
		return errors.New("subgraphs not composed yet")
	}
	return nil
}

// CompositionFailing is nil while the last composition attempt succeeded
// (or found nothing changed), else why it failed. Once composed, the
// gateway keeps serving the last good composition while this is set.
func (g *Gateway) CompositionFailing() error {
	if st := g.status.Load(); st != nil {
		return fmt.Errorf("%d attempts failed since %s: %w", st.attempts, st.since.UTC().Format(time.RFC3339), st.err)
	}
	return nil
}

// Ready waits until the first composition succeeded.
func (g *Gateway) Ready(ctx context.Context) error {
	select {
	case <-g.composed:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for first composition: %w", ctx.Err())
	}
}

// Refresh reads every subgraph's SDL once and re-composes if one changed.
// The poll loop calls it; tests and the host may too.
func (g *Gateway) Refresh(ctx context.Context) error {
	sdls, err := g.fetchSDLs(ctx)
	if err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if cur := g.current.Load(); cur != nil && maps.Equal(cur.sdls, sdls) {
		g.failed = failedComposition{}
		return nil
	}
	if g.failed.sdls != nil && maps.Equal(g.failed.sdls, sdls) {
		return fmt.Errorf("%w (the same SDLs as before; composed again once one changes)", g.failed.err)
	}
	start := time.Now()
	next, err := g.compose(sdls)
	if err != nil {
		g.metrics.compositions.WithLabelValues("error").Inc()
		g.failed = failedComposition{sdls: sdls, err: err}
		return err
	}
	g.failed = failedComposition{}
	g.metrics.compositions.WithLabelValues("ok").Inc()
	if old := g.current.Swap(next); old != nil {
		old.retire()
		g.log.Info("gateway re-composed", "took", time.Since(start))
	} else {
		g.log.Info("gateway composed", "subgraphs", len(sdls), "took", time.Since(start))
	}
	g.once.Do(func() { close(g.composed) })
	return nil
}

func (g *Gateway) poll() {
	var t *time.Ticker
	var tick <-chan time.Time
	if g.cfg.PollInterval > 0 {
		t = time.NewTicker(g.cfg.PollInterval)
		defer t.Stop()
		tick = t.C
	}
	// Until the first composition retry with a backoff that starts short
	// (subgraphs hosted in the same process start listening after the
	// gateway) and grows, so a subgraph that stays down or keeps serving
	// a broken SDL costs little.
	retry := time.NewTimer(0)
	defer retry.Stop()
	for {
		select {
		case <-g.ctx.Done():
			return
		case <-retry.C:
			err := g.Refresh(g.ctx)
			if g.ctx.Err() != nil {
				return
			}
			if err == nil {
				g.recovered()
				continue
			}
			st := g.failing(err, true)
			g.log.Warn("gateway not composed yet", "err", err, "attempt", st.attempts,
				"failing_since", st.since, "retry_in", time.Until(st.next).Round(time.Millisecond))
			retry.Reset(time.Until(st.next))
		case <-tick:
			if g.current.Load() == nil {
				continue // the retry timer is on it
			}
			err := g.Refresh(g.ctx)
			if g.ctx.Err() != nil {
				return
			}
			if err == nil {
				g.recovered()
				continue
			}
			// Keep serving the last good composition; say so once per
			// run of failures and then at growing intervals, not on
			// every poll.
			st := g.failing(err, false)
			if logAttempt(st.attempts) {
				g.log.Error("gateway re-composition failing; serving the last good composition", "err", err,
					"attempt", st.attempts, "failing_since", st.since)
			}
		}
	}
}

// Retry delays before the first composition: from retryMin doubling to
// retryMax, each jittered into its upper half so that gateways restarted
// together do not retry in step.
const (
	retryMin = 200 * time.Millisecond
	retryMax = 30 * time.Second
)

// retryDelay is the wait after the given number of failed attempts (>= 1).
func retryDelay(attempts int) time.Duration {
	d := retryMax
	if attempts < 16 {
		d = min(retryMax, retryMin<<(attempts-1))
	}
	return d/2 + rand.N(d/2+1)
}

// logAttempt reports whether the attempt-th failure in a row is logged:
// the first, then the 2nd, 4th, 8th, ...
func logAttempt(attempt int) bool { return attempt&(attempt-1) == 0 }

// failing records a failed attempt and returns the status; backoff sets
// when the next attempt is due.
func (g *Gateway) failing(err error, backoff bool) *compositionStatus {
	st := &compositionStatus{err: err, since: time.Now(), attempts: 1}
	if prev := g.status.Load(); prev != nil {
		st.since, st.attempts = prev.since, prev.attempts+1
	}
	if backoff {
		st.next = time.Now().Add(retryDelay(st.attempts))
	}
	g.status.Store(st)
	g.metrics.compositionFailing.Set(1)
	return st
}

// recovered clears the failure status after a successful attempt.
// The log line and the gauge change before the status clears: /readyz
// answers "ready" from the status, and whoever sees it must find both.
// Only the poll loop writes the status, so nothing can slip in between.
func (g *Gateway) recovered() {
	prev := g.status.Load()
	if prev != nil {
		g.log.Info("gateway composition recovered", "attempts", prev.attempts, "failing_for", time.Since(prev.since).Round(time.Millisecond))
	}
	g.metrics.compositionFailing.Set(0)
	g.status.Store(nil)
}

// acquire returns the current snapshot with a reference held, or nil
// before the first composition. The caller must release it.
func (g *Gateway) acquire() *snapshot {
	for {
		s := g.current.Load()
		if s == nil {
			return nil
		}
		if s.acquire() {
			return s
		}
		// Retired between Load and acquire: a newer one is in place.
	}
}

func (g *Gateway) fetchSDLs(ctx context.Context) (map[string]string, error) {
	type result struct {
		name, sdl string
		err       error
	}
	results := make(chan result, len(g.cfg.Subgraphs))
	for _, s := range g.cfg.Subgraphs {
		go func() {
			sdl, err := g.fetchSDL(ctx, s)
			results <- result{s.Name, sdl, err}
		}()
	}
	sdls := make(map[string]string, len(g.cfg.Subgraphs))
	var errs []error
	for range g.cfg.Subgraphs {
		r := <-results
		if r.err != nil {
			errs = append(errs, fmt.Errorf("subgraph %s: %w", r.name, r.err))
			continue
		}
		sdls[r.name] = r.sdl
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return sdls, nil
}

var errNoSDLEndpoint = errors.New("no SDL endpoint")

// fetchSDL reads a subgraph's SDL from its source: the configured
// function, GET SDLURL, or, when that endpoint does not exist,
// `_service { sdl }`.
func (g *Gateway) fetchSDL(ctx context.Context, s Subgraph) (string, error) {
	if s.SDL != nil {
		return s.SDL(ctx)
	}
	sdl, err := g.getSDL(ctx, s.SDLURL)
	if errors.Is(err, errNoSDLEndpoint) {
		return g.serviceSDL(ctx, s.URL)
	}
	return sdl, err
}

func (g *Gateway) getSDL(ctx context.Context, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("read SDL: %w", err)
	}
	resp, err := g.sdlClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("read SDL: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return "", fmt.Errorf("read SDL from %s: %w", u, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed:
		return "", errNoSDLEndpoint
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("read SDL from %s: status %s", u, resp.Status)
	}
	return string(body), nil
}

// serviceSDL asks the subgraph itself. Subgraphs trust nothing without a
// principal, so the gateway signs one for itself.
func (g *Gateway) serviceSDL(ctx context.Context, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader([]byte(`{"query":"{ _service { sdl } }"}`)))
	if err != nil {
		return "", fmt.Errorf("query _service: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(auth.Header, g.cfg.Signer.Sign(auth.SystemPrincipal("gateway"), time.Minute))
	resp, err := g.sdlClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("query _service: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Service struct {
				SDL string `json:"sdl"`
			} `json:"_service"`
		} `json:"data"`
		Errors []gqlError `json:"errors"`
	}
	if err := decodeJSON(resp.Body, &out); err != nil {
		return "", fmt.Errorf("query _service at %s (status %s): %w", u, resp.Status, err)
	}
	if len(out.Errors) > 0 {
		return "", fmt.Errorf("query _service at %s: %s", u, out.Errors[0].Message)
	}
	if out.Data.Service.SDL == "" {
		return "", fmt.Errorf("query _service at %s: empty SDL", u)
	}
	return out.Data.Service.SDL, nil
}
