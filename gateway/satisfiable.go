package gateway

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wundergraph/graphql-go-tools/v2/pkg/ast"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/astparser"
)

// The composition graphql-go-tools uses merges subgraphs and checks each
// one, but not that every query the supergraph accepts can be planned
// (Apollo's composition calls this satisfiability). A supergraph that
// fails it answers some queries with data no subgraph vouches for, or
// with errors only at run time, when the specification wants the
// composition refused. checkSatisfiable refuses the cases that end up
// there at the root of the graph: a field of a root field's type that no
// subgraph serving the root field (of Query, Mutation or Subscription)
// can resolve, locally or through an entity key it can fill in.
// Examples: a root field shared by two subgraphs (@shareable) whose
// types' keys are @external in each, so that neither can resolve all of
// them; a root field returning an interface whose fields live only in a
// non-resolvable @interfaceObject.
//
// It looks one level below the root: deeper paths go through entity
// fetches the planner does check. Federation 1 subgraphs (no @link)
// resolve the @external key fields of the types they extend, as that
// version of the specification says.

// sgType is one subgraph's view of a type.
type sgType struct {
	kind            ast.NodeKind
	members         []string          // union members; implementations of an interface
	fields          map[string]bool   // name -> resolvable here (not @external)
	provides        map[string]string // root fields only: field -> provided field set
	returns         map[string]string // field -> named return type
	keys            []sgKey
	interfaceObject bool
}

type sgKey struct {
	fields     []string // top-level fields of the key's field set
	resolvable bool
}

type sgSchema struct {
	name  string
	types map[string]*sgType
}

// checkSatisfiable reports the root paths no subgraph can resolve; the
// subgraphs are named SDLs, in a fixed order for stable messages.
func checkSatisfiable(names []string, sdls map[string]string) error {
	var schemas []*sgSchema
	for _, n := range names {
		s, err := parseSubgraph(n, sdls[n])
		if err != nil {
			return err
		}
		schemas = append(schemas, s)
	}
	var errs []error
	for _, root := range []string{"Query", "Mutation", "Subscription"} {
		for _, field := range rootFields(schemas, root) {
			errs = append(errs, checkRootField(schemas, root, field)...)
		}
	}
	return errors.Join(errs...)
}

func rootFields(schemas []*sgSchema, root string) []string {
	var out []string
	for _, s := range schemas {
		if t := s.types[root]; t != nil {
			for f := range t.fields {
				if !strings.HasPrefix(f, "_") && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkRootField checks root.field { f } for every field f of the field's
// type, and of each possible object type of it (through a fragment).
func checkRootField(schemas []*sgSchema, root, field string) []error {
	var serving []*sgSchema
	var typeName string
	for _, s := range schemas {
		if t := s.types[root]; t != nil && t.fields[field] {
			serving = append(serving, s)
			typeName = t.returns[field]
		}
	}
	var errs []error
	for _, f := range supergraphFields(schemas, typeName) {
		if !slices.ContainsFunc(serving, func(s *sgSchema) bool { return s.resolves(root, field, typeName, "", f, schemas) }) {
			errs = append(errs, fmt.Errorf("unsatisfiable: no subgraph serving %s.%s (%s) can resolve %s.%s for every object it may return, locally or through a key it can fill in; `{ %s { %s } }` would be answered with wrong data or errors", root, field, joinNames(serving), typeName, f, field, f))
		}
	}
	for _, concrete := range supergraphPossible(schemas, typeName) {
		if concrete == typeName {
			continue
		}
		for _, f := range supergraphFields(schemas, concrete) {
			if !slices.ContainsFunc(serving, func(s *sgSchema) bool { return s.resolves(root, field, typeName, concrete, f, schemas) }) {
				errs = append(errs, fmt.Errorf("unsatisfiable: no subgraph serving %s.%s (%s) can resolve %s.%s, locally or through a key it can fill in; `{ %s { ... on %s { %s } } }` would be answered with wrong data or errors", root, field, joinNames(serving), concrete, f, field, concrete, f))
			}
		}
	}
	return errs
}

func joinNames(ss []*sgSchema) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

// supergraphFields are the fields of typeName in any subgraph (an
// @interfaceObject's fields are the interface's).
func supergraphFields(schemas []*sgSchema, typeName string) []string {
	var out []string
	for _, s := range schemas {
		if t := s.types[typeName]; t != nil && t.kind != ast.NodeKindUnionTypeDefinition {
			for f := range t.fields {
				if !strings.HasPrefix(f, "_") && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// supergraphPossible are the object types typeName may be in any subgraph.
func supergraphPossible(schemas []*sgSchema, typeName string) []string {
	var out []string
	for _, s := range schemas {
		for _, m := range s.possible(typeName) {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return out
}

// possible are the object types a value of typeName may have in s.
func (s *sgSchema) possible(typeName string) []string {
	t := s.types[typeName]
	switch {
	case t == nil:
		return nil
	case t.kind == ast.NodeKindObjectTypeDefinition:
		return []string{typeName}
	}
	return t.members
}

// resolves reports whether s, answering root.field (of type typeName),
// can resolve field f of every object it may return there; with concrete
// set, only of the objects of that type (a fragment on it).
func (s *sgSchema) resolves(root, field, typeName, concrete, f string, all []*sgSchema) bool {
	objects := s.possible(typeName)
	if concrete != "" {
		if !slices.Contains(objects, concrete) {
			return true // s never returns one: the fragment selects nothing
		}
		objects = []string{concrete}
	}
	if len(objects) == 0 {
		return false // s can return no object of the type at all
	}
	provided := topLevelFields(s.types[root].provides[field])
	for _, o := range objects {
		if s.types[o].fields[f] || slices.Contains(provided, f) {
			continue
		}
		if !s.jumps(o, f, provided, all) {
			return false
		}
	}
	return true
}

// jumps reports whether another subgraph resolves f of object type o (or
// of an interface o implements, known there as an entity interface or
// @interfaceObject) by a resolvable key whose fields s can fill in.
func (s *sgSchema) jumps(o, f string, provided []string, all []*sgSchema) bool {
	t := s.types[o]
	fills := func(k sgKey) bool {
		return k.resolvable && !slices.ContainsFunc(k.fields, func(kf string) bool { return !t.fields[kf] && !slices.Contains(provided, kf) })
	}
	for _, other := range all {
		if other == s {
			continue
		}
		for name, ot := range other.types {
			if name != o && !((ot.kind == ast.NodeKindInterfaceTypeDefinition || ot.interfaceObject) && s.implements(o, name)) {
				continue
			}
			if ot.fields[f] && slices.ContainsFunc(ot.keys, fills) {
				return true
			}
		}
	}
	return false
}

func (s *sgSchema) implements(o, iface string) bool {
	if it := s.types[iface]; it != nil && it.kind == ast.NodeKindInterfaceTypeDefinition {
		return slices.Contains(it.members, o)
	}
	return false
}

// topLevelFields are the field names at the top of a field set ("id
// owner { id }" -> id, owner), skipping inline fragments' type conditions.
func topLevelFields(set string) []string {
	var out []string
	depth := 0
	tokens := strings.Fields(strings.NewReplacer("{", " { ", "}", " } ").Replace(set))
	for i := 0; i < len(tokens); i++ {
		switch tok := tokens[i]; {
		case tok == "{":
			depth++
		case tok == "}":
			depth--
		case depth == 0 && tok == "...":
			i++ // "on"
			i++ // the type
		case depth == 0 && tok == "...on":
			i++
		case depth == 0:
			out = append(out, tok)
		}
	}
	return out
}

// parseSubgraph reads what checkSatisfiable needs from one subgraph's SDL.
func parseSubgraph(name, sdl string) (*sgSchema, error) {
	doc, rep := astparser.ParseGraphqlDocumentString(sdl)
	if rep.HasErrors() {
		return nil, fmt.Errorf("subgraph %s: parse SDL: %s", name, rep.Error())
	}
	fed1 := !strings.Contains(sdl, "specs.apollo.dev/federation/v2")
	s := &sgSchema{name: name, types: map[string]*sgType{}}
	get := func(n string, kind ast.NodeKind) *sgType {
		t := s.types[n]
		if t == nil {
			t = &sgType{kind: kind, fields: map[string]bool{}, provides: map[string]string{}, returns: map[string]string{}}
			s.types[n] = t
		}
		return t
	}
	object := func(def ast.ObjectTypeDefinition, extension bool) {
		n := doc.Input.ByteSliceString(def.Name)
		t := get(n, ast.NodeKindObjectTypeDefinition)
		extends := extension
		for _, d := range def.Directives.Refs {
			switch directiveName(&doc, d) {
			case "interfaceObject":
				t.interfaceObject = true
			case "extends":
				extends = true
			}
		}
		t.keys = append(t.keys, keysOf(&doc, def.Directives)...)
		keyFields := map[string]bool{}
		for _, k := range t.keys {
			for _, f := range k.fields {
				keyFields[f] = true
			}
		}
		for _, f := range def.FieldsDefinition.Refs {
			fn := doc.FieldDefinitionNameString(f)
			external := false
			for _, d := range doc.FieldDefinitions[f].Directives.Refs {
				switch directiveName(&doc, d) {
				case "external":
					external = true
				case "provides":
					if v, ok := doc.DirectiveArgumentValueByName(d, []byte("fields")); ok {
						t.provides[fn] = doc.ValueContentString(v)
					}
				}
			}
			// Federation 1: an extension's @external key fields are
			// the ones the subgraph is handed, so it resolves them.
			if external && fed1 && extends && keyFields[fn] {
				external = false
			}
			t.fields[fn] = t.fields[fn] || !external
			t.returns[fn] = doc.ResolveTypeNameString(doc.FieldDefinitions[f].Type)
		}
		for _, i := range def.ImplementsInterfaces.Refs {
			it := get(doc.TypeNameString(i), ast.NodeKindInterfaceTypeDefinition)
			if !slices.Contains(it.members, n) {
				it.members = append(it.members, n)
			}
		}
	}
	for _, def := range doc.ObjectTypeDefinitions {
		object(def, false)
	}
	for _, ext := range doc.ObjectTypeExtensions {
		object(ext.ObjectTypeDefinition, true)
	}
	iface := func(def ast.InterfaceTypeDefinition) {
		t := get(doc.Input.ByteSliceString(def.Name), ast.NodeKindInterfaceTypeDefinition)
		t.kind = ast.NodeKindInterfaceTypeDefinition
		t.keys = append(t.keys, keysOf(&doc, def.Directives)...)
		for _, f := range def.FieldsDefinition.Refs {
			fn := doc.FieldDefinitionNameString(f)
			t.fields[fn] = true
			t.returns[fn] = doc.ResolveTypeNameString(doc.FieldDefinitions[f].Type)
		}
	}
	for _, def := range doc.InterfaceTypeDefinitions {
		iface(def)
	}
	for _, ext := range doc.InterfaceTypeExtensions {
		iface(ext.InterfaceTypeDefinition)
	}
	union := func(def ast.UnionTypeDefinition) {
		t := get(doc.Input.ByteSliceString(def.Name), ast.NodeKindUnionTypeDefinition)
		for _, m := range def.UnionMemberTypes.Refs {
			t.members = append(t.members, doc.TypeNameString(m))
		}
	}
	for _, def := range doc.UnionTypeDefinitions {
		union(def)
	}
	for _, ext := range doc.UnionTypeExtensions {
		union(ext.UnionTypeDefinition)
	}
	// A type only named (implemented, say) but never declared here is
	// not this subgraph's.
	for n, t := range s.types {
		if t.kind == ast.NodeKindInterfaceTypeDefinition && len(t.fields) == 0 && len(t.keys) == 0 && !declared(&doc, n) {
			delete(s.types, n)
		}
	}
	return s, nil
}

func declared(doc *ast.Document, name string) bool {
	for _, def := range doc.InterfaceTypeDefinitions {
		if doc.Input.ByteSliceString(def.Name) == name {
			return true
		}
	}
	for _, ext := range doc.InterfaceTypeExtensions {
		if doc.Input.ByteSliceString(ext.Name) == name {
			return true
		}
	}
	return false
}

// directiveName is a directive's name without the federation__ prefix a
// subgraph may use instead of importing it.
func directiveName(doc *ast.Document, ref int) string {
	return strings.TrimPrefix(doc.DirectiveNameString(ref), "federation__")
}

func keysOf(doc *ast.Document, list ast.DirectiveList) []sgKey {
	var keys []sgKey
	for _, d := range list.Refs {
		if directiveName(doc, d) != "key" {
			continue
		}
		k := sgKey{resolvable: true}
		if v, ok := doc.DirectiveArgumentValueByName(d, []byte("fields")); ok {
			k.fields = topLevelFields(doc.ValueContentString(v))
		}
		if v, ok := doc.DirectiveArgumentValueByName(d, []byte("resolvable")); ok && v.Kind == ast.ValueKindBoolean {
			k.resolvable = bool(doc.BooleanValue(v.Ref))
		}
		keys = append(keys, k)
	}
	return keys
}
