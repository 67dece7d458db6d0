package dns_test

import (
	"fmt"
	"runtime"
	"testing"

	"weft.dev/agent/dns"
	"weft.dev/events/clusterstate"
)

// An agent holds every name of its team: at 10,000 names the table was
// 7.5 MB of the agent's heap (the record as it came, its name computed
// four times, a map per address). One entry per record, shared by every
// index, holds the same answers in less than half (1,126 bytes a name
// before, 451 after, on Go 1.26).
func TestATableHoldsANameInUnder600Bytes(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const n = 10000
	before := heap()
	tab := dns.NewTable()
	for i := range n {
		// Fresh strings, as decoding each record off the stream makes them.
		r := clusterstate.Record{ID: fmt.Sprintf("01a2507d-66e0-7cfd-9ed8-%012d", i), Name: fmt.Sprintf("a%d.elsewhere%d.mem.weft.internal", i, i%3),
			IPs: []string{fmt.Sprintf("100.80.%d.%d", i/250, 1+i%250)}, Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}}}
		if err := tab.UpsertRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	per := float64(heap()-before) / n
	runtime.KeepAlive(tab)
	t.Logf("%.0f bytes a name", per)
	if per > 600 {
		t.Fatalf("the table holds %.0f bytes a name; want under 600", per)
	}
	if addrs, _, ok := tab.Lookup("A9999.elsewhere0.mem.weft.internal"); !ok || addrs[0].String() != "100.80.39.250" {
		t.Fatalf("lookup after filling: %v %v", addrs, ok)
	}
}
