package bench

import (
	"fmt"
	"strings"
	"testing"
)

func TestGoBenchmarkLinesBecomeFiguresWithTheirSameRunBaseline(t *testing.T) {
	cases := []struct{ line, want string }{
		{"BenchmarkAppendSync-2   20000   0 ns/op   0.85 ratio  43348 raw/s  37009 weft/s", "AppendSync 37009 weft/s 43348 0.85"},
		{"BenchmarkProjections-2 1 0 ns/op 0.92 infra-ratio 199640 infra-events/s 217787 raw-events/s", "Projections/infra 199640 infra-events/s 217787 0.92"},
		{"BenchmarkProjections-2 1 0 ns/op 0.79 all-ratio 67421 all-events/s 85038 raw3-events/s 217787 raw-events/s", "Projections/all 67421 all-events/s 85038 0.79"},
		{"BenchmarkGatewayOverhead-2 3000 1 ns/op 80 direct-p50-µs 700 gateway-cross-p50-µs 250 gateway-p50-µs 3.1 gateway/direct", "GatewayOverhead 250 gateway-p50-µs 80 3.1"},
		{"BenchmarkApplyPeers/peers=1000-2 2 0 ns/op 0.3 one-change-ms 1 ratio 214.3 raw-full-ms 214.8 weft-full-ms", "ApplyPeers/peers=1000 214.8 weft-full-ms 214.3 1"},
	}
	for _, c := range cases {
		figs := ParseGoBench(c.line, "cmd")
		if len(figs) == 0 || figs[0].Line() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.line, figs, c.want)
		}
	}
	extra := ParseGoBench(cases[3].line, "cmd")
	if len(extra) != 2 || extra[1].Line() != "GatewayOverhead/gateway-cross-p50-µs 700 gateway-cross-p50-µs - -" {
		t.Errorf("a metric without a baseline is its own figure: %v", extra)
	}
	if g, met := Goal(ParseGoBench(cases[0].line, "")[0]); g != "ratio ≥ 0.9" || met {
		t.Errorf("AppendSync 0.85 against ≥ 0.9: %q met=%v", g, met)
	}
}

func TestSpliceReplacesOnlyTheGeneratedSection(t *testing.T) {
	doc := "# Benchmarks\n\nintro\n\n## Notes\n\nprofile findings\n"
	first := Splice(doc, Begin+"\nA\n"+End)
	second := Splice(first, Begin+"\nB\n"+End)
	if !strings.Contains(second, "profile findings") || !strings.Contains(second, "intro") ||
		strings.Contains(second, "\nA\n") || strings.Count(second, Begin) != 1 || !strings.Contains(second, "\nB\n") {
		t.Errorf("splice lost prose or kept the old table:\n%s", second)
	}
}

func TestGatewayGoalsApplyToTheirOwnFiguresOnly(t *testing.T) {
	for line, want := range map[string]string{
		"BenchmarkGatewayServices/cross-query-2 1000 1 ns/op 745 direct-p50-µs 712 gateway-p50-µs 0.9557 gateway/direct": "ratio ≤ 1.3 (p50) true",
		"BenchmarkGatewayServicesThroughput-2 1000 1 ns/op 970 direct-q/s 900 gateway-q/s 0.93 gateway/direct":           "≥ 3,000 q/s false",
		"BenchmarkGatewayThroughput/in-process-2 2000 1 ns/op 19172 direct-q/s 10029 gateway-q/s 0.52 gateway/direct":    " false",
		"BenchmarkGatewayOverhead/in-process-2 2000 1 ns/op 84 direct-p50-µs 161 gateway-p50-µs 1.9 gateway/direct":      "ratio ≤ 1.3 (p50) false",
	} {
		figs := ParseGoBench(line, "cmd")
		if len(figs) == 0 {
			t.Fatalf("%q: no figure", line)
		}
		g, met := Goal(figs[0])
		if got := fmt.Sprint(g, " ", met); got != want {
			t.Errorf("%s: goal %q, want %q", figs[0].Line(), got, want)
		}
	}
}

func TestPeerGatewayGoalsReadThroughputAndP99Ratios(t *testing.T) {
	for line, want := range map[string]string{
		"GatewayPeers/cross/qps-vs-apollo 4000 q/s 1000 4":       "ratio ≥ 3 true",
		"GatewayPeers/cross/qps-vs-hive 4000 q/s 3000 1.33":      "ratio ≥ 1.5 false",
		"GatewayPeers/list100/p99-vs-hive 12 ms 10 1.2":          "ratio ≤ 1 false",
		"GatewayPeers/fanout/p99-vs-hive 8 ms 10 0.8":            "ratio ≤ 1 true",
		"GatewayPeers/cross/cpu-vs-apollo 300 µs/query 900 0.33": " false",
	} {
		f, ok := ParseLine(line, "cmd")
		if !ok {
			t.Fatalf("%q does not parse", line)
		}
		g, met := Goal(f)
		if got := fmt.Sprint(g, " ", met); got != want {
			t.Errorf("%s: goal %q, want %q", line, got, want)
		}
	}
}
