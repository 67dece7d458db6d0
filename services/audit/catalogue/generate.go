package catalogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"weft.dev/events"
)

// File is one generated file, its path relative to schemas/events.
type File struct {
	Path string
	Data []byte
}

// SchemaPath is where the schema of a type's version lives.
func SchemaPath(name string, version int) string {
	return fmt.Sprintf("%s.v%d.schema.json", name, version)
}

// ExamplePath is where the example envelope of a type's version lives.
func ExamplePath(name string, version int) string {
	return fmt.Sprintf("examples/%s.v%d.json", name, version)
}

// Generate returns the catalogue of reg's types: a schema, an example and a
// page per type's current version, and the index README.md.
func Generate(reg *events.Registry) ([]File, error) {
	types := reg.Types()
	var pkgs []string
	for _, ti := range types {
		pkgs = append(pkgs, packagesOf(ti.GoType)...)
	}
	slices.Sort(pkgs)
	src, err := loadSources(slices.Compact(pkgs))
	if err != nil {
		return nil, err
	}
	var files []File
	var index bytes.Buffer
	index.WriteString(indexHead)
	for _, ti := range types {
		schema, err := src.schemaOf(ti.GoType, 0)
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", ti.Name, err)
		}
		doc := src.types[ti.GoType.PkgPath()+"."+ti.GoType.Name()]
		schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
		schema["$id"] = "https://weft.dev/schemas/events/" + SchemaPath(ti.Name, ti.Version)
		schema["title"] = fmt.Sprintf("%s v%d", ti.Name, ti.Version)
		if doc != "" {
			schema["description"] = doc
		}
		sj, err := marshal(schema)
		if err != nil {
			return nil, err
		}
		env := exampleEnvelope(ti, src.example(ti.GoType, "", 0))
		ej, err := marshal(env)
		if err != nil {
			return nil, err
		}
		files = append(files,
			File{SchemaPath(ti.Name, ti.Version), sj},
			File{ExamplePath(ti.Name, ti.Version), ej},
			File{ti.Name + ".md", page(reg, ti, doc, src, ej)},
		)
		fmt.Fprintf(&index, "| [`%s`](%s.md) | %d | %s |\n", ti.Name, ti.Name, ti.Version, firstSentence(doc))
	}
	files = append(files, File{"README.md", index.Bytes()})
	return files, nil
}

const indexHead = `# Event catalogue

Every event type weft records in its EVENTS stream, generated from the Go
types (` + "`go tool task generate-events`" + `; do not edit). Each type has a
JSON Schema of its ` + "`data`" + ` per version (` + "`<type>.v<N>.schema.json`" + `), an
example envelope (` + "`examples/`" + `) and a page. The envelope every event is
stored in is described in [the auditor's guide](../../docs/auditing.md).

A published version never changes meaning: a version only gains optional
fields; removing or retyping a field takes a new version and an upcaster
that reads the old one (weft.dev/services/audit/catalogue's tests refuse
anything else).

| type | version | meaning |
|---|---|---|
`

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// packagesOf lists the packages declaring t and the named types in it.
func packagesOf(t reflect.Type) []string {
	seen := map[reflect.Type]bool{}
	var out []string
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		if t.PkgPath() != "" && strings.HasPrefix(t.PkgPath(), "weft.dev/") {
			out = append(out, t.PkgPath())
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			walk(t.Elem())
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type)
			}
		}
	}
	walk(t)
	return out
}

// exampleTime is the example events' instant.
var exampleTime = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// exampleEnvelope is an event of type ti as the log stores it.
func exampleEnvelope(ti events.TypeInfo, data any) map[string]any {
	parts := strings.SplitN(ti.Name, ".", 3)
	agg, team, aggID := parts[1], "acme", "0193a3b2-7c4e-7d1a-9f00-00000000a991"
	switch agg {
	case "user", "token":
		team = "_"
	case "team":
		aggID = "acme"
	case "network":
		aggID = "net"
	case "name":
		aggID = "app-web"
	}
	return map[string]any{
		"id": "0193a3b2-7c4e-7d1a-9f00-00000000e001", "type": ti.Name, "version": ti.Version, "team": team,
		"aggregate": map[string]any{"type": agg, "id": aggID},
		"actor":     "user:0193a3b2-7c4e-7d1a-9f00-00000000a11c", "time": exampleTime.Format(time.RFC3339Nano),
		"correlationId": "0193a3b2-7c4e-7d1a-9f00-00000000c0aa",
		"data":          data,
	}
}

// example is a plausible value of t for a property called name.
func (s *sources) example(t reflect.Type, name string, depth int) any {
	if depth > 16 {
		return nil
	}
	switch t {
	case timeType:
		return exampleTime.Format(time.RFC3339Nano)
	case rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.example(t.Elem(), name, depth+1)
	case reflect.String:
		if vals := s.consts[t.PkgPath()+"."+t.Name()]; t.PkgPath() != "" && len(vals) > 0 {
			return vals[0]
		}
		return exampleString(name)
	case reflect.Bool:
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return exampleNumber(name)
	case reflect.Float32, reflect.Float64:
		return 0.5
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "d2VmdA=="
		}
		return []any{s.example(t.Elem(), strings.TrimSuffix(name, "s"), depth+1)}
	case reflect.Map:
		return map[string]any{"key": s.example(t.Elem(), "value", depth+1)}
	case reflect.Struct:
		m := map[string]any{}
		for _, f := range jsonFields(t) {
			m[f.json] = s.example(f.typ, f.json, depth+1)
		}
		return m
	}
	return nil
}

func exampleString(name string) string {
	n := strings.ToLower(name)
	switch {
	case n == "id" || strings.HasSuffix(n, "id") || n == "owner":
		return "0193a3b2-7c4e-7d1a-9f00-00000000a991"
	case n == "slug" || n == "team":
		return "acme"
	case n == "displayname":
		return "Acme Corp"
	case n == "username":
		return "alice"
	case strings.HasSuffix(n, "ip") || n == "address" || n == "backend":
		return "100.64.0.7"
	case n == "cidr" || strings.HasSuffix(n, "range"):
		return "100.96.0.0/24"
	case strings.Contains(n, "key"):
		return "YWxwaGEtbGFwdG9wLXB1YmxpYy1rZXktMzItYnl0ZXM="
	case strings.Contains(n, "hash"):
		return "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	case n == "endpoint":
		return "198.51.100.2:51820"
	case n == "image":
		return "registry.example.com/web:1.4.2"
	case n == "version":
		return "v1.37.2"
	case n == "name" || n == "env" || n == "app":
		return "web"
	}
	return name
}

func exampleNumber(name string) int {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "port"):
		return 8080
	case strings.HasSuffix(n, "seq"):
		return 42
	}
	return 1
}

func firstSentence(doc string) string {
	doc, _, _ = strings.Cut(doc, "\n\n")
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i+1]
	}
	return strings.ReplaceAll(doc, "|", `\|`)
}

// page is the Markdown page of one type.
func page(reg *events.Registry, ti events.TypeInfo, doc string, src *sources, example []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# `%s` (version %d)\n\n", ti.Name, ti.Version)
	b.WriteString("Generated from the Go type `" + ti.GoType.PkgPath() + "." + ti.GoType.Name() + "` by `go tool task generate-events`; do not edit.\n\n")
	b.WriteString("## Meaning\n\n")
	if doc == "" {
		doc = "(The Go type has no doc comment.)"
	}
	b.WriteString(doc + "\n\n## Emitted by\n\n")
	parts := strings.SplitN(ti.Name, ".", 3)
	if e, ok := emitters[ti.Name]; ok {
		b.WriteString(strings.ToUpper(e[:1]) + e[1:] + ".")
	} else {
		b.WriteString("The " + strings.TrimPrefix(services[parts[0]], "the ") + ", on a user's or an agent's command (the envelope's `actor`).")
	}
	fmt.Fprintf(&b, " Stored on the subject `ev.<team>.%s.<id>`.\n\n", parts[1])
	if ti.Version > 1 {
		var old []string
		for v := 1; v < ti.Version; v++ {
			if reg.CanUpcast(ti.Name, v) {
				old = append(old, fmt.Sprintf("v%d", v))
			}
		}
		fmt.Fprintf(&b, "Events stored at earlier versions (%s) are read as version %d through the registry's upcasters.\n\n", strings.Join(old, ", "), ti.Version)
	}
	b.WriteString("## Fields of `data`\n\n")
	if fs := jsonFields(ti.GoType); len(fs) == 0 {
		b.WriteString("None.\n\n")
	} else {
		schema, _ := src.schemaOf(ti.GoType, 0)
		props := asMap(schema["properties"])
		b.WriteString("| field | type | meaning |\n|---|---|---|\n")
		for _, f := range fs {
			p := asMap(props[f.json])
			d, _ := p["description"].(string)
			opt := ""
			if f.omitEmpty {
				opt = " (left out when empty)"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s%s |\n", f.json, typeText(p), strings.ReplaceAll(strings.ReplaceAll(d, "\n\n", " "), "|", `\|`), opt)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Schema: [`%s`](%s).\n\n## Example\n\n```json\n%s```\n", SchemaPath(ti.Name, ti.Version), SchemaPath(ti.Name, ti.Version), example)
	return b.Bytes()
}

// typeText is a property's type in words.
func typeText(p map[string]any) string {
	if a, ok := p["anyOf"].([]any); ok && len(a) > 0 {
		return typeText(asMap(a[0])) + " or null"
	}
	t := p["type"]
	if l, ok := t.([]any); ok && len(l) > 0 {
		t = l[0]
	}
	s, _ := t.(string)
	switch s {
	case "":
		return "any"
	case "array":
		return "array of " + typeText(asMap(p["items"]))
	case "object":
		if props := asMap(p["properties"]); len(props) > 0 {
			return "object {" + strings.Join(slices.Sorted(maps.Keys(props)), ", ") + "}"
		}
		if ap := asMap(p["additionalProperties"]); len(ap) > 0 {
			return "map of " + typeText(ap)
		}
	case "string":
		if f, ok := p["format"].(string); ok {
			return "string (" + f + ")"
		}
		if ex, ok := p["examples"].([]any); ok {
			var vs []string
			for _, v := range ex {
				vs = append(vs, fmt.Sprintf("`%v`", v))
			}
			return "string: " + strings.Join(vs, ", ")
		}
		if ex, ok := p["examples"].([]string); ok {
			return "string: `" + strings.Join(ex, "`, `") + "`"
		}
	}
	return s
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
