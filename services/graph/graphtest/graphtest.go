// Package graphtest talks to a running subgraph the way the gateway does,
// for tests: GraphQL over HTTP POST and subscriptions over
// graphql-transport-ws, each with a Weft-Principal signed by the test's
// auth.Signer (or none, or a forged one).
package graphtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"weft.dev/kernel/auth"
)

// Client calls one subgraph.
type Client struct {
	URL    string // http://host:port/subgraphs/<name>/graphql
	Signer *auth.Signer
}

// Error is one GraphQL error as a client sees it.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Field is the error's extensions.field.
func (e Error) Field() string { s, _ := e.Extensions["field"].(string); return s }

// Response is an HTTP status and a GraphQL response.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Decode unmarshals Data into v, failing the test when there were errors.
func (r Response) Decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("GraphQL errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
}

// Do sends query as p. An empty p (zero UserID) sends no Weft-Principal.
func (c Client) Do(t testing.TB, p auth.Principal, query string, vars map[string]any) Response {
	t.Helper()
	h := http.Header{}
	if p.UserID != "" {
		h.Set(auth.Header, c.Signer.Sign(p, time.Minute))
	}
	return c.DoWith(t, h, query, vars)
}

// DoWith sends query with the given headers as they are.
func (c Client) DoWith(t testing.TB, h http.Header, query string, vars map[string]any) Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h.Clone()
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", c.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := Response{Status: resp.StatusCode}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: status %d, body %q: %v", c.URL, resp.StatusCode, b, err)
	}
	return out
}

// Subscription is a running graphql-transport-ws subscription.
type Subscription struct {
	conn *websocket.Conn
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Subscribe opens a graphql-transport-ws connection presenting p's
// assertion in connection_init and starts query. It fails the test unless
// the server acknowledges the connection.
func (c Client) Subscribe(t testing.TB, p auth.Principal, query string, vars map[string]any) *Subscription {
	t.Helper()
	s, err := c.TrySubscribe(p, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TrySubscribe is Subscribe returning the error of a refused connection.
func (c Client) TrySubscribe(p auth.Principal, query string, vars map[string]any) (*Subscription, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	conn, _, err := d.Dial(strings.Replace(c.URL, "http", "ws", 1), nil)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	init := map[string]any{}
	if p.UserID != "" {
		init[auth.Header] = c.Signer.Sign(p, time.Minute)
	}
	payload, _ := json.Marshal(init)
	s := &Subscription{conn: conn}
	if err := s.send(wsMsg{Type: "connection_init", Payload: payload}); err != nil {
		s.Close()
		return nil, err
	}
	m, err := s.read(5 * time.Second)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("connection_init: %w", err)
	}
	if m.Type != "connection_ack" {
		s.Close()
		return nil, fmt.Errorf("connection_init answered %s %s", m.Type, m.Payload)
	}
	sub, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := s.send(wsMsg{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Subscription) send(m wsMsg) error {
	b, _ := json.Marshal(m)
	return s.conn.WriteMessage(websocket.TextMessage, b)
}

func (s *Subscription) read(timeout time.Duration) (wsMsg, error) {
	for {
		_ = s.conn.SetReadDeadline(time.Now().Add(timeout))
		_, b, err := s.conn.ReadMessage()
		if err != nil {
			return wsMsg{}, err
		}
		var m wsMsg
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMsg{}, err
		}
		switch m.Type {
		case "ping":
			_ = s.send(wsMsg{Type: "pong"})
		case "pong":
		default:
			return m, nil
		}
	}
}

// Next returns the next result of the subscription, failing the test on
// an error message, a completed subscription or a timeout.
func (s *Subscription) Next(t testing.TB, timeout time.Duration) Response {
	t.Helper()
	m, err := s.read(timeout)
	if err != nil {
		t.Fatalf("subscription: %v", err)
	}
	switch m.Type {
	case "next":
		var r Response
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			t.Fatalf("subscription payload %s: %v", m.Payload, err)
		}
		return r
	case "error":
		var errs []Error
		_ = json.Unmarshal(m.Payload, &errs)
		return Response{Errors: errs}
	default:
		t.Fatalf("subscription: got %s %s", m.Type, m.Payload)
		return Response{}
	}
}

// Close ends the connection.
func (s *Subscription) Close() { _ = s.conn.Close() }
