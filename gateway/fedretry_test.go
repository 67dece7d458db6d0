package gateway_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"weft.dev/gateway"
	"weft.dev/kernel/auth"
	"weft.dev/kernel/wait"
)

// While the subgraphs' SDL does not compose, the gateway retries with a
// growing, jittered delay instead of every 200 ms, does not compose the
// same SDL again, says why in /readyz and the log, and composes soon
// after the SDL is fixed.
func TestFailingCompositionBacksOffAndIsReportedInReadyzAndTheLog(t *testing.T) {
	shop := serveFixture(t, shopFixture())
	broken := fedV2 + "type Query { products: [Nope!]! }"
	var sdl atomic.Pointer[string]
	sdl.Store(&broken)
	var mu sync.Mutex
	var fetched []time.Time
	fetches := func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(fetched)
	}
	signer, err := auth.RandomSigner()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	gw, err := gateway.New(gateway.Config{
		Subgraphs: []gateway.Subgraph{{Name: "shop", URL: shop.url(), SDL: func(context.Context) (string, error) {
			mu.Lock()
			fetched = append(fetched, time.Now())
			mu.Unlock()
			return *sdl.Load(), nil
		}}},
		Authenticator: testTokens,
		Signer:        signer,
		Registry:      reg,
		Logger:        slog.New(slog.NewTextHandler(logs, nil)),
		PollInterval:  -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw.Handler())
	t.Cleanup(func() { srv.Close(); _ = gw.Close() })

	wait.For(t, 30*time.Second, func() error {
		if n := len(fetches()); n < 5 {
			return fmt.Errorf("%d attempts so far", n)
		}
		return nil
	})
	// The delay before attempt n+1 is 200 ms << (n-1), jittered into its
	// upper half: the gaps grow at least as fast as 100 ms, 200 ms, 400 ms,
	// ... (a loaded machine only makes them longer; every 200 ms would
	// not).
	at := fetches()
	for i := 1; i < len(at); i++ {
		if gap, least := at[i].Sub(at[i-1]), (100*time.Millisecond)<<(i-1); gap < least {
			t.Errorf("attempt %d came %s after the one before, want at least %s", i+1, gap, least)
		}
	}
	h := &harness{t: t, srv: srv, reg: reg}
	if n := h.metric("weft_gateway_compositions_total", "outcome", "error"); n != 1 {
		t.Errorf("the same broken SDL was composed %v times, want once", n)
	}
	if n := h.gauge("weft_gateway_composition_failing"); n != 1 {
		t.Errorf("weft_gateway_composition_failing = %v, want 1", n)
	}
	code, body := get(t, srv.URL+"/readyz")
	if code != 503 || !strings.Contains(body, "attempts failed") || !strings.Contains(body, "Nope") || !strings.Contains(body, "next in") {
		t.Errorf("/readyz = %d %q, want 503 saying how often, why and when next", code, body)
	}
	if l := logs.String(); !strings.Contains(l, `msg="gateway not composed yet"`) || !strings.Contains(l, "attempt=2") || !strings.Contains(l, "retry_in=") {
		t.Errorf("log lacks the failed attempts with their retry delay:\n%s", l)
	}

	good := shopSDL
	sdl.Store(&good)
	wait.For(t, 30*time.Second, func() error {
		if code, body := get(t, srv.URL+"/readyz"); code != 200 || body != "ready\n" {
			return fmt.Errorf("/readyz = %d %q", code, body)
		}
		return nil
	})
	h.query(alice, `{ products { name } }`, nil).wantData(t, `{"products":[{"name":"Lamp"}]}`)
	if !strings.Contains(logs.String(), `msg="gateway composition recovered"`) {
		t.Errorf("log does not say the composition recovered:\n%s", logs.String())
	}
	if n := h.gauge("weft_gateway_composition_failing"); n != 0 {
		t.Errorf("weft_gateway_composition_failing = %v after recovering, want 0", n)
	}
}

// metric reads a counter or gauge of the gateway's registry: the series
// with label=value.
func (h *harness) metric(name, label, value string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
