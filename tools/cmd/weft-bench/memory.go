package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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

// slope measures how a process's RSS grows with one kind of resource: it
// loads the first half, waits for the RSS to settle, loads the rest, and
// returns the settled RSS and the growth per resource between the two
// halves (the first half absorbs one-time growth: caches, maps, the heap's
// first steps).
func slope(pid, n int, load func(from, to int) error) (full int64, perKiB float64, err error) {
	if err := load(0, n/2); err != nil {
		return 0, 0, err
	}
	mid, err := settledRSS(pid)
	if err != nil {
		return 0, 0, err
	}
	if err := load(n/2, n); err != nil {
		return 0, 0, err
	}
	if full, err = settledRSS(pid); err != nil {
		return 0, 0, err
	}
	return full, float64(full-mid) / float64(n-n/2), nil
}

// serverMemory loads teams×(devices, apps) into a weft-server, one kind of
// resource after another, and reports its RSS and the growth per team, per
// device and per app.
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
	pid := s.cmd.Process.Pid
	base, err := settledRSS(pid)
	if err != nil {
		return err
	}
	team := func(i int) string { return fmt.Sprintf("t%04d", i) }
	// A team comes with a cluster and an environment, as every team that
	// runs apps has.
	_, perTeam, err := slope(pid, teams, func(from, to int) error {
		return parallel(to-from, func(i int) error {
			t := team(from + i)
			if err := s.gql("", `mutation($s: String!) { createTeam(input: {slug: $s, displayName: $s}) { seq } }`, map[string]any{"s": t}, nil); err != nil {
				return fmt.Errorf("team %s: %w", t, err)
			}
			var cl struct {
				CreateCluster struct{ Cluster struct{ ID string } }
			}
			if err := s.gql(t, `mutation { createCluster(input: {name: "c"}) { cluster { id } } }`, nil, &cl); err != nil {
				return err
			}
			return s.gql(t, `mutation($c: ID!) { createEnvironment(input: {name: "prod", clusterId: $c}) { seq } }`, map[string]any{"c": cl.CreateCluster.Cluster.ID}, nil)
		})
	})
	if err != nil {
		return err
	}
	// Devices and apps are spread over every team: resource i goes to team
	// i % teams.
	_, perDevice, err := slope(pid, teams*devicesPer, func(from, to int) error {
		return parallel(to-from, func(i int) error {
			n := from + i
			return s.gql(team(n%teams), `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { seq } }`,
				map[string]any{"n": fmt.Sprintf("d%d", n/teams), "k": newKey()}, nil)
		})
	})
	if err != nil {
		return err
	}
	full, perApp, err := slope(pid, teams*appsPer, func(from, to int) error {
		return parallel(to-from, func(i int) error {
			n := from + i
			return s.gql(team(n%teams), `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:80"]}}) { seq } }`,
				map[string]any{"n": fmt.Sprintf("a%d", n/teams)}, nil)
		})
	})
	if err != nil {
		return err
	}
	label := fmt.Sprintf("t%d_d%d_a%d", teams, teams*devicesPer, teams*appsPer)
	fmt.Printf("server_rss_empty %.1f MiB - -\n", float64(base)/1024)
	fmt.Printf("server_rss_%s %.1f MiB - -\n", label, float64(full)/1024)
	fmt.Printf("server_rss_per_team %.2f KiB - -\n", perTeam)
	fmt.Printf("server_rss_per_device %.2f KiB - -\n", perDevice)
	fmt.Printf("server_rss_per_app %.2f KiB - -\n", perApp)
	return nil
}

// agentMemory runs a real weft-agent (rootless netstack, proxy, DNS) for
// one cluster of a team, loads peers devices, routes apps homed in its
// cluster and the rest of records as apps elsewhere, one kind after
// another, and reports its RSS and the growth per peer (a device is a peer
// and a name), per route (a listener and a name) and per name.
func agentMemory(bin string, peers, routes, records int, heapProfile, memLimit string) error {
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
	pprofAddr := freeTCPAddr()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := []string{"--server", s.url, "--cluster", ids[0], "--enrolment-secret", secret,
		"--state-dir", filepath.Join(dir, "agent"), "--netstack", "--proxy", "--dns", freeAddr(), "--listen-port", "0", "--endpoint", "127.0.0.1:1",
		"--pprof", pprofAddr}
	if memLimit != "" {
		args = append(args, "--memory-limit", memLimit)
	}
	agent := exec.CommandContext(ctx, agentBin, args...)
	if err := agent.Start(); err != nil {
		return err
	}
	defer func() { cancel(); _ = agent.Wait() }()
	base, err := settledRSS(agent.Process.Pid)
	if err != nil {
		return err
	}
	pid := agent.Process.Pid
	_, perPeer, err := slope(pid, peers, func(from, to int) error {
		return parallel(to-from, func(i int) error {
			return s.gql("mem", `mutation($n: String!, $k: String!) { createDevice(input: {name: $n, publicKey: $k}) { seq } }`,
				map[string]any{"n": fmt.Sprintf("d%d", from+i), "k": newKey()}, nil)
		})
	})
	if err != nil {
		return err
	}
	app := func(env string, n int) error {
		return s.gql("mem", `mutation($e: String!, $n: String!) { createApp(input: {env: $e, name: $n, spec: {ports: [{port: 80}], backends: ["192.0.2.9:9"]}}) { seq } }`,
			map[string]any{"e": env, "n": fmt.Sprintf("a%d", n)}, nil)
	}
	// An app homed in the agent's cluster is a route (a listener on the
	// userspace stack) and a name; an app elsewhere is a name only.
	_, perRoute, err := slope(pid, routes, func(from, to int) error {
		return parallel(to-from, func(i int) error { return app("here", from+i) })
	})
	if err != nil {
		return err
	}
	full, perName, err := slope(pid, others, func(from, to int) error {
		return parallel(to-from, func(i int) error {
			n := from + i
			return app(names[1+n%(len(names)-1)], routes+n)
		})
	})
	if err != nil {
		return err
	}
	if heapProfile != "" {
		if err := fetchTo("http://"+pprofAddr+"/debug/pprof/heap?gc=1", heapProfile); err != nil {
			return fmt.Errorf("agent heap profile: %w", err)
		}
		_ = fetchTo("http://"+pprofAddr+"/debug/pprof/goroutine", heapProfile+".goroutine")
		// The runtime's own figures (heap, stacks, the collector's goal and
		// CPU share) and the kernel's split of the RSS into anonymous
		// memory and the binary's pages.
		_ = fetchTo("http://"+pprofAddr+"/debug/pprof/heap?debug=1", heapProfile+".txt")
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
			_ = os.WriteFile(heapProfile+".status", b, 0o644)
		}
	}
	// Not figures of the suite's table: what the RSS is made of, and the
	// CPU the agent used over the whole load (the collector's share of
	// it is in the profile's FILE.txt, GCCPUFraction).
	if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, l := range strings.Split(string(st), "\n") {
			if strings.HasPrefix(l, "RssAnon:") || strings.HasPrefix(l, "RssFile:") {
				fmt.Fprintln(os.Stderr, "agent at full load:", strings.Join(strings.Fields(l), " "))
			}
		}
	}
	if cpu, err := cpuSeconds(pid); err == nil {
		fmt.Fprintf(os.Stderr, "agent CPU over the whole load: %.1f s\n", cpu)
	}
	fmt.Printf("agent_rss_empty %.1f MiB - -\n", float64(base)/1024)
	fmt.Printf("agent_rss_p%d_r%d_n%d %.1f MiB - -\n", peers, routes, records, float64(full)/1024)
	fmt.Printf("agent_rss_per_peer %.2f KiB - -\n", perPeer)
	fmt.Printf("agent_rss_per_route %.2f KiB - -\n", perRoute)
	fmt.Printf("agent_rss_per_name %.2f KiB - -\n", perName)
	return nil
}

// cpuSeconds is the user and system CPU a process has used, from /proc.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command's name, which is in parentheses and
	// may hold spaces: utime and stime are the 12th and 13th of them.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return (ut + st) / 100, nil // clock ticks, 100 a second on Linux
}

func freeAddr() string {
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:5399"
	}
	defer l.Close()
	return l.LocalAddr().String()
}

func freeTCPAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:6399"
	}
	defer l.Close()
	return l.Addr().String()
}

// fetchTo writes what url answers to file.
func fetchTo(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
