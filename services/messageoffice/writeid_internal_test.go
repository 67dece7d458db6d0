package messageoffice

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/eventstest"
)

// An office started again at the same end of the log may write a subject
// differently from the last office (another keyring, a fixed bug): the
// stream must then hold the new value, not drop it as a duplicate of the
// last write at that position. The same value again is still dropped.
func TestAWriteOfANewValueAtTheSamePositionIsNotDroppedAsADuplicate(t *testing.T) {
	env := eventstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "WRITEID", Subjects: []string{"wid.>"}, Duplicates: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	office := func() *writer { // a fresh office's writer: it has written nothing yet
		return &writer{js: js, cfg: Config{WriteTimeout: 5 * time.Second}, written: map[string]map[string]stored{"WRITEID": {}},
			streamSeq: map[string]uint64{}, rep: &reports{lastWritten: map[string]uint64{}}}
	}
	write := func(data []byte) {
		t.Helper()
		w := office()
		if err := w.send(ctx, "WRITEID", "wid.secret.s1", 42, data); err != nil {
			t.Fatal(err)
		}
		if err := w.flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	write([]byte(`{"version":1}`))
	write([]byte(`{"version":2}`)) // the next start, the log at the same position
	m, err := stream.GetLastMsgForSubject(ctx, "wid.secret.s1")
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Data) != `{"version":2}` {
		t.Errorf("the stream holds %s after a restarted office wrote version 2 at the same position", m.Data)
	}
	write([]byte(`{"version":2}`)) // the same change replayed
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 2 {
		t.Errorf("the stream holds %d messages; want 2 (the replayed write dropped as a duplicate)", info.State.Msgs)
	}
}
