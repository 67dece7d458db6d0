package event

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// appendFunc appends the JSON of v.
type appendFunc func(b []byte, v reflect.Value) []byte

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonNumber    = reflect.TypeFor[json.Number]() // a string written unquoted
)

// compileEncoder returns a function that writes exactly what json.Marshal
// writes for values of t, or nil when t has anything it does not cover
// (floats, maps, interfaces, byte slices, json.Number, embedded fields,
// custom marshalers, ",string", omitzero): the registry then uses
// json.Marshal.
//
// Why: event data is plain structs of strings, numbers, bools, slices and
// nested structs, and json.Marshal's general machinery was half of a
// synchronous append's own CPU. Building the walk once per registered type
// leaves only the field reads and the writing.
func compileEncoder(t reflect.Type) appendFunc {
	return compileType(t, map[reflect.Type]bool{})
}

func compileType(t reflect.Type, visiting map[reflect.Type]bool) appendFunc {
	if t == jsonNumber || t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		return nil
	}
	if visiting[t] { // a recursive type: rare in events, left to encoding/json
		return nil
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.String:
		return func(b []byte, v reflect.Value) []byte { return AppendString(b, v.String()) }
	case reflect.Bool:
		return func(b []byte, v reflect.Value) []byte { return strconv.AppendBool(b, v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(b []byte, v reflect.Value) []byte { return strconv.AppendInt(b, v.Int(), 10) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(b []byte, v reflect.Value) []byte { return strconv.AppendUint(b, v.Uint(), 10) }
	case reflect.Pointer:
		elem := compileType(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return func(b []byte, v reflect.Value) []byte {
			if v.IsNil() {
				return append(b, "null"...)
			}
			return elem(b, v.Elem())
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // base64 in encoding/json
			return nil
		}
		elem := compileType(t.Elem(), visiting)
		if elem == nil {
			return nil
		}
		return func(b []byte, v reflect.Value) []byte {
			if v.IsNil() {
				return append(b, "null"...)
			}
			b = append(b, '[')
			for i := range v.Len() {
				if i > 0 {
					b = append(b, ',')
				}
				b = elem(b, v.Index(i))
			}
			return append(b, ']')
		}
	case reflect.Struct:
		return compileStruct(t, visiting)
	}
	return nil
}

type fieldEncoder struct {
	index     int
	key       string // `"name":`
	omitEmpty bool
	kind      reflect.Kind
	enc       appendFunc
}

func compileStruct(t reflect.Type, visiting map[reflect.Type]bool) appendFunc {
	var fields []fieldEncoder
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous { // embedding has its own promotion rules
			return nil
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		omitEmpty := false
		for opt := range strings.SplitSeq(opts, ",") {
			switch opt {
			case "":
			case "omitempty":
				omitEmpty = true
			default: // string, omitzero, and whatever comes next
				return nil
			}
		}
		if name == "" {
			name = f.Name
		}
		if !plainKey(name) || names[name] {
			return nil
		}
		names[name] = true
		enc := compileType(f.Type, visiting)
		if enc == nil {
			return nil
		}
		fields = append(fields, fieldEncoder{index: i, key: `"` + name + `":`, omitEmpty: omitEmpty, kind: f.Type.Kind(), enc: enc})
	}
	return func(b []byte, v reflect.Value) []byte {
		b = append(b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fv := v.Field(f.index)
			if f.omitEmpty && isEmpty(f.kind, fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, f.key...)
			b = f.enc(b, fv)
		}
		return append(b, '}')
	}
}

// isEmpty is encoding/json's omitempty test for the kinds compileType covers.
func isEmpty(k reflect.Kind, v reflect.Value) bool {
	switch k {
	case reflect.String, reflect.Slice:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return false // structs are never empty to encoding/json
}

// plainKey reports whether name is a JSON key that needs no escaping and
// that encoding/json takes from a tag as it is.
func plainKey(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return name != ""
}

// AppendString appends s as a JSON string. Plain ASCII (ids, type names,
// tokens: nearly every string here) is copied; anything else goes through
// encoding/json so escaping stays exactly json.Marshal's.
func AppendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
