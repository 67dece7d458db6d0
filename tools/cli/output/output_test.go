package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

type app struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	ServiceIP string          `json:"serviceIp"`
	Ports     []int           `json:"ports"`
	Backends  []string        `json:"backends"`
	Note      *string         `json:"note"`
	Labels    json.RawMessage `json:"labels"`
	CreatedAt time.Time       `json:"createdAt"`
}

func sample() ([]app, func() Rows) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	apps := []app{
		{ID: "01J9APP0000000000000000001", Name: "api", ServiceIP: "100.64.1.2", Ports: []int{80, 443}, Backends: []string{"10.0.0.7:8080", "10.0.0.8:8080"}, Labels: json.RawMessage(`{"tier":"web","replicas":"3"}`), CreatedAt: at},
		{ID: "01J9APP0000000000000000002", Name: "a-rather-long-worker-name-that-will-not-fit", ServiceIP: "100.64.1.3", Ports: []int{9000}, Backends: []string{"10.0.0.9:9000"}, Labels: json.RawMessage(`null`), CreatedAt: at},
	}
	return apps, func() Rows {
		r := Rows{Header: []string{"NAME", "SERVICE IP", "BACKENDS", "ID"}}
		for _, a := range apps {
			r.Rows = append(r.Rows, []string{a.Name, a.ServiceIP, strings.Join(a.Backends, ","), a.ID})
		}
		return r
	}
}

func TestTableOutputMatchesGolden(t *testing.T) {
	t.Parallel()
	apps, rows := sample()
	var b bytes.Buffer
	if err := Render(&b, Table, 0, apps, rows); err != nil {
		t.Fatal(err)
	}
	golden(t, "table", b.Bytes())
}

func TestTableNarrowerThanItsContentTruncatesWidestColumnsWithEllipsis(t *testing.T) {
	t.Parallel()
	apps, rows := sample()
	var b bytes.Buffer
	if err := Render(&b, Table, 60, apps, rows); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if n := utf8.RuneCountInString(l); n > 60 {
			t.Errorf("line is %d wide, want <= 60: %q", n, l)
		}
	}
	if !strings.Contains(b.String(), "…") {
		t.Error("no ellipsis marks the cut cells")
	}
	if !strings.Contains(b.String(), "100.64.1.2") {
		t.Error("a narrow column was cut although wider ones could give way")
	}
	golden(t, "table-60", b.Bytes())
}

func TestJSONOutputMatchesGolden(t *testing.T) {
	t.Parallel()
	apps, rows := sample()
	var b bytes.Buffer
	if err := Render(&b, JSON, 0, apps, rows); err != nil {
		t.Fatal(err)
	}
	golden(t, "json", b.Bytes())
}

func TestYAMLOutputMatchesGoldenWithJSONFieldNamesAndQuotedAmbiguousStrings(t *testing.T) {
	t.Parallel()
	apps, rows := sample()
	var b bytes.Buffer
	if err := Render(&b, YAML, 0, apps, rows); err != nil {
		t.Fatal(err)
	}
	golden(t, "yaml", b.Bytes())
	if !strings.Contains(b.String(), `replicas: "3"`) {
		t.Errorf("the string \"3\" must stay a string in YAML:\n%s", b.String())
	}
}

func TestEmptyTableSaysSo(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteTable(&b, Rows{Header: []string{"NAME"}}, 80); err != nil {
		t.Fatal(err)
	}
	if b.String() != "No resources found.\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestParseFormatRejectsUnknownFormats(t *testing.T) {
	t.Parallel()
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, json or yaml") {
		t.Errorf("err = %v", err)
	}
	for _, f := range Formats {
		if _, err := ParseFormat(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// flattened mimics a genqlient type: a fragment embedded with json:"-" and
// flattened by a MarshalJSON on the pointer receiver.
type fragment struct {
	Name string `json:"name"`
}

type flattened struct {
	fragment `json:"-"`
}

func (f *flattened) MarshalJSON() ([]byte, error) { return json.Marshal(f.fragment) }

type payload struct {
	Cluster flattened `json:"cluster"`
	Seq     int       `json:"seq"`
}

func TestPayloadsPassedByValueKeepTheirFragmentFields(t *testing.T) {
	t.Parallel()
	p := payload{Cluster: flattened{fragment{Name: "eu-1"}}, Seq: 7}
	for _, f := range []Format{JSON, YAML} {
		var b bytes.Buffer
		if err := Render(&b, f, 0, p, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "eu-1") {
			t.Errorf("%s lost the fragment's fields:\n%s", f, b.String())
		}
	}
}
