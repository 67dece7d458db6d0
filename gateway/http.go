package gateway

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/wundergraph/graphql-go-tools/execution/engine"
	"github.com/wundergraph/graphql-go-tools/execution/graphql"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/engine/resolve"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/graphqlerrors"

	"weft.dev/gateway/portal"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// TeamHeader names the team a request acts in; empty for team-less calls
// such as createTeam or me.
const TeamHeader = "Weft-Team"

// GraphiQL's page and its scripts, vendored from npm (see
// graphiql/LICENSES.txt; go tool task graphiql refreshes them).
//
//go:embed graphiql
var graphiqlFiles embed.FS

// Handler serves the web portal at / (every GET path no other route
// takes, see package portal), GraphiQL at /graphiql, GraphQL at /graphql
// (POST, and websocket upgrades speaking graphql-transport-ws), /healthz
// (liveness), /readyz (composed) and /metrics.
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	// "/" rather than "GET /": a GET-only catch-all would conflict with
	// /graphql, which takes every method. The portal refuses other methods.
	mux.Handle("/", portal.Handler())
	mux.HandleFunc("GET /graphiql", func(w http.ResponseWriter, _ *http.Request) {
		page, _ := graphiqlFiles.ReadFile("graphiql/index.html")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	// The page's relative script paths resolve against /graphiql, not
	// /graphiql/.
	mux.Handle("GET /graphiql/{$}", http.RedirectHandler("/graphiql", http.StatusMovedPermanently))
	mux.Handle("GET /graphiql/", http.FileServerFS(graphiqlFiles))
	mux.HandleFunc("/graphql", g.serveGraphQL)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := g.Composed(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		if err := g.CompositionFailing(); err != nil {
			// Still ready: the last good composition serves.
			_, _ = fmt.Fprintf(w, "ready (serving the last good composition; re-composition failing: %v)\n", err)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	if g.cfg.Gatherer != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(g.cfg.Gatherer, promhttp.HandlerOpts{}))
	}
	return mux
}

func (g *Gateway) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), remoteKey{}, r.RemoteAddr))
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		g.serveWebsocket(w, r)
		return
	}
	start := time.Now()
	ctx, sp := g.startOperation(r.Context(), r.Header)
	if sp != nil {
		r = r.WithContext(ctx)
	}
	op, rerr := g.serveOperation(w, r)
	outcome := "ok"
	if rerr != nil {
		outcome = "refused"
		if rerr.status == http.StatusUnauthorized {
			outcome = "unauthenticated"
		} else if rerr.status >= 500 {
			outcome = "error"
		}
		writeErrors(w, rerr)
	}
	endOperation(sp, op, outcome)
	g.metrics.requests.WithLabelValues(op, outcome).Inc()
	g.metrics.duration.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

// serveOperation answers one query or mutation sent by POST. It returns
// the operation type for metrics and, when the request is refused, the
// error to write.
func (g *Gateway) serveOperation(w http.ResponseWriter, r *http.Request) (string, *requestError) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		return "unknown", refuse(http.StatusMethodNotAllowed, fault.Invalid, "send GraphQL operations with POST, or open a websocket (graphql-transport-ws) for subscriptions")
	}
	p, rerr := g.authenticate(r.Context(), r.Header.Get("Authorization"), r.Header.Get(TeamHeader))
	if rerr != nil {
		return "unknown", rerr
	}
	if ok, wait := g.rate.take(rateKey(p)); !ok {
		rerr := g.rateLimited(wait)
		w.Header().Set("Retry-After", strconv.FormatInt(rerr.errs[0].Extensions["retryAfter"].(int64), 10))
		return "unknown", rerr
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.cfg.Limits.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "unknown", refuse(http.StatusRequestEntityTooLarge, fault.Invalid, "request body exceeds the limit of %d bytes", tooBig.Limit)
		}
		return "unknown", refuse(http.StatusBadRequest, fault.Invalid, "read request body: %v", err)
	}
	req, rerr := g.parseRequest(body)
	if rerr != nil {
		return "unknown", rerr
	}
	s := g.acquire()
	if s == nil {
		return "unknown", refuse(http.StatusServiceUnavailable, fault.Unavailable, "the gateway has not composed the subgraphs yet")
	}
	defer s.release()
	buf := g.bufs.get()
	defer g.bufs.put(buf)
	rw := graphql.NewEngineResultWriterFromBuffer(buf)
	// A query prepared before passed the limits then; it runs as a copy.
	var keyBuf [1024]byte
	key, cacheable := opKey(req, keyBuf[:0])
	// The same query of the same principal already in flight answers
	// this one too (see flights).
	if cacheable && s.ops.has(key) {
		g.metrics.preparedOps.WithLabelValues("hit").Inc()
		out, rerr := g.flights.do(r.Context(), newKey(s, p, key), func(ctx context.Context) ([]byte, *requestError) {
			prepared := s.ops.get(key)
			if prepared == nil {
				// Evicted since: the same text and variables passed the
				// limits when they were prepared; execute prepares it.
				prepared = req
			}
			if err := g.execute(ctx, s, prepared, p, &rw); err != nil {
				return nil, executionError(g.log, err)
			}
			return ensureCodes(buf.Bytes()), nil
		})
		if rerr != nil {
			return "query", rerr
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
		return "query", nil
	}
	opType, rerr := g.check(s, req)
	if rerr != nil {
		return opType, rerr
	}
	switch opType {
	case "subscription":
		return opType, refuse(http.StatusBadRequest, fault.Invalid, "subscriptions are served over a websocket on /graphql (protocol graphql-transport-ws)")
	case "mutation":
		p = newTeamPrincipal(req, p)
	case "query":
		// Mutations are not kept: their inputs rarely repeat.
		if cacheable {
			prep, err := prepareOperation(s, req)
			if err != nil {
				return opType, executionError(g.log, err)
			}
			g.metrics.preparedOps.WithLabelValues("miss").Inc()
			req = prep.request(&s.ops.clone)
			defer s.ops.put(string(key), prep)
		}
	}
	if err := g.execute(r.Context(), s, req, p, &rw); err != nil {
		return opType, executionError(g.log, err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(ensureCodes(buf.Bytes()))
	return opType, nil
}

// authenticate resolves the bearer token (and team) to a principal.
func (g *Gateway) authenticate(ctx context.Context, authorization, team string) (auth.Principal, *requestError) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return auth.Principal{}, refuse(http.StatusUnauthorized, fault.Unauthenticated, "missing API token: send the header Authorization: Bearer <token>")
	}
	p, err := g.cfg.Authenticator.Authenticate(ctx, token, strings.TrimSpace(team))
	if err != nil {
		if f, ok := fault.As(err); ok && f.Code == fault.Unauthenticated {
			// Counted and logged for whoever watches for guessing; the
			// owner of a real token is never locked out by it.
			g.metrics.refusedTokens.Inc()
			g.log.Warn("refused API token", "token_id", tokenID(token), "remote", remoteOf(ctx), "reason", f.Error())
		}
		return auth.Principal{}, faultError(g.log, err, "authenticate")
	}
	if p.UserID == "" {
		return auth.Principal{}, refuse(http.StatusUnauthorized, fault.Unauthenticated, "the API token resolves to no user")
	}
	return p, nil
}

// rateLimited is the refusal of an operation over its principal's rate,
// wait being how long until it may start one again (whole seconds, at
// least one, in extensions.retryAfter and an HTTP answer's Retry-After).
func (g *Gateway) rateLimited(wait time.Duration) *requestError {
	g.metrics.rateLimited.Inc()
	secs := int64(max(1, (wait+time.Second-1)/time.Second))
	e := coded(fault.Unavailable, fmt.Sprintf("too many requests from this user: at most %g a second (%d at once); retry in %d s", g.cfg.Limits.Rate, g.cfg.Limits.Burst, secs))
	e.Extensions["limit"] = "rate"
	e.Extensions["retryAfter"] = secs
	return &requestError{status: http.StatusTooManyRequests, errs: []gqlError{e}}
}

// rateKey is the rate limit's key for p: one bucket per user whatever
// team or token it uses.
func rateKey(p auth.Principal) string {
	if p.System {
		return "system:" + p.UserID
	}
	return p.UserID
}

// tokenID is the part of an API token that names it without its secret
// (weft_<id>_<secret>), for logs; other strings show only their length.
func tokenID(token string) string {
	if rest, ok := strings.CutPrefix(token, "weft_"); ok {
		if id, _, ok := strings.Cut(rest, "_"); ok && len(id) <= 64 {
			return id
		}
	}
	return fmt.Sprintf("(not a weft token, %d bytes)", len(token))
}

type remoteKey struct{}

// remoteOf is the client address serveGraphQL put in ctx, for logs.
func remoteOf(ctx context.Context) string {
	s, _ := ctx.Value(remoteKey{}).(string)
	return s
}

// parseRequest decodes a GraphQL request body ({query, variables,
// operationName, extensions}) and resolves a persisted operation's id to
// its text (see persisted.go).
func (g *Gateway) parseRequest(body []byte) (*graphql.Request, *requestError) {
	var in struct {
		graphql.Request
		Extensions struct {
			PersistedQuery *struct {
				SHA256Hash string `json:"sha256Hash"`
			} `json:"persistedQuery"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, refuse(http.StatusBadRequest, fault.Invalid, "the request body is not a GraphQL request (JSON with query, variables, operationName): %v", err)
	}
	req := &in.Request
	id := ""
	if pq := in.Extensions.PersistedQuery; pq != nil {
		id = pq.SHA256Hash
	}
	if rerr := g.persisted.resolve(req, id); rerr != nil {
		return nil, rerr
	}
	if strings.TrimSpace(req.Query) == "" {
		return nil, refuse(http.StatusBadRequest, fault.Invalid, "the request has no query")
	}
	if v := bytes.TrimSpace(req.Variables); len(v) == 0 || bytes.Equal(v, []byte("null")) {
		req.Variables = nil
	} else if v[0] != '{' {
		return nil, refuse(http.StatusBadRequest, fault.Invalid, "variables must be a JSON object")
	}
	return req, nil
}

// check refuses an operation that breaks a limit, cheapest checks first:
// the text is scanned (tokens, aliases, nesting) before it is parsed, and
// the parsed operation is measured (depth, fields, weight; fragment
// cycles) against s's schema before it is normalised or validated. It
// returns the operation type ("query", "mutation", "subscription").
func (g *Gateway) check(s *snapshot, req *graphql.Request) (string, *requestError) {
	lim := g.cfg.Limits
	if over := prescan(req.Query, prescanLimits{tokens: lim.MaxTokens, aliases: lim.MaxAliases, nesting: lim.MaxNesting}); over != "" {
		switch over {
		case "tokens":
			return "unknown", g.overLimit("tokens", "text", "the operation has more tokens than the limit of %d", lim.MaxTokens)
		case "aliases":
			return "unknown", g.overLimit("aliases", "text", "the operation has more aliases than the limit of %d", lim.MaxAliases)
		default:
			return "unknown", g.overLimit("nesting", "text", "the operation nests brackets ({, [, ( ) deeper than the limit of %d", lim.MaxNesting)
		}
	}
	t, err := req.OperationType()
	if err != nil {
		return "unknown", executionError(g.log, err)
	}
	op := "unknown"
	switch t {
	case graphql.OperationTypeQuery:
		op = "query"
	case graphql.OperationTypeMutation:
		op = "mutation"
	case graphql.OperationTypeSubscription:
		op = "subscription"
	}
	c, cycle := measure(req.Document(), s.schema.Document(), req.OperationName, req.Variables)
	switch {
	case cycle != "":
		e := g.overLimit("fragments", "parsed", "fragment %s spreads itself (directly or through other fragments); fragments must not form cycles", cycle)
		e.errs[0].Extensions["fragment"] = cycle
		return op, e
	case c.depth > lim.MaxDepth:
		return op, g.overLimit("depth", "parsed", "the operation is nested %d levels deep; the limit is %d", c.depth, lim.MaxDepth)
	case c.fields > lim.MaxComplexity:
		return op, g.overLimit("complexity", "parsed", "the operation selects %d fields; the limit is %d", c.fields, lim.MaxComplexity)
	case c.weight > lim.MaxCost:
		return op, g.overLimit("cost", "parsed", "the operation may return %d fields counting every item of its lists (first, else %d per list); the limit is %d", c.weight, defaultPage, lim.MaxCost)
	}
	return op, nil
}

// overLimit is the refusal of an operation over a limit, counted by limit
// and by the stage that refused it: "text" before parsing, "parsed"
// before normalisation.
func (g *Gateway) overLimit(limit, stage, format string, args ...any) *requestError {
	g.metrics.limitRefusals.WithLabelValues(limit, stage).Inc()
	e := coded(fault.Invalid, fmt.Sprintf(format, args...))
	e.Extensions["limit"] = limit
	return &requestError{status: http.StatusBadRequest, errs: []gqlError{e}}
}

// execute runs req on s's engine as p. The signed principal travels in
// the engine request's own headers, which the data sources copy into
// every subgraph request (see principalTemplate); no client header is
// given to the engine. An operation not prepared yet is prepared here,
// so that every operation is validated against the client schema.
//
// An operation on a websocket (own set) gets a number of its own in the
// header subscriptionHeader, so that no two client subscriptions share an
// upstream one.
func (g *Gateway) execute(ctx context.Context, s *snapshot, req *graphql.Request, p auth.Principal, w resolve.SubscriptionResponseWriter, own ...bool) error {
	if !req.IsNormalized() {
		if err := prepare(s, req); err != nil {
			return err
		}
	}
	eng := s.engine
	if s.introspection != nil {
		switch introspectionOnly(req) {
		case introspectsOnly:
			eng = s.introspection
		case introspectsAndMore:
			return graphqlerrors.RequestErrors{{Message: "this supergraph has @inaccessible elements, so an operation that introspects (__schema, __type) must select nothing else at its root: send the introspection as an operation of its own"}}
		}
	}
	hdr := http.Header{}
	hdr.Set(auth.Header, g.cfg.Signer.Sign(p, g.cfg.PrincipalTTL))
	if len(own) > 0 && own[0] {
		hdr.Set(subscriptionHeader, strconv.FormatUint(g.subscriptions.Add(1), 10))
	}
	return eng.Execute(ctx, req, w, engine.WithAdditionalHttpHeaders(hdr))
}

func decodeJSON(r io.Reader, v any) error {
	return json.NewDecoder(io.LimitReader(r, 8<<20)).Decode(v)
}
