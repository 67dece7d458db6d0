package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssKiB is a process's resident set, from /proc.
func rssKiB(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// parallel runs n jobs on 8 workers and returns the first error.
func parallel(n int, job func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := job(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// settledRSS waits until a process's RSS stays within 2% for three
// seconds (the Go runtime returns freed memory gradually) and returns it.
func settledRSS(pid int) (int64, error) {
	var last int64
	steady := 0
	for range 60 {
		time.Sleep(time.Second)
		r, err := rssKiB(pid)
		if err != nil {
			return 0, err
		}
		if d := r - last; last != 0 && d <= last/50 && -d <= last/50 {
			steady++
			if steady == 3 {
				return r, nil
			}
		} else {
			steady = 0
		}
		last = r
	}
	return last, nil
}

// serverMemory loads teams×(devices, apps) into a weft-server at two sizes
// and reports its RSS and the growth per resource between them.
func serverMemory(bin string, teams, devicesPer, appsPer int) error {
	dir, err := os.MkdirTemp("", "weft-bench-mem")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer s.stop()
	base, err := settledRSS(s.cmd.Process.Pid)
	if err != nil {
		return err
	}
	load := func(from, to int) error {
		return parallel(to-from, func(i int) error {
			t := fmt.Sprintf("t%04d", from+i)
			if err := s.gql("", `mutation($s: String!) { createTeam(input: {slug: $s, displayName: $s}) { seq } }`, map[string]any{"s": t}, nil); err != nil {
				return fmt.Errorf("team %s: %w", t, err)
			}
			var cl struct {
				CreateCluster struct{ Cluster struct{ ID string } }
			}
			if err := s.gql(t, `mutation { createCluster(input: {name: "c"}) { cluster { id } } }`, nil, &cl); err != nil {
				return err
			}
			if err := s.gql(t, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": cl.CreateCluster.Cluster.ID}, nil); err != nil {
				return err
			}
			for d := range devicesPer {
				if err := s.gql(t, `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { seq } }`,
					map[string]any{"n": fmt.Sprintf("d%d", d), "k": newKey()}, nil); err != nil {
					return err
				}
			}
			for a := range appsPer {
				if err := s.gql(t, `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:80"]}}) { seq } }`,
					map[string]any{"n": fmt.Sprintf("a%d", a)}, nil); err != nil {
					return err
				}
			}
			return nil
		})
	}
	half := teams / 2
	if err := load(0, half); err != nil {
		return err
	}
	mid, err := settledRSS(s.cmd.Process.Pid)
	if err != nil {
		return err
	}
	if err := load(half, teams); err != nil {
		return err
	}
	full, err := settledRSS(s.cmd.Process.Pid)
	if err != nil {
		return err
	}
	perTeam := float64(full-mid) / float64(teams-half)
	perResource := perTeam / float64(devicesPer+appsPer+2)
	label := fmt.Sprintf("t%d_d%d_a%d", teams, teams*devicesPer, teams*appsPer)
	fmt.Printf("server_rss_empty %.1f MiB - -\n", float64(base)/1024)
	fmt.Printf("server_rss_%s %.1f MiB - -\n", label, float64(full)/1024)
	fmt.Printf("server_rss_per_resource %.2f KiB - -\n", perResource)
	return nil
}

// agentMemory runs a real weft-agent (rootless netstack, proxy, DNS) for
// one cluster of a team with peers devices, routes apps homed there and
// records names in all, at two sizes, and reports its RSS.
func agentMemory(bin string, peers, routes, records int) error {
	dir, err := os.MkdirTemp("", "weft-bench-agent")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	agentBin := filepath.Join(dir, "weft-agent")
	if out, err := exec.Command("go", "build", "-o", agentBin, "weft.dev/agent/cmd/weft-agent").CombinedOutput(); err != nil {
		return fmt.Errorf("build weft-agent: %v\n%s", err, out)
	}
	s, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := s.gql("", `mutation { createTeam(input: {slug: "mem", displayName: "Mem"}) { seq } }`, nil, nil); err != nil {
		return err
	}
	// A cluster's service range holds 4,094 addresses: the names beyond
	// this cluster's own apps live in enough other clusters.
	others := records - peers - routes
	names := []string{"here"}
	for i := range (others + 3999) / 4000 {
		names = append(names, fmt.Sprintf("elsewhere%d", i))
	}
	ids := make([]string, len(names))
	var secret string
	for i, name := range names {
		var cl struct {
			CreateCluster struct {
				Cluster         struct{ ID string }
				EnrolmentSecret string
			}
		}
		if err := s.gql("mem", `mutation($n: String!) { createCluster(input: {name: $n}) { cluster { id } enrolmentSecret } }`, map[string]any{"n": name}, &cl); err != nil {
			return err
		}
		ids[i] = cl.CreateCluster.Cluster.ID
		if i == 0 {
			secret = cl.CreateCluster.EnrolmentSecret
		}
		if err := s.gql("mem", `mutation($n: String!, $c: ID!) { createEnvironment(input: {name: $n, clusterId: $c}) { seq } }`, map[string]any{"n": name, "c": ids[i]}, nil); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	agent := exec.CommandContext(ctx, agentBin, "--server", s.url, "--cluster", ids[0], "--enrolment-secret", secret,
		"--state-dir", filepath.Join(dir, "agent"), "--netstack", "--proxy", "--dns", freeAddr(), "--listen-port", "0", "--endpoint", "127.0.0.1:1")
	if err := agent.Start(); err != nil {
		return err
	}
	defer func() { cancel(); _ = agent.Wait() }()
	base, err := settledRSS(agent.Process.Pid)
	if err != nil {
		return err
	}
	load := func(frac int) error {
		// frac halves: 1 loads the first half of everything, 2 the rest.
		lo := func(n int) int { return n * (frac - 1) / 2 }
		hi := func(n int) int { return n * frac / 2 }
		if err := parallel(hi(peers)-lo(peers), func(i int) error {
			return s.gql("mem", `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { seq } }`,
				map[string]any{"n": fmt.Sprintf("d%d", lo(peers)+i), "k": newKey()}, nil)
		}); err != nil {
			return err
		}
		app := func(env string, n int) error {
			return s.gql("mem", `mutation($e: String!, $n: String!) { createApp(input: {env: $e, name: $n, spec: {ports: [{port: 80}], backends: ["127.0.0.1:9"]}}) { seq } }`,
				map[string]any{"e": env, "n": fmt.Sprintf("a%d", n)}, nil)
		}
		if err := parallel(hi(routes)-lo(routes), func(i int) error { return app("here", lo(routes)+i) }); err != nil {
			return err
		}
		return parallel(hi(others)-lo(others), func(i int) error {
			n := lo(others) + i
			return app(names[1+n%(len(names)-1)], routes+n)
		})
	}
	if err := load(1); err != nil {
		return err
	}
	mid, err := settledRSS(agent.Process.Pid)
	if err != nil {
		return err
	}
	if err := load(2); err != nil {
		return err
	}
	full, err := settledRSS(agent.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("agent_rss_empty %.1f MiB - -\n", float64(base)/1024)
	fmt.Printf("agent_rss_p%d_r%d_n%d %.1f MiB - -\n", peers, routes, records, float64(full)/1024)
	fmt.Printf("agent_rss_per_half %.1f MiB - -\n", float64(full-mid)/1024)
	return nil
}

func freeAddr() string {
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:5399"
	}
	defer l.Close()
	return l.LocalAddr().String()
}
