package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// portalBench loads a team with apps (spread over clusters of at most 4,000,
// as a cluster's service range holds 4,094) and runs the portal's browser
// figures (gateway/portal/test/bench.mjs) against it, in headless Chromium.
//
// With compare (another weft-server, built from the tree to compare with,
// whose portal it embeds), the team is loaded once and the browser figures
// run rounds times against compare's portal, then this one's, one after
// the other, each on weft-server restarted on the same data: interleaved
// before/after pairs on a noisy machine without loading the team again for
// each (10,000 apps take minutes to load). Those runs leave out the live
// changes (their apps would be the next run's too).
func portalBench(bin string, apps, changes, runs int, compare string, rounds int) error {
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	portal := filepath.Join(root, "gateway", "portal")
	if _, err := os.Stat(filepath.Join(portal, "node_modules", "playwright-core")); err != nil {
		return errors.New("the portal's npm packages are missing: run go tool task portal")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		return fmt.Errorf("no Chromium at %s: run go tool task chromium", chromium)
	}
	dir, err := os.MkdirTemp("", "weft-bench-portal")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cli := filepath.Join(dir, "weft")
	if out, err := exec.Command("go", "build", "-o", cli, "weft.dev/tools/cmd/weft").CombinedOutput(); err != nil {
		return fmt.Errorf("build weft: %v\n%s", err, out)
	}
	s, err := startServer(bin, dir)
	if err != nil {
		return err
	}
	defer s.stop()
	const team = "bench"
	if err := s.gql("", `mutation { createTeam(input: {slug: "bench", displayName: "Bench"}) { seq } }`, nil, nil); err != nil {
		return fmt.Errorf("team: %w", err)
	}
	envs := max(1, (apps+3999)/4000)
	for i := range envs + 1 {
		var cl struct {
			CreateCluster struct{ Cluster struct{ ID string } }
		}
		if i < envs {
			if err := s.gql(team, `mutation($n: String!) { createCluster(input: {name: $n}) { cluster { id } } }`, map[string]any{"n": fmt.Sprintf("c%d", i)}, &cl); err != nil {
				return fmt.Errorf("cluster: %w", err)
			}
		} else {
			// The live environment, for apps created during the run, in a
			// cluster of its own.
			if err := s.gql(team, `mutation { createCluster(input: {name: "live"}) { cluster { id } } }`, nil, &cl); err != nil {
				return fmt.Errorf("cluster: %w", err)
			}
		}
		name := fmt.Sprintf("e%d", i)
		if i == envs {
			name = "live"
		}
		if err := s.gql(team, `mutation($n: String!, $c: ID!) { createEnvironment(input: {name: $n, clusterId: $c}) { seq } }`, map[string]any{"n": name, "c": cl.CreateCluster.Cluster.ID}, nil); err != nil {
			return fmt.Errorf("environment: %w", err)
		}
	}
	start := time.Now()
	err = parallel(apps, func(i int) error {
		for {
			err := s.gql(team, `mutation($e: String!, $n: String!) { createApp(input: {env: $e, name: $n, spec: {ports: [{port: 80}], backends: ["10.0.0.1:80"]}}) { seq } }`,
				map[string]any{"e": fmt.Sprintf("e%d", i%envs), "n": fmt.Sprintf("a%05d", i)}, nil)
			if err != nil && strings.Contains(err.Error(), "too many requests") {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			return err
		}
	})
	if err != nil {
		return fmt.Errorf("apps: %w", err)
	}
	fmt.Fprintf(os.Stderr, "loaded %d apps in %s\n", apps, time.Since(start).Round(time.Millisecond))
	config := filepath.Join(dir, "cli", "config.yaml")
	login := exec.Command(cli, "login", "--token", s.token, "--server", s.url)
	login.Env = append(os.Environ(), "WEFT_CONFIG="+config)
	if out, err := login.CombinedOutput(); err != nil {
		return fmt.Errorf("weft login: %v\n%s", err, out)
	}
	use := exec.Command(cli, "team", "use", team)
	use.Env = login.Env
	if out, err := use.CombinedOutput(); err != nil {
		return fmt.Errorf("weft team use: %v\n%s", err, out)
	}
	browser := func(s *weftServer, changes int) error {
		cmd := exec.Command("node", filepath.Join(portal, "test", "bench.mjs"))
		cmd.Env = append(os.Environ(), "WEFT_URL="+s.url, "WEFT_TOKEN="+s.token, "WEFT_TEAM="+team, "WEFT_CLI="+cli, "WEFT_CONFIG="+config,
			"CHROMIUM="+chromium, fmt.Sprintf("CHANGES=%d", changes), fmt.Sprintf("RUNS=%d", runs))
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("bench.mjs: %w", err)
		}
		return nil
	}
	if compare == "" {
		return browser(s, changes)
	}
	if bin == "" {
		bin = filepath.Join(dir, "weft-server") // startServer built it there
	}
	token := s.token
	s.stop()
	for r := range rounds {
		for _, side := range []struct{ name, bin string }{{"before", compare}, {"after", bin}} {
			fmt.Printf("== round %d %s (%s) at %s, %s\n", r+1, side.name, side.bin, time.Now().UTC().Format("15:04:05"), "load average "+loadAvg())
			s, err := startServer(side.bin, dir)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", r+1, side.name, err)
			}
			// A restart prints no token: the first start's stays valid.
			s.token = token
			err = s.waitForApps(team, apps)
			if err == nil {
				err = browser(s, 0)
			}
			s.stop()
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", r+1, side.name, err)
			}
		}
	}
	fmt.Printf("== end at %s, %s\n", time.Now().UTC().Format("15:04:05"), "load average "+loadAvg())
	return nil
}

// waitForApps waits until a restarted server's read model lists the team's
// apps again (it replays the log as it starts), so no run times its
// catching up.
func (s *weftServer) waitForApps(team string, apps int) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var r struct{ Apps struct{ TotalCount int } }
		err := s.gql(team, `{ apps(first: 1) { totalCount } }`, nil, &r)
		if err == nil && r.Apps.TotalCount >= apps {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the restarted server lists %d apps of %d after 5 minutes (%v)", r.Apps.TotalCount, apps, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// workspaceRoot is the folder of go.work.
func workspaceRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		return "", errors.New("run weft-bench inside the weft workspace (go env GOWORK is empty)")
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}
