package gateway

import (
	"context"
	"fmt"
	"sync"

	"github.com/jensneuse/abstractlogger"
	nodev1 "github.com/wundergraph/cosmo/router/gen/proto/wg/cosmo/node/v1"
	"github.com/wundergraph/graphql-go-tools/execution/engine"
	"github.com/wundergraph/graphql-go-tools/execution/graphql"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/engine/resolve"

	"weft.dev/kernel/auth"
)

// principalTemplate makes the engine copy the Weft-Principal header of the
// engine request (which the gateway sets itself, never the client's) into
// every subgraph request, HTTP and websocket upgrade alike. Because the
// header becomes part of the subscription input, the engine's de-duplication
// of identical subscriptions never shares one upstream connection between
// two principals.
const principalTemplate = "{{ .request.headers." + auth.Header + " }}"

// subscriptionHeader carries a number of the gateway's own, unique to one
// client subscription, into its websocket upgrade. The engine shares one
// upstream subscription among client subscriptions with the same input,
// and weft's subscriptions start with the current state, which the
// subgraph sends once per upstream subscription: a second identical
// subscription of the same user within the same second (the signed
// principal is the same string then) joined the first one's and never got
// its first message. The number keeps every client subscription's input
// apart. Requests that are not subscriptions carry none (the transport
// drops the empty header).
const subscriptionHeader = "Weft-Subscription"

const subscriptionTemplate = "{{ .request.headers." + subscriptionHeader + " }}"

// snapshot is one composed supergraph and the engine that serves it. The
// gateway swaps snapshots atomically; a retired snapshot's engine stays up
// until the last request or subscription that acquired it has released it.
type snapshot struct {
	engine *engine.ExecutionEngine
	schema *graphql.Schema // the supergraph, which the engine plans against
	// client is the schema clients see: schema without its @inaccessible
	// elements (the same schema when it has none). Operations are
	// validated against it.
	client *graphql.Schema
	// introspection answers __schema and __type from client when it
	// differs from schema (the engine introspects the schema it plans
	// against); nil when they are the same.
	introspection *engine.ExecutionEngine
	sdls          map[string]string
	ops           *opCache // queries prepared against schema
	cancel        context.CancelFunc

	mu      sync.Mutex
	refs    int
	retired bool
}

// acquire takes a reference; it fails once the snapshot has been retired
// and drained, so the caller must load the current snapshot again.
func (s *snapshot) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retired {
		return false
	}
	s.refs++
	return true
}

func (s *snapshot) release() {
	s.mu.Lock()
	s.refs--
	done := s.retired && s.refs == 0
	s.mu.Unlock()
	if done {
		s.cancel()
	}
}

// retire stops new work on s; its engine shuts down when the last holder
// releases it.
func (s *snapshot) retire() {
	s.mu.Lock()
	s.retired = true
	done := s.refs == 0
	s.mu.Unlock()
	if done {
		s.cancel()
	}
}

// compose builds a supergraph from the subgraphs' SDLs and an execution
// engine for it. The engine lives until retire and release shut it down.
func (g *Gateway) compose(sdls map[string]string) (_ *snapshot, err error) {
	subs := make([]engine.SubgraphConfiguration, 0, len(g.cfg.Subgraphs))
	names := make([]string, 0, len(g.cfg.Subgraphs))
	for _, s := range g.cfg.Subgraphs {
		names = append(names, s.Name)
	}
	if err := checkSatisfiable(names, sdls); err != nil {
		return nil, fmt.Errorf("compose subgraphs: %w", err)
	}
	lifted := map[string][]liftedProvides{}
	for _, s := range g.cfg.Subgraphs {
		sdl, ok := sdls[s.Name]
		if !ok {
			return nil, fmt.Errorf("compose: no SDL for subgraph %q", s.Name)
		}
		sdl, err = upgradeFederation1(s.Name, sdl)
		if err != nil {
			return nil, fmt.Errorf("compose subgraphs: %w", err)
		}
		sdl, lifted[s.Name], err = liftAbstractProvides(s.Name, sdl)
		if err != nil {
			return nil, fmt.Errorf("compose subgraphs: %w", err)
		}
		subs = append(subs, engine.SubgraphConfiguration{
			Name:                 s.Name,
			URL:                  s.URL,
			SDL:                  sdl,
			SubscriptionUrl:      s.WSURL,
			SubscriptionProtocol: engine.SubscriptionProtocolWS,
		})
	}
	// The engine outlives the gateway's own context: its resolver must keep
	// running until the operations holding this snapshot have finished
	// (unsubscribing talks to the resolver's event loop, and blocks forever
	// once that loop has stopped), so only retire and release stop it.
	ctx, cancel := context.WithCancel(context.WithoutCancel(g.ctx))
	factory := engine.NewFederationEngineConfigFactory(ctx, subs,
		engine.WithFederationHttpClient(g.subgraphClient),
		engine.WithFederationStreamingClient(g.subgraphClient),
		engine.WithFederationSubscriptionType(engine.SubscriptionTypeGraphQLTransportWS),
	)
	rc, err := factory.Compose()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("compose subgraphs: %w", err)
	}
	// Composition numbers the data sources; name them after their
	// subgraphs so that engine errors ("Failed to fetch from Subgraph
	// 'infra'") say which one failed.
	byID := map[string]string{}
	for _, sg := range rc.GetSubgraphs() {
		byID[sg.GetId()] = sg.GetName()
	}
	for _, ds := range rc.GetEngineConfig().GetDatasourceConfigurations() {
		if name := byID[ds.GetId()]; name != "" {
			ds.Id = name
			restoreProvides(ds, lifted[name])
		}
		fetch := ds.GetCustomGraphql().GetFetch()
		if fetch == nil {
			cancel()
			return nil, fmt.Errorf("compose: data source %s has no fetch configuration", ds.GetId())
		}
		if fetch.Header == nil {
			fetch.Header = map[string]*nodev1.HTTPHeader{}
		}
		fetch.Header[auth.Header] = &nodev1.HTTPHeader{Values: []*nodev1.ConfigurationVariable{{
			Kind:                  nodev1.ConfigurationVariableKind_STATIC_CONFIGURATION_VARIABLE,
			StaticVariableContent: principalTemplate,
		}}}
		fetch.Header[subscriptionHeader] = &nodev1.HTTPHeader{Values: []*nodev1.ConfigurationVariable{{
			Kind:                  nodev1.ConfigurationVariableKind_STATIC_CONFIGURATION_VARIABLE,
			StaticVariableContent: subscriptionTemplate,
		}}}
	}
	conf, err := factory.BuildEngineConfigurationWithRouterConfig(rc)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("build engine configuration: %w", err)
	}
	eng, err := engine.NewExecutionEngine(ctx, abstractlogger.Noop{}, conf, resolve.ResolverOptions{
		MaxConcurrency: 1024,
		// Subgraph errors reach the client as the subgraph wrote them, so
		// extensions.code (UNAUTHENTICATED, NOT_FOUND, ...) passes through;
		// only code and field survive in extensions, and locations (which
		// point into the gateway's subgraph query) are dropped.
		PropagateSubgraphErrors:      true,
		SubgraphErrorPropagationMode: resolve.SubgraphErrorPropagationModePassThrough,
		RewriteSubgraphErrorPaths:    true,
		OmitSubgraphErrorLocations:   true,
		AllowedErrorExtensionFields:  []string{"code", "field"},
		DefaultErrorExtensionCode:    "INTERNAL",
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("create execution engine: %w", err)
	}
	if err := setAsyncErrorWriter(eng, asyncErrors{log: g.log}); err != nil {
		cancel()
		return nil, fmt.Errorf("create execution engine: %w", err)
	}
	snap := &snapshot{engine: eng, schema: conf.Schema(), client: conf.Schema(), sdls: sdls, ops: newOpCache(), cancel: cancel}
	// Validating twice and introspecting apart would cost every request
	// for nothing when the client schema hides nothing.
	if cs := rc.GetEngineConfig().GetGraphqlClientSchema(); cs != "" && !hidesNothing(rc.GetEngineConfig().GetGraphqlSchema(), cs) {
		if snap.client, snap.introspection, err = clientSchema(ctx, cs); err != nil {
			cancel()
			return nil, err
		}
	}
	return snap, nil
}
