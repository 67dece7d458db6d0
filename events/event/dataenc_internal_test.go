package event

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

type encPort struct {
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

// The fast path is what makes appends cheap, so the plain shapes of event
// data must take it; everything else must not, or it would be written
// differently from encoding/json.
func TestFastEncoderCoversPlainEventDataAndNothingElse(t *testing.T) {
	type plain struct {
		ID      string      `json:"id"`
		Ports   []encPort   `json:"ports,omitempty"`
		Owner   *string     `json:"owner"`
		N       int64       `json:"n"`
		U       uint8       `json:"u"`
		Ok      bool        `json:"ok"`
		Nested  [][]encPort `json:"nested"`
		Skipped func()      `json:"-"`
		NoTag   string
		private chan int
	}
	_ = plain{}.private
	if compileEncoder(reflect.TypeFor[plain]()) == nil {
		t.Error("plain event data is left to encoding/json")
	}
	type recursive struct {
		Next *recursive `json:"next"`
	}
	type embedded struct {
		encPort
	}
	others := map[string]reflect.Type{
		"float":       reflect.TypeFor[struct{ F float64 }](),
		"map":         reflect.TypeFor[struct{ M map[string]string }](),
		"bytes":       reflect.TypeFor[struct{ B []byte }](),
		"interface":   reflect.TypeFor[struct{ V any }](),
		"array":       reflect.TypeFor[struct{ A [4]int }](),
		"time":        reflect.TypeFor[struct{ T time.Time }](),
		"raw message": reflect.TypeFor[struct{ R json.RawMessage }](),
		"number":      reflect.TypeFor[struct{ N json.Number }](),
		"string opt": reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](),
		"omitzero": reflect.TypeFor[struct {
			N int `json:"n,omitzero"`
		}](),
		"odd key": reflect.TypeFor[struct {
			N int `json:"a b"`
		}](),
		"recursive": reflect.TypeFor[recursive](),
		"embedded":  reflect.TypeFor[embedded](),
	}
	for name, typ := range others {
		if compileEncoder(typ) != nil {
			t.Errorf("%s: the fast encoder claims %v", name, typ)
		}
	}
}
