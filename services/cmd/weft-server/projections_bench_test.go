package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"weft.dev/events"
	"weft.dev/events/eventstest"
	"weft.dev/events/projection"
	"weft.dev/kernel/auth"
	"weft.dev/services/accounts"
	acmd "weft.dev/services/accounts/command"
	accrm "weft.dev/services/accounts/readmodel"
	"weft.dev/services/console"
	ccmd "weft.dev/services/console/command"
	cd "weft.dev/services/console/domain"
	conrm "weft.dev/services/console/readmodel"
	"weft.dev/services/infra"
	icmd "weft.dev/services/infra/command"
	infrm "weft.dev/services/infra/readmodel"
	"weft.dev/services/platform"
	"weft.dev/services/uniq"

	accdomain "weft.dev/services/accounts/domain"
	idomain "weft.dev/services/infra/domain"
)

// benchKey is a WireGuard public key of its own for each name (each device
// needs its own): 32 bytes of a hash are a usable Curve25519 point but for
// a chance of about 2^-250.
func benchKey(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// BenchmarkProjections replays a log of mixed events written by the real
// command handlers (teams, members, tokens, clusters, devices, apps,
// intercepts, policies) through every projector weft-server hosts, beside
// the physical limit measured in the same run: a raw ordered-consumer read
// of the same stream. WEFT_BENCH_EVENTS sets the log size (default
// 100,000; the figure is 1,000,000).
//
// Metrics: raw-events/s; <name>-events/s and <name>-ratio for each
// projector alone; all-events/s for all of them at once (each reads the
// whole stream, as in the server) and all-ratio against raw3-events/s, three
// raw readers at once.
func BenchmarkProjections(b *testing.B) {
	target := 100_000
	if v := os.Getenv("WEFT_BENCH_EVENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("WEFT_BENCH_EVENTS: %v", err)
		}
		target = n
	}
	ctx := context.Background()
	env := eventstest.Start(b)
	reg := events.NewRegistry()
	for _, f := range []platform.RegisterFunc{uniq.Register, accdomain.Register, idomain.Register, cd.Register} {
		f(reg)
	}
	store := events.NewStore(env.Conn, reg)
	// The handlers write a realistic log but slowly (each multi-aggregate
	// command is an atomic batch, which a file-store R1 stream stages on
	// disk); beyond 20,000 events the log is grown by copying it under new
	// team names, which gives the projectors the same mix per team.
	total := writeMixedLog(b, ctx, store, min(target, 20_000))
	if uint64(target) > total {
		total = replicateTeams(b, ctx, env.Conn, total, target)
	}
	b.Logf("log: %d events", total)

	log := slog.New(slog.DiscardHandler)
	runners := map[string]func() *projection.Runner{
		accounts.ProjectionName: func() *projection.Runner { return accounts.NewRunner(store, accrm.New(), log) },
		infra.ProjectionName:    func() *projection.Runner { return infra.NewRunner(store, infrm.New(), log) },
		console.ProjectionName:  func() *projection.Runner { return console.NewRunner(store, conrm.New(), log) },
	}
	js, err := jetstream.New(env.Conn)
	if err != nil {
		b.Fatal(err)
	}
	// replay builds the named models from an empty snapshot and returns
	// how long it took until every one had applied the whole log.
	replay := func(names ...string) time.Duration {
		b.StopTimer()
		rs := make([]*projection.Runner, 0, len(names))
		for _, n := range names {
			if err := projection.Drop(ctx, store, n); err != nil {
				b.Fatal(err)
			}
			rs = append(rs, runners[n]())
		}
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := r.Start(ctx); err != nil {
					b.Error(err)
					return
				}
				if err := r.WaitFor(ctx, total); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		b.StopTimer()
		for _, r := range rs {
			if err := r.Err(); err != nil {
				b.Fatalf("%s: %v", r.Name(), err)
			}
			_ = r.Stop(ctx)
		}
		b.StartTimer()
		return took
	}
	raw := func() time.Duration {
		start := time.Now()
		cons, err := js.OrderedConsumer(ctx, events.StreamName, jetstream.OrderedConsumerConfig{})
		if err != nil {
			b.Fatal(err)
		}
		it, err := cons.Messages(jetstream.PullMaxMessages(4096))
		if err != nil {
			b.Fatal(err)
		}
		for range total {
			if _, err := it.Next(); err != nil {
				b.Fatal(err)
			}
		}
		it.Stop()
		return time.Since(start)
	}

	// rawN reads the stream with n ordered consumers at once: the
	// physical limit for n projectors, which each read the whole stream.
	rawN := func(n int) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				raw()
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	names := []string{accounts.ProjectionName, infra.ProjectionName, console.ProjectionName}
	var tRaw, tRawAll, tAll time.Duration
	tEach := map[string]time.Duration{}
	runs := 0
	for b.Loop() {
		tRaw += raw()
		tRawAll += rawN(len(names))
		for _, n := range names {
			tEach[n] += replay(n)
		}
		tAll += replay(names...)
		runs++
	}
	rate := func(d time.Duration) float64 { return float64(runs) * float64(total) / d.Seconds() }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(rate(tRaw), "raw-events/s")
	for _, n := range names {
		b.ReportMetric(rate(tEach[n]), n+"-events/s")
		b.ReportMetric(rate(tEach[n])/rate(tRaw), n+"-ratio")
	}
	b.ReportMetric(rate(tRawAll), "raw3-events/s")
	b.ReportMetric(rate(tAll), "all-events/s")
	b.ReportMetric(rate(tAll)/rate(tRawAll), "all-ratio")
}

// writeMixedLog drives the command handlers over 16 teams in parallel until
// the log holds about n events, and returns its last sequence.
func writeMixedLog(b testing.TB, ctx context.Context, store *events.Store, n int) uint64 {
	acc := acmd.New(store)
	inf := icmd.New(store)
	con := ccmd.New(store, nil) // DeleteEnv, the one user of the directory, is not driven here
	sys := auth.SystemPrincipal("bench")
	const teams = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	var last uint64
	must := func(seq uint64, err error) bool {
		if err != nil {
			b.Error(err)
			return false
		}
		mu.Lock()
		last = max(last, seq)
		mu.Unlock()
		return true
	}
	perTeam := n / teams
	for t := range teams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			team := fmt.Sprintf("team-%d", t)
			u, err := acc.CreateUser(ctx, sys, acmd.CreateUserInput{Username: "owner-" + team, DisplayName: "Owner of " + team})
			if !must(u.Seq, err) {
				return
			}
			r, err := acc.CreateTeam(ctx, sys, acmd.CreateTeamInput{Slug: team, DisplayName: "Team " + team, Owner: u.Object.ID})
			if !must(r.Seq, err) {
				return
			}
			p := auth.Principal{UserID: u.Object.ID, Team: team, Role: auth.Owner}
			start := r.Seq
			cl, err := inf.CreateCluster(ctx, p, icmd.CreateClusterInput{Team: team, Name: "c1"})
			if !must(cl.Seq, err) {
				return
			}
			env, err := con.CreateEnv(ctx, p, ccmd.CreateEnvInput{Team: team, Name: "prod", ClusterID: cl.Object.ID})
			if !must(env.Seq, err) {
				return
			}
			spec := cd.Spec{Ports: []cd.Port{{Port: 80, Protocol: cd.TCP}}, Backends: []string{"10.0.0.1:8080"}}
			for i := 0; ; i++ {
				mu.Lock()
				done := last-start >= uint64(perTeam)*uint64(teams)
				mu.Unlock()
				if done {
					return
				}
				name := fmt.Sprintf("d%d", i)
				d, err := inf.CreateDevice(ctx, p, icmd.CreateDeviceInput{Team: team, Name: name, PublicKey: benchKey(team + "/" + name)})
				if !must(d.Seq, err) {
					return
				}
				app, err := con.CreateApp(ctx, p, ccmd.CreateAppInput{Team: team, Env: "prod", Name: "app-" + name, Spec: spec})
				if !must(app.Seq, err) {
					return
				}
				ic, err := con.StartIntercept(ctx, p, ccmd.StartInterceptInput{Team: team, AppID: app.Object.ID, Port: 80, DeviceID: d.Object.ID})
				if !must(ic.Seq, err) {
					return
				}
				if i%4 == 0 {
					pol, err := con.CreatePolicy(ctx, p, ccmd.CreatePolicyInput{Team: team, Name: "deny-" + name, Rule: cd.Rule{Action: cd.Deny, Priority: 10,
						Sources: []cd.Subject{{Kind: cd.SubjectDevice, ID: d.Object.ID}}, Targets: []cd.Subject{{Kind: cd.SubjectApp, ID: app.Object.ID}}}})
					if !must(pol.Seq, err) {
						return
					}
				}
				if i%2 == 0 {
					st, err := con.StopIntercept(ctx, p, team, ic.Object.ID)
					if !must(st.Seq, err) {
						return
					}
					da, err := con.DeleteApp(ctx, p, team, app.Object.ID)
					if !must(da.Seq, err) {
						return
					}
					dd, err := inf.DeleteDevice(ctx, p, icmd.DeviceInput{Team: team, ID: d.Object.ID})
					if !must(dd.Seq, err) {
						return
					}
				}
				if i%8 == 0 {
					tk, err := acc.CreateToken(ctx, p, acmd.CreateTokenInput{Name: name})
					if !must(tk.Seq, err) {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return last
}

// replicateTeams copies the team events of the first n sequences under new
// team names (team-3 becomes team-3-r1, team-3-r2, ...) until the stream
// holds target events, and returns the last sequence. Team-less events
// (users) are not copied.
func replicateTeams(b *testing.B, ctx context.Context, nc *nats.Conn, n uint64, target int) uint64 {
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	var tmpl []jetstream.RawStreamMsg
	st, err := js.Stream(ctx, events.StreamName)
	if err != nil {
		b.Fatal(err)
	}
	for seq := uint64(1); seq <= n; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			b.Fatal(err)
		}
		if team, _, err := events.ParseSubject(m.Subject); err == nil && team != "_" && team != "" {
			tmpl = append(tmpl, *m)
		}
	}
	if len(tmpl) == 0 {
		b.Fatal("no team events to replicate")
	}
	total := n
	for r := 1; total < uint64(target); r++ {
		suffix := fmt.Sprintf("-r%d", r)
		for _, m := range tmpl {
			team, agg, _ := events.ParseSubject(m.Subject)
			out := nats.NewMsg(events.Subject(team+suffix, agg))
			// Only weft's own headers: the stored ones include the original
			// expected-sequence and batch headers, which must not apply.
			out.Header.Set(events.HeaderEventType, m.Header.Get(events.HeaderEventType))
			out.Header.Set(events.HeaderMsgID, m.Header.Get(events.HeaderMsgID)+suffix)
			out.Data = bytes.Replace(m.Data, []byte(`"team":"`+team+`"`), []byte(`"team":"`+team+suffix+`"`), 1)
			if _, err := js.PublishMsgAsync(out); err != nil {
				b.Fatal(err)
			}
			total++
			// Keep the window under the client's limit of pending acks.
			if total%2000 == 0 {
				waitAcks(b, js)
			}
		}
		waitAcks(b, js)
	}
	last, err := st.Info(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return last.State.LastSeq
}

func waitAcks(b *testing.B, js jetstream.JetStream) {
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		b.Fatal("replicated events not acknowledged within a minute")
	}
}
