package gateway_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"weft.dev/gateway"
	"weft.dev/kernel/wait"
)

// prepared reads the gateway's counter of prepared-operation lookups.
func (h *harness) prepared(result string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "weft_gateway_prepared_operations_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// A query sent again runs a copy of the operation prepared the first time:
// concurrent repeats all get the first answer, and only the first request
// normalised and validated it. Variables are part of what was prepared, so
// the same text with other variables is prepared and answered on its own.
func TestRepeatedQueriesRunThePreparedOperationAndGetTheSameAnswers(t *testing.T) {
	h := start(t, inProcess)
	first := h.query(alice, crossQuery, nil)
	if first.status != 200 || len(first.Errors) > 0 {
		t.Fatalf("first: status %d, errors %+v", first.status, first.Errors)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				r := h.query(alice, crossQuery, nil)
				if r.status != 200 || len(r.Errors) > 0 || !jsonEqual(t, r.Data, first.Data) {
					errs <- fmt.Errorf("repeat: status %d, errors %+v, data %s", r.status, r.Errors, r.Data)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if miss, hit := h.prepared("miss"), h.prepared("hit"); miss != 1 || hit != 40 {
		t.Errorf("prepared lookups: %v misses, %v hits; want 1 and 40", miss, hit)
	}

	byVar := `query($s: String!) { team(slug: $s) { displayName } }`
	for range 2 {
		var acme, other struct{ Team *struct{ DisplayName string } }
		h.query(alice, byVar, map[string]any{"s": "acme"}).decode(t, &acme)
		r := h.query(alice, byVar, map[string]any{"s": "globex"})
		if acme.Team == nil || acme.Team.DisplayName != "Acme Corp" {
			t.Fatalf("acme by variable: %+v", acme.Team)
		}
		if r.status == 200 && len(r.Errors) == 0 {
			r.decode(t, &other)
			if other.Team != nil {
				t.Fatalf("globex by the same text answered %+v, the prepared acme answer leaked", other.Team)
			}
		}
	}
}

// Operations are prepared against one composition: after a subgraph drops
// a field, a query that used it and was prepared before is refused, not
// run from the old preparation.
func TestPreparedQueryIsPreparedAgainAfterRecomposition(t *testing.T) {
	h := start(t, func(c *gateway.Config, sg *subgraphs) { inProcess(c, sg) })
	region := `{ cluster(id: "c1") { region } }`
	h.sg.deployInfraRegion(t)
	if err := h.gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := h.query(alice, region, nil); r.status != 200 || len(r.Errors) > 0 {
			t.Fatalf("region after the deploy: %+v", r.Errors)
		}
	}
	if h.prepared("hit") < 1 {
		t.Fatalf("the repeated query was not served prepared")
	}
	h.sg.undeployInfraRegion(t)
	if err := h.gw.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	wait.ForEvery(t, 5*time.Second, 50*time.Millisecond, func() error {
		if r := h.query(alice, region, nil); r.code() != "BAD_USER_INPUT" {
			return fmt.Errorf("region after it was dropped: status %d, data %s, errors %+v", r.status, r.Data, r.Errors)
		}
		return nil
	})
}
