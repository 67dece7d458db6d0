package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"

	"weft.dev/kernel/auth"
)

// Authenticator resolves an API token and an optional team slug to the
// principal a request acts as. The accounts service's command.Handlers
// implements it. Errors should be *fault.Error; anything else is treated as
// internal and never shown to the client.
type Authenticator interface {
	Authenticate(ctx context.Context, token, team string) (auth.Principal, error)
}

// Subgraph is one federated subgraph the gateway composes.
type Subgraph struct {
	// Name identifies the subgraph in composition, logs and metrics.
	Name string
	// URL is the subgraph's GraphQL endpoint (HTTP POST), e.g.
	// http://127.0.0.1:4000/subgraphs/infra/graphql.
	URL string
	// WSURL is where subscriptions are sent over graphql-transport-ws. Empty
	// means URL with a ws/wss scheme (the contract serves both on one path).
	WSURL string
	// SDLURL is fetched with GET to read the subgraph's SDL. Empty means the
	// contract's "<URL without /graphql>/sdl"; if that answers 404 the gateway
	// asks the subgraph for `_service { sdl }` instead.
	SDLURL string
	// SDL, when set, is the subgraph's SDL source instead of SDLURL, e.g. an
	// embedded schema in the all-in-one server. It is polled like SDLURL.
	SDL func(ctx context.Context) (string, error)
	// Handler, when set, is the subgraph's own HTTP handler in this
	// process (the all-in-one server): queries and mutations for URL are
	// handed to it directly instead of over a loopback socket. It is still
	// the subgraph protocol - the same request, signed principal and JSON
	// answer. Subscriptions still dial WSURL.
	Handler http.Handler
}

// Limits bound what one request may ask for. They are checked before any
// subgraph is called.
type Limits struct {
	// MaxBodyBytes bounds an HTTP request body or one websocket message.
	MaxBodyBytes int64
	// MaxDepth bounds the nesting of fields after fragments are inlined;
	// a root field is depth 1.
	MaxDepth int
	// MaxComplexity bounds the number of field selections in the operation
	// after fragments are inlined, aliases and __typename included.
	MaxComplexity int
	// MaxCost bounds the field selections weighted by the page size of
	// every connection around them (`first`, else the subgraphs' default
	// of 50): the rows a query may fan out to.
	MaxCost int
	// MaxTokens, MaxAliases and MaxNesting bound the operation's text:
	// its lexical tokens, its aliases, and how many brackets ({, [, ( )
	// are open at once. They are checked by one pass over the text that
	// stops at the limit, before the text is parsed.
	MaxTokens  int
	MaxAliases int
	MaxNesting int
	// Rate and Burst bound the operations one principal (user or system
	// identity) may start: Rate per second on average, Burst at once.
	// Over it the gateway answers 429 with Retry-After. A negative Rate
	// turns the limit off.
	Rate  float64
	Burst int
}

// Default limits: generous for the CLI and portal, small enough that one
// request cannot fan out into thousands of subgraph rows.
const (
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 500
	DefaultMaxCost       = 50_000
	DefaultMaxTokens     = 10_000
	DefaultMaxAliases    = 100
	DefaultMaxNesting    = 64
	DefaultRate          = 500
	DefaultBurst         = 1_000
	DefaultPollInterval  = 3 * time.Second
	DefaultPrincipalTTL  = 5 * time.Minute
)

// Config configures a Gateway.
type Config struct {
	Subgraphs     []Subgraph
	Authenticator Authenticator
	// Rights tells the gateway when a principal's rights may have
	// narrowed, so that open websockets re-check at once. Without it an
	// open websocket still re-checks its credentials at every new
	// operation and when its token expires, but a running subscription
	// keeps delivering until one of those happens.
	Rights RightsFeed
	// Signer signs the Weft-Principal assertion sent to every subgraph.
	Signer *auth.Signer
	// PrincipalTTL is the lifetime of a signed assertion. A subscription's
	// upstream connection is authorised once, when it is opened.
	PrincipalTTL time.Duration
	Limits       Limits
	// PollInterval is how often every subgraph's SDL is re-read; a change
	// re-composes the supergraph. Negative disables polling.
	PollInterval time.Duration
	// Registry receives the gateway's metrics; nil means none are exported.
	Registry prometheus.Registerer
	// Gatherer serves /metrics; nil means Registry if it is a Gatherer.
	Gatherer prometheus.Gatherer
	Logger   *slog.Logger
	// SubgraphTimeout bounds one subgraph HTTP request.
	SubgraphTimeout time.Duration
	// Persisted are the registered operations, by id (the SHA-256 of the
	// text in hex): a client may send the id in
	// extensions.persistedQuery.sha256Hash instead of the text.
	Persisted map[string]string
	// PersistedOnly refuses every operation that is not registered
	// (FORBIDDEN, extensions.persisted: "required"): production runs only
	// what weft's own clients send.
	PersistedOnly bool
	// TracerProvider, when set, traces every operation and subgraph call
	// with OpenTelemetry and sends W3C traceparent to the subgraphs
	// (trace.go). Nil: no tracing, at no cost.
	TracerProvider trace.TracerProvider
}

func (c *Config) withDefaults() Config {
	out := *c
	if out.Limits.MaxBodyBytes <= 0 {
		out.Limits.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if out.Limits.MaxDepth <= 0 {
		out.Limits.MaxDepth = DefaultMaxDepth
	}
	if out.Limits.MaxComplexity <= 0 {
		out.Limits.MaxComplexity = DefaultMaxComplexity
	}
	if out.Limits.MaxCost <= 0 {
		out.Limits.MaxCost = DefaultMaxCost
	}
	if out.Limits.MaxTokens <= 0 {
		out.Limits.MaxTokens = DefaultMaxTokens
	}
	if out.Limits.MaxAliases <= 0 {
		out.Limits.MaxAliases = DefaultMaxAliases
	}
	if out.Limits.MaxNesting <= 0 {
		out.Limits.MaxNesting = DefaultMaxNesting
	}
	if out.Limits.Rate == 0 {
		out.Limits.Rate = DefaultRate
	}
	if out.Limits.Burst <= 0 {
		out.Limits.Burst = max(DefaultBurst, int(out.Limits.Rate))
	}
	if out.PollInterval == 0 {
		out.PollInterval = DefaultPollInterval
	}
	if out.PrincipalTTL <= 0 {
		out.PrincipalTTL = DefaultPrincipalTTL
	}
	if out.SubgraphTimeout <= 0 {
		out.SubgraphTimeout = 30 * time.Second
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.Gatherer == nil {
		if g, ok := out.Registry.(prometheus.Gatherer); ok {
			out.Gatherer = g
		}
	}
	out.Subgraphs = append([]Subgraph(nil), c.Subgraphs...)
	for i := range out.Subgraphs {
		s := &out.Subgraphs[i]
		if s.WSURL == "" {
			s.WSURL = wsURL(s.URL)
		}
		if s.SDLURL == "" {
			s.SDLURL = strings.TrimSuffix(strings.TrimSuffix(s.URL, "/"), "/graphql") + "/sdl"
		}
	}
	return out
}

func (c *Config) validate() error {
	var errs []error
	if c.Authenticator == nil {
		errs = append(errs, errors.New("no Authenticator"))
	}
	if c.Signer == nil {
		errs = append(errs, errors.New("no Signer"))
	}
	if len(c.Subgraphs) == 0 {
		errs = append(errs, errors.New("no subgraphs"))
	}
	seen := map[string]bool{}
	for i, s := range c.Subgraphs {
		if s.Name == "" {
			errs = append(errs, fmt.Errorf("subgraph %d: no name", i))
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("subgraph %q: listed twice", s.Name))
		}
		seen[s.Name] = true
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("subgraph %q: URL %q is not http(s)", s.Name, s.URL))
		}
	}
	return errors.Join(errs...)
}

func wsURL(u string) string {
	switch {
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		return "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u
}
