package catalogue

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"weft.dev/events"
)

// committed is the catalogue as the repository holds it.
const committed = "../../../schemas/events"

func TestTheCommittedCatalogueIsWhatTheGoTypesMake(t *testing.T) {
	reg := Registry()
	files, err := Generate(reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := Compatible(committed, reg, files); err != nil {
		t.Fatalf("the Go event types break the committed catalogue:\n%v", err)
	}
	if stale := Stale(committed, files); len(stale) > 0 {
		t.Fatalf("schemas/events differs from the Go event types; run go tool task generate-events and commit: %s", strings.Join(stale, ", "))
	}
	if n := len(reg.Types()); len(files) != 3*n+1 {
		t.Errorf("%d files for %d types", len(files), n)
	}
}

func TestEveryCommittedExampleDecodesThroughTheRegistry(t *testing.T) {
	reg := Registry()
	paths, _ := filepath.Glob(filepath.Join(committed, "examples", "*.json"))
	if len(paths) != len(reg.Types()) {
		t.Fatalf("%d examples committed for %d event types", len(paths), len(reg.Types()))
	}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var env events.Envelope
		if err := json.Unmarshal(raw, &env); err != nil {
			t.Errorf("%s: not an envelope: %v", p, err)
			continue
		}
		if err := events.ValidateToken("team", env.Team); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		v, err := reg.Decode(env.Type, env.Version, env.Data)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		// Encoded again, the value is the example's data: every field of
		// the example is one of the type's, with a value of its type.
		_, _, again, err := reg.Encode(v)
		if err != nil {
			t.Errorf("%s: encode: %v", p, err)
			continue
		}
		var a, b any
		_ = json.Unmarshal(env.Data, &a)
		_ = json.Unmarshal(again, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: data does not survive the registry\nexample: %s\nagain:   %s", p, env.Data, again)
		}
	}
}

type thingV1 struct {
	A string `json:"a"`
	B int    `json:"b"`
	N struct {
		X bool `json:"x"`
	} `json:"n"`
}

type thingAdded struct {
	A string `json:"a"`
	B int    `json:"b"`
	N struct {
		X bool `json:"x"`
		Y bool `json:"y,omitempty"`
	} `json:"n"`
	C *string `json:"c,omitempty"`
}

type thingBroken struct {
	A int `json:"a"`
	N struct {
		Y bool `json:"y"`
	} `json:"n"`
}

func TestRemovingOrRetypingAFieldNeedsANewVersionAndAnUpcaster(t *testing.T) {
	dir := t.TempDir()
	gen := func(reg *events.Registry) []File {
		files, err := Generate(reg)
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	v1 := events.NewRegistry()
	events.Register[thingV1](v1, "test.thing.done", 1)
	if err := Write(dir, v1, gen(v1)); err != nil {
		t.Fatal(err)
	}

	added := events.NewRegistry()
	events.Register[thingAdded](added, "test.thing.done", 1)
	if err := Write(dir, added, gen(added)); err != nil {
		t.Fatalf("adding optional fields to a version is allowed: %v", err)
	}

	broken := events.NewRegistry()
	events.Register[thingBroken](broken, "test.thing.done", 1)
	err := Write(dir, broken, gen(broken))
	if err == nil {
		t.Fatal("a field removed and one retyped in version 1 were written")
	}
	for _, want := range []string{"a retyped from \"string\" to \"integer\"", "b removed", "n.x removed", "version 2 with an upcaster"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}

	v2 := events.NewRegistry()
	events.Register[thingBroken](v2, "test.thing.done", 2)
	if err := Write(dir, v2, gen(v2)); err == nil || !strings.Contains(err.Error(), "no upcaster chain") {
		t.Fatalf("version 2 without an upcaster from 1: want a refusal, got %v", err)
	}
	v2.Upcast("test.thing.done", 1, func(old json.RawMessage) (json.RawMessage, error) { return old, nil })
	if err := Write(dir, v2, gen(v2)); err != nil {
		t.Fatalf("version 2 with an upcaster: %v", err)
	}
	for _, f := range []string{"test.thing.done.v1.schema.json", "test.thing.done.v2.schema.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v (older versions' schemas stay)", f, err)
		}
	}

	gone := events.NewRegistry()
	if err := Compatible(dir, gone, nil); err == nil || !strings.Contains(err.Error(), "no longer registered") {
		t.Fatalf("a type removed: want a refusal, got %v", err)
	}
}
