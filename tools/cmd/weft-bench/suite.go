package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"weft.dev/tools/bench"
)

// step is one command of the suite; self means weft-bench's own subcommand
// (its lines are already parseable), else go test -bench output.
type step struct {
	env  []string
	args []string
	self bool
	tag  string // appended to figure names: the size when the name lacks it
}

func (s step) tagged(t string) step { s.tag = t; return s }

func (s step) command() string {
	c := strings.Join(s.args, " ")
	if s.self {
		c = "go run weft.dev/tools/cmd/weft-bench " + c
	}
	if len(s.env) > 0 {
		c = strings.Join(s.env, " ") + " " + c
	}
	return c
}

func goBench(pattern, benchtime, pkg string, env ...string) step {
	return step{env: env, args: []string{"go", "test", "-timeout", "60m", "-run", "^$", "-bench", pattern, "-benchtime", benchtime, pkg}}
}

// suiteSteps: quick mode fits in about five minutes on two cores; full mode
// takes the sizes issue 8 names (1M events, 10k peers, 500 clusters).
func suiteSteps(full bool) []step {
	if !full {
		return []step{
			goBench("Append(Sync|Pipelined)$", "10000x", "weft.dev/events"),
			// The atomic batches' benchmarks do b.N rounds of 50 writers'
			// batches each, staged and synced: "Append" matched them at
			// 10,000x too, half an hour of the quick suite.
			goBench("AppendAtomic", "2x", "weft.dev/events"),
			goBench("Replay", "2x", "weft.dev/events"),
			goBench("Projections", "1x", "weft.dev/services/cmd/weft-server", "WEFT_BENCH_EVENTS=100000").tagged("@100k-events"),
			// Throughput gets its own, longer run: 300 queries are a tenth of
			// a second, and a garbage collection more or less moved the
			// figure by a fifth.
			goBench("GatewayOverhead", "1000x", "weft.dev/gateway"),
			goBench("GatewayThroughput", "5000x", "weft.dev/gateway"),
			goBench("GatewayServices$", "300x", "weft.dev/services/cmd/weft-server"),
			goBench("GatewayServicesThroughput", "3000x", "weft.dev/services/cmd/weft-server"),
			goBench("PluginVersusHosts", "1x", "weft.dev/agent/dns"),
			goBench("ApplyPeers", "1x", "weft.dev/agent/wireguard").tagged("@1k-peers"),
			{self: true, args: []string{"fanout", "--clusters", "50", "--devices", "1000", "--changes", "200", "--appliers", "record"}},
			{self: true, args: []string{"memory", "--teams", "20", "--agent-peers", "200", "--agent-routes", "200", "--agent-records", "2000"}},
			// Paced: 50 clients each starting an operation at most every
			// 200 ms (250 a second), so the latencies are those at that
			// load; a closed loop measures the machine's saturation
			// (BENCHMARKS.md, Load).
			{self: true, args: []string{"load", "--clients", "50", "--teams", "5", "--duration", "15s", "--pace", "200ms"}},
			{self: true, args: []string{"datapath", "--duration", "3s"}},
			{self: true, args: []string{"gateways", "--duration", "5s", "--subscribers", "1000"}},
		}
	}
	return []step{
		goBench("Append(Sync|Pipelined)$", "20000x", "weft.dev/events"),
		goBench("AppendAtomic", "5x", "weft.dev/events"),
		goBench("Replay", "5x", "weft.dev/events"),
		goBench("Projections", "1x", "weft.dev/services/cmd/weft-server", "WEFT_BENCH_EVENTS=1000000").tagged("@1M-events"),
		goBench("GatewayOverhead", "3000x", "weft.dev/gateway"),
		goBench("GatewayThroughput", "10000x", "weft.dev/gateway"),
		goBench("GatewayServices$", "2000x", "weft.dev/services/cmd/weft-server"),
		goBench("GatewayServicesThroughput", "10000x", "weft.dev/services/cmd/weft-server"),
		goBench("PluginVersusHosts", "3x", "weft.dev/agent/dns"),
		goBench("ApplyPeers", "2x", "weft.dev/agent/wireguard").tagged("@1k-peers"),
		goBench("ApplyPeers", "1x", "weft.dev/agent/wireguard", "WEFT_BENCH_PEERS=10000").tagged("@10k-peers"),
		{self: true, args: []string{"fanout", "--clusters", "50", "--devices", "1000", "--changes", "200", "--appliers", "netstack"}},
		{self: true, args: []string{"fanout", "--clusters", "500", "--devices", "10000", "--changes", "200", "--appliers", "record"}},
		{self: true, args: []string{"memory"}},
		{self: true, args: []string{"load", "--clients", "50", "--teams", "5", "--duration", "60s", "--pace", "200ms"}},
		{self: true, args: []string{"datapath", "--duration", "10s", "--rounds", "3"}},
		{self: true, args: []string{"gateways", "--duration", "20s", "--subscribers", "1000"}},
	}
}

// suite runs every step, prints each figure as a parseable line and writes
// the table into BENCHMARKS.md between its markers. A failing step is
// reported and the rest still run; the exit status says one failed.
func suite(argv []string) error {
	fs := flag.NewFlagSet("suite", flag.ExitOnError)
	full := fs.Bool("full", false, "the large sizes (1M events, 10k peers, 500 clusters / 10k devices); about 13 minutes on 2 cores")
	out := fs.String("out", "BENCHMARKS.md", "file whose generated section is rewritten")
	_ = fs.Parse(argv)
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("own executable: %w", err)
	}
	mode := "quick"
	if *full {
		mode = "full"
	}
	machine := bench.Machine()
	fmt.Fprintf(os.Stderr, "weft-bench suite (%s) on %s\n", mode, machine)
	var figs []bench.Figure
	var failed []string
	for _, s := range suiteSteps(*full) {
		fmt.Fprintln(os.Stderr, "==>", s.command())
		var cmd *exec.Cmd
		if s.self {
			cmd = exec.Command(self, s.args...)
		} else {
			cmd = exec.Command(s.args[0], s.args[1:]...)
		}
		cmd.Env = append(os.Environ(), s.env...)
		cmd.Stderr = os.Stderr
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			failed = append(failed, s.command())
			continue
		}
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			var got []bench.Figure
			if s.self {
				if f, ok := bench.ParseLine(sc.Text(), s.command()); ok {
					got = append(got, f)
				}
			} else {
				got = bench.ParseGoBench(sc.Text(), s.command())
			}
			if len(got) == 0 {
				fmt.Fprintln(os.Stderr, sc.Text())
			}
			for i := range got {
				got[i].Name += s.tag
				fmt.Println(got[i].Line())
			}
			figs = append(figs, got...)
		}
		_, _ = io.Copy(io.Discard, pipe)
		if err := cmd.Wait(); err != nil {
			failed = append(failed, s.command())
			fmt.Fprintf(os.Stderr, "weft-bench suite: %s: %v\n", s.command(), err)
		}
	}
	doc, err := os.ReadFile(*out)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", *out, err)
	}
	section := bench.Table(figs, mode, machine, time.Now())
	if len(failed) > 0 {
		section = strings.Replace(section, bench.End, "\nFailed steps: `"+strings.Join(failed, "`, `")+"`\n\n"+bench.End, 1)
	}
	if err := os.WriteFile(*out, []byte(bench.Splice(string(doc), section)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d step(s) failed: %s", len(failed), strings.Join(failed, "; "))
	}
	return nil
}
