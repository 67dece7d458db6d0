package gateway

import (
	"fmt"
	"slices"
	"strings"

	nodev1 "github.com/wundergraph/cosmo/router/gen/proto/wg/cosmo/node/v1"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/astparser"
)

// The composition graphql-go-tools uses departs from the federation
// specification in two places the gateway works around by rewriting the
// SDL it composes (the subgraphs are sent the operations of their own
// SDL, which the rewrite does not change the meaning of).
//
// Federation v2 allows @provides on a field that returns an interface (the
// provided fields are the interface's) or a union (the provided fields are
// named in inline fragments on its members). The composition
// graphql-go-tools uses refuses both, although its planner serves them
// (the field set is parsed as a fragment on the field's type). So the
// gateway lifts such a @provides out of the SDL it composes and hands it
// to the planner as the subgraph's provides configuration, which is what
// composition would have produced.

// liftedProvides is a @provides taken out of a subgraph's SDL.
type liftedProvides struct {
	typeName, fieldName, fieldSet string
}

// liftAbstractProvides returns sdl without the @provides of fields whose
// type is an interface or a union, and those @provides.
func liftAbstractProvides(subgraph, sdl string) (string, []liftedProvides, error) {
	if !strings.Contains(sdl, "provides") {
		return sdl, nil, nil
	}
	doc, rep := astparser.ParseGraphqlDocumentString(sdl)
	if rep.HasErrors() {
		// Composition reports the syntax error with its context.
		return sdl, nil, nil
	}
	abstract := map[string]bool{}
	for _, d := range doc.InterfaceTypeDefinitions {
		abstract[doc.Input.ByteSliceString(d.Name)] = true
	}
	for _, d := range doc.InterfaceTypeExtensions {
		abstract[doc.Input.ByteSliceString(d.Name)] = true
	}
	for _, d := range doc.UnionTypeDefinitions {
		abstract[doc.Input.ByteSliceString(d.Name)] = true
	}
	for _, d := range doc.UnionTypeExtensions {
		abstract[doc.Input.ByteSliceString(d.Name)] = true
	}
	var cuts []span
	var lifted []liftedProvides
	object := func(def ast.ObjectTypeDefinition) error {
		typeName := doc.Input.ByteSliceString(def.Name)
		for _, f := range def.FieldsDefinition.Refs {
			fd := doc.FieldDefinitions[f]
			returns := doc.ResolveTypeNameString(fd.Type)
			if !abstract[returns] {
				continue
			}
			for _, d := range fd.Directives.Refs {
				if directiveName(&doc, d) != "provides" {
					continue
				}
				v, ok := doc.DirectiveArgumentValueByName(d, []byte("fields"))
				if !ok {
					continue
				}
				sp, err := directiveSpan(&doc, sdl, d)
				if err != nil {
					return fmt.Errorf("subgraph %s: @provides on %s.%s: %w", subgraph, typeName, doc.FieldDefinitionNameString(f), err)
				}
				cuts = append(cuts, sp)
				lifted = append(lifted, liftedProvides{typeName: typeName, fieldName: doc.FieldDefinitionNameString(f), fieldSet: doc.ValueContentString(v)})
			}
		}
		return nil
	}
	for _, d := range doc.ObjectTypeDefinitions {
		if err := object(d); err != nil {
			return "", nil, err
		}
	}
	for _, d := range doc.ObjectTypeExtensions {
		if err := object(d.ObjectTypeDefinition); err != nil {
			return "", nil, err
		}
	}
	return cut(sdl, cuts), lifted, nil
}

// span is a directive's place in an SDL: [from, to).
type span struct{ from, to int }

// directiveSpan is where directive d is in sdl, from its @ to past its
// arguments.
func directiveSpan(doc *ast.Document, sdl string, d int) (span, error) {
	from := int(doc.Directives[d].Name.Start) - 1 // the @
	to, err := directiveEnd(sdl, int(doc.Directives[d].Name.End))
	if err != nil || from < 0 || sdl[from] != '@' {
		return span{}, fmt.Errorf("cannot find the extent of @%s", doc.DirectiveNameString(d))
	}
	return span{from, to}, nil
}

// cut returns sdl without the spans.
func cut(sdl string, spans []span) string {
	if len(spans) == 0 {
		return sdl
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	at := 0
	for _, c := range spans {
		b.WriteString(sdl[at:c.from])
		at = c.to
	}
	b.WriteString(sdl[at:])
	return b.String()
}

// Federation 1 subgraphs (no @link to Federation v2) extend an entity
// another subgraph owns with `extend type` or @extends, and mark its key
// fields @external although they resolve them: that version of the
// specification hands them the key in every representation, and a key
// field may even be one only the extending subgraph knows (a second key
// of its own). Federation v2 reads them as Apollo's composition does when
// it upgrades such a subgraph: @external on the key fields of a type
// extension is dropped. graphql-go-tools' composition does not, and then
// refuses a key field that is @external everywhere.
func upgradeFederation1(subgraph, sdl string) (string, error) {
	if strings.Contains(sdl, "specs.apollo.dev/federation/v2") || !strings.Contains(sdl, "@external") {
		return sdl, nil
	}
	doc, rep := astparser.ParseGraphqlDocumentString(sdl)
	if rep.HasErrors() {
		return sdl, nil // composition reports it
	}
	var cuts []span
	object := func(def ast.ObjectTypeDefinition, extension bool) error {
		keyFields := map[string]bool{}
		for _, d := range def.Directives.Refs {
			switch directiveName(&doc, d) {
			case "extends":
				extension = true
			case "key":
				if v, ok := doc.DirectiveArgumentValueByName(d, []byte("fields")); ok {
					for _, f := range topLevelFields(doc.ValueContentString(v)) {
						keyFields[f] = true
					}
				}
			}
		}
		if !extension {
			return nil
		}
		for _, f := range def.FieldsDefinition.Refs {
			if !keyFields[doc.FieldDefinitionNameString(f)] {
				continue
			}
			for _, d := range doc.FieldDefinitions[f].Directives.Refs {
				if directiveName(&doc, d) != "external" {
					continue
				}
				sp, err := directiveSpan(&doc, sdl, d)
				if err != nil {
					return fmt.Errorf("subgraph %s: %s.%s: %w", subgraph, doc.Input.ByteSliceString(def.Name), doc.FieldDefinitionNameString(f), err)
				}
				cuts = append(cuts, sp)
			}
		}
		return nil
	}
	for _, d := range doc.ObjectTypeDefinitions {
		if err := object(d, false); err != nil {
			return "", err
		}
	}
	for _, d := range doc.ObjectTypeExtensions {
		if err := object(d.ObjectTypeDefinition, true); err != nil {
			return "", err
		}
	}
	return cut(sdl, cuts), nil
}

// directiveEnd is the offset just past a directive whose name ends at
// nameEnd: past its parenthesised arguments, if any.
func directiveEnd(sdl string, nameEnd int) (int, error) {
	i := nameEnd
	for i < len(sdl) && (sdl[i] == ' ' || sdl[i] == '\t' || sdl[i] == '\n' || sdl[i] == '\r' || sdl[i] == ',') {
		i++
	}
	if i >= len(sdl) || sdl[i] != '(' {
		return nameEnd, nil
	}
	depth, inString := 0, false
	for ; i < len(sdl); i++ {
		switch c := sdl[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("unterminated directive arguments")
}

// restoreProvides adds the lifted @provides of each subgraph to its data
// source, named after the subgraph.
func restoreProvides(ds *nodev1.DataSourceConfiguration, lifted []liftedProvides) {
	for _, p := range lifted {
		ds.Provides = append(ds.Provides, &nodev1.RequiredField{TypeName: p.typeName, FieldName: p.fieldName, SelectionSet: p.fieldSet})
	}
}
