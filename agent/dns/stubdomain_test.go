package dns_test

import (
	"fmt"
	"net"
	"testing"

	"github.com/coredns/caddy"
	mdns "github.com/miekg/dns"

	"weft.dev/agent/dns"
	"weft.dev/events/clusterstate"
)

// A cluster's own CoreDNS (the kube-system coredns ConfigMap) resolves
// *.weft.internal for its pods with the stub domain the README's Kubernetes
// section gives: a server block for weft.internal that forwards to the
// agent's DNS, beside the block that answers everything else (here hosts
// stands for the kubernetes plugin). Pods keep cluster.local names, and get
// weft's names from the agent.
func TestAClustersCoreDNSResolvesWeftNamesThroughTheStubDomain(t *testing.T) {
	table := dns.NewTable()
	if err := table.UpsertRecord(clusterstate.Record{ID: "a1", Name: "api.prod.acme.weft.internal", IPs: []string{"100.80.0.1"}}); err != nil {
		t.Fatal(err)
	}
	agent := start(t, table, "")
	port := freePort(t)
	corefile := fmt.Sprintf(`weft.internal:%[1]s {
  bind 127.0.0.1
  forward . %[2]s
}
.:%[1]s {
  bind 127.0.0.1
  hosts {
    10.96.0.10 api.prod.svc.cluster.local
  }
}
`, port, agent.Addr())
	inst, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), Filepath: "Corefile", ServerTypeName: "dns"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = inst.Stop(); inst.ShutdownCallbacks() }) // Stop alone leaves the plugins running
	cluster := net.JoinHostPort("127.0.0.1", port)
	if got := aOf(query(t, cluster, "api.prod.acme.weft.internal", mdns.TypeA)); len(got) != 1 || got[0] != "100.80.0.1" {
		t.Fatalf("weft name through the cluster's CoreDNS: %v, want the agent's 100.80.0.1", got)
	}
	if got := aOf(query(t, cluster, "api.prod.svc.cluster.local", mdns.TypeA)); len(got) != 1 || got[0] != "10.96.0.10" {
		t.Fatalf("in-cluster name: %v", got)
	}
	if r := query(t, cluster, "nope.prod.acme.weft.internal", mdns.TypeA); r.Rcode != mdns.RcodeNameError {
		t.Fatalf("an unknown weft name: rcode %d, want NXDOMAIN from the agent", r.Rcode)
	}
}
