package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/wundergraph/graphql-go-tools/v2/pkg/engine/resolve"

	"weft.dev/services/auth"
	"weft.dev/services/fault"
)

// The graphql-transport-ws protocol
// (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).
const (
	wsProtocol = "graphql-transport-ws"

	msgConnectionInit = "connection_init"
	msgConnectionAck  = "connection_ack"
	msgPing           = "ping"
	msgPong           = "pong"
	msgSubscribe      = "subscribe"
	msgNext           = "next"
	msgError          = "error"
	msgComplete       = "complete"

	closeBadRequest   ws.StatusCode = 4400
	closeUnauthorized ws.StatusCode = 4401
	closeForbidden    ws.StatusCode = 4403
	closeInitTimeout  ws.StatusCode = 4408
	closeDuplicateID  ws.StatusCode = 4409
	closeTooManyInits ws.StatusCode = 4429

	wsInitTimeout  = 10 * time.Second
	wsWriteTimeout = 10 * time.Second
)

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// serveWebsocket upgrades a client connection. The client authenticates
// either with the upgrade request's Authorization (and Weft-Team) header or,
// since browsers cannot set those, with the same keys in the
// connection_init payload.
func (g *Gateway) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	if g.ctx.Err() != nil {
		writeErrors(w, refuse(http.StatusServiceUnavailable, fault.Unavailable, "the gateway is shutting down"))
		return
	}
	var pre *auth.Principal
	if r.Header.Get("Authorization") != "" {
		p, rerr := g.authenticate(r.Context(), r.Header.Get("Authorization"), r.Header.Get(TeamHeader))
		if rerr != nil {
			g.metrics.requests.WithLabelValues("subscription", "unauthenticated").Inc()
			writeErrors(w, rerr)
			return
		}
		pre = &p
	}
	up := ws.HTTPUpgrader{Protocol: func(p string) bool { return p == wsProtocol }}
	conn, _, _, err := up.Upgrade(r, w)
	if err != nil {
		g.log.Debug("websocket upgrade", "err", err)
		return
	}
	c := &wsConn{g: g, conn: conn, principal: pre, ops: map[string]context.CancelFunc{}}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		c.run()
	}()
}

// wsConn is one client's websocket. Reads happen on its run goroutine;
// writes from any goroutine go through send, under wmu.
type wsConn struct {
	g    *Gateway
	conn net.Conn
	ctx  context.Context

	wmu sync.Mutex

	mu        sync.Mutex
	principal *auth.Principal
	inited    bool
	acked     bool
	ops       map[string]context.CancelFunc
	opsWG     sync.WaitGroup
}

func (c *wsConn) run() {
	ctx, cancel := context.WithCancel(c.g.ctx)
	c.ctx = ctx
	stop := context.AfterFunc(ctx, func() { _ = c.conn.Close() })
	defer func() {
		cancel()
		stop()
		_ = c.conn.Close()
		c.opsWG.Wait()
	}()
	initTimer := time.AfterFunc(wsInitTimeout, func() {
		c.mu.Lock()
		acked := c.acked
		c.mu.Unlock()
		if !acked {
			c.closeWith(closeInitTimeout, "Connection initialisation timeout")
		}
	})
	defer initTimer.Stop()

	limit := c.g.cfg.Limits.MaxBodyBytes
	rd := &wsutil.Reader{
		Source:         c.conn,
		State:          ws.StateServerSide,
		CheckUTF8:      true,
		MaxFrameSize:   limit,
		OnIntermediate: wsutil.ControlFrameHandler(c.conn, ws.StateServerSide),
	}
	for {
		hdr, err := rd.NextFrame()
		if err != nil {
			return
		}
		if hdr.OpCode.IsControl() {
			// Pongs and close echoes are writes too: keep them apart
			// from messages being sent by operations.
			c.wmu.Lock()
			err := wsutil.ControlFrameHandler(c.conn, ws.StateServerSide)(hdr, rd)
			c.wmu.Unlock()
			if err != nil {
				return
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(rd, limit+1))
		if err != nil {
			return
		}
		if int64(len(data)) > limit {
			c.closeWith(closeBadRequest, fmt.Sprintf("message exceeds the limit of %d bytes", limit))
			return
		}
		if hdr.OpCode != ws.OpText {
			continue
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
			c.closeWith(closeBadRequest, "invalid message")
			return
		}
		if !c.handle(m) {
			return
		}
	}
}

// handle processes one client message; false ends the connection.
func (c *wsConn) handle(m wsMessage) bool {
	switch m.Type {
	case msgConnectionInit:
		c.mu.Lock()
		again := c.inited
		c.inited = true
		c.mu.Unlock()
		if again {
			c.closeWith(closeTooManyInits, "Too many initialisation requests")
			return false
		}
		if err := c.init(m.Payload); err != nil {
			c.closeWith(closeForbidden, "Forbidden: "+err.Error())
			return false
		}
		return c.send(wsMessage{Type: msgConnectionAck}) == nil
	case msgPing:
		return c.send(wsMessage{Type: msgPong}) == nil
	case msgPong:
		return true
	case msgSubscribe:
		c.mu.Lock()
		acked := c.acked
		_, dup := c.ops[m.ID]
		c.mu.Unlock()
		if !acked {
			c.closeWith(closeUnauthorized, "Unauthorized")
			return false
		}
		if m.ID == "" {
			c.closeWith(closeBadRequest, "subscribe without id")
			return false
		}
		if dup {
			c.closeWith(closeDuplicateID, "Subscriber for "+m.ID+" already exists")
			return false
		}
		c.subscribe(m.ID, m.Payload)
		return true
	case msgComplete:
		c.mu.Lock()
		cancel := c.ops[m.ID]
		c.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		return true
	}
	c.closeWith(closeBadRequest, "unknown message type "+m.Type)
	return false
}

// init authenticates the connection unless the upgrade request did.
func (c *wsConn) init(payload json.RawMessage) error {
	c.mu.Lock()
	pre := c.principal
	c.mu.Unlock()
	if pre == nil {
		var p map[string]any
		if len(payload) > 0 && !bytes.Equal(payload, []byte("null")) {
			if err := json.Unmarshal(payload, &p); err != nil {
				return fmt.Errorf("connection_init payload is not an object")
			}
		}
		authz, team := "", ""
		for k, v := range p {
			s, _ := v.(string)
			switch strings.ToLower(k) {
			case "authorization":
				authz = s
			case strings.ToLower(TeamHeader), "team":
				team = s
			}
		}
		principal, rerr := c.g.authenticate(c.ctx, authz, team)
		if rerr != nil {
			c.g.metrics.requests.WithLabelValues("subscription", "unauthenticated").Inc()
			return rerr
		}
		pre = &principal
	}
	c.mu.Lock()
	c.principal = pre
	c.acked = true
	c.mu.Unlock()
	return nil
}

// subscribe runs one operation (usually a subscription) until it ends or
// the client completes it.
func (c *wsConn) subscribe(id string, payload json.RawMessage) {
	start := time.Now()
	req, rerr := parseRequest(payload)
	if rerr != nil {
		c.sendErrors(id, rerr.errs)
		return
	}
	s := c.g.acquire()
	if s == nil {
		c.sendErrors(id, []gqlError{coded(fault.Unavailable, "the gateway has not composed the subgraphs yet")})
		return
	}
	op, rerr := c.g.check(s, req)
	if rerr != nil {
		s.release()
		c.g.metrics.requests.WithLabelValues(op, "refused").Inc()
		c.sendErrors(id, rerr.errs)
		return
	}
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	c.ops[id] = cancel
	p := *c.principal
	c.mu.Unlock()
	c.opsWG.Add(1)
	go func() {
		defer c.opsWG.Done()
		defer func() {
			cancel()
			c.mu.Lock()
			delete(c.ops, id)
			c.mu.Unlock()
			s.release()
			c.g.metrics.duration.WithLabelValues(op).Observe(time.Since(start).Seconds())
		}()
		w := &wsWriter{c: c, id: id}
		if err := c.g.execute(ctx, s, req, p, w); err != nil {
			c.g.metrics.requests.WithLabelValues(op, "refused").Inc()
			c.sendErrors(id, executionError(c.g.log, err).errs)
			return
		}
		c.g.metrics.requests.WithLabelValues(op, "ok").Inc()
		_ = w.Flush()
		if ctx.Err() == nil {
			// The operation ended on the server's side: tell the client.
			// When the client completed it, the protocol wants silence.
			_ = c.send(wsMessage{ID: id, Type: msgComplete})
		}
	}()
}

func (c *wsConn) sendErrors(id string, errs []gqlError) {
	raw, _ := json.Marshal(errs)
	_ = c.send(wsMessage{ID: id, Type: msgError, Payload: raw})
}

func (c *wsConn) send(m wsMessage) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", m.Type, err)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(wsWriteTimeout))
	if err := wsutil.WriteServerMessage(c.conn, ws.OpText, raw); err != nil {
		_ = c.conn.Close()
		return fmt.Errorf("write %s message: %w", m.Type, err)
	}
	return nil
}

func (c *wsConn) closeWith(code ws.StatusCode, reason string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_ = wsutil.WriteServerMessage(c.conn, ws.OpClose, ws.NewCloseFrameBody(code, reason))
	_ = c.conn.Close()
}

// wsWriter receives an operation's results from the engine: the
// resolver writes one result and flushes it for every subscription event;
// a query's single result is flushed when Execute returns.
type wsWriter struct {
	c   *wsConn
	id  string
	buf bytes.Buffer
}

func (w *wsWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *wsWriter) Flush() error {
	if w.buf.Len() == 0 {
		return nil
	}
	payload := ensureCodes(bytes.Clone(w.buf.Bytes()))
	w.buf.Reset()
	return w.c.send(wsMessage{ID: w.id, Type: msgNext, Payload: payload})
}

func (w *wsWriter) Complete()                           {}
func (w *wsWriter) Heartbeat() error                    { return nil }
func (w *wsWriter) Close(resolve.SubscriptionCloseKind) {}
