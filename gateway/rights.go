package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"weft.dev/kernel/auth"
	"weft.dev/kernel/fault"
)

// RightsFeed tells the gateway whose rights may have narrowed, so that an
// open websocket re-checks its principal at once instead of keeping the
// rights it connected with. The accounts read model implements it.
type RightsFeed interface {
	// WatchRights calls fn with a user's id each time an event that may
	// narrow the user's rights (a token revoked, a membership removed, a
	// role changed) is visible to the Authenticator. It returns when ctx
	// ends. fn must not block.
	WatchRights(ctx context.Context, fn func(userID string))
}

// Close codes of a connection whose principal lost its rights. 4403 tells
// a graphql-ws client not to reconnect with the same credentials; 1011
// (the server could not check) lets it retry.
const (
	closeRightsLost    = closeForbidden
	closeRightsUnknown = ws.StatusInternalServerError
	// rightsExpiryLeeway is how long after a token's expiry its
	// connections re-check, so that the check sees it expired.
	rightsExpiryLeeway = 5 * time.Millisecond
)

var errRightsLost = errors.New("the principal lost its rights on this connection")

// connsByUser indexes open websockets by the user they act as, for the
// rights feed.
type connsByUser struct {
	mu sync.Mutex
	m  map[string]map[*wsConn]struct{}
}

func (c *connsByUser) add(user string, conn *wsConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]map[*wsConn]struct{}{}
	}
	set := c.m[user]
	if set == nil {
		set = map[*wsConn]struct{}{}
		c.m[user] = set
	}
	set[conn] = struct{}{}
}

func (c *connsByUser) remove(user string, conn *wsConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m[user], conn)
	if len(c.m[user]) == 0 {
		delete(c.m, user)
	}
}

func (c *connsByUser) of(user string) []*wsConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*wsConn, 0, len(c.m[user]))
	for conn := range c.m[user] {
		out = append(out, conn)
	}
	return out
}

// rightsChanged is the RightsFeed's callback: every connection of user
// holds its deliveries until it has re-checked its principal.
func (g *Gateway) rightsChanged(user string) {
	for _, c := range g.conns.of(user) {
		c.suspect()
	}
}

// rights is a connection's view of its principal: the credentials it
// presented, what they resolved to when last checked, and whether a
// change may have made that stale. Deliveries wait while it is stale.
type rights struct {
	authz, team string // the connection's Authorization and team, re-presented at every check

	mu        sync.Mutex
	principal *auth.Principal
	gen       uint64        // bumped when the rights may have changed
	checked   uint64        // the gen principal was checked at
	settled   chan struct{} // closed when checked reaches gen
	checking  bool          // a recheck goroutine runs
	lost      []gqlError    // why the principal lost the connection; nil while it holds
	closed    bool          // the connection ended (stop): nothing more is checked or delivered
	expiry    *time.Timer   // rechecks when the token expires
}

// suspect marks the principal possibly stale and starts a recheck.
func (c *wsConn) suspect() {
	r := &c.rights
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lost != nil || r.closed || r.principal == nil {
		return
	}
	if r.gen == r.checked {
		r.settled = make(chan struct{})
	}
	r.gen++
	if r.checking {
		return
	}
	r.checking = true
	c.opsWG.Add(1)
	go func() {
		defer c.opsWG.Done()
		c.recheck()
	}()
}

// recheck re-authenticates until the check has caught up with every
// change it was told of.
func (c *wsConn) recheck() {
	r := &c.rights
	for {
		r.mu.Lock()
		gen := r.gen
		if r.checked == gen || r.lost != nil || r.closed {
			r.checking = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		_, _ = c.check(gen)
	}
}

// check authenticates the connection's credentials again, as of change
// gen, and applies the outcome: a principal that lost its rights ends the
// connection; one whose role narrowed ends its running operations (they
// were authorised for more); otherwise the new principal is kept for the
// next operations.
func (c *wsConn) check(gen uint64) (auth.Principal, *requestError) {
	r := &c.rights
	ctx, cancel := context.WithTimeout(c.ctx, wsWriteTimeout)
	p, rerr := c.g.authenticate(ctx, r.authz, r.team)
	cancel()
	r.mu.Lock()
	if r.lost != nil {
		lost := r.lost
		r.mu.Unlock()
		return auth.Principal{}, &requestError{errs: lost}
	}
	if rerr != nil {
		code := closeRightsLost
		if f := errorCode(rerr); f == fault.Internal || f == fault.Unavailable {
			// Not a verdict on the principal; the client may retry.
			code = closeRightsUnknown
		}
		r.lost = rerr.errs
		r.markChecked(gen)
		r.mu.Unlock()
		c.g.metrics.rightsEnded.WithLabelValues(string(errorCode(rerr))).Inc()
		c.endOps(rerr.errs)
		c.closeWith(code, closeReason(rerr))
		return auth.Principal{}, rerr
	}
	old := r.principal
	r.principal = &p
	r.armExpiry(c, p.Expires)
	r.mu.Unlock()
	if old != nil && !p.Role.AtLeast(old.Role) {
		// Ended before the deliveries held for this check go on, so
		// none of them reaches an operation authorised for more.
		e := coded(fault.Forbidden, fmt.Sprintf("your role in team %s changed from %s to %s; subscribe again", p.Team, old.Role, p.Role))
		e.Extensions["reason"] = "rights-changed"
		c.g.metrics.rightsEnded.WithLabelValues("role-changed").Inc()
		c.endOps([]gqlError{e})
	}
	r.mu.Lock()
	r.markChecked(gen)
	r.mu.Unlock()
	return p, nil
}

// markChecked records that the principal is checked as of gen; r.mu held.
func (r *rights) markChecked(gen uint64) {
	if gen > r.checked {
		r.checked = gen
	}
	if r.checked >= r.gen && r.settled != nil {
		close(r.settled)
		r.settled = nil
	}
}

// armExpiry schedules a recheck when the token expires; r.mu held. The
// recheck finds the token expired and ends the connection.
func (r *rights) armExpiry(c *wsConn, at time.Time) {
	if r.expiry != nil {
		r.expiry.Stop()
		r.expiry = nil
	}
	if at.IsZero() {
		return
	}
	r.expiry = time.AfterFunc(time.Until(at)+rightsExpiryLeeway, c.suspect)
}

// mayDeliver waits until the principal is checked as of every change the
// connection was told of, and says whether it may still receive
// operations' results.
func (c *wsConn) mayDeliver(ctx context.Context) error {
	r := &c.rights
	rechecked := false
	for {
		r.mu.Lock()
		lost, stale := r.lost != nil || r.closed, r.checked < r.gen
		expired := r.principal != nil && !r.principal.Expires.IsZero() && !time.Now().Before(r.principal.Expires)
		ch := r.settled
		r.mu.Unlock()
		switch {
		case lost:
			return errRightsLost
		case stale:
			select {
			case <-ch:
			case <-ctx.Done():
				return ctx.Err()
			}
		case expired && !rechecked:
			// The expiry timer may not have fired yet: check now, so
			// that the connection ends with the reason.
			rechecked = true
			c.suspect()
		case expired:
			return errRightsLost
		default:
			return nil
		}
	}
}

// lostWith is why the principal lost the connection; nil while it holds.
func (r *rights) lostWith() []gqlError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lost
}

// stop releases the expiry timer when the connection ends.
func (r *rights) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.expiry != nil {
		r.expiry.Stop()
	}
	r.closed = true
}

func errorCode(rerr *requestError) fault.Code {
	if len(rerr.errs) == 0 {
		return fault.Internal
	}
	c, _ := rerr.errs[0].Extensions["code"].(string)
	return fault.Code(c)
}

// closeReason is the close frame's reason: at most 123 bytes.
func closeReason(rerr *requestError) string {
	s := "Forbidden: " + rerr.Error()
	if len(s) > 123 {
		s = strings.ToValidUTF8(s[:120], "") + "..."
	}
	return s
}
