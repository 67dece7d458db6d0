package bench

import "strings"

// goal is what issue 8 asks of a figure: met reports whether f meets it.
type goal struct {
	prefix string
	suffix string // when set, the figure's name must end with it too
	text   string
	met    func(f Figure) bool
}

var goals = []goal{
	{"AppendSync", "", "ratio ≥ 0.9", func(f Figure) bool { return f.Ratio >= 0.9 }},
	{"AppendPipelined", "", "ratio ≥ 0.8", func(f Figure) bool { return f.Ratio >= 0.8 }},
	{"Replay", "", "ratio ≥ 0.5", func(f Figure) bool { return f.Ratio >= 0.5 }},
	{"Projections/", "", "ratio ≥ 0.5", func(f Figure) bool { return f.Ratio >= 0.5 }},
	{"GatewayOverhead", "", "ratio ≤ 1.3 (p50)", func(f Figure) bool { return f.Ratio != 0 && f.Ratio <= 1.3 }},
	{"GatewayThroughput/", "/queries/s", "≥ 3,000 q/s", func(f Figure) bool { return f.Value >= 3000 }},
	{"GatewayServices/", "", "ratio ≤ 1.3 (p50)", func(f Figure) bool { return f.Ratio != 0 && f.Ratio <= 1.3 }},
	{"GatewayServicesThroughput", "", "≥ 3,000 q/s", func(f Figure) bool { return f.Value >= 3000 }},
	{"ApplyPeers", "", "ratio ≤ 1.2", func(f Figure) bool { return f.Ratio != 0 && f.Ratio <= 1.2 }},
	{"PluginVersusHosts", "", "ratio ≥ 0.95", func(f Figure) bool { return f.Ratio >= 0.95 }},
	{"fanout_p99_c50_", "", "p99 < 250 ms", func(f Figure) bool { return f.Value < 250 }},
	{"fanout_p99_c500_", "", "p99 < 1 s", func(f Figure) bool { return f.Value < 1000 }},
	{"cold_start_c500_", "", "< 30 s", func(f Figure) bool { return f.Value < 30 }},
	{"load_p99_mut_", "", "p99 < 100 ms", func(f Figure) bool { return f.Value < 100 }},
	{"load_p99_read_", "", "p99 < 50 ms", func(f Figure) bool { return f.Value < 50 }},
	{"load_error_rate_", "", "0 %", func(f Figure) bool { return f.Value == 0 }},
	{"datapath_tcp_", "_weft", "ratio ≥ 0.8 (raw tunnel)", func(f Figure) bool { return f.Ratio >= 0.8 }},
	{"datapath_new_conns_weft", "", "ratio ≥ 0.7 (raw tunnel)", func(f Figure) bool { return f.Ratio >= 0.7 }},
	{"datapath_p99_added_weft", "", "≤ 1,000 µs", func(f Figure) bool { return f.Value <= 1000 }},
	{"datapath_idle_conns_weft", "", "≥ 10,000", func(f Figure) bool { return f.Value >= 10000 }},
	// Issue 24: weft's gateway beside Apollo Gateway and Hive Gateway.
	{"GatewayPeers/", "/qps-vs-apollo", "ratio ≥ 3", func(f Figure) bool { return f.Ratio >= 3 }},
	{"GatewayPeers/", "/qps-vs-hive", "ratio ≥ 1.5", func(f Figure) bool { return f.Ratio >= 1.5 }},
	{"GatewayPeers/", "/p99-vs-apollo", "ratio ≤ 1", func(f Figure) bool { return f.Ratio != 0 && f.Ratio <= 1 }},
	{"GatewayPeers/", "/p99-vs-hive", "ratio ≤ 1", func(f Figure) bool { return f.Ratio != 0 && f.Ratio <= 1 }},
}

// Goal returns the goal for f ("" when it has none) and whether it is met.
func Goal(f Figure) (string, bool) {
	if strings.Contains(f.Name, "one-change-ms") {
		return "≤ 2 ms", f.Value <= 2
	}
	for _, g := range goals {
		if strings.HasPrefix(f.Name, g.prefix) && strings.HasSuffix(f.Name, g.suffix) && (f.Ratio != 0 || !strings.Contains(g.text, "ratio")) {
			return g.text, g.met(f)
		}
	}
	return "", false
}
