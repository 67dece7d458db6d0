// Package output renders command results as a table that fits the
// terminal, as indented JSON, or as YAML. JSON and YAML show the value as
// the API returned it (field names and order of the GraphQL response); the
// table is a human summary chosen by each command.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Format is one of the -o values.
type Format string

const (
	Table Format = "table"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// Formats lists the valid -o values, for help and completion.
var Formats = []string{string(Table), string(JSON), string(YAML)}

// ParseFormat checks an -o value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Table, JSON, YAML:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q (use table, json or yaml)", s)
}

// Rows is a table: a header and rows of cells.
type Rows struct {
	Header []string
	Rows   [][]string
}

// Render writes value in format f; for tables it calls table, and fits the
// result into width columns (0: no limit).
func Render(w io.Writer, f Format, width int, value any, table func() Rows) error {
	value = addressable(value)
	switch f {
	case JSON:
		return WriteJSON(w, value, "  ")
	case YAML:
		return WriteYAML(w, value)
	default:
		return WriteTable(w, table(), width)
	}
}

// WriteJSON writes value as JSON and a newline; indent "" gives one line,
// which is what `-o json` of a stream (events --follow) needs.
func WriteJSON(w io.Writer, value any, indent string) error {
	value = addressable(value)
	enc := json.NewEncoder(w)
	enc.SetIndent("", indent)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(value); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// WriteYAML writes value as YAML. It goes through JSON so that YAML has the
// same field names and order as JSON (the generated types carry only JSON
// tags) and RawMessage fields become structure rather than bytes.
func WriteYAML(w io.Writer, value any) error {
	b, err := json.Marshal(addressable(value))
	if err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	blockStyle(&n)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return fmt.Errorf("write YAML: %w", err)
	}
	return enc.Close()
}

// addressable returns a pointer to a copy of a struct value. genqlient's
// types flatten fragments with MarshalJSON methods on pointer receivers,
// which encoding/json calls only on addressable values: marshalled by
// value, a payload's fragment fields would vanish ("cluster": {}).
func addressable(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct {
		return v
	}
	p := reflect.New(rv.Type())
	p.Elem().Set(rv)
	return p.Interface()
}

// blockStyle drops the flow style and quoting that JSON input gives every
// node, so the encoder picks plain block YAML (it still quotes a string
// that would otherwise read as another type, like "true" or "8080").
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

const (
	gap      = "  "
	ellipsis = "…"
	// minWidth is the narrowest a truncated column gets: enough to
	// recognise a name.
	minWidth = 6
)

// WriteTable writes rows in aligned columns. When they are wider than
// width, the widest column is narrowed one character at a time, with its
// cells cut and ended by an ellipsis, until the table fits or every column
// is at its minimum (then it overflows rather than hide everything).
func WriteTable(w io.Writer, t Rows, width int) error {
	if len(t.Rows) == 0 {
		_, err := io.WriteString(w, "No resources found.\n")
		return err
	}
	widths := make([]int, len(t.Header))
	measure := func(row []string) {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	measure(t.Header)
	for _, r := range t.Rows {
		measure(r)
	}
	if width > 0 {
		for total(widths) > width {
			i := widest(widths)
			if widths[i] <= max(minWidth, 1) {
				break
			}
			widths[i]--
		}
	}
	var buf bytes.Buffer
	line := func(row []string) {
		var sb strings.Builder
		for i := range widths {
			c := ""
			if i < len(row) {
				c = cut(row[i], widths[i])
			}
			if i == len(widths)-1 {
				sb.WriteString(c)
				break
			}
			sb.WriteString(c)
			sb.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
			sb.WriteString(gap)
		}
		buf.WriteString(strings.TrimRight(sb.String(), " "))
		buf.WriteByte('\n')
	}
	line(t.Header)
	for _, r := range t.Rows {
		line(r)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func total(widths []int) int {
	n := len(gap) * (len(widths) - 1)
	for _, w := range widths {
		n += w
	}
	return n
}

func widest(widths []int) int {
	best := 0
	for i, w := range widths {
		if w > widths[best] {
			best = i
		}
	}
	return best
}

// cut shortens s to n runes, the last one an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + ellipsis
}
