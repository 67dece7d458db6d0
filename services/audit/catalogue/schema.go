package catalogue

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// field is one JSON property of a struct as encoding/json writes it.
type field struct {
	json      string // the property's name
	goName    string
	typ       reflect.Type
	omitEmpty bool
	owner     reflect.Type // the struct declaring it
}

// jsonFields lists t's properties in declaration order, flattening
// embedded structs as encoding/json does.
func jsonFields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{json: name, goName: f.Name, typ: f.Type, omitEmpty: strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,"), owner: t})
	}
	return out
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schemaOf is the JSON Schema of values of t as encoding/json writes them.
// Nothing is "required": a field added later (allowed without a new
// version, as an optional field) is absent from events stored before it.
func (s *sources) schemaOf(t reflect.Type, depth int) (map[string]any, error) {
	if depth > 16 {
		return nil, fmt.Errorf("type %v nests too deep (recursive?)", t)
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case rawType:
		return map[string]any{"description": "any JSON value"}, nil
	}
	if t.Kind() != reflect.Pointer && (t.Implements(reflect.TypeFor[json.Marshaler]()) || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]())) {
		return nil, fmt.Errorf("type %v encodes itself (MarshalJSON): teach the catalogue its schema", t)
	}
	m := map[string]any{}
	switch t.Kind() {
	case reflect.Pointer:
		inner, err := s.schemaOf(t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any{"anyOf": []any{inner, map[string]any{"type": "null"}}}, nil
	case reflect.String:
		m["type"] = "string"
		if vals := s.consts[t.PkgPath()+"."+t.Name()]; t.PkgPath() != "" && len(vals) > 0 {
			m["examples"] = vals
		}
	case reflect.Bool:
		m["type"] = "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		m["type"] = "integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		m["type"], m["minimum"] = "integer", 0
	case reflect.Float32, reflect.Float64:
		m["type"] = "number"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return map[string]any{"type": "string", "contentEncoding": "base64"}, nil
		}
		items, err := s.schemaOf(t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		if t.Kind() == reflect.Slice {
			// A nil slice is written as null.
			return map[string]any{"type": []any{"array", "null"}, "items": items}, nil
		}
		m["type"], m["items"] = "array", items
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map %v: only string keys have a JSON schema here", t)
		}
		vals, err := s.schemaOf(t.Elem(), depth+1)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": []any{"object", "null"}, "additionalProperties": vals}, nil
	case reflect.Struct:
		props := map[string]any{}
		for _, f := range jsonFields(t) {
			p, err := s.schemaOf(f.typ, depth+1)
			if err != nil {
				return nil, fmt.Errorf("%v.%s: %w", t, f.goName, err)
			}
			if d := s.fields[f.owner.PkgPath()+"."+f.owner.Name()][f.goName]; d != "" {
				p["description"] = d
			}
			props[f.json] = p
		}
		m["type"], m["properties"] = "object", props
	case reflect.Interface:
		return map[string]any{"description": "any JSON value"}, nil
	default:
		return nil, fmt.Errorf("type %v (%s) has no JSON schema here", t, t.Kind())
	}
	return m, nil
}

// Change is a difference between a committed schema and the one the Go
// type makes now that would break reading stored events.
type Change struct {
	Path string // the property, e.g. "workload.replicas"
	What string // "removed" or "retyped from X to Y"
}

func (c Change) String() string { return c.Path + " " + c.What }

// Breaking lists the properties of old that new removed or retyped. A
// property added, or a description changed, is not breaking.
func Breaking(old, new map[string]any) []Change {
	var out []Change
	breaking("", old, new, &out)
	return out
}

func breaking(path string, old, new map[string]any, out *[]Change) {
	if shape(old) != shape(new) {
		*out = append(*out, Change{Path: orRoot(path), What: "retyped from " + shape(old) + " to " + shape(new)})
		return
	}
	if op, ok := old["properties"].(map[string]any); ok {
		np, _ := new["properties"].(map[string]any)
		for _, k := range sortedKeys(op) {
			sub := join(path, k)
			nv, ok := np[k]
			if !ok {
				*out = append(*out, Change{Path: sub, What: "removed"})
				continue
			}
			breaking(sub, asMap(op[k]), asMap(nv), out)
		}
	}
	for _, k := range []string{"items", "additionalProperties"} {
		if o, ok := old[k].(map[string]any); ok {
			breaking(join(path, "[]"), o, asMap(new[k]), out)
		}
	}
	if oa, ok := old["anyOf"].([]any); ok {
		na, _ := new["anyOf"].([]any)
		if len(oa) > 0 && len(na) > 0 {
			breaking(path, asMap(oa[0]), asMap(na[0]), out)
		}
	}
}

// shape is a schema's JSON type, format and encoding, without what nests in it.
func shape(m map[string]any) string {
	t, _ := json.Marshal(m["type"])
	s := string(t)
	if f, ok := m["format"].(string); ok {
		s += "(" + f + ")"
	}
	if e, ok := m["contentEncoding"].(string); ok {
		s += "(" + e + ")"
	}
	if _, ok := m["anyOf"]; ok {
		s = "nullable"
	}
	return s
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(p string) string {
	if p == "" {
		return "(the data)"
	}
	return p
}
