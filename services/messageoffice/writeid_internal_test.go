package messageoffice

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events/eventstest"
)

// freshWriter is a fresh office's writer of stream: it has written
// nothing yet.
func freshWriter(js jetstream.JetStream, stream string) *writer {
	w := &writer{js: js, cfg: Config{WriteTimeout: 5 * time.Second}, rep: &reports{lastWritten: map[string]uint64{}}}
	w.reset()
	w.written[stream] = map[string]stored{}
	return w
}

// testJetStream is a JetStream on a fresh server, and a context that
// bounds the test.
func testJetStream(t *testing.T) (context.Context, jetstream.JetStream) {
	t.Helper()
	env := eventstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	js, err := jetstream.New(env.Conn)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, js
}

// An office started again at the same end of the log may write a subject
// differently from the last office (another keyring, a fixed bug): the
// stream must then hold the new value, not drop it as a duplicate of the
// last write at that position. The same value again is still dropped.
func TestAWriteOfANewValueAtTheSamePositionIsNotDroppedAsADuplicate(t *testing.T) {
	ctx, js := testJetStream(t)
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "WRITEID", Subjects: []string{"wid.>"}, Duplicates: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	write := func(data []byte) {
		t.Helper()
		w := freshWriter(js, "WRITEID")
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

// Two offices may write at once for a moment: one cut off from NATS keeps
// its lease until it fails to renew it, while another replica has taken
// it over and written further. The first one's resync, at its older
// position in the log, must neither tombstone nor take back what the other
// wrote for later events.
func TestAnOfficeBehindTheLogDoesNotUndoWritesForLaterEvents(t *testing.T) {
	ctx, js := testJetStream(t)
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "FENCE", Subjects: []string{"fence.>"}, Duplicates: 2 * time.Minute, MaxMsgsPerSubject: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The office further along writes a device created at event 10 and
	// another's new value at event 12.
	ahead := freshWriter(js, "FENCE")
	for _, w := range []struct {
		subject string
		seq     uint64
		data    string
	}{{"fence.peer.d1", 10, `{"name":"d1"}`}, {"fence.peer.d2", 12, `{"name":"d2","key":"new"}`}, {"fence.peer.d3", 5, `{"name":"d3"}`}, {"fence.peer.d3", 11, ""}} {
		var data []byte // "": deleted
		if w.data != "" {
			data = []byte(w.data)
		}
		if err := ahead.send(ctx, "FENCE", w.subject, w.seq, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := ahead.flush(ctx); err != nil {
		t.Fatal(err)
	}
	// The office behind, at event 8, reads the stream back and writes its
	// desired state: it knows d2 with its old value, d3 not yet deleted,
	// and no d1.
	behind := freshWriter(js, "FENCE")
	if err := behind.readBack(ctx, "FENCE"); err != nil {
		t.Fatal(err)
	}
	es := []entry{{kind: "peer", id: "d2", data: []byte(`{"name":"d2","key":"old"}`)}, {kind: "peer", id: "d3", data: []byte(`{"name":"d3"}`)}}
	if err := behind.writeAll(ctx, "FENCE", 8, es, func(e entry) string { return "fence." + e.kind + "." + e.id }); err != nil {
		t.Fatal(err)
	}
	if err := behind.flush(ctx); err != nil {
		t.Fatal(err)
	}
	for subject, want := range map[string]string{"fence.peer.d1": `{"name":"d1"}`, "fence.peer.d2": `{"name":"d2","key":"new"}`, "fence.peer.d3": ""} {
		m, err := stream.GetLastMsgForSubject(ctx, subject)
		if err != nil {
			t.Fatalf("%s: %v", subject, err)
		}
		if string(m.Data) != want || (m.Header.Get("Weft-Deleted") == "true") != (want == "") {
			t.Errorf("%s holds %q (deleted %q) after the office behind wrote; want %s", subject, m.Data, m.Header.Get("Weft-Deleted"), want)
		}
	}
}

// Reading a stream back (every resync reads each of its team's) leaves no
// consumer on the server: an ordered consumer left there counts against
// the server's limit of consumers for minutes.
func TestReadingAStreamBackLeavesNoConsumer(t *testing.T) {
	ctx, js := testJetStream(t)
	stream, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "READBACK", Subjects: []string{"rb.>"}, MaxMsgsPerSubject: 1})
	if err != nil {
		t.Fatal(err)
	}
	w := freshWriter(js, "READBACK")
	for i := range 3 {
		if err := w.send(ctx, "READBACK", fmt.Sprint("rb.peer.d", i), uint64(i+1), []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.flush(ctx); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := w.readBack(ctx, "READBACK"); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.written["READBACK"]) != 3 {
		t.Fatalf("read back %d subjects, want 3", len(w.written["READBACK"]))
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Consumers != 0 {
		t.Fatalf("%d consumers left on the stream after three reads back", info.State.Consumers)
	}
}
