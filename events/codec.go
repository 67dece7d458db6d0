package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// appendEnvelope writes the stored JSON of an event. It produces what
// json.Marshal(Envelope{...}) would, without reflection and without
// re-compacting data (the registry's encoder already made it compact JSON);
// appends are latency-bound and this is most of their CPU.
func appendEnvelope(b []byte, m *Meta, data []byte) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, m.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, m.Type)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, `,"team":`...)
	b = appendString(b, m.Team)
	b = append(b, `,"aggregate":{"type":`...)
	b = appendString(b, m.Aggregate.Type)
	b = append(b, `,"id":`...)
	b = appendString(b, m.Aggregate.ID)
	b = append(b, `},"actor":`...)
	b = appendString(b, m.Actor)
	b = append(b, `,"time":"`...)
	b = m.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if m.CausationID != "" {
		b = append(b, `,"causationId":`...)
		b = appendString(b, m.CausationID)
	}
	if m.CorrelationID != "" {
		b = append(b, `,"correlationId":`...)
		b = appendString(b, m.CorrelationID)
	}
	b = append(b, `,"data":`...)
	b = append(b, data...)
	return append(b, '}')
}

// appendString appends s as a JSON string. Plain ASCII (ids, type names,
// tokens: nearly every string here) is copied; anything else goes through
// encoding/json so escaping stays exactly json.Marshal's.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// parseAck reads a publish acknowledgement. The success form the server
// sends, {"stream":"<name>","seq":N...}, is read directly; anything else
// (errors, domains, duplicates, batches) is decoded in full.
func parseAck(data []byte, stream string) (pubAck, error) {
	prefix := `{"stream":"` + stream + `","seq":`
	if bytes.HasPrefix(data, []byte(prefix)) {
		rest := data[len(prefix):]
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n > 0 && n < len(rest) && rest[n] == '}' {
			seq, err := strconv.ParseUint(string(rest[:n]), 10, 64)
			if err == nil {
				return pubAck{Stream: stream, Seq: seq}, nil
			}
		}
	}
	var ack pubAck
	err := json.Unmarshal(data, &ack)
	return ack, err
}
