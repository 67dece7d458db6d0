package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"weft.dev/events/event"
)

// appendEnvelope writes the stored JSON of an event. It produces what
// json.Marshal(Envelope{...}) would, without reflection and without
// re-compacting data (the registry's encoder already made it compact JSON);
// appends are latency-bound and this is most of their CPU.
func appendEnvelope(b []byte, m *Meta, data []byte) []byte {
	b = append(appendEnvelopeHead(b, m), data...)
	return append(b, '}')
}

// appendEnvelopeHead writes an envelope up to its data, which the caller
// appends, then closes the object.
func appendEnvelopeHead(b []byte, m *Meta) []byte {
	b = append(b, `{"id":`...)
	b = event.AppendString(b, m.ID)
	b = append(b, `,"type":`...)
	b = event.AppendString(b, m.Type)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, `,"team":`...)
	b = event.AppendString(b, m.Team)
	b = append(b, `,"aggregate":{"type":`...)
	b = event.AppendString(b, m.Aggregate.Type)
	b = append(b, `,"id":`...)
	b = event.AppendString(b, m.Aggregate.ID)
	b = append(b, `},"actor":`...)
	b = event.AppendString(b, m.Actor)
	b = append(b, `,"time":"`...)
	b = m.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if m.CausationID != "" {
		b = append(b, `,"causationId":`...)
		b = event.AppendString(b, m.CausationID)
	}
	if m.CorrelationID != "" {
		b = append(b, `,"correlationId":`...)
		b = event.AppendString(b, m.CorrelationID)
	}
	return append(b, `,"data":`...)
}

// ackParser reads the publish acknowledgements of one stream.
type ackParser struct {
	stream string
	head   []byte // `{"stream":"<name>","seq":`
}

func newAckParser(stream string) ackParser {
	return ackParser{stream: stream, head: []byte(`{"stream":"` + stream + `","seq":`)}
}

// parse reads a publish acknowledgement. The success form the server
// sends, head then N}, is read directly; anything else (errors, domains,
// duplicates, batches) is decoded in full.
func (p ackParser) parse(data []byte) (pubAck, error) {
	if bytes.HasPrefix(data, p.head) {
		rest := data[len(p.head):]
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n > 0 && n < len(rest) && rest[n] == '}' {
			seq, err := strconv.ParseUint(string(rest[:n]), 10, 64)
			if err == nil {
				return pubAck{Stream: p.stream, Seq: seq}, nil
			}
		}
	}
	var ack pubAck
	err := json.Unmarshal(data, &ack)
	return ack, err
}

// parseEnvelope reads an envelope in the exact form appendEnvelope writes
// with plain strings, without reflection; ok is false for anything else (an
// escaped string, another field order, an older writer), and the caller
// then decodes it with encoding/json. Replays and projections spend most of
// their CPU here. data aliases body.
func parseEnvelope(body []byte) (m Meta, data []byte, ok bool) {
	p := envParser{b: body}
	if !p.lit(`{"id":`) {
		return m, nil, false
	}
	m.ID = p.str()
	if !p.lit(`,"type":`) {
		return m, nil, false
	}
	m.Type = p.str()
	if !p.lit(`,"version":`) {
		return m, nil, false
	}
	m.Version = p.int()
	if !p.lit(`,"team":`) {
		return m, nil, false
	}
	m.Team = p.str()
	if !p.lit(`,"aggregate":{"type":`) {
		return m, nil, false
	}
	m.Aggregate.Type = p.str()
	if !p.lit(`,"id":`) {
		return m, nil, false
	}
	m.Aggregate.ID = p.str()
	if !p.lit(`},"actor":`) {
		return m, nil, false
	}
	m.Actor = p.str()
	if !p.lit(`,"time":`) {
		return m, nil, false
	}
	ts := p.str()
	if p.bad {
		return m, nil, false
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return m, nil, false
	}
	m.Time = t
	if p.lit(`,"causationId":`) {
		m.CausationID = p.str()
	}
	if p.lit(`,"correlationId":`) {
		m.CorrelationID = p.str()
	}
	if !p.lit(`,"data":`) || p.bad || len(p.b) < 2 || p.b[len(p.b)-1] != '}' {
		return m, nil, false
	}
	return m, p.b[:len(p.b)-1], true
}

type envParser struct {
	b   []byte
	bad bool
}

func (p *envParser) lit(s string) bool {
	if p.bad || !bytes.HasPrefix(p.b, []byte(s)) {
		return false
	}
	p.b = p.b[len(s):]
	return true
}

// str reads a JSON string without escapes.
func (p *envParser) str() string {
	if p.bad || len(p.b) == 0 || p.b[0] != '"' {
		p.bad = true
		return ""
	}
	end := bytes.IndexByte(p.b[1:], '"')
	if end < 0 || bytes.IndexByte(p.b[1:1+end], '\\') >= 0 {
		p.bad = true
		return ""
	}
	s := string(p.b[1 : 1+end])
	p.b = p.b[2+end:]
	return s
}

func (p *envParser) int() int {
	n, i := 0, 0
	for i < len(p.b) && p.b[i] >= '0' && p.b[i] <= '9' && i < 9 {
		n = n*10 + int(p.b[i]-'0')
		i++
	}
	if i == 0 {
		p.bad = true
	}
	p.b = p.b[i:]
	return n
}
