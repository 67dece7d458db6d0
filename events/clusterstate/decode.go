package clusterstate

import (
	"encoding/json"
	"unicode/utf8"
)

// DecodePeer and DecodeRecord decode a peer's and a name's JSON value as
// encoding/json does, faster: an agent's cold start decodes every peer and
// name of its team (21,000 at 10,000 devices, times 500 agents in the
// benchmark's one process), and encoding/json's validation pass plus
// reflection was half of that CPU. The fast path reads exactly the shape
// the message office writes (the fields below, in any order; strings
// without escapes; integers); anything else goes to encoding/json, so the
// result is the same for every input.
func DecodePeer(b []byte) (Peer, error) {
	var p Peer
	l := lexer{b: b, ok: true}
	l.object(func(key []byte) {
		switch string(key) {
		case "id":
			p.ID = l.str()
		case "kind":
			p.Kind = l.str()
		case "name":
			p.Name = l.str()
		case "publicKey":
			p.PublicKey = l.str()
		case "allowedIps":
			p.AllowedIPs = l.strs()
		case "endpoint":
			p.Endpoint = l.str()
		case "keepaliveSeconds":
			p.Keepalive = l.int()
		default:
			l.ok = false
		}
	})
	if l.end() {
		return p, nil
	}
	p = Peer{}
	err := json.Unmarshal(b, &p)
	return p, err
}

// DecodeRecord: see DecodePeer.
func DecodeRecord(b []byte) (Record, error) {
	var r Record
	l := lexer{b: b, ok: true}
	l.object(func(key []byte) {
		switch string(key) {
		case "id":
			r.ID = l.str()
		case "name":
			r.Name = l.str()
		case "ips":
			r.IPs = l.strs()
		case "ttl":
			r.TTL = l.int()
		case "ports":
			r.Ports = l.ports()
		default:
			l.ok = false
		}
	})
	if l.end() {
		return r, nil
	}
	r = Record{}
	err := json.Unmarshal(b, &r)
	return r, err
}

// lexer reads the JSON the office writes. Any surprise clears ok, and the
// caller falls back to encoding/json.
type lexer struct {
	b  []byte
	i  int
	ok bool
}

func (l *lexer) ws() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

// is consumes c (after white space) if it comes next.
func (l *lexer) is(c byte) bool {
	l.ws()
	if l.ok && l.i < len(l.b) && l.b[l.i] == c {
		l.i++
		return true
	}
	return false
}

func (l *lexer) want(c byte) {
	if !l.is(c) {
		l.ok = false
	}
}

// null consumes a JSON null if it comes next.
func (l *lexer) null() bool {
	l.ws()
	if l.ok && len(l.b)-l.i >= 4 && string(l.b[l.i:l.i+4]) == "null" {
		l.i += 4
		return true
	}
	return false
}

// str reads a string without escapes or control characters, valid UTF-8.
func (l *lexer) str() string { return string(l.raw()) }

// raw is str's bytes, aliasing the input.
func (l *lexer) raw() []byte {
	l.want('"')
	if !l.ok {
		return nil
	}
	start := l.i
	for l.i < len(l.b) {
		c := l.b[l.i]
		switch {
		case c == '"':
			s := l.b[start:l.i]
			l.i++
			if !utf8.Valid(s) {
				l.ok = false
				return nil
			}
			return s
		case c == '\\' || c < 0x20:
			l.ok = false
			return nil
		}
		l.i++
	}
	l.ok = false
	return nil
}

// int reads an integer of at most 15 digits, as JSON writes it.
func (l *lexer) int() int {
	l.ws()
	if !l.ok {
		return 0
	}
	neg := l.i < len(l.b) && l.b[l.i] == '-'
	if neg {
		l.i++
	}
	start, n := l.i, 0
	for l.i < len(l.b) && l.b[l.i] >= '0' && l.b[l.i] <= '9' {
		n = n*10 + int(l.b[l.i]-'0')
		l.i++
	}
	digits := l.i - start
	if digits == 0 || digits > 15 || (digits > 1 && l.b[start] == '0') {
		l.ok = false
		return 0
	}
	if l.i < len(l.b) && (l.b[l.i] == '.' || l.b[l.i] == 'e' || l.b[l.i] == 'E') {
		l.ok = false // not an integer: encoding/json refuses it for an int
		return 0
	}
	if neg {
		return -n
	}
	return n
}

// strs reads an array of strings, or null (nil).
func (l *lexer) strs() []string {
	if l.null() {
		return nil
	}
	l.want('[')
	out := []string{}
	if l.is(']') {
		return out
	}
	for l.ok {
		out = append(out, l.str())
		if l.is(']') {
			return out
		}
		l.want(',')
	}
	return nil
}

// ports reads an array of Port, or null (nil).
func (l *lexer) ports() []Port {
	if l.null() {
		return nil
	}
	l.want('[')
	out := []Port{}
	if l.is(']') {
		return out
	}
	for l.ok {
		var p Port
		l.object(func(key []byte) {
			switch string(key) {
			case "name":
				p.Name = l.str()
			case "port":
				p.Port = l.int()
			case "protocol":
				p.Protocol = l.str()
			case "targetPort":
				p.TargetPort = l.int()
			default:
				l.ok = false
			}
		})
		out = append(out, p)
		if l.is(']') {
			return out
		}
		l.want(',')
	}
	return nil
}

// object reads {"key": value, ...}, calling field to read each value. The
// key aliases the input (a switch on string(key) does not copy it).
func (l *lexer) object(field func(key []byte)) {
	l.want('{')
	if l.is('}') {
		return
	}
	for l.ok {
		key := l.raw()
		l.want(':')
		if !l.ok {
			return
		}
		field(key)
		if l.is('}') {
			return
		}
		l.want(',')
	}
}

// end reports whether everything was read, and well.
func (l *lexer) end() bool {
	l.ws()
	return l.ok && l.i == len(l.b)
}
