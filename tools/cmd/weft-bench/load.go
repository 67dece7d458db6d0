package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// load runs clients against a real weft-server at once, each a user of
// its own (with its own API token) in one of teams teams, for duration:
// each loops over a mix of what the CLI does most - creating, updating and
// deleting apps, listing them, and reading the audit trail (team events,
// an app's history, an app as of a past sequence). It reports the error
// rate, p50 and p99 per operation and weft-server's RSS before and after.
//
// pace, when not 0, is how often each client starts an operation at most,
// as a person or a script between commands would: the clients then offer
// clients ÷ pace operations a second, and the latencies are those at that
// load, not at the machine's saturation (pace 0: each client asks again as
// soon as it has its answer, so latency is 50 ÷ throughput by Little's
// law). Paced clients start at random moments within the first pace, so
// that their operations are spread over it rather than all due at once.
func load(bin string, clients, teams int, duration, pace time.Duration, prof profiles) error {
	dir, err := os.MkdirTemp("", "weft-bench-load")
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

	cs, err := setupLoad(s, clients, teams)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	// Each paced client starts at its own moment within the first pace:
	// started together, the clients stayed in step (each next operation
	// is due a pace after the last began), and every 200 ms all of them
	// asked at once, which people and scripts do not.
	start := time.Now()
	for _, c := range cs {
		c.pace = pace
		if pace > 0 {
			c.next = start.Add(rand.N(pace))
		}
	}
	before, err := settledRSS(pid)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "load: %d clients in %d teams for %s (weft-server profiles at http://%s/debug/pprof/)\n", clients, teams, duration, s.pprof)
	prof.serverAddr = s.pprof
	stopProfiles, err := prof.start()
	if err != nil {
		return err
	}
	cpu0, err := cpuTime(pid)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	stop := time.Now().Add(duration)
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				c.round()
			}
		}()
	}
	wg.Wait()
	cpu1, err := cpuTime(pid)
	if err != nil {
		return err
	}
	if err := stopProfiles(); err != nil {
		return err
	}
	peak, err := rssKiB(pid)
	if err != nil {
		return err
	}
	after, err := settledRSS(pid)
	if err != nil {
		return err
	}

	// Every client's latencies and errors, per operation.
	lat := map[string][]time.Duration{}
	errs := map[string]int{}
	msgs := map[string]int{}
	total, failed := 0, 0
	for _, c := range cs {
		for op, d := range c.lat {
			lat[op] = append(lat[op], d...)
			total += len(d)
		}
		for op, n := range c.errs {
			errs[op] += n
			failed += n
		}
		for m, n := range c.msgs {
			msgs[m] += n
		}
	}
	for m, n := range msgs {
		fmt.Fprintf(os.Stderr, "load: %d x %s\n", n, m)
	}
	tag := fmt.Sprintf("c%d_t%d", clients, teams)
	if pace > 0 {
		tag += "_pace" + pace.String()
	}
	ops := make([]string, 0, len(lat))
	for op := range lat {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		d := lat[op]
		slices.Sort(d)
		kind := "read"
		if mutations[op] {
			kind = "mut"
		}
		fmt.Printf("load_p50_%s_%s_%s %.2f ms - -\n", kind, op, tag, ms(pct(d, 50)))
		fmt.Printf("load_p99_%s_%s_%s %.2f ms - -\n", kind, op, tag, ms(pct(d, 99)))
		fmt.Printf("load_count_%s_%s_%s %d ops - -\n", kind, op, tag, len(d)+errs[op])
	}
	fmt.Printf("load_error_rate_%s %.3f %% - -\n", tag, 100*float64(failed)/float64(max(1, total+failed)))
	fmt.Printf("load_throughput_%s %.0f ops/s - -\n", tag, float64(total+failed)/duration.Seconds())
	// The server's CPU per operation does not depend on how busy the
	// machine is, as latency does: the figure to compare across runs on
	// a shared machine.
	fmt.Printf("load_server_cpu_%s %.2f cores - -\n", tag, (cpu1-cpu0).Seconds()/duration.Seconds())
	fmt.Printf("load_server_cpu_per_op_%s %.2f ms - -\n", tag, ms(cpu1-cpu0)/float64(max(1, total+failed)))
	fmt.Printf("load_server_rss_before_%s %.1f MiB - -\n", tag, float64(before)/1024)
	fmt.Printf("load_server_rss_end_%s %.1f MiB - -\n", tag, float64(peak)/1024)
	fmt.Printf("load_server_rss_after_%s %.1f MiB - -\n", tag, float64(after)/1024)
	return nil
}

// mutations are the operations that write; the rest read.
var mutations = map[string]bool{"createApp": true, "updateApp": true, "deleteApp": true}

// loadClient is one user working in one team.
type loadClient struct {
	url, token, team, name string
	http                   *http.Client
	n                      int // apps created so far
	pace                   time.Duration
	next                   time.Time // when the next operation may start (pace)
	apps                   []loadApp

	lat  map[string][]time.Duration
	errs map[string]int
	msgs map[string]int // error messages, counted
}

type loadApp struct {
	id  string
	seq int // the sequence of its creation
}

// setupLoad creates teams (each with a cluster and an environment) and a
// user per client, member of team i % teams, with a token of its own, so
// each client is its own principal as real users are.
func setupLoad(s *weftServer, clients, teams int) ([]*loadClient, error) {
	team := func(i int) string { return fmt.Sprintf("load%02d", i) }
	err := parallel(teams, func(i int) error {
		t := team(i)
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
	if err != nil {
		return nil, err
	}
	cs := make([]*loadClient, clients)
	transport := &http.Transport{MaxIdleConnsPerHost: clients}
	err = parallel(clients, func(i int) error {
		name := fmt.Sprintf("user%03d", i)
		var u struct {
			CreateUser struct{ User struct{ ID string } }
		}
		if err := s.gql("", `mutation($n: String!) { createUser(input: {username: $n, displayName: $n}) { user { id } } }`, map[string]any{"n": name}, &u); err != nil {
			return fmt.Errorf("user %s: %w", name, err)
		}
		var tk struct {
			CreateToken struct{ Secret string }
		}
		if err := s.gql("", `mutation($u: ID!) { createToken(input: {userId: $u, name: "load"}) { secret } }`, map[string]any{"u": u.CreateUser.User.ID}, &tk); err != nil {
			return fmt.Errorf("token of %s: %w", name, err)
		}
		t := team(i % teams)
		if err := s.gql(t, `mutation($u: ID!) { addMember(input: {userId: $u, role: MEMBER}) { seq } }`, map[string]any{"u": u.CreateUser.User.ID}, nil); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		cs[i] = &loadClient{url: s.url, token: tk.CreateToken.Secret, team: t, name: name, http: &http.Client{Transport: transport, Timeout: time.Minute},
			lat: map[string][]time.Duration{}, errs: map[string]int{}, msgs: map[string]int{}}
		return nil
	})
	return cs, err
}

// round is one pass of a client's mix: four writes and six reads.
func (c *loadClient) round() {
	c.createApp()
	c.do("apps", `{ apps(first: 20) { edges { node { id name serviceIp } } } }`, nil, nil)
	c.do("events", `{ events(first: 20) { edges { node { seq type aggregateId actor } } } }`, nil, nil)
	if a, ok := c.someApp(); ok {
		c.do("history", `query($id: ID!) { app(id: $id) { history(first: 20) { edges { node { seq type } } } } }`, map[string]any{"id": a.id}, nil)
		c.do("updateApp", `mutation($id: ID!) { updateApp(input: {id: $id, spec: {ports: [{port: 81}], backends: ["10.0.0.2:8080"]}}) { seq } }`, map[string]any{"id": a.id}, nil)
		c.do("asOf", `query($id: String!, $seq: Int!) { resourceAsOf(aggregateType: "app", aggregateId: $id, seq: $seq) { seq resource } }`,
			map[string]any{"id": a.id, "seq": a.seq}, nil)
	}
	c.do("events", `{ events(first: 50, filter: {aggregateType: "app"}) { edges { node { seq type } } } }`, nil, nil)
	c.do("apps", `{ apps(first: 100) { edges { node { id name } } } }`, nil, nil)
	if len(c.apps) >= 3 {
		a := c.apps[0]
		c.apps = c.apps[1:]
		c.do("deleteApp", `mutation($id: ID!) { deleteApp(id: $id) { seq } }`, map[string]any{"id": a.id}, nil)
	}
}

func (c *loadClient) createApp() {
	c.n++
	var out struct {
		CreateApp struct {
			App struct{ ID string }
			Seq int
		}
	}
	if c.do("createApp", `mutation($n: String!) { createApp(input: {env: "prod", name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:8080"]}}) { app { id } seq } }`,
		map[string]any{"n": fmt.Sprintf("%s-%d", c.name, c.n)}, &out) {
		c.apps = append(c.apps, loadApp{id: out.CreateApp.App.ID, seq: out.CreateApp.Seq})
	}
}

func (c *loadClient) someApp() (loadApp, bool) {
	if len(c.apps) == 0 {
		return loadApp{}, false
	}
	return c.apps[c.n%len(c.apps)], true
}

// do sends one operation, timing it; an answer that is not 200 with data
// and no errors counts as an error of op.
func (c *loadClient) do(op, query string, vars map[string]any, out any) bool {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Weft-Team", c.team)
	if c.pace > 0 {
		if wait := time.Until(c.next); wait > 0 {
			time.Sleep(wait)
		}
		c.next = time.Now().Add(c.pace)
	}
	start := time.Now()
	err := func() error {
		resp, err := c.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var r struct {
			Data   json.RawMessage            `json:"data"`
			Errors []struct{ Message string } `json:"errors"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			return fmt.Errorf("status %d: %w", resp.StatusCode, err)
		}
		if len(r.Errors) > 0 {
			return fmt.Errorf("status %d: %s", resp.StatusCode, r.Errors[0].Message)
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		if out != nil {
			return json.Unmarshal(r.Data, out)
		}
		return nil
	}()
	d := time.Since(start)
	if err != nil {
		c.errs[op]++
		c.msgs[op+": "+shorten(err.Error())]++
		return false
	}
	c.lat[op] = append(c.lat[op], d)
	return true
}

// shorten bounds an error message kept for the report.
func shorten(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// cpuTime is the CPU time pid has used, user and system, from
// /proc/<pid>/stat (in the kernel's USER_HZ ticks, 100 a second on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	var ticks int64
	for _, s := range f[11:13] { // utime and stime, fields 14 and 15
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
