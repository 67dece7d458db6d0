package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/jensneuse/abstractlogger"
	"github.com/wundergraph/graphql-go-tools/execution/engine"
	"github.com/wundergraph/graphql-go-tools/execution/graphql"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/engine/resolve"
)

// clientSchema parses the composition's client schema (the supergraph
// without its @inaccessible elements) and builds an engine that answers
// introspection from it and nothing else.
func clientSchema(ctx context.Context, sdl string) (*graphql.Schema, *engine.ExecutionEngine, error) {
	schema, err := graphql.NewSchemaFromString(sdl)
	if err != nil {
		return nil, nil, fmt.Errorf("parse client schema: %w", err)
	}
	eng, err := engine.NewExecutionEngine(ctx, abstractlogger.Noop{}, engine.NewConfiguration(schema), resolve.ResolverOptions{
		MaxConcurrency: 64,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create introspection engine: %w", err)
	}
	return schema, eng, nil
}

// hidesNothing reports whether the client schema is the supergraph SDL
// but for directive definitions: composition writes a client schema even
// when nothing is @inaccessible, without the federation directives'
// definitions (and the blank lines around them).
func hidesNothing(supergraph, client string) bool {
	strip := func(sdl string) string {
		var b strings.Builder
		for line := range strings.Lines(sdl) {
			if !strings.HasPrefix(line, "directive ") && strings.TrimSpace(line) != "" {
				b.WriteString(line)
			}
		}
		return b.String()
	}
	return strip(supergraph) == strip(client)
}

// introspection is what the root of an operation selects.
type introspection int

const (
	introspectsNot     introspection = iota // no __schema or __type
	introspectsOnly                         // only __schema, __type and __typename
	introspectsAndMore                      // introspection beside other fields
)

// introspectionOnly classifies the root selections of req's operation,
// which must have been normalised (fragment spreads inlined).
func introspectionOnly(req *graphql.Request) introspection {
	doc := req.Document()
	op := -1
	for i := range doc.OperationDefinitions {
		if req.OperationName == "" || doc.OperationDefinitionNameString(i) == req.OperationName {
			op = i
			break
		}
	}
	if op < 0 || doc.OperationDefinitions[op].OperationType != ast.OperationTypeQuery {
		return introspectsNot
	}
	var intro, other bool
	var walk func(set int)
	walk = func(set int) {
		for _, sel := range doc.SelectionSets[set].SelectionRefs {
			s := doc.Selections[sel]
			switch s.Kind {
			case ast.SelectionKindField:
				switch doc.FieldNameString(s.Ref) {
				case "__schema", "__type":
					intro = true
				case "__typename":
				default:
					other = true
				}
			case ast.SelectionKindInlineFragment:
				walk(doc.InlineFragments[s.Ref].SelectionSet)
			}
		}
	}
	walk(doc.OperationDefinitions[op].SelectionSet)
	switch {
	case intro && other:
		return introspectsAndMore
	case intro:
		return introspectsOnly
	}
	return introspectsNot
}
