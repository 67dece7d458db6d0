package events_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"weft.dev/events"
	"weft.dev/events/eventstest"
)

type kind string

type port struct {
	Port     int  `json:"port"`
	Protocol kind `json:"protocol"`
}

type health struct {
	Type     string `json:"type"`
	Path     string `json:"path,omitempty"`
	Interval int32  `json:"intervalSeconds"`
}

// plain has every kind the fast encoder writes itself.
type plain struct {
	ID       string   `json:"id"`
	Kind     kind     `json:"kind"`
	Ports    []port   `json:"ports"`
	Backends []string `json:"backends,omitempty"`
	Health   health   `json:"health,omitempty"` // no effect on a struct
	Owner    *string  `json:"owner"`
	Parent   *port    `json:"parent,omitempty"`
	Ok       bool     `json:"ok,omitempty"`
	N8       int8     `json:"n8"`
	N64      int64    `json:"n64,omitempty"`
	U        uint     `json:"u"`
	U16      uint16   `json:"u16,omitempty"`
	Nested   [][]port `json:"nested"`
	Untagged string   // written under its Go name
	Skipped  string   `json:"-"`
	Dash     string   `json:"-,"` // the key "-"
	//lint:ignore U1000 an unexported field is never written
	private string
	ByName  map[string]string `json:"-"`
}

// The rest use what the fast encoder leaves to encoding/json.
type withFloat struct {
	Ratio float64 `json:"ratio"`
}
type withMap struct {
	Labels map[string]string `json:"labels"`
}
type withBytes struct {
	Key []byte `json:"key"`
}
type withTime struct {
	At time.Time `json:"at"`
}
type withString struct {
	Port int `json:"port,string"`
}
type withOmitZero struct {
	At time.Time `json:"at,omitzero"`
}
type withEmbedded struct {
	port
	Name string `json:"name"`
}
type withAny struct {
	V any `json:"v"`
}
type withNumber struct {
	N json.Number `json:"n"`
}
type withArray struct {
	IP [4]byte `json:"ip"`
}
type recursive struct {
	Name string     `json:"name"`
	Next *recursive `json:"next"`
}
type odd struct {
	A string `json:"a$b"`
}

type marshaled struct{ V int }

func (m marshaled) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf(`"m%d"`, m.V)), nil }

type texty struct{ V int }

func (t *texty) MarshalText() ([]byte, error) { return []byte(fmt.Sprint(t.V)), nil }

type withMarshaled struct {
	M marshaled       `json:"m"`
	T texty           `json:"t"`
	P *texty          `json:"p"`
	R json.RawMessage `json:"r,omitempty"`
}

func TestRegistryWritesEventDataExactlyAsEncodingJSON(t *testing.T) {
	r := events.NewRegistry()
	events.Register[plain](r, "t.plain", 1)
	events.Register[port](r, "t.port", 1)
	events.Register[withFloat](r, "t.float", 1)
	events.Register[withMap](r, "t.map", 1)
	events.Register[withBytes](r, "t.bytes", 1)
	events.Register[withTime](r, "t.time", 1)
	events.Register[withString](r, "t.string", 1)
	events.Register[withOmitZero](r, "t.omitzero", 1)
	events.Register[withEmbedded](r, "t.embedded", 1)
	events.Register[withAny](r, "t.any", 1)
	events.Register[withArray](r, "t.array", 1)
	events.Register[withNumber](r, "t.number", 1)
	events.Register[recursive](r, "t.recursive", 1)
	events.Register[odd](r, "t.odd", 1)
	events.Register[withMarshaled](r, "t.marshaled", 1)
	eventstest.CheckEncoding(t, r, 2000)
}

func TestRegistryEncodesAPointerToRegisteredDataAndRejectsNil(t *testing.T) {
	r := events.NewRegistry()
	events.Register[port](r, "t.port", 1)
	_, _, raw, err := r.Encode(&port{Port: 80, Protocol: "tcp"})
	if err != nil || string(raw) != `{"port":80,"protocol":"tcp"}` {
		t.Fatalf("Encode(&port) = %s, %v", raw, err)
	}
	if _, _, _, err := r.Encode((*port)(nil)); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("Encode(nil *port) = %v, want a nil-pointer error", err)
	}
	if _, _, _, err := r.Encode(nil); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("Encode(nil) = %v, want ErrUnknownType", err)
	}
	if _, _, _, err := r.Encode(health{}); !errors.Is(err, events.ErrUnknownType) {
		t.Errorf("Encode(unregistered) = %v, want ErrUnknownType", err)
	}
}
