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

	"weft.dev/kernel/fault"
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
	c := &wsConn{g: g, ops: map[string]*wsOp{}}
	if g.tracer != nil {
		// Its operations' spans are children of the upgrade's traceparent.
		c.header = http.Header{}
		for _, k := range traceContext.Fields() {
			if v := r.Header.Values(k); len(v) > 0 {
				c.header[http.CanonicalHeaderKey(k)] = v
			}
		}
	}
	if authz := r.Header.Get("Authorization"); authz != "" {
		p, rerr := g.authenticate(r.Context(), authz, r.Header.Get(TeamHeader))
		if rerr != nil {
			g.metrics.requests.WithLabelValues("subscription", "unauthenticated").Inc()
			writeErrors(w, rerr)
			return
		}
		c.rights.authz, c.rights.team, c.rights.principal = authz, r.Header.Get(TeamHeader), &p
	}
	up := ws.HTTPUpgrader{Protocol: func(p string) bool { return p == wsProtocol }}
	conn, _, _, err := up.Upgrade(r, w)
	if err != nil {
		g.log.Debug("websocket upgrade", "err", err)
		return
	}
	c.conn = conn
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		c.run()
	}()
}

// wsConn is one client's websocket. Reads happen on its run goroutine;
// writes from any goroutine go through send, under wmu.
//
// Its rights follow the principal, not the moment it connected: every
// operation re-presents the connection's credentials, and a RightsFeed
// change for its user holds deliveries until they are checked again (see
// rights.go). A principal that lost its rights gets an error on every
// running operation and the connection closed (4403).
type wsConn struct {
	g    *Gateway
	conn net.Conn
	ctx  context.Context
	// header is the upgrade's trace context (traceparent, tracestate)
	// when tracing is on.
	header http.Header

	wmu sync.Mutex

	rights rights

	mu     sync.Mutex
	inited bool
	acked  bool
	user   string // the user the connection is indexed under in g.conns
	ops    map[string]*wsOp
	opsWG  sync.WaitGroup
}

// wsOp is one running operation; ended means the server ended it and
// told the client why, so its goroutine stays silent.
type wsOp struct {
	cancel context.CancelFunc
	ended  bool
}

func (c *wsConn) run() {
	ctx, cancel := context.WithCancel(c.g.ctx)
	c.ctx = ctx
	stop := context.AfterFunc(ctx, func() { _ = c.conn.Close() })
	defer func() {
		cancel()
		stop()
		_ = c.conn.Close()
		c.mu.Lock()
		user := c.user
		c.mu.Unlock()
		if user != "" {
			c.g.conns.remove(user, c)
		}
		// No recheck starts after this, so the wait below is final.
		c.rights.stop()
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
		op := c.ops[m.ID]
		c.mu.Unlock()
		if op != nil {
			op.cancel()
		}
		return true
	}
	c.closeWith(closeBadRequest, "unknown message type "+m.Type)
	return false
}

// init authenticates the connection unless the upgrade request did.
func (c *wsConn) init(payload json.RawMessage) error {
	r := &c.rights
	r.mu.Lock()
	pre := r.principal
	r.mu.Unlock()
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
		r.mu.Lock()
		r.authz, r.team, r.principal = authz, team, pre
		r.mu.Unlock()
	}
	// Indexed before the first operation, so that no change of its rights
	// after the check above can pass unseen.
	c.g.conns.add(pre.UserID, c)
	r.mu.Lock()
	r.armExpiry(c, pre.Expires)
	r.mu.Unlock()
	c.mu.Lock()
	c.user = pre.UserID
	c.acked = true
	c.mu.Unlock()
	return nil
}

// subscribe runs one operation (usually a subscription) until it ends or
// the client completes it.
func (c *wsConn) subscribe(id string, payload json.RawMessage) {
	start := time.Now()
	// As over HTTP: the principal as its credentials resolve now (not as
	// they did when the socket opened), then its rate, and only then any
	// work on the operation, so a refused one still costs the rate.
	c.rights.mu.Lock()
	gen := c.rights.gen
	c.rights.mu.Unlock()
	p, rerr := c.check(gen)
	if rerr != nil {
		c.g.metrics.requests.WithLabelValues("unknown", "unauthenticated").Inc()
		c.sendErrors(id, rerr.errs)
		return
	}
	if ok, wait := c.g.rate.take(rateKey(p)); !ok {
		c.g.metrics.requests.WithLabelValues("unknown", "refused").Inc()
		c.sendErrors(id, c.g.rateLimited(wait).errs)
		return
	}
	req, rerr := c.g.parseRequest(payload)
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
	o := &wsOp{cancel: cancel}
	c.mu.Lock()
	c.ops[id] = o
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
		w := &wsWriter{c: c, id: id, ctx: ctx}
		ctx, sp := c.g.startOperation(ctx, c.header)
		err := c.g.execute(ctx, s, req, p, w, true)
		outcome := "ok"
		if err != nil {
			outcome = "error"
		}
		endOperation(sp, op, outcome)
		c.mu.Lock()
		ended := o.ended
		o.ended = true
		c.mu.Unlock()
		if ended {
			return
		}
		if lost := c.rights.lostWith(); lost != nil {
			// Its results stopped because the principal lost its
			// rights, before the check that found it ended the
			// operations: tell the client why here.
			c.sendErrors(id, lost)
			return
		}
		if err != nil {
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

// endOps ends every running operation with errs: each gets one error
// message and its goroutine stays silent.
func (c *wsConn) endOps(errs []gqlError) {
	var ids []string
	c.mu.Lock()
	for id, o := range c.ops {
		if !o.ended {
			o.ended = true
			ids = append(ids, id)
		}
		o.cancel()
	}
	c.mu.Unlock()
	for _, id := range ids {
		c.sendErrors(id, errs)
	}
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
	ctx context.Context
	buf bytes.Buffer
}

func (w *wsWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

// Flush sends one result, once the principal's rights are checked as of
// every change the connection was told of: a result never reaches a
// principal that lost the right to it.
func (w *wsWriter) Flush() error {
	if w.buf.Len() == 0 {
		return nil
	}
	if err := w.c.mayDeliver(w.ctx); err != nil {
		w.buf.Reset()
		return err
	}
	if err := w.ctx.Err(); err != nil {
		// The operation ended (by the client, or by the server, which
		// told the client why): nothing more goes out for it.
		w.buf.Reset()
		return err
	}
	payload := ensureCodes(bytes.Clone(w.buf.Bytes()))
	w.buf.Reset()
	return w.c.send(wsMessage{ID: w.id, Type: msgNext, Payload: payload})
}

func (w *wsWriter) Complete()                           {}
func (w *wsWriter) Heartbeat() error                    { return nil }
func (w *wsWriter) Close(resolve.SubscriptionCloseKind) {}
