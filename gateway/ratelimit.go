package gateway

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per principal: each holds up to burst
// tokens and refills at rate per second; an operation takes one. Buckets
// that have refilled completely are forgotten once there are many, so
// memory follows the principals active in the last few seconds, not every
// principal ever seen.
type rateLimiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// sweepAbove is how many buckets are kept before full ones are dropped.
const sweepAbove = 4096

// newRateLimiter returns nil (no limit) when rate is negative.
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if rate < 0 {
		return nil
	}
	return &rateLimiter{rate: rate, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

// take spends one token of key's bucket. When the bucket is empty it
// returns false and how long until a token is back.
func (l *rateLimiter) take(key string) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= sweepAbove && now.Sub(l.swept) > time.Second {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.refill(now, l.rate, l.burst)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

func (b *bucket) refill(now time.Time, rate, burst float64) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(burst, b.tokens+d.Seconds()*rate)
		b.at = now
	}
}

// sweep forgets the buckets that are full again: a new bucket starts full,
// so forgetting them changes nothing.
func (l *rateLimiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		b.refill(now, l.rate, l.burst)
		if b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}
