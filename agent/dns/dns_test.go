package dns_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"weft.dev/agent/dns"
	"weft.dev/events/clusterstate"
)

func freePort(t testing.TB) string {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if pc, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			pc.Close()
			return fmt.Sprint(port)
		}
	}
	t.Fatal("no free port")
	return ""
}

func start(t testing.TB, table *dns.Table, extra string) *dns.Server {
	t.Helper()
	s, err := dns.Start(dns.Config{Listen: net.JoinHostPort("127.0.0.1", freePort(t)), Table: table, Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

func query(t testing.TB, addr, name string, qtype uint16) *mdns.Msg {
	t.Helper()
	m := new(mdns.Msg)
	m.SetQuestion(mdns.Fqdn(name), qtype)
	c := &mdns.Client{Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s: %v", name, err)
	}
	return r
}

func aOf(r *mdns.Msg) []string {
	var out []string
	for _, rr := range r.Answer {
		if a, ok := rr.(*mdns.A); ok {
			out = append(out, a.A.String())
		}
	}
	return out
}

func TestNamesResolveUpdateAndDisappearThroughARealCoreDNS(t *testing.T) {
	table := dns.NewTable()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(table.UpsertRecord(clusterstate.Record{ID: "app1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}}))
	must(table.UpsertRecord(clusterstate.Record{ID: "app2", Name: "web.prod.globex.weft.internal", IPs: []string{"100.80.16.1"}}))
	s := start(t, table, "  hosts {\n    192.0.2.10 other.example\n  }")

	if got := aOf(query(t, s.Addr(), "api.prod.acme.weft.internal", mdns.TypeA)); len(got) != 1 || got[0] != "100.80.0.1" {
		t.Fatalf("A api = %v", got)
	}
	if got := aOf(query(t, s.Addr(), "API.Prod.ACME.weft.internal", mdns.TypeA)); len(got) != 1 {
		t.Fatalf("names are case-insensitive: %v", got)
	}
	if got := aOf(query(t, s.Addr(), "web.prod.globex.weft.internal", mdns.TypeA)); len(got) != 1 || got[0] != "100.80.16.1" {
		t.Fatalf("a second team's name: %v", got)
	}
	// Changing the record's name and address.
	must(table.UpsertRecord(clusterstate.Record{ID: "app1", Name: "api2.prod.acme.weft.internal", IPs: []string{"100.80.0.9"}}))
	if r := query(t, s.Addr(), "api.prod.acme.weft.internal", mdns.TypeA); r.Rcode != mdns.RcodeNameError {
		t.Fatalf("the old name still answers: %v", r)
	}
	if got := aOf(query(t, s.Addr(), "api2.prod.acme.weft.internal", mdns.TypeA)); len(got) != 1 || got[0] != "100.80.0.9" {
		t.Fatalf("renamed: %v", got)
	}
	// Deleted: NXDOMAIN with the zone's SOA.
	must(table.DeleteRecord("app1"))
	r := query(t, s.Addr(), "api2.prod.acme.weft.internal", mdns.TypeA)
	if r.Rcode != mdns.RcodeNameError || len(r.Ns) != 1 || r.Ns[0].Header().Rrtype != mdns.TypeSOA {
		t.Fatalf("deleted name: %v", r)
	}
	// Known name, other type: NODATA.
	if r := query(t, s.Addr(), "web.prod.globex.weft.internal", mdns.TypeAAAA); r.Rcode != mdns.RcodeSuccess || len(r.Answer) != 0 || len(r.Ns) != 1 {
		t.Fatalf("AAAA of a v4-only name: %v", r)
	}
	// The zone apex has SOA and NS.
	if r := query(t, s.Addr(), "weft.internal", mdns.TypeSOA); len(r.Answer) != 1 {
		t.Fatalf("SOA: %v", r)
	}
	// Reverse lookups of mesh addresses.
	if r := query(t, s.Addr(), "1.16.80.100.in-addr.arpa", mdns.TypePTR); len(r.Answer) != 1 || r.Answer[0].(*mdns.PTR).Ptr != "web.prod.globex.weft.internal." {
		t.Fatalf("PTR: %v", r)
	}
	// Outside the zone: the next plugin answers.
	if got := aOf(query(t, s.Addr(), "other.example", mdns.TypeA)); len(got) != 1 || got[0] != "192.0.2.10" {
		t.Fatalf("fall through to hosts: %v", got)
	}
	if err := table.UpsertRecord(clusterstate.Record{ID: "x", Name: "x.weft.internal", IPs: []string{"not-an-ip"}}); err == nil {
		t.Fatal("a bad address was accepted")
	}
}

// An agent's resolver is a device's only one while wg-quick's DNS line
// holds: names outside the zone go on to the host's resolvers (here
// another CoreDNS) through the forward plugin.
func TestNamesOutsideTheZoneAreForwarded(t *testing.T) {
	upstream := start(t, dns.NewTable(), "  hosts {\n    192.0.2.10 other.example\n  }")
	table := dns.NewTable()
	if err := table.UpsertRecord(clusterstate.Record{ID: "app1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}}); err != nil {
		t.Fatal(err)
	}
	s := start(t, table, "  forward . "+upstream.Addr())
	if got := aOf(query(t, s.Addr(), "other.example", mdns.TypeA)); len(got) != 1 || got[0] != "192.0.2.10" {
		t.Fatalf("other.example through the forwarder: %v", got)
	}
	if got := aOf(query(t, s.Addr(), "api.prod.acme.weft.internal", mdns.TypeA)); len(got) != 1 || got[0] != "100.80.0.1" {
		t.Fatalf("the zone's own name: %v", got)
	}
	if r := query(t, s.Addr(), "nope.prod.acme.weft.internal", mdns.TypeA); r.Rcode != mdns.RcodeNameError {
		t.Fatalf("an unknown name in the zone is forwarded instead of NXDOMAIN: %v", r)
	}
}

func TestQueriesDuringUpdatesGetWholeAnswers(t *testing.T) {
	table := dns.NewTable()
	s := start(t, table, "")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			_ = table.UpsertRecord(clusterstate.Record{ID: "a", Name: "a.acme.weft.internal", IPs: []string{fmt.Sprintf("100.64.%d.%d", i%200, 1+i%250), "100.65.0.1"}})
		}
	}()
	for range 200 {
		r := query(t, s.Addr(), "a.acme.weft.internal", mdns.TypeA)
		if r.Rcode == mdns.RcodeSuccess && len(r.Answer) != 0 && len(r.Answer) != 2 {
			t.Fatalf("torn answer: %v", r.Answer)
		}
	}
	close(stop)
	wg.Wait()
}

// BenchmarkPluginVersusHosts serves the same 10,000 names from the weft
// plugin and from CoreDNS's hosts plugin, each through a real CoreDNS over
// UDP loopback with 16 concurrent clients, in the same run.
func BenchmarkPluginVersusHosts(b *testing.B) {
	const names = 10_000
	table := dns.NewTable()
	var hosts []byte
	hosts = append(hosts, "  hosts {\n"...)
	for i := range names {
		ip := fmt.Sprintf("100.80.%d.%d", i/250, 1+i%250)
		_ = table.UpsertRecord(clusterstate.Record{ID: fmt.Sprint(i), Name: fmt.Sprintf("app-%d.prod.acme.weft.internal", i), IPs: []string{ip}})
		hosts = append(hosts, fmt.Sprintf("    %s app-%d.prod.acme.example\n", ip, i)...)
	}
	hosts = append(hosts, "  }"...)
	s := start(b, table, string(hosts))
	run := func(suffix string, n int) time.Duration {
		var wg sync.WaitGroup
		per := n / 16
		start := time.Now()
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &mdns.Client{Timeout: 2 * time.Second}
				conn, err := c.Dial(s.Addr())
				if err != nil {
					b.Error(err)
					return
				}
				defer conn.Close()
				for i := range per {
					m := new(mdns.Msg)
					m.SetQuestion(fmt.Sprintf("app-%d.prod.acme.%s.", (w*per+i)%names, suffix), mdns.TypeA)
					if _, _, err := c.ExchangeWithConn(m, conn); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	var tWeft, tHosts time.Duration
	n := 0
	for b.Loop() {
		tHosts += run("example", 16000)
		tWeft += run("weft.internal", 16000)
		n += 16000
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(n)/tWeft.Seconds(), "weft-qps")
	b.ReportMetric(float64(n)/tHosts.Seconds(), "hosts-qps")
	b.ReportMetric(tHosts.Seconds()/tWeft.Seconds(), "ratio")
}

// BenchmarkPluginVersusHostsWithDNSPerf is the same comparison driven by
// dnsperf, the standard DNS load generator, as a separate process: each
// side gets -l seconds (WEFT_DNSPERF_SECONDS, default 5) of queries over its
// 10,000 names, hosts first then weft, in the same run.
func BenchmarkPluginVersusHostsWithDNSPerf(b *testing.B) {
	if _, err := exec.LookPath("dnsperf"); err != nil {
		b.Skip("dnsperf is not installed (go tool task deps installs it)")
	}
	const names = 10_000
	table := dns.NewTable()
	var hosts, qWeft, qHosts strings.Builder
	hosts.WriteString("  hosts {\n")
	for i := range names {
		ip := fmt.Sprintf("100.80.%d.%d", i/250, 1+i%250)
		_ = table.UpsertRecord(clusterstate.Record{ID: fmt.Sprint(i), Name: fmt.Sprintf("app-%d.prod.acme.weft.internal", i), IPs: []string{ip}})
		fmt.Fprintf(&hosts, "    %s app-%d.prod.acme.example\n", ip, i)
		fmt.Fprintf(&qWeft, "app-%d.prod.acme.weft.internal A\n", i)
		fmt.Fprintf(&qHosts, "app-%d.prod.acme.example A\n", i)
	}
	hosts.WriteString("  }")
	s := start(b, table, hosts.String())
	dir := b.TempDir()
	files := map[string]string{"weft": filepath.Join(dir, "weft.txt"), "hosts": filepath.Join(dir, "hosts.txt")}
	_ = os.WriteFile(files["weft"], []byte(qWeft.String()), 0o600)
	_ = os.WriteFile(files["hosts"], []byte(qHosts.String()), 0o600)
	secs := os.Getenv("WEFT_DNSPERF_SECONDS")
	if secs == "" {
		secs = "5"
	}
	host, port, _ := net.SplitHostPort(s.Addr())
	qpsRe := regexp.MustCompile(`Queries per second:\s+([0-9.]+)`)
	lostRe := regexp.MustCompile(`Queries lost:\s+(\d+)`)
	perf := func(which string) float64 {
		out, err := exec.Command("dnsperf", "-s", host, "-p", port, "-d", files[which], "-l", secs, "-c", "4", "-q", "64").CombinedOutput()
		if err != nil {
			b.Fatalf("dnsperf: %v\n%s", err, out)
		}
		m := qpsRe.FindSubmatch(out)
		if m == nil {
			b.Fatalf("dnsperf printed no QPS:\n%s", out)
		}
		if l := lostRe.FindSubmatch(out); l != nil && string(l[1]) != "0" {
			b.Logf("dnsperf %s lost %s queries", which, l[1])
		}
		qps, _ := strconv.ParseFloat(string(m[1]), 64)
		return qps
	}
	var w, h float64
	for b.Loop() {
		h += perf("hosts")
		w += perf("weft")
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(w/float64(b.N), "weft-qps")
	b.ReportMetric(h/float64(b.N), "hosts-qps")
	b.ReportMetric(w/h, "ratio")
}

// The plugin answers (or passes on) any query without failing: random
// names, types and classes through a real server.
func FuzzPluginAnswersAnyQuery(f *testing.F) {
	table := dns.NewTable()
	_ = table.UpsertRecord(clusterstate.Record{ID: "a", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}})
	s := start(f, table, "")
	f.Add("api.prod.acme.weft.internal", uint16(mdns.TypeA))
	f.Add("1.0.80.100.in-addr.arpa", uint16(mdns.TypePTR))
	f.Add("weft.internal", uint16(mdns.TypeSOA))
	f.Add("x.y.z", uint16(mdns.TypeANY))
	f.Fuzz(func(t *testing.T, name string, qtype uint16) {
		if _, ok := mdns.IsDomainName(name); !ok || len(name) > 200 {
			return
		}
		m := new(mdns.Msg)
		m.SetQuestion(mdns.Fqdn(name), qtype)
		if _, err := m.Pack(); err != nil {
			return // not a query a client can send
		}
		c := &mdns.Client{Timeout: 2 * time.Second}
		r, _, err := c.Exchange(m, s.Addr())
		if err != nil {
			t.Fatalf("%q type %d: %v", name, qtype, err)
		}
		if r.Rcode == mdns.RcodeServerFailure && mdns.IsSubDomain("weft.internal.", strings.ToLower(mdns.Fqdn(name))) {
			t.Fatalf("%q type %d: SERVFAIL inside the zone", name, qtype)
		}
	})
}

// An app's ports are SRV records, by number and (for HTTP) by name, with the
// app's address as additional data; an SRV name of no port does not exist.
func TestAppPortsAnswerSRVByNumberAndName(t *testing.T) {
	table := dns.NewTable()
	if err := table.UpsertRecord(clusterstate.Record{ID: "app1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"},
		Ports: []clusterstate.Port{{Port: 8080, Protocol: "tcp", Name: "http"}, {Port: 53, Protocol: "udp"}}}); err != nil {
		t.Fatal(err)
	}
	s := start(t, table, "")
	for _, c := range []struct {
		name string
		port uint16
	}{{"_8080._tcp.api.prod.acme.weft.internal", 8080}, {"_http._tcp.api.prod.acme.weft.internal", 8080}, {"_53._udp.api.prod.acme.weft.internal", 53}} {
		r := query(t, s.Addr(), c.name, mdns.TypeSRV)
		if len(r.Answer) != 1 {
			t.Fatalf("SRV %s: %v", c.name, r)
		}
		srv := r.Answer[0].(*mdns.SRV)
		if srv.Port != c.port || srv.Target != "api.prod.acme.weft.internal." {
			t.Errorf("SRV %s = %d %s", c.name, srv.Port, srv.Target)
		}
		if len(r.Extra) != 1 || r.Extra[0].(*mdns.A).A.String() != "100.80.0.1" {
			t.Errorf("SRV %s carries no address: %v", c.name, r.Extra)
		}
	}
	for _, name := range []string{"_53._tcp.api.prod.acme.weft.internal", "_9._tcp.api.prod.acme.weft.internal", "_80._tcp.nope.prod.acme.weft.internal"} {
		if r := query(t, s.Addr(), name, mdns.TypeSRV); r.Rcode != mdns.RcodeNameError {
			t.Errorf("SRV %s: %v, want NXDOMAIN", name, r)
		}
	}
	if r := query(t, s.Addr(), "_8080._tcp.api.prod.acme.weft.internal", mdns.TypeA); r.Rcode != mdns.RcodeSuccess || len(r.Answer) != 0 {
		t.Errorf("A of an SRV name: %v, want NODATA", r)
	}
	if err := table.UpsertRecord(clusterstate.Record{ID: "bad", Name: "bad.weft.internal", IPs: []string{"100.80.0.2"},
		Ports: []clusterstate.Port{{Port: 0, Protocol: "tcp"}}}); err == nil {
		t.Error("port 0 was accepted")
	}
}

// dig, a stock resolver tool, gets the answers the plugin promises: A, PTR,
// SRV, SOA and NXDOMAIN.
func TestDigGetsAPTRSRVSOAAndNXDOMAIN(t *testing.T) {
	if _, err := exec.LookPath("dig"); err != nil {
		t.Skip("dig is not installed (go tool task deps installs it)")
	}
	table := dns.NewTable()
	if err := table.UpsertRecord(clusterstate.Record{ID: "app1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.7"},
		Ports: []clusterstate.Port{{Port: 443, Protocol: "tcp"}}}); err != nil {
		t.Fatal(err)
	}
	s := start(t, table, "")
	host, port, _ := net.SplitHostPort(s.Addr())
	dig := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("dig", append([]string{"@" + host, "-p", port, "+time=2", "+tries=1"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("dig %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	short := func(args ...string) string { return strings.TrimSpace(dig(append(args, "+short")...)) }
	if got := short("api.prod.acme.weft.internal", "A"); got != "100.80.0.7" {
		t.Errorf("A: %q", got)
	}
	if got := short("-x", "100.80.0.7"); got != "api.prod.acme.weft.internal." {
		t.Errorf("PTR: %q", got)
	}
	if got := short("_443._tcp.api.prod.acme.weft.internal", "SRV"); got != "0 100 443 api.prod.acme.weft.internal." {
		t.Errorf("SRV: %q", got)
	}
	if got := short("weft.internal", "SOA"); !strings.HasPrefix(got, "ns.weft.internal. hostmaster.weft.internal. ") {
		t.Errorf("SOA: %q", got)
	}
	if got := dig("nope.prod.acme.weft.internal", "A"); !strings.Contains(got, "status: NXDOMAIN") || !strings.Contains(got, "flags: qr aa") {
		t.Errorf("unknown name:\n%s", got)
	}
}

// The TTL a record asks for (the message office sets it) is the TTL of its
// A, SRV and PTR answers; a record without one gets DefaultTTL.
func TestAnswersCarryTheRecordsTTL(t *testing.T) {
	table := dns.NewTable()
	for _, r := range []clusterstate.Record{
		{ID: "a", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}, TTL: 120, Ports: []clusterstate.Port{{Port: 80, Protocol: "tcp"}}},
		{ID: "b", Name: "db.prod.acme.weft.internal", IPs: []string{"100.80.0.2"}},
	} {
		if err := table.UpsertRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	s := start(t, table, "")
	for _, c := range []struct {
		name  string
		qtype uint16
		ttl   uint32
	}{
		{"api.prod.acme.weft.internal", mdns.TypeA, 120},
		{"_80._tcp.api.prod.acme.weft.internal", mdns.TypeSRV, 120},
		{"1.0.80.100.in-addr.arpa", mdns.TypePTR, 120},
		{"db.prod.acme.weft.internal", mdns.TypeA, dns.DefaultTTL},
	} {
		r := query(t, s.Addr(), c.name, c.qtype)
		if len(r.Answer) == 0 {
			t.Fatalf("%s: no answer: %v", c.name, r)
		}
		if got := r.Answer[0].Header().Ttl; got != c.ttl {
			t.Errorf("%s %s: TTL %d, want %d", c.name, mdns.TypeToString[c.qtype], got, c.ttl)
		}
	}
}

// A table serving several teams (weft-server's public DNS) answers a
// reverse lookup only for an address one team holds, and only while
// reverse answers are on; a team's own table (records without an owner)
// answers its addresses whatever else it holds.
func TestReverseLookupsAnswerOnlyAddressesOneTeamHoldsAndOnlyWhenOn(t *testing.T) {
	table := dns.NewTable()
	s := start(t, table, "")
	ptr := func(name string) string {
		t.Helper()
		r := query(t, s.Addr(), name, mdns.TypePTR)
		if len(r.Answer) == 0 {
			return ""
		}
		return r.Answer[0].(*mdns.PTR).Ptr
	}
	for _, r := range []clusterstate.Record{
		{ID: "a1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}, Owner: "acme"},
		{ID: "g1", Name: "web.prod.globex.weft.internal", IPs: []string{"100.80.0.1"}, Owner: "globex"},
		{ID: "a2", Name: "db.prod.acme.weft.internal", IPs: []string{"100.80.0.2"}, Owner: "acme"},
		{ID: "a3", Name: "eu-1.acme.weft.internal", IPs: []string{"100.64.0.1"}, Owner: "acme"},
		{ID: "a4", Name: "gw.eu-1.acme.weft.internal", IPs: []string{"100.64.0.1"}, Owner: "acme"},
	} {
		if err := table.UpsertRecord(r); err != nil {
			t.Fatal(err)
		}
	}
	if got := ptr("1.0.80.100.in-addr.arpa"); got != "" {
		t.Errorf("an address two teams hold answered %q; want no answer", got)
	}
	if got := ptr("2.0.80.100.in-addr.arpa"); got != "db.prod.acme.weft.internal." {
		t.Errorf("an address one team holds: %q", got)
	}
	if got := ptr("1.0.64.100.in-addr.arpa"); got != "eu-1.acme.weft.internal." {
		t.Errorf("two names of one team: %q; want the first", got)
	}
	// globex's app goes: the address is acme's alone again.
	if err := table.DeleteRecord("g1"); err != nil {
		t.Fatal(err)
	}
	if got := ptr("1.0.80.100.in-addr.arpa"); got != "api.prod.acme.weft.internal." {
		t.Errorf("after the other team's name went: %q", got)
	}
	table.SetReverse(false)
	if got := ptr("2.0.80.100.in-addr.arpa"); got != "" {
		t.Errorf("reverse answers off, but %q", got)
	}
	if got := aOf(query(t, s.Addr(), "db.prod.acme.weft.internal", mdns.TypeA)); len(got) != 1 {
		t.Errorf("forward lookups stay on: %v", got)
	}
}
