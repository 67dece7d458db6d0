package main

import (
	"context"
	"io"
	"reflect"
	"testing"

	"go.uber.org/fx"

	"weft.dev/events"
	"weft.dev/services/audit/catalogue"
)

// The event catalogue (schemas/events) is generated from
// catalogue.Registry; it must hold exactly the types weft-server's modules
// register, or the catalogue misses a type the log holds.
func TestTheCatalogueHoldsExactlyTheTypesTheServerRegisters(t *testing.T) {
	o := &options{logLevel: "error", logFormat: "text"}
	o.DataDir = t.TempDir()
	var reg *events.Registry
	if err := runOnce(context.Background(), o, io.Discard, func(context.Context) error { return nil }, fx.Populate(&reg)); err != nil {
		t.Fatal(err)
	}
	type nv struct {
		Name    string
		Version int
	}
	list := func(r *events.Registry) []nv {
		var out []nv
		for _, ti := range r.Types() {
			out = append(out, nv{ti.Name, ti.Version})
		}
		return out
	}
	if got, want := list(catalogue.Registry()), list(reg); !reflect.DeepEqual(got, want) {
		t.Fatalf("the catalogue's types differ from weft-server's\ncatalogue: %v\nserver:    %v", got, want)
	}
}
