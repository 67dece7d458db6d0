package dns

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	mdns "github.com/miekg/dns"

	"weft.dev/events/clusterstate"
	"weft.dev/kernel/wait"
)

func writeState(t *testing.T, file string, recs ...clusterstate.Record) {
	t.Helper()
	st := map[string]any{"applied": 1, "records": map[string]clusterstate.Record{}}
	for _, r := range recs {
		st["records"].(map[string]clusterstate.Record)[r.ID] = r
	}
	b, _ := json.Marshal(st)
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, file); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return pc.LocalAddr().String()
}

// A CoreDNS built with weft in its plugin.cfg (before hosts) reads a
// Corefile naming the agent's state file: it answers the agent's names,
// follows the file as the agent rewrites it, and passes other names on.
func TestAStockCoreDNSServesTheAgentsStateFileAndFollowsIt(t *testing.T) {
	insertDirective() // what generating a build from plugin.cfg does
	w, h := slices.Index(dnsserver.Directives, PluginName), slices.Index(dnsserver.Directives, "hosts")
	if w < 0 || w > h || w > slices.Index(dnsserver.Directives, "forward") {
		t.Fatalf("weft must come before hosts and forward: %v", dnsserver.Directives)
	}
	file := filepath.Join(t.TempDir(), "state.json")
	writeState(t, file, clusterstate.Record{ID: "a", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}},
		clusterstate.Record{ID: "b", Name: "web.prod.acme.weft.internal", IPs: []string{"100.80.0.2"}})
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	corefile := fmt.Sprintf(".:%s {\n  bind %s\n  weft weft.internal {\n    state %s\n    reload 50ms\n  }\n  hosts {\n    192.0.2.10 other.example\n  }\n}\n", port, host, file)
	inst, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), Filepath: "Corefile", ServerTypeName: "dns"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(); inst.ShutdownCallbacks() }) // Stop alone leaves the plugins running
	a := func(name string) (string, int) {
		m := new(mdns.Msg)
		m.SetQuestion(mdns.Fqdn(name), mdns.TypeA)
		r, _, err := (&mdns.Client{Timeout: 2 * time.Second}).Exchange(m, addr)
		if err != nil {
			t.Fatal(err)
		}
		var ips []string
		for _, rr := range r.Answer {
			ips = append(ips, rr.(*mdns.A).A.String())
		}
		return strings.Join(ips, ","), r.Rcode
	}
	if got, _ := a("api.prod.acme.weft.internal"); got != "100.80.0.1" {
		t.Fatalf("api from the state file: %q", got)
	}
	if got, _ := a("other.example"); got != "192.0.2.10" {
		t.Fatalf("outside the zone, hosts answers: %q", got)
	}
	// The agent moves api and deletes web.
	writeState(t, file, clusterstate.Record{ID: "a", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.9"}})
	wait.For(t, 5*time.Second, func() error {
		api, _ := a("api.prod.acme.weft.internal")
		_, web := a("web.prod.acme.weft.internal")
		if api != "100.80.0.9" || web != mdns.RcodeNameError {
			return fmt.Errorf("the server did not follow the file: api %q, web rcode %d", api, web)
		}
		return nil
	})
}

// A Corefile that names no source, both sources, a missing file or an
// unknown property is refused with the reason.
func TestCorefileMistakesAreRefused(t *testing.T) {
	insertDirective()
	file := filepath.Join(t.TempDir(), "state.json")
	writeState(t, file)
	for _, c := range []struct{ block, want string }{
		{"weft", "name a source"},
		{"weft {\n    state " + file + "\n    table x\n  }", "no table"},
		{"weft {\n    state /nonexistent/state.json\n  }", "nonexistent"},
		{"weft {\n    colour blue\n  }", "unknown property"},
		{"weft {\n    state " + file + "\n    reload soon\n  }", "positive duration"},
	} {
		_, port, _ := net.SplitHostPort(freeAddr(t))
		corefile := fmt.Sprintf(".:%s {\n  bind 127.0.0.1\n  %s\n}\n", port, c.block)
		inst, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), Filepath: "Corefile", ServerTypeName: "dns"})
		if err == nil {
			_ = inst.Stop()
			inst.ShutdownCallbacks()
			t.Errorf("accepted:\n%s", corefile)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want it to say %q", c.block, err, c.want)
		}
	}
}
