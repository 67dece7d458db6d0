package events

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestHandWrittenEnvelopeIsByteForByteWhatJSONMarshalWrites(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 123456789, time.UTC)
	data := json.RawMessage(`{"name":"d1","ip":"100.64.0.2"}`)
	metas := []Meta{
		{ID: "0193a", Type: "infra.device.created", Version: 1, Team: "acme", Aggregate: AggregateRef{Type: "device", ID: "d1"}, Actor: "user:u1", Time: at},
		{ID: "x", Type: "t", Version: 12, Team: "t", Aggregate: AggregateRef{Type: "a", ID: "b"}, Actor: `sys "quoted" \ back`, Time: at.Truncate(time.Second),
			CausationID: "c<1>&", CorrelationID: "ünïcode ✓\n\t\x01"},
		{ID: "y", Type: "t", Version: 1, Team: "t", Aggregate: AggregateRef{Type: "a", ID: "b"}, Actor: "bad utf8 \xff", Time: at, CorrelationID: "only-correlation"},
	}
	for _, m := range metas {
		want, err := json.Marshal(Envelope{Meta: m, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEnvelope(nil, &m, data); !bytes.Equal(got, want) {
			t.Errorf("envelope differs:\n got %s\nwant %s", got, want)
		}
	}
}

func TestAckParserReadsSuccessDirectlyAndEverythingElseInFull(t *testing.T) {
	cases := []struct {
		in   string
		want pubAck
	}{
		{`{"stream":"EVENTS","seq":42}`, pubAck{Stream: "EVENTS", Seq: 42}},
		{`{"stream":"EVENTS","seq":42,"duplicate":true}`, pubAck{Stream: "EVENTS", Seq: 42, Duplicate: true}},
		{`{"stream":"EVENTS","domain":"hub","seq":7}`, pubAck{Stream: "EVENTS", Seq: 7}},
		{`{"stream":"OTHER","seq":3}`, pubAck{Stream: "OTHER", Seq: 3}},
		{`{"stream":"EVENTS","seq":9,"batch":"b1","count":3}`, pubAck{Stream: "EVENTS", Seq: 9, BatchID: "b1", Count: 3}},
	}
	for _, c := range cases {
		got, err := newAckParser("EVENTS").parse([]byte(c.in))
		if err != nil || got != c.want {
			t.Errorf("parse(%s) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	got, err := newAckParser("EVENTS").parse([]byte(`{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 5"}}`))
	if err != nil || got.Error == nil || got.Error.ErrCode != 10071 {
		t.Errorf("error ack = %+v, %v", got, err)
	}
	if _, err := newAckParser("EVENTS").parse([]byte(`{"stream":"EVENTS","seq":`)); err == nil {
		t.Error("a truncated ack parsed")
	}
}

func TestFastEnvelopeParserAgreesWithJSONOrDeclines(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 123456789, time.UTC)
	data := json.RawMessage(`{"name":"d1","nested":{"a":[1,2,"}"]}}`)
	metas := []Meta{
		{ID: "0193a", Type: "infra.device.created", Version: 3, Team: "acme", Aggregate: AggregateRef{Type: "device", ID: "d1"}, Actor: "user:u1", Time: at},
		{ID: "x", Type: "t", Version: 1, Team: "t", Aggregate: AggregateRef{Type: "a", ID: "b"}, Actor: "a", Time: at, CausationID: "c1", CorrelationID: "r1"},
		{ID: "x", Type: "t", Version: 1, Team: "t", Aggregate: AggregateRef{Type: "a", ID: "b"}, Actor: `needs "escaping"`, Time: at},
	}
	for i, m := range metas {
		body := appendEnvelope(nil, &m, data)
		var want Envelope
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		got, gotData, ok := parseEnvelope(body)
		if i == 2 {
			if ok {
				t.Errorf("parser accepted an escaped string: %+v", got)
			}
			continue
		}
		if !ok || got != want.Meta || !bytes.Equal(gotData, want.Data) {
			t.Errorf("parse %s:\n got %+v %s (ok %v)\nwant %+v %s", body, got, gotData, ok, want.Meta, want.Data)
		}
	}
	// Other shapes are declined, never misread.
	for _, body := range []string{
		`{"type":"t","id":"x"}`,
		`{"id":"x","type":"t","version":1,"team":"t","aggregate":{"type":"a","id":"b"},"actor":"a","time":"not a time","data":{}}`,
		`{"id":"x","type":"t","version":1,"team":"t","aggregate":{"type":"a","id":"b"},"actor":"a","time":"2026-11-24T12:00:00Z","extra":1,"data":{}}`,
	} {
		if m, _, ok := parseEnvelope([]byte(body)); ok {
			t.Errorf("parser accepted %s as %+v", body, m)
		}
	}
}

// A truncated envelope whose tail still ends in '}' passes the fast parser
// with broken data; decoding the data then fails, so it is never misread.
func TestTruncatedEnvelopeFailsToDecode(t *testing.T) {
	type thing struct {
		A int `json:"a"`
	}
	r := NewRegistry()
	Register[thing](r, "t", 1)
	body := []byte(`{"id":"x","type":"t","version":1,"team":"t","aggregate":{"type":"a","id":"b"},"actor":"a","time":"2026-11-24T12:00:00Z","data":{"a":{}`)
	m, data, ok := parseEnvelope(body)
	if !ok {
		return // declined: encoding/json reports it
	}
	if _, err := r.Decode(m.Type, m.Version, data); err == nil {
		t.Fatalf("truncated data %s decoded", data)
	}
}
