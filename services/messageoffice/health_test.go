package messageoffice_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"weft.dev/events"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/wait"
	"weft.dev/services/infra"
	icmd "weft.dev/services/infra/command"
	"weft.dev/services/messageoffice"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// In weft-server as wired by fx, /healthz lists every supervised component
// and how far behind it is; an event a component cannot decode stops that
// component only, /healthz and /metrics name it with the event's sequence,
// and /readyz refuses only when a read model (which answers requests)
// stopped, not for the message office.
func TestHealthzNamesEachComponentAPoisonedEventStopped(t *testing.T) {
	var (
		h     *platform.HTTP
		o     *messageoffice.Office
		store *events.Store
		b     *platform.Broker
		inf   *icmd.Handlers
	)
	app := fxtest.New(t,
		fx.Supply(platform.Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler)),
		platform.Module,
		platform.EventTypes(uniq.Register),
		infra.Module,
		messageoffice.Module,
		fx.Populate(&h, &o, &store, &b, &inf),
	)
	app.RequireStart()
	defer app.RequireStop()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := "http://" + h.Addr()

	ada := auth.Principal{UserID: "ada", Team: "acme", Role: auth.Owner}
	c, err := inf.CreateCluster(ctx, ada, icmd.CreateClusterInput{Team: "acme", Name: "east"})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.WaitFor(ctx, c.Seq); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, base+"/healthz")
	if code != http.StatusOK || !strings.HasPrefix(body, "ok\n") || !strings.Contains(body, "messageoffice: running") || !strings.Contains(body, "projection/") {
		t.Fatalf("/healthz = %d %q, want ok listing the office and the read models", code, body)
	}

	js, err := jetstream.New(b.Conn)
	if err != nil {
		t.Fatal(err)
	}
	poison := func(subject, typ string) uint64 {
		t.Helper()
		m := nats.NewMsg(subject)
		m.Header.Set(events.HeaderEventType, typ)
		m.Data = []byte(`{"id":"x","type":"` + typ + `","version":1,"team":"acme","data":`)
		ack, err := js.PublishMsg(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return ack.Sequence
	}
	healthz := func(want ...string) string {
		t.Helper()
		var body string
		wait.For(t, 20*time.Second, func() error {
			var code int
			code, body = get(t, base+"/healthz")
			first, _, _ := strings.Cut(body, "\n")
			if code != http.StatusServiceUnavailable || first != "failed: "+strings.Join(want, ", ") {
				return fmt.Errorf("/healthz = %d %q, want 503 naming only %v", code, body, want)
			}
			return nil
		})
		return body
	}

	// An event only the office reads (there is no console read model
	// here) stops the office alone: the API stays ready.
	envSeq := poison("ev.acme.env.e1", "console.env.created")
	healthz(fmt.Sprintf("messageoffice at event %d", envSeq))
	if code, body := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q with only the message office failed", code, body)
	}

	// One the infra read model reads too stops it: the API is not ready.
	seq := poison("ev.acme.cluster."+c.Object.ID, "infra.cluster.created")
	body = healthz(fmt.Sprintf("messageoffice at event %d", envSeq), fmt.Sprintf("projection/infra at event %d", seq))
	if code, body := get(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz = %d %q with a read model failed", code, body)
	}
	_, metrics := get(t, base+"/metrics")
	for _, want := range []string{
		fmt.Sprintf(`weft_component_failed_event_sequence{component="messageoffice"} %d`, envSeq),
		fmt.Sprintf(`weft_component_failed_event_sequence{component="projection/infra"} %d`, seq),
		`weft_component_state{component="messageoffice",state="failed"} 1`,
		`weft_component_state{component="projection/infra",state="failed"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	t.Logf("/healthz:\n%s", body)
}
