package eventstest

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"weft.dev/events"
)

// CheckEncoding fails tb unless the registry writes the data of every
// registered type exactly as encoding/json does, for rounds random values
// each: empty and nil values, strings that need escaping, HTML characters,
// invalid UTF-8, extreme numbers. Stored events are what auditors and every
// later reader decode, so the store's fast encoder must not change a byte.
func CheckEncoding(tb testing.TB, reg *events.Registry, rounds int) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2)) // fixed: a failure reproduces
	for _, typ := range reg.Types() {
		for i := range rounds {
			v := reflect.New(typ.GoType).Elem()
			fill(v, r, 0)
			want, err := json.Marshal(v.Interface())
			name, _, got, gotErr := reg.Encode(v.Interface())
			if err != nil || gotErr != nil {
				if (err == nil) != (gotErr == nil) {
					tb.Errorf("%s round %d: encoding/json error %v, registry error %v", typ.Name, i, err, gotErr)
				}
				continue
			}
			if name != typ.Name {
				tb.Errorf("%s: encoded as type %q", typ.Name, name)
			}
			if !bytes.Equal(got, want) {
				tb.Errorf("%s round %d: registry wrote\n%s\nencoding/json writes\n%s", typ.Name, i, got, want)
				return
			}
		}
	}
}

// pieces are what random strings are made of: plain text and everything
// encoding/json escapes or replaces.
var pieces = []string{"", "a", "device-1", "100.64.0.2", "<", ">", "&", `"`, `\`, "\n", "\t", "\x01", "\x7f",
	"\u2028", "\u2029", "\xff", "\xc3", "é", "✓", "😀", " ", "/"}

// fill sets v, and what it holds, to random values.
func fill(v reflect.Value, r *rand.Rand, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Unix(r.Int64N(1<<33), r.Int64N(1e9)).UTC()))
		return
	}
	if v.Type() == reflect.TypeFor[json.Number]() {
		v.SetString([]string{"", "0", "12", "-1.5e3", "1x"}[r.IntN(5)])
		return
	}
	switch v.Kind() {
	case reflect.String:
		var s string
		for range r.IntN(4) {
			s += pieces[r.IntN(len(pieces))]
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := v.Type().Bits()
		switch r.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(-1 << (bits - 1))
		case 2:
			v.SetInt(1<<(bits-1) - 1)
		default:
			v.SetInt(r.Int64N(2001) - 1000)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		switch r.IntN(3) {
		case 0:
			v.SetUint(0)
		case 1:
			v.SetUint(math.MaxUint64 >> (64 - v.Type().Bits()))
		default:
			v.SetUint(r.Uint64N(1000))
		}
	case reflect.Float32, reflect.Float64:
		fs := []float64{0, 1, -1.5, 1e21, 1e-7, 123456.789, math.MaxFloat32}
		v.SetFloat(fs[r.IntN(len(fs))])
	case reflect.Pointer:
		if depth > 3 || r.IntN(3) == 0 {
			return // nil
		}
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), r, depth+1)
		v.Set(p)
	case reflect.Slice:
		if depth > 3 || r.IntN(4) == 0 {
			return // nil
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(s.Index(i), r, depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), r, depth+1)
		}
	case reflect.Map:
		if depth > 3 || r.IntN(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(3) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(k, r, depth+1)
			fill(e, r, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, r, depth+1)
			}
		}
	}
}
