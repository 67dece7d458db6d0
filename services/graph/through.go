package graph

import (
	"context"

	"weft.dev/events"
)

// Through is the sequence a subscription reads at after its Store.Watch delivered seq:
// the stream's last sequence now, which covers every event appended
// atomically with seq (a command's batch is stored as a whole, but
// another aggregate's part of it may come after seq), so a view never
// shows half a command. It is seq itself should the stream not answer.
func Through(ctx context.Context, store *events.Store, seq uint64) uint64 {
	last, err := store.LastSeq(ctx)
	if err != nil {
		return seq
	}
	return max(seq, last)
}
