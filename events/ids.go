package events

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// idSource makes event ids: UUIDv7 (RFC 9562), time-ordered within one
// store. Random bits come from crypto/rand a block at a time, since a read
// per id was a tenth of building an event.
type idSource struct {
	mu     sync.Mutex
	pool   [idPool]byte
	used   int // bytes of pool handed out
	lastMS int64
	lastA  uint16 // the 12-bit sub-millisecond field last handed out
}

// idPool holds the random bytes of 32 ids: 9 each.
const idPool = 32 * 9

func newIDSource() *idSource { return &idSource{used: idPool} }

// next returns a new id for an event made at now. The 12 bits after the
// millisecond timestamp hold the fraction of that millisecond and grow
// within one store, so ids of one store sort in the order they were made
// (RFC 9562 §6.2, method 3).
func (g *idSource) next(now time.Time) (string, error) {
	ms := now.UnixMilli()
	a := uint16(now.Nanosecond() % 1e6 * 4096 / 1e6)
	var r [9]byte
	g.mu.Lock()
	if ms < g.lastMS || ms == g.lastMS && a <= g.lastA {
		ms, a = g.lastMS, g.lastA+1
		if a >= 4096 { // 4,096 ids in one millisecond: borrow the next
			ms, a = ms+1, 0
		}
	}
	g.lastMS, g.lastA = ms, a
	if g.used == idPool {
		if _, err := rand.Read(g.pool[:]); err != nil {
			g.mu.Unlock()
			return "", fmt.Errorf("event id: %w", err)
		}
		g.used = 0
	}
	copy(r[:], g.pool[g.used:])
	g.used += len(r)
	g.mu.Unlock()

	var u [16]byte
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(a>>8)
	u[7] = byte(a)
	u[8] = 0x80 | r[0]&0x3f
	copy(u[9:], r[1:])
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(s[:]), nil
}

// NewID returns a new resource id: a UUIDv7 (time-ordered), which is also a
// valid subject token.
func NewID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return u.String(), nil
}
