package gateway

import (
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
)

// cost is what an operation asks for: the deepest field nesting (a root
// field is depth 1) and the number of field selections, counting each
// fragment as often as it is spread. __typename is free, and an
// introspection ofType adds no depth: its nesting is bounded by the
// schema's list and non-null wrappers, and GraphiQL's and code
// generators' standard introspection query nests it seven levels deep.
type cost struct {
	depth  int
	fields int
}

// measure computes the cost of the operations in a parsed (not yet
// normalized) document. It runs before normalization and validation so
// that a fragment bomb is refused before the engine expands it: each
// fragment's cost is computed once and reused, and the field count
// saturates instead of overflowing. A fragment cycle counts as nothing
// here; validation rejects it later. When operationName is empty every
// operation counts, the most expensive one deciding.
func measure(doc *ast.Document, operationName string) cost {
	m := &measurer{doc: doc, frags: map[string]*cost{}}
	var worst cost
	for i := range doc.OperationDefinitions {
		op := doc.OperationDefinitions[i]
		if operationName != "" && doc.OperationDefinitionNameString(i) != operationName {
			continue
		}
		if !op.HasSelections {
			continue
		}
		c := m.selectionSet(op.SelectionSet)
		worst.depth = max(worst.depth, c.depth)
		worst.fields = max(worst.fields, c.fields)
	}
	return worst
}

const saturated = 1 << 30

type measurer struct {
	doc   *ast.Document
	frags map[string]*cost // nil entry: being measured (cycle guard)
}

// selectionSet returns the cost of a selection set relative to its
// parent: depth counts the levels of fields inside it.
func (m *measurer) selectionSet(ref int) cost {
	var c cost
	for _, sel := range m.doc.SelectionSets[ref].SelectionRefs {
		s := m.doc.Selections[sel]
		var sub cost
		switch s.Kind {
		case ast.SelectionKindField:
			name := m.doc.FieldNameUnsafeString(s.Ref)
			if name != "__typename" {
				sub.fields = 1
			}
			if name != "ofType" {
				sub.depth = 1
			}
			if set, ok := m.doc.FieldSelectionSet(s.Ref); ok {
				inner := m.selectionSet(set)
				sub.depth += inner.depth
				sub.fields += inner.fields
			}
		case ast.SelectionKindInlineFragment:
			if set, ok := m.doc.InlineFragmentSelectionSet(s.Ref); ok {
				sub = m.selectionSet(set)
			}
		case ast.SelectionKindFragmentSpread:
			sub = m.fragment(m.doc.FragmentSpreadNameString(s.Ref))
		}
		c.depth = max(c.depth, sub.depth)
		c.fields = min(c.fields+sub.fields, saturated)
	}
	return c
}

func (m *measurer) fragment(name string) cost {
	if c, seen := m.frags[name]; seen {
		if c == nil {
			return cost{}
		}
		return *c
	}
	m.frags[name] = nil
	ref, ok := m.doc.FragmentDefinitionRef([]byte(name))
	if !ok {
		return cost{}
	}
	c := m.selectionSet(m.doc.FragmentDefinitions[ref].SelectionSet)
	m.frags[name] = &c
	return c
}
