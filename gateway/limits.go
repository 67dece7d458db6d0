package gateway

import (
	"bytes"
	"math"

	"github.com/buger/jsonparser"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
)

// cost is what an operation asks for, as normalisation would inline it
// (every fragment spread replaced by the fragment's selections):
//   - depth: the deepest field nesting (a root field is depth 1); an
//     introspection ofType adds none: its nesting is bounded by the
//     schema's list and non-null wrappers, and GraphiQL's and code
//     generators' standard introspection query nests it seven levels deep.
//   - fields: every field selection, aliases and __typename included.
//   - weight: every field selection times the page sizes of the
//     connections around it (a field that takes a `first` argument returns
//     up to that many items, defaultPage when not given), so a query that
//     nests lists in lists is as expensive as the rows it can fan out to.
//
// Counts saturate at costCap instead of overflowing.
type cost struct {
	depth  int
	fields int
	weight int
}

const costCap = 1 << 40

// defaultPage is what a connection returns without `first`: the
// subgraphs' default page (services/graph.DefaultFirst).
const defaultPage = 50

// measure computes the cost of the operations in a parsed (not yet
// normalised) document. It runs before normalisation and validation so
// that a fragment bomb is refused before the engine expands it: each
// fragment's cost is computed once and reused for every spread. schema
// (the composed supergraph, may be nil) tells which fields are connections;
// variables give the value of a `first: $var`. When operationName is empty
// every operation counts, the most expensive one deciding. cycle names a
// fragment that spreads itself (directly or through others), which would
// make inlining endless; the cost is then meaningless.
func measure(doc, schema *ast.Document, operationName string, variables []byte) (worst cost, cycle string) {
	m := &measurer{doc: doc, schema: schema, variables: variables, frags: map[string]*cost{}}
	for i := range doc.OperationDefinitions {
		op := doc.OperationDefinitions[i]
		if operationName != "" && doc.OperationDefinitionNameString(i) != operationName {
			continue
		}
		if !op.HasSelections {
			continue
		}
		c := m.selectionSet(op.SelectionSet, m.rootType(op.OperationType))
		if m.cycle != "" {
			return cost{}, m.cycle
		}
		worst.depth = max(worst.depth, c.depth)
		worst.fields = max(worst.fields, c.fields)
		worst.weight = max(worst.weight, c.weight)
	}
	return worst, ""
}

type measurer struct {
	doc       *ast.Document
	schema    *ast.Document
	variables []byte
	frags     map[string]*cost // nil entry: being measured (cycle guard)
	cycle     string
}

// typeNode is the schema's definition of a type; ok is false when it is
// not known (no schema, or a field the schema lacks: validation reports
// that later), and then no connection inside is recognised.
type typeNode struct {
	node ast.Node
	ok   bool
}

func (m *measurer) rootType(t ast.OperationType) typeNode {
	if m.schema == nil {
		return typeNode{}
	}
	var name []byte
	switch t {
	case ast.OperationTypeQuery:
		name = m.schema.Index.QueryTypeName
	case ast.OperationTypeMutation:
		name = m.schema.Index.MutationTypeName
	case ast.OperationTypeSubscription:
		name = m.schema.Index.SubscriptionTypeName
	}
	return m.named(name)
}

func (m *measurer) named(name []byte) typeNode {
	if m.schema == nil || len(name) == 0 {
		return typeNode{}
	}
	n, ok := m.schema.Index.FirstNodeByNameBytes(name)
	return typeNode{node: n, ok: ok}
}

// field looks up a selected field in its parent type: the type it
// returns, and whether it is a connection (takes `first`).
func (m *measurer) field(parent typeNode, name []byte) (typeNode, bool) {
	if !parent.ok {
		return typeNode{}, false
	}
	def, ok := m.schema.NodeFieldDefinitionByName(parent.node, name)
	if !ok {
		return typeNode{}, false
	}
	paged := false
	for _, arg := range m.schema.FieldDefinitionArgumentsDefinitions(def) {
		if bytes.Equal(m.schema.InputValueDefinitionNameBytes(arg), []byte("first")) {
			paged = true
			break
		}
	}
	return m.named(m.schema.ResolveTypeNameBytes(m.schema.FieldDefinitions[def].Type)), paged
}

// page is how many items a connection field may return: its `first`
// argument (a literal, or a variable's value), else defaultPage.
func (m *measurer) page(fieldRef int) int {
	arg, ok := m.doc.FieldArgument(fieldRef, []byte("first"))
	if !ok {
		return defaultPage
	}
	v := m.doc.ArgumentValue(arg)
	switch v.Kind {
	case ast.ValueKindInteger:
		return clampPage(m.doc.IntValueAsInt(v.Ref))
	case ast.ValueKindVariable:
		n, err := jsonparser.GetInt(m.variables, m.doc.VariableValueNameString(v.Ref))
		if err != nil {
			return defaultPage // absent or null: the subgraph's default; not an int: refused later
		}
		return clampPage(n)
	}
	return defaultPage
}

func clampPage(n int64) int {
	return int(min(max(n, 1), math.MaxInt32))
}

// selectionSet returns the cost of a selection set of type parent
// relative to its parent: depth counts the levels of fields inside it.
func (m *measurer) selectionSet(ref int, parent typeNode) cost {
	var c cost
	for _, sel := range m.doc.SelectionSets[ref].SelectionRefs {
		if m.cycle != "" {
			return cost{}
		}
		s := m.doc.Selections[sel]
		var sub cost
		switch s.Kind {
		case ast.SelectionKindField:
			name := m.doc.FieldNameBytes(s.Ref)
			sub.fields, sub.weight = 1, 1
			if !bytes.Equal(name, []byte("ofType")) {
				sub.depth = 1
			}
			if set, ok := m.doc.FieldSelectionSet(s.Ref); ok {
				typ, paged := m.field(parent, name)
				inner := m.selectionSet(set, typ)
				mult := 1
				if paged {
					mult = m.page(s.Ref)
				}
				sub.depth += inner.depth
				sub.fields = addCapped(sub.fields, inner.fields)
				sub.weight = addCapped(sub.weight, mulCapped(mult, inner.weight))
			}
		case ast.SelectionKindInlineFragment:
			if set, ok := m.doc.InlineFragmentSelectionSet(s.Ref); ok {
				typ := parent
				if cond := m.doc.InlineFragmentTypeConditionName(s.Ref); len(cond) > 0 {
					typ = m.named(cond)
				}
				sub = m.selectionSet(set, typ)
			}
		case ast.SelectionKindFragmentSpread:
			sub = m.fragment(m.doc.FragmentSpreadNameString(s.Ref))
		}
		c.depth = max(c.depth, sub.depth)
		c.fields = addCapped(c.fields, sub.fields)
		c.weight = addCapped(c.weight, sub.weight)
	}
	return c
}

func (m *measurer) fragment(name string) cost {
	if c, seen := m.frags[name]; seen {
		if c == nil {
			m.cycle = name
			return cost{}
		}
		return *c
	}
	ref, ok := m.doc.FragmentDefinitionRef([]byte(name))
	if !ok {
		return cost{} // validation reports the unknown fragment
	}
	m.frags[name] = nil
	c := m.selectionSet(m.doc.FragmentDefinitions[ref].SelectionSet, m.named(m.doc.FragmentDefinitionTypeName(ref)))
	m.frags[name] = &c
	return c
}

func addCapped(a, b int) int { return min(a+b, costCap) }

func mulCapped(a, b int) int {
	if a != 0 && b > costCap/a {
		return costCap
	}
	return min(a*b, costCap)
}
