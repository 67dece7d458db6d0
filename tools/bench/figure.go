// Package bench turns the output of weft's Go benchmarks and of weft-bench
// into figures (weft's number, the raw baseline of the same run, the ratio
// and the goal), prints them as parseable lines and writes them into
// BENCHMARKS.md between markers, keeping the hand-written prose around them.
package bench

import (
	"fmt"
	"strconv"
	"strings"
)

// Figure is one measured number beside its baseline. Baseline and Ratio are
// zero when the figure has none (an absolute goal such as queries/s).
type Figure struct {
	Name     string
	Value    float64
	Unit     string
	Baseline float64
	Ratio    float64
	Command  string
}

// Line is the parseable form: name value unit baseline ratio ("-" for none).
func (f Figure) Line() string {
	b, r := "-", "-"
	if f.Baseline != 0 {
		b = num(f.Baseline)
	}
	if f.Ratio != 0 {
		r = num(f.Ratio)
	}
	return fmt.Sprintf("%s %s %s %s %s", f.Name, num(f.Value), f.Unit, b, r)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

type metric struct {
	value float64
	unit  string
}

// ParseGoBench reads one line of `go test -bench` output. Weft's benchmarks
// report their own number, the raw baseline's and the ratio as custom
// metrics; a ratio named "ratio" pairs weft-/model- with raw-/hosts-
// metrics, "X-ratio" pairs X- with raw- (raw3- for "all"), and "a/b" pairs
// a- with b-. Metrics left over become figures without a baseline.
func ParseGoBench(line, command string) []Figure {
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
		return nil
	}
	name := strings.TrimPrefix(fields[0], "Benchmark")
	if i := strings.LastIndex(name, "-"); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	var ms []metric
	for i := 2; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil
		}
		if u := fields[i+1]; u != "ns/op" && u != "B/op" && u != "allocs/op" {
			ms = append(ms, metric{v, u})
		}
	}
	used := map[string]bool{}
	find := func(prefixes ...string) (metric, bool) {
		for _, p := range prefixes {
			for _, m := range ms {
				if !used[m.unit] && strings.HasPrefix(m.unit, p) && !isRatio(m.unit) {
					return m, true
				}
			}
		}
		return metric{}, false
	}
	var out []Figure
	for _, r := range ms {
		if !isRatio(r.unit) {
			continue
		}
		var v, b metric
		var okV, okB bool
		switch {
		case r.unit == "ratio":
			v, okV = find("weft", "model")
			b, okB = find("raw", "hosts")
		case strings.HasSuffix(r.unit, "-ratio"):
			p := strings.TrimSuffix(r.unit, "-ratio")
			v, okV = find(p + "-")
			if p == "all" {
				b, okB = find("raw3-")
			} else {
				b, okB = find("raw-")
			}
		default:
			a, c, _ := strings.Cut(r.unit, "/")
			b, okB = find(c + "-")
			v, okV = find(a + strings.TrimPrefix(b.unit, c)) // same measure as the baseline
		}
		if !okV || !okB {
			continue
		}
		used[v.unit], used[r.unit] = true, true
		n := name
		if strings.HasSuffix(r.unit, "-ratio") {
			n += "/" + strings.TrimSuffix(r.unit, "-ratio")
		}
		out = append(out, Figure{Name: n, Value: v.value, Unit: v.unit, Baseline: b.value, Ratio: r.value, Command: command})
	}
	for _, m := range ms {
		if used[m.unit] || isRatio(m.unit) || isBaseline(m.unit) {
			continue
		}
		out = append(out, Figure{Name: name + "/" + m.unit, Value: m.value, Unit: m.unit, Command: command})
	}
	return out
}

func isRatio(u string) bool {
	return u == "ratio" || strings.HasSuffix(u, "-ratio") || (strings.Contains(u, "/") && !strings.HasSuffix(u, "/s"))
}

func isBaseline(u string) bool {
	return strings.HasPrefix(u, "raw") || strings.HasPrefix(u, "hosts") || strings.HasPrefix(u, "direct")
}

// ParseLine reads a line weft-bench printed: name value unit baseline ratio.
func ParseLine(line, command string) (Figure, bool) {
	f := strings.Fields(line)
	if len(f) != 5 {
		return Figure{}, false
	}
	v, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return Figure{}, false
	}
	fig := Figure{Name: f[0], Value: v, Unit: f[2], Command: command}
	fig.Baseline, _ = strconv.ParseFloat(f[3], 64)
	fig.Ratio, _ = strconv.ParseFloat(f[4], 64)
	return fig, true
}
