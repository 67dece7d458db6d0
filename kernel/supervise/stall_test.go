package supervise

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A reader waiting at sequence 5 while the stream's last is 7 is stalled
// after two checks; one that moves, is busy with a message, or is at the
// stream's end is not, and the leader is not asked about a reader that
// moved or is busy.
func TestWatchStallNamesOnlyAReaderWaitingBehindTheStream(t *testing.T) {
	const every = 5 * time.Millisecond
	watch := func(r *Reader, head uint64, during func()) (asked int64, err error) {
		var n atomic.Int64
		ctx, cancel := context.WithTimeout(context.Background(), 40*every)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			done <- WatchStall(ctx, every, r, func(context.Context) (uint64, error) { n.Add(1); return head, nil })
		}()
		if during != nil {
			during()
		}
		err = <-done
		return n.Load(), err
	}

	waiting := NewReader(5)
	waiting.Waiting()
	if _, err := watch(waiting, 7, nil); !errors.Is(err, ErrStalled) {
		t.Errorf("a reader waiting at 5 while the stream holds 7: %v, want ErrStalled", err)
	}

	atEnd := NewReader(7)
	atEnd.Waiting()
	if asked, err := watch(atEnd, 7, nil); err != nil || asked == 0 {
		t.Errorf("a reader waiting at the stream's end: %v (leader asked %d times), want no stall after asking", err, asked)
	}

	busy := NewReader(5)
	busy.Got(5) // applying what it was given
	if asked, err := watch(busy, 9, nil); err != nil || asked != 0 {
		t.Errorf("a reader busy with a message: %v, leader asked %d times; want neither", err, asked)
	}

	moving := NewReader(1)
	moving.Waiting()
	_, err := watch(moving, 1000, func() {
		// Until after the watch ends.
		for seq, end := uint64(2), time.Now().Add(50*every); time.Now().Before(end); seq++ {
			time.Sleep(every / 2)
			moving.Got(seq)
			moving.Waiting()
		}
	})
	if err != nil {
		t.Errorf("a reader given a message every half period: %v", err)
	}

	// A leader that cannot be asked is no evidence.
	cut := NewReader(5)
	cut.Waiting()
	ctx, cancel := context.WithTimeout(context.Background(), 20*every)
	defer cancel()
	if err := WatchStall(ctx, every, cut, func(context.Context) (uint64, error) { return 0, errors.New("nats: timeout") }); err != nil {
		t.Errorf("the leader unreachable: %v, want no stall", err)
	}
}
