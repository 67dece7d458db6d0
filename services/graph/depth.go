package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// MaxDepth bounds how deeply an operation nests fields. The subgraphs'
// own shapes stay under ten levels; the standard introspection query needs
// about a dozen.
const MaxDepth = 16

// DepthLimit refuses an operation nested deeper than Max fields before it
// runs, so a client that reaches a subgraph directly cannot make it walk
// an arbitrarily deep selection (the gateway enforces its own limit).
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName names the extension for gqlgen.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate accepts every schema.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext measures the operation.
func (d DepthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet); depth > d.Max {
		return &gqlerror.Error{
			Message:    "the operation nests fields " + strconv.Itoa(depth) + " deep; at most " + strconv.Itoa(d.Max) + " are allowed",
			Extensions: map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"},
		}
	}
	return nil
}

// selectionDepth is the deepest chain of fields in set; fragments add no
// level of their own. Validation has already refused fragment cycles.
func selectionDepth(set ast.SelectionSet) int {
	deepest := 0
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			d = 1 + selectionDepth(s.SelectionSet)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
