package eventstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"weft.dev/events"
	"weft.dev/events/stream"
	"weft.dev/kernel/wait"
)

// RewriteStream is what a privileged client (one that may delete and create the
// stream: an operator with weft's own NATS user, or the system account)
// can do to a stream that refuses deletes: copy it out, delete it, and
// publish back what edit returns. (Once per server: a stream made again
// soon after its deletion may pick up the old one's files.)
func RewriteStream(t testing.TB, env *Env, edit func([]*nats.Msg) []*nats.Msg) {
	t.Helper()
	ctx := context.Background()
	var msgs []*nats.Msg
	for seq := uint64(1); ; seq++ {
		body, _ := json.Marshal(map[string]uint64{"seq": seq})
		m, err := env.Conn.RequestWithContext(ctx, "$JS.API.DIRECT.GET."+events.StreamName, body)
		if err != nil {
			t.Fatal(err)
		}
		if m.Header.Get("Status") != "" {
			break
		}
		out := nats.NewMsg(m.Header.Get("Nats-Subject"))
		for k, v := range m.Header {
			if k == events.HeaderMsgID || !strings.HasPrefix(k, "Nats-") {
				out.Header[k] = v
			}
		}
		out.Data = m.Data
		msgs = append(msgs, out)
	}
	if resp, err := env.Conn.Request("$JS.API.STREAM.DELETE."+events.StreamName, nil, 5e9); err != nil || !bytes.Contains(resp.Data, []byte(`"success":true`)) {
		t.Fatalf("delete the stream: %v %s", err, resp.Data)
	}
	// The stream is deleted a moment after the answer says so.
	wait.For(t, 5*time.Second, func() error {
		resp, err := env.Conn.Request("$JS.API.STREAM.INFO."+events.StreamName, nil, 5e9)
		if err != nil || !bytes.Contains(resp.Data, []byte(`"err_code":10059`)) {
			return fmt.Errorf("the stream is still there: %v", err)
		}
		return nil
	})
	// Its files may still be going too: creating it again can fail for a
	// moment with "error creating store for stream" (seen in CI).
	wait.For(t, 10*time.Second, func() error { return stream.Ensure(env.Conn, stream.Config(1)) })
	edited := edit(msgs)
	for _, m := range edited {
		resp, err := env.Conn.RequestMsg(m, 5e9)
		if err != nil || bytes.Contains(resp.Data, []byte(`"error"`)) || bytes.Contains(resp.Data, []byte(`"duplicate"`)) {
			t.Fatalf("republish %s: %v %s", m.Subject, err, resp.Data)
		}
	}
}
