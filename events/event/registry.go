package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
)

// ErrUnknownType is returned when decoding an event type nobody registered.
var ErrUnknownType = errors.New("unknown event type")

// Upcaster turns the data of one version of an event type into the data of
// the next version. Published versions never change meaning; upcasters are how
// old events are read as the current type.
type Upcaster func(old json.RawMessage) (json.RawMessage, error)

// TypeInfo describes one registered event type.
type TypeInfo struct {
	Name    string
	Version int          // current version
	GoType  reflect.Type // the Go type of the current version's data
}

// Entry is one registered type: what Lookup finds for a value.
type Entry struct {
	TypeInfo
	upcasters map[int]Upcaster // from version → from+1
	encode    appendFunc       // nil: encoding/json
}

// Registry maps event type names and versions to Go types. Build it at start
// up, then share it read-only; it is not safe for concurrent registration.
type Registry struct {
	byName map[string]*Entry
	byType map[reflect.Type]*Entry
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]*Entry{}, byType: map[reflect.Type]*Entry{}}
}

// Register records that values of T are events of type name at version
// (the current one). Registering a name or Go type twice is a programming
// error and panics, like registering an HTTP pattern twice.
func Register[T any](r *Registry, name string, version int) {
	t := reflect.TypeFor[T]()
	if name == "" || version < 1 {
		panic(fmt.Sprintf("events: register %v: need a name and a version ≥ 1", t))
	}
	if _, dup := r.byName[name]; dup {
		panic(fmt.Sprintf("events: event type %q registered twice", name))
	}
	if _, dup := r.byType[t]; dup {
		panic(fmt.Sprintf("events: Go type %v registered twice", t))
	}
	e := &Entry{TypeInfo: TypeInfo{Name: name, Version: version, GoType: t}, upcasters: map[int]Upcaster{}, encode: compileEncoder(t)}
	r.byName[name], r.byType[t] = e, e
}

// Upcast registers how version from of an event type becomes version from+1.
func (r *Registry) Upcast(name string, from int, fn Upcaster) {
	e, ok := r.byName[name]
	if !ok {
		panic(fmt.Sprintf("events: upcaster for unregistered type %q", name))
	}
	if from < 1 || from >= e.Version {
		panic(fmt.Sprintf("events: upcaster %s v%d→v%d: current version is %d", name, from, from+1, e.Version))
	}
	e.upcasters[from] = fn
}

// Types lists the registered types by name.
func (r *Registry) Types() []TypeInfo {
	out := make([]TypeInfo, 0, len(r.byName))
	for _, e := range r.byName {
		out = append(out, e.TypeInfo)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Known reports whether name is a registered event type.
func (r *Registry) Known(name string) bool {
	_, ok := r.byName[name]
	return ok
}

// Encode marshals data and returns its type name and current version.
func (r *Registry) Encode(data any) (name string, version int, raw json.RawMessage, err error) {
	e, v, err := r.Lookup(data)
	if err != nil {
		return "", 0, nil, err
	}
	raw, err = e.AppendValue(nil, v)
	if err != nil {
		return "", 0, nil, err
	}
	return e.Name, e.Version, raw, nil
}

// Lookup finds data's registered type: data is a value of it or a non-nil
// pointer to one.
func (r *Registry) Lookup(data any) (*Entry, reflect.Value, error) {
	if data == nil {
		return nil, reflect.Value{}, fmt.Errorf("encode <nil>: %w", ErrUnknownType)
	}
	v := reflect.ValueOf(data)
	t := v.Type()
	e, ok := r.byType[t]
	if !ok && t.Kind() == reflect.Pointer {
		if e, ok = r.byType[t.Elem()]; ok {
			if v.IsNil() {
				return nil, reflect.Value{}, fmt.Errorf("encode %v: nil pointer", t)
			}
			v = v.Elem()
		}
	}
	if !ok {
		return nil, reflect.Value{}, fmt.Errorf("encode %v: %w", t, ErrUnknownType)
	}
	return e, v, nil
}

// AppendValue appends the JSON of v, a value of e's Go type, exactly as
// json.Marshal writes it.
func (e *Entry) AppendValue(b []byte, v reflect.Value) ([]byte, error) {
	if e.encode != nil {
		return e.encode(b, v), nil
	}
	raw, err := json.Marshal(v.Interface())
	if err != nil {
		return b, fmt.Errorf("encode %s: %w", e.Name, err)
	}
	return append(b, raw...), nil
}

// Decode turns stored data of the given type and version into a value of
// the current Go type, upcasting older versions step by step.
func (r *Registry) Decode(name string, version int, raw json.RawMessage) (any, error) {
	e, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("decode %s v%d: %w", name, version, ErrUnknownType)
	}
	if version > e.Version {
		return nil, fmt.Errorf("decode %s v%d: newer than this build knows (v%d)", name, version, e.Version)
	}
	for v := version; v < e.Version; v++ {
		up, ok := e.upcasters[v]
		if !ok {
			return nil, fmt.Errorf("decode %s v%d: no upcaster from v%d", name, version, v)
		}
		var err error
		if raw, err = up(raw); err != nil {
			return nil, fmt.Errorf("decode %s: upcast v%d→v%d: %w", name, v, v+1, err)
		}
	}
	ptr := reflect.New(e.GoType)
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, ptr.Interface()); err != nil {
			return nil, fmt.Errorf("decode %s v%d: %w", name, version, err)
		}
	}
	return ptr.Elem().Interface(), nil
}

// CanUpcast reports whether stored events of name at version from can be
// read as the current version: an upcaster is registered for every step.
func (r *Registry) CanUpcast(name string, from int) bool {
	e, ok := r.byName[name]
	if !ok || from < 1 || from > e.Version {
		return false
	}
	for v := from; v < e.Version; v++ {
		if _, ok := e.upcasters[v]; !ok {
			return false
		}
	}
	return true
}
